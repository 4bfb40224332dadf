"""The keyword vocabularies (`target_groups.yaml`, `themes.yaml`): loaded, checked and indexed.

Each vocabulary file lists, per language, keywords that are evidence for one contract code
(a target group or a theme), with the Snowball stemmer that language uses. `categorise.py`
reads initiatives with them.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import get_args

import snowballstemmer
import yaml

from pipeline.lexicon import LexiconError
from pipeline.models import TargetGroup, Theme

LEXICON_DIR = Path(__file__).resolve().parent.parent / "lexicon"

# The contract vocabulary each lexicon file must cover, by the file's `vocabulary:` name.
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "target_groups": get_args(TargetGroup),
    "themes": get_args(Theme),
}

WORD_RE = re.compile(r"[^\W\d_]+")
MAX_SEEN_WORDS = 200_000  # words whose keyword candidates are kept per language


@dataclass(frozen=True)
class Part:
    """One word of a keyword: its literal core, how it matches, and the core's stem."""

    core: str
    mode: str  # exact | stem | prefix | infix | head
    stem: str


@dataclass(frozen=True)
class Keyword:
    """A keyword or phrase that is evidence for one code."""

    code: str
    text: str
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class KeywordIndex:
    """One language's keywords, looked up by how their first word matches."""

    exact: dict[str, tuple[Keyword, ...]]
    stem: dict[str, tuple[Keyword, ...]]
    prefix: dict[str, tuple[Keyword, ...]]
    scan: tuple[Keyword, ...]  # infix and compound-head keywords, tried on every word
    # candidates found so far, by word: text repeats its words; emptied when full
    seen: dict[str, tuple[Keyword, ...]] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Lexicon:
    """One vocabulary's keywords per language, with each language's stemmer and fallbacks."""

    name: str
    codes: tuple[str, ...]
    actor_codes: frozenset[str]
    stemmers: dict[str, str | None]
    also: dict[str, tuple[str, ...]]
    aliases: dict[str, str]
    keywords: dict[str, tuple[Keyword, ...]]
    index: dict[str, KeywordIndex]




_STEMMERS = threading.local()  # a Snowball stemmer keeps state while it stems: one per thread


def get_stemmer(algorithm: str):
    """Return this thread's Snowball stemmer for an algorithm name."""
    stemmers = _STEMMERS.__dict__.setdefault("by_algorithm", {})
    if algorithm not in stemmers:
        stemmers[algorithm] = snowballstemmer.stemmer(algorithm)
    return stemmers[algorithm]


@lru_cache(maxsize=200_000)
def stem_word(word: str, algorithm: str | None) -> str:
    """Return a lower-case word's stem, or the word itself when there is no stemmer."""
    return get_stemmer(algorithm).stemWord(word) if algorithm else word


def parse_part(text: str, algorithm: str | None) -> Part:
    """Read one keyword word with its `*` / `=` markers."""
    if text.startswith("="):
        core, mode = text[1:], "exact"
    else:
        head, tail = text.startswith("*"), text.endswith("*")
        core = text.strip("*")
        mode = {(False, False): "stem", (False, True): "prefix",
                (True, True): "infix", (True, False): "head"}[(head, tail)]
    if not core or not WORD_RE.fullmatch(core):
        raise ValueError(f"bad keyword part {text!r}")
    stem = stem_word(core, algorithm) if mode in ("stem", "head") else core
    return Part(core=core, mode=mode, stem=stem)


def parse_keyword(text: str, code: str, algorithm: str | None) -> Keyword:
    """Read a keyword or phrase; hyphens and other punctuation separate words as in text."""
    words = re.split(r"[^\w*=]+", text.lower())
    parts = tuple(parse_part(word, algorithm) for word in words if word)
    if not parts:
        raise ValueError(f"empty keyword {text!r}")
    return Keyword(code=code, text=text, parts=parts)


def make_error(path: Path, message: str) -> LexiconError:
    """Build a lexicon error that names the file."""
    return LexiconError(f"{path}: {message}")


def validate_languages(data: dict, path: Path) -> None:
    """Check the `languages:` and `aliases:` tables."""
    languages = data.get("languages")
    if not isinstance(languages, dict) or not languages:
        raise make_error(path, "`languages` must map language codes to {stemmer, also}")
    known = set(snowballstemmer.algorithms())
    for lang, spec in languages.items():
        if not isinstance(spec, dict) or set(spec) - {"stemmer", "also"}:
            raise make_error(path, f"language {lang!r} must be {{stemmer: ..., also: [...]}}")
        if spec.get("stemmer") is not None and spec["stemmer"] not in known:
            raise make_error(path, f"language {lang!r}: unknown stemmer {spec['stemmer']!r}")
        for other in spec.get("also") or []:
            if other not in languages or other == lang:
                raise make_error(path, f"language {lang!r}: `also` names unknown {other!r}")
    for alias, lang in (data.get("aliases") or {}).items():
        if lang not in languages:
            raise make_error(path, f"alias {alias!r} points to unknown language {lang!r}")


