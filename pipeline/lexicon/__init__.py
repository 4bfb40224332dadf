"""Load the per-language lexicons in pipeline/lexicon/ and match form labels against them.

Each `<lang>.yaml` (its format: `language_file.py`) holds one language's knowledge as data (labels, cue phrases, month
names, letters, phone cues, …); the languages are the files present, so adding one is adding
its file. This module validates the files on load and answers questions such as "is this line
a label, and for which field?". A language without a file is read with the generic (English)
lexicon: `Lexicon.for_language`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from pipeline.lexicon.language_file import (  # noqa: F401 - the package's names
    ALL_FIELDS,
    CONTACT_BLOCK,
    CountryForms,
    DOCX_STYLE_KINDS,
    FormTemplate,
    HEADER_FIELDS,
    INFO_FIELDS,
    LEVELS,
    LanguageLexicon,
    Letters,
    OutcomeCues,
    PERIOD_KEYS,
    PROSE_CUE_KEYS,
    PROSE_FIELDS,
    ROLES,
    SECTION_FIELDS,
    TemplateEntry,
    UPPER,
    UPPER_LETTERS,
    VALUE_FIELDS,
)

LEXICON_DIR = Path(__file__).parent
# Language files are named by their ISO 639 code; other files are vocabularies.
LANGUAGE_FILE = re.compile(r"^[a-z]{2,3}$")
DETECTION_FILE = "detection.yaml"
FALLBACK_LANGUAGE = "en"  # the generic lexicon read for structure when a language has no file
FUZZY_MIN_LENGTH = 8  # shorter labels must match exactly
LONG_LABEL = 16      # long labels may differ by two edits, others by one
MAX_QUESTION_WORDS = 15


class LexiconError(ValueError):
    """A lexicon file is missing or malformed."""


LEADING_MARKS = re.compile(r"^[#>\s]+")
SPACES = re.compile(r"\s+")
TRAILING_PUNCTUATION = re.compile(r"[\s:?.!]+$")
# Every line of a document is tried as a label by several finders: a line this short is folded
# once and looked up after, in a cache of this many lines (at most about 10 MB).
LABEL_CACHE_CHARS = 1_000
LABEL_CACHE_ENTRIES = 10_000


def normalise_label(text: str) -> str:
    """Fold a candidate label for lookup: case, accents kept, emphasis and end punctuation gone."""
    return cached_label(text) if len(text) <= LABEL_CACHE_CHARS else fold_label(text)


@lru_cache(maxsize=LABEL_CACHE_ENTRIES)
def cached_label(text: str) -> str:
    return fold_label(text)


def fold_label(text: str) -> str:
    """`normalise_label`, uncached."""
    text = unicodedata.normalize("NFC", text).replace("’", "'").replace("`", "'")
    text = LEADING_MARKS.sub("", text)
    text = text.replace("**", "").replace("__", "")
    text = SPACES.sub(" ", text).strip()
    text = text.strip(" *_")
    text = TRAILING_PUNCTUATION.sub("", text)
    return text.casefold()


def load_language(path: Path) -> LanguageLexicon:
    """Read and validate one language file, naming the file in any error."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        lexicon = LanguageLexicon.model_validate(data)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise LexiconError(f"{path}: {exc}") from exc
    if lexicon.language != path.stem:
        raise LexiconError(f"{path}: language '{lexicon.language}' does not match the file name")
    return lexicon


@dataclass(frozen=True)
class LabelMatch:
    """A line recognised as a form label: which field, and where its inline value starts."""

    field: str
    lang: str
    value_offset: int | None  # offset in the line where "label: value" puts the value


