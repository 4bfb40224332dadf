"""Assign target-group and theme codes to an initiative from per-language keyword lexicons."""

from __future__ import annotations

import math
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, get_args

import snowballstemmer
import yaml

from pipeline.lexicon import LexiconError
from pipeline.models import Initiative, TargetGroup, Theme

LEXICON_DIR = Path(__file__).resolve().parent.parent / "lexicon"

# The contract vocabulary each lexicon file must cover, by the file's `vocabulary:` name.
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "target_groups": get_args(TargetGroup),
    "themes": get_args(Theme),
}

# How much one keyword hit counts, by where it stands. A title, a page's tag line and a stated
# purpose say what an initiative is about; evaluation text mostly says how it was measured.
THEME_WEIGHTS: dict[str, float] = {
    "title": 2.0, "extra": 2.0, "purpose": 2.0, "target_group": 1.0, "activities": 1.0,
    "description": 1.0, "expected_results": 1.0, "impact": 1.0, "evaluation": 0.5,
    "background": 0.5, "challenges": 0.5, "replicability": 0.5,
}
# Without a target-group section, who an initiative is for is read from what it says it does.
TARGET_GROUP_FALLBACK_WEIGHTS: dict[str, float] = {
    "title": 2.0, "extra": 2.0, "purpose": 2.0, "description": 1.0,
}

# Fields that state what an initiative is for, rather than describe how it runs.
FOCAL_FIELDS = ("title", "extra", "purpose")

# Evidence a code needs: one focal mention in a short text, more as the text grows, so a word
# mentioned once in passing in a long description does not become a theme.
MIN_EVIDENCE = 1.0
MAX_EVIDENCE = 3.0
WORDS_PER_EVIDENCE = 150

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


@dataclass(frozen=True)
class Source:
    """A piece of initiative text to read codes from, with what is known of its language."""

    field: str
    text: str
    lang: str | None
    text_en: str | None = None
    record_lang: str | None = None


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


def tokenize_text(text: str) -> list[tuple[int, int, str]]:
    """Split text into lower-case letter runs with their character offsets."""
    return [(m.start(), m.end(), m.group().lower()) for m in WORD_RE.finditer(text)]


def match_part(part: Part, word: str, algorithm: str | None) -> tuple[int, int] | None:
    """Return the span inside `word` that `part` matches, or None."""
    if part.mode == "exact":
        return (0, len(word)) if word == part.core else None
    if part.mode == "stem":
        hit = word == part.core or stem_word(word, algorithm) == part.stem
        return (0, len(word)) if hit else None
    if part.mode == "prefix":
        return (0, len(part.core)) if word.startswith(part.core) else None
    if part.mode == "infix":
        at = word.find(part.core)
        return (at, at + len(part.core)) if at >= 0 else None
    # head: a compound whose last element, inflected, is the keyword
    at = word.find(part.stem, 1)
    while at > 0:
        if stem_word(word[at:], algorithm) == part.stem or word[at:] == part.core:
            return (at, len(word))
        at = word.find(part.stem, at + 1)
    return None


def match_keyword(keyword: Keyword, tokens, index: int, algorithm) -> tuple[int, int] | None:
    """Return the character span of `keyword` starting at token `index`, or None."""
    if index + len(keyword.parts) > len(tokens):
        return None
    spans = []
    for part, (start, _, word) in zip(keyword.parts, tokens[index:]):
        span = match_part(part, word, algorithm)
        if span is None:
            return None
        spans.append((start + span[0], start + span[1]))
    return spans[0][0], spans[-1][1]


def find_matches(text: str, langs: tuple[str, ...],
                 lexicon: Lexicon) -> set[tuple[str, int, int]]:
    """Return (code, start, end) for every keyword of `langs` and their fallbacks in `text`."""
    tokens = tokenize_text(text)
    found: set[tuple[str, int, int]] = set()
    tried = [other for lang in langs for other in (lang, *lexicon.also[lang])]
    for source_lang in dict.fromkeys(tried):
        algorithm = lexicon.stemmers[source_lang]
        keyword_index = lexicon.index[source_lang]
        for position, (_, _, word) in enumerate(tokens):
            for keyword in find_candidates(word, keyword_index, algorithm):
                span = match_keyword(keyword, tokens, position, algorithm)
                if span:
                    found.add((keyword.code, *span))
    return drop_contained(found)


def drop_contained(matches: set[tuple[str, int, int]]) -> set[tuple[str, int, int]]:
    """Drop matches lying strictly inside a longer match: the longer keyword is more specific."""
    contained = contained_spans({(start, end) for _, start, end in matches})
    return {match for match in matches if (match[1], match[2]) not in contained}