def validate_codes(data: dict, path: Path) -> None:
    """Check that `codes:` covers exactly the vocabulary, in known languages, as lists."""
    vocabulary = VOCABULARIES.get(data.get("vocabulary"))
    if vocabulary is None:
        raise make_error(path, f"`vocabulary` must be one of {sorted(VOCABULARIES)}")
    codes = data.get("codes")
    if not isinstance(codes, dict):
        raise make_error(path, "`codes` must map each code to keywords per language")
    unknown = [code for code in codes if code not in vocabulary]
    if unknown:
        raise make_error(path, f"unknown codes {unknown}; the vocabulary is {list(vocabulary)}")
    missing = [code for code in vocabulary if code not in codes]
    if missing:
        raise make_error(path, f"no keywords for codes {missing}")
    actors = data.get("actor_codes") or []
    if not isinstance(actors, list) or any(code not in vocabulary for code in actors):
        raise make_error(path, f"`actor_codes` must list codes of the vocabulary, got {actors!r}")
    for code, by_lang in codes.items():
        if not isinstance(by_lang, dict):
            raise make_error(path, f"code {code!r} must map languages to keyword lists")
        for lang, words in by_lang.items():
            if lang not in data["languages"]:
                raise make_error(path, f"code {code!r}: unknown language {lang!r}")
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                raise make_error(path, f"code {code!r}, {lang!r}: keywords must be strings")


def build_lexicon(data: dict, path: Path) -> Lexicon:
    """Validate a parsed lexicon file and compile its keywords."""
    if not isinstance(data, dict):
        raise make_error(path, "expected a mapping at the top level")
    validate_languages(data, path)
    validate_codes(data, path)
    stemmers = {lang: spec.get("stemmer") for lang, spec in data["languages"].items()}
    keywords: dict[str, list[Keyword]] = {lang: [] for lang in stemmers}
    for code, by_lang in data["codes"].items():
        for lang, words in by_lang.items():
            for word in words:
                try:
                    keywords[lang].append(parse_keyword(word, code, stemmers[lang]))
                except ValueError as error:
                    raise make_error(path, f"code {code!r}, language {lang!r}: {error}") from None
    return Lexicon(
        name=data["vocabulary"],
        codes=VOCABULARIES[data["vocabulary"]],
        actor_codes=frozenset(data.get("actor_codes") or ()),
        stemmers=stemmers,
        also={lang: tuple(spec.get("also") or ()) for lang, spec in data["languages"].items()},
        aliases={str(k).lower(): v for k, v in (data.get("aliases") or {}).items()},
        keywords={lang: tuple(found) for lang, found in keywords.items()},
        index={lang: index_keywords(found) for lang, found in keywords.items()},
    )


def index_keywords(keywords: list[Keyword]) -> KeywordIndex:
    """Group keywords by their first word so each text word is tried against few of them."""
    exact, stem, prefix = defaultdict(list), defaultdict(list), defaultdict(list)
    scan = []
    for keyword in keywords:
        first = keyword.parts[0]
        if first.mode == "exact":
            exact[first.core].append(keyword)
        elif first.mode == "stem":
            stem[first.stem].append(keyword)
        elif first.mode == "prefix":
            prefix[first.core].append(keyword)
        else:
            scan.append(keyword)
    freeze = lambda table: {key: tuple(found) for key, found in table.items()}  # noqa: E731
    return KeywordIndex(freeze(exact), freeze(stem), freeze(prefix), tuple(scan))


def find_candidates(word: str, index: KeywordIndex, algorithm: str | None) -> tuple[Keyword, ...]:
    """Return the keywords whose first word could match `word` (once per distinct word)."""
    found = index.seen.get(word)
    if found is None:
        if len(index.seen) >= MAX_SEEN_WORDS:
            index.seen.clear()
        found = index.seen[word] = tuple(collect_candidates(word, index, algorithm))
    return found


def collect_candidates(word: str, index: KeywordIndex, algorithm: str | None) -> list[Keyword]:
    """The keywords whose first word could match `word`, by exact word, stem, prefix or scan."""
    found = [*index.exact.get(word, ()), *index.stem.get(stem_word(word, algorithm), ())]
    for end in range(1, len(word) + 1):
        found += index.prefix.get(word[:end], ())
    # A cheap substring test rules out most infix and compound-head keywords.
    found += [keyword for keyword in index.scan if keyword.parts[0].stem in word]
    return found


@lru_cache(maxsize=None)
def load_lexicon(name: str, directory: Path = LEXICON_DIR) -> Lexicon:
    """Load and validate `<name>.yaml` once."""
    path = Path(directory) / f"{name}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise make_error(path, f"cannot read lexicon: {error}") from None
    return build_lexicon(data, path)


def resolve_language(lang: str | None, lexicon: Lexicon) -> str | None:
    """Map a detected language code (`sv`, `no`, `nb-NO`) to one the lexicon knows."""
    if not lang:
        return None
    lang = lang.lower().replace("_", "-")
    for candidate in (lang, lang.split("-")[0]):
        candidate = lexicon.aliases.get(candidate, candidate)
        if candidate in lexicon.stemmers:
            return candidate
    return None