class Lexicon:
    """All languages' lexicons with fast lookups built once."""

    def __init__(self, languages: dict[str, LanguageLexicon], also_detect: tuple[str, ...] = ()):
        if FALLBACK_LANGUAGE not in languages:
            raise LexiconError(f"{FALLBACK_LANGUAGE}.yaml: the fallback lexicon is missing")
        self.languages = languages
        self.also_detect = also_detect  # languages detection weighs without a lexicon file
        self.aliases = self._index_aliases()
        self.label_index = self._index_labels()
        self._fuzzy_keys = [key for key in self.label_index if len(key) >= FUZZY_MIN_LENGTH]
        # built on first use: per-key phrase sets, fuzzy candidates per key length
        self._phrase_sets: dict[str, frozenset[str]] = {}
        self._fuzzy_keys_by_length: dict[int, list[str]] = {}
        self._check_template_labels()

    def _check_template_labels(self) -> None:
        """Every label of a blank form must read back as its own field."""
        for lang, lexicon in self.languages.items():
            for field, entry in lexicon.template.fields.items():
                found = self.lookup_label(entry.label)
                if not found or found[0] != field:
                    raise LexiconError(f"{lang}.yaml: template label '{entry.label}' is read "
                                       f"as {found[0] if found else 'no label'}, not '{field}'")

    @property
    def codes(self) -> tuple[str, ...]:
        """The languages with a lexicon file, in a fixed order."""
        return tuple(self.languages)

    def resolve(self, code: str | None) -> str | None:
        """Map a code another tool emits (langdetect's `no`) onto a lexicon language, if any."""
        if code is None:
            return None
        return code if code in self.languages else self.aliases.get(code)

    def get(self, code: str | None) -> LanguageLexicon | None:
        """Return a language's lexicon, or None when the language has no file."""
        resolved = self.resolve(code)
        return self.languages[resolved] if resolved else None

    def for_language(self, code: str | None) -> LanguageLexicon:
        """Return a language's lexicon, or the generic (English) one when it has none."""
        return self.get(code) or self.languages[FALLBACK_LANGUAGE]

    def _index_aliases(self) -> dict[str, str]:
        aliases: dict[str, str] = {}
        for lang, lexicon in self.languages.items():
            if lexicon.langdetect and lexicon.langdetect != lang:
                aliases.setdefault(lexicon.langdetect, lang)
        return aliases

    def _index_labels(self) -> dict[str, tuple[str, str]]:
        index: dict[str, tuple[str, str]] = {}
        for lang, lexicon in self.languages.items():
            for field, phrases in lexicon.labels.items():
                for phrase in phrases:
                    key = normalise_label(phrase)
                    if key in index and index[key][0] != field:
                        raise LexiconError(
                            f"{lang}.yaml: label '{phrase}' means '{field}' here but "
                            f"'{index[key][0]}' in {index[key][1]}.yaml"
                        )
                    index.setdefault(key, (field, lang))
        return index

    def lookup_label(self, text: str) -> tuple[str, str] | None:
        """Return (field, lang) when text is a known label, exactly or with a small misspelling."""
        key = normalise_label(text)
        if not key:
            return None
        if key in self.label_index:
            return self.label_index[key]
        if len(key) >= FUZZY_MIN_LENGTH:
            candidates = self._fuzzy_candidates(len(key))
            hit = process.extractOne(key, candidates, scorer=Levenshtein.distance,
                                     score_cutoff=fuzzy_allowance(len(key))) if candidates else None
            if hit:
                return self.label_index[hit[0]]
        return None

    def _fuzzy_candidates(self, length: int) -> list[str]:
        """The fuzzy keys a key of this length can be within its allowance of, in index order.

        An edit distance is at least the difference in length, so the keys left out could never
        match; the order kept makes ties resolve as they do over all keys.
        """
        if length not in self._fuzzy_keys_by_length:
            allowed = fuzzy_allowance(length)
            self._fuzzy_keys_by_length[length] = [key for key in self._fuzzy_keys
                                                  if abs(len(key) - length) <= allowed]
        return self._fuzzy_keys_by_length[length]

    def match_label(self, line: str) -> LabelMatch | None:
        """Recognise `Label`, `Label:` and `Label: value` lines."""
        stripped = line.strip()
        if not stripped or _starts_with_list_marker(stripped):
            return None
        whole = self.lookup_label(stripped)
        if whole and len(stripped.split()) <= 12:
            return LabelMatch(whole[0], whole[1], None)
        colon = stripped.find(":")
        if 0 < colon <= 60 and colon < len(stripped) - 1 and not stripped[colon + 1:].startswith("/"):
            head = self.lookup_label(stripped[:colon])
            if head:
                offset = len(line) - len(line.lstrip()) + colon + 1
                offset += len(line[offset:]) - len(line[offset:].lstrip())
                return LabelMatch(head[0], head[1], offset)
        return None

    def match_question(self, text: str) -> LabelMatch | None:
        """Classify a question-shaped heading ("Hur föddes projektet?") by its key words."""
        if not text.rstrip().endswith("?") or len(text.split()) > MAX_QUESTION_WORDS:
            return None
        exact = self.lookup_label(text)
        if exact and exact[0] in SECTION_FIELDS:
            return LabelMatch(exact[0], exact[1], None)
        folded = normalise_label(text)
        words = re.findall(r"\w+", folded)
        best: tuple[int, int, str, str] | None = None
        for lang, lexicon in self.languages.items():
            for field, stems in lexicon.question_keywords.items():
                hits = sum(1 for stem in stems if _has_stem(stem.casefold(), folded, words))
                if hits:
                    rank = (hits, -SECTION_FIELDS.index(field), field, lang)
                    if best is None or rank > best:
                        best = rank
        return LabelMatch(best[2], best[3], None) if best else None

    def phrases(self, key: str) -> dict[str, list[str]]:
        """Return one list-valued key of every language file, by language."""
        return {lang: list(getattr(lexicon, key)) for lang, lexicon in self.languages.items()}

    def all_phrases(self, key: str) -> frozenset[str]:
        """Return the casefolded union of one list-valued key over all languages (built once)."""
        if key not in self._phrase_sets:
            self._phrase_sets[key] = frozenset(p.casefold() for values in self.phrases(key).values()
                                               for p in values)
        return self._phrase_sets[key]

    def sorted_phrases(self, key: str) -> list[str]:
        """Return the union of one list-valued key, longest first, ties alphabetical."""
        return sorted(self.all_phrases(key), key=lambda p: (-len(p), p))