def contained_spans(spans: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The spans inside another span, in one sweep by start (not every pair)."""
    by_start: dict[int, list[int]] = defaultdict(list)
    for start, end in spans:
        by_start[start].append(end)
    inside, furthest = set(), -1  # furthest end among spans starting earlier
    for start in sorted(by_start):
        ends = by_start[start]
        longest = max(ends)
        # (start, end) lies in a span starting earlier that reaches it, or in a longer one here
        inside.update((start, end) for end in ends if furthest >= end or longest > end)
        furthest = max(furthest, longest)
    return inside


def count_words(sources: Iterable[Source]) -> int:
    """Count the words across sources."""
    return sum(len(WORD_RE.findall(source.text)) for source in sources)


def compute_threshold(words: int) -> float:
    """Return the score a code needs in a text of `words` words."""
    return min(MAX_EVIDENCE, max(MIN_EVIDENCE, math.ceil(words / WORDS_PER_EVIDENCE)))


def collect_hits(sources: list[Source], lexicon: Lexicon) -> list[tuple[str, str]]:
    """Return (field, code) for every keyword match in the sources."""
    hits = []
    for source in sources:
        reading = choose_reading(source, lexicon)
        if reading:
            hits += [(source.field, code) for code, _, _ in find_matches(*reading, lexicon)]
    return hits


def score_hits(hits: list[tuple[str, str]], weights: dict[str, float]) -> dict[str, float]:
    """Sum the weight of each hit's field per code; fields without a weight do not count."""
    scores: dict[str, float] = defaultdict(float)
    for field, code in hits:
        scores[code] += weights.get(field, 0.0)
    return scores


def choose_reading(source: Source, lexicon: Lexicon) -> tuple[str, tuple[str, ...]] | None:
    """Pick the text and languages to match: own, else English translation, else the record's."""
    lang = resolve_language(source.lang, lexicon)
    record_lang = resolve_language(source.record_lang, lexicon)
    if lang:
        # Short Nordic sections are easily mis-detected, so the record's language is tried too.
        return source.text, tuple(dict.fromkeys(code for code in (lang, record_lang) if code))
    english = resolve_language("en", lexicon)
    if source.text_en and english:
        return source.text_en, (english,)
    return (source.text, (record_lang,)) if record_lang else None


def select_codes(scores: dict[str, float], threshold: float, lexicon: Lexicon) -> list[str]:
    """Return codes scoring at least `threshold`, strongest first, then in vocabulary order."""
    chosen = [code for code in lexicon.codes if scores.get(code, 0.0) >= threshold]
    return sorted(chosen, key=lambda code: (-scores[code], lexicon.codes.index(code)))


def collect_sources(initiative: Initiative, extra_text: Iterable[tuple[str, str]]) -> list[Source]:
    """Gather the title, every section and any extra (text, lang) pairs as sources."""
    record_lang = initiative.language
    sources = []
    if initiative.title:
        title_lang = initiative.title_lang or record_lang
        sources.append(Source("title", initiative.title, title_lang, initiative.title_en,
                              record_lang))
    for name, field in initiative.text_fields():
        sources.append(Source(name, field.text, field.lang, field.text_en, record_lang))
    sources += [Source("extra", text, lang, None, record_lang) for text, lang in extra_text if text]
    return sources


def assign_target_groups(sources: list[Source]) -> list[str]:
    """Read target groups from the target-group section, else from title, purpose, description."""
    lexicon = load_lexicon("target_groups")
    if any(source.field == "target_group" for source in sources):
        stated = [s for s in sources if s.field in ("target_group", "extra")]
        scores = score_hits(collect_hits(stated, lexicon), {"target_group": 1.0, "extra": 1.0})
        return select_codes(scores, MIN_EVIDENCE, lexicon)
    used = [s for s in sources if s.field in TARGET_GROUP_FALLBACK_WEIGHTS]
    hits = collect_hits(used, lexicon)
    scores = score_hits(hits, TARGET_GROUP_FALLBACK_WEIGHTS)
    # Organisations and staff named in a description mostly run or partner in the initiative.
    focal = score_hits(hits, {f: TARGET_GROUP_FALLBACK_WEIGHTS[f] for f in FOCAL_FIELDS})
    for code in lexicon.actor_codes:
        scores[code] = focal.get(code, 0.0)
    return select_codes(scores, compute_threshold(count_words(used)), lexicon)


def assign_themes(sources: list[Source]) -> list[str]:
    """Read themes from every section, weighted by where each keyword stands."""
    lexicon = load_lexicon("themes")
    scores = score_hits(collect_hits(sources, lexicon), THEME_WEIGHTS)
    return select_codes(scores, compute_threshold(count_words(sources)), lexicon)


def categorise(initiative: Initiative,
               extra_text: Iterable[tuple[str, str]] = ()) -> tuple[list[str], list[str]]:
    """Return (target_group_categories, themes) for an initiative, strongest evidence first."""
    sources = collect_sources(initiative, extra_text)
    return assign_target_groups(sources), assign_themes(sources)