def fuzzy_allowance(length: int) -> int:
    """The edit distance a label key of this length may be misspelt by."""
    return 2 if length >= LONG_LABEL else 1


def _has_stem(stem: str, folded: str, words: list[str]) -> bool:
    if " " in stem:
        return stem in folded
    return any(word.startswith(stem) for word in words)


LIST_MARKER = re.compile(r"^(?:[-*•▪◦–]\s+|\(?\d{1,2}[.)]\s+|\(?[a-z][.)]\s+)")


def _starts_with_list_marker(text: str) -> bool:
    return bool(LIST_MARKER.match(text))


def discover_languages(directory: Path) -> tuple[str, ...]:
    """Return the codes of the language files present in a lexicon folder, sorted."""
    return tuple(sorted(path.stem for path in directory.glob("*.yaml")
                        if LANGUAGE_FILE.match(path.stem)))


def load_lexicon(directory: Path | None = None) -> Lexicon:
    """Load and validate every language file in the lexicon folder (LEXICON_DIR by default)."""
    return _load_lexicon(resolve_directory(directory or LEXICON_DIR))


@lru_cache(maxsize=16)
def resolve_directory(directory: Path | str) -> Path:
    """The folder's absolute path, resolved once per path."""
    # extraction asks for the lexicon ~1,000 times per document; resolve() costs system calls
    return Path(directory).resolve()


@lru_cache(maxsize=4)
def _load_lexicon(directory: Path) -> Lexicon:
    languages = {lang: load_language(directory / f"{lang}.yaml")
                 for lang in discover_languages(directory)}
    return Lexicon(languages, load_also_detect(directory / DETECTION_FILE))


def load_also_detect(path: Path) -> tuple[str, ...]:
    """Read the languages detection weighs without a lexicon file (none when the file is absent)."""
    if not path.exists():
        return ()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise LexiconError(f"{path}: {exc}") from exc
    codes = data.get("also_detect") or []
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        raise LexiconError(f"{path}: `also_detect` must be a list of language codes")
    return tuple(codes)


# The languages shipped with Praxis; code reads `load_lexicon().codes`, which follows the folder.
LANGUAGES = discover_languages(LEXICON_DIR)
