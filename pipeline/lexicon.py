"""Load the per-language lexicons in pipeline/lexicon/ and match form labels against them.

Each `<lang>.yaml` holds one language's knowledge as data (labels, cue phrases, month
names, …); this module validates the files on load and answers questions such as
"is this line a label, and for which field?".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

LEXICON_DIR = Path(__file__).parent / "lexicon"
LANGUAGES = ("sv", "da", "nb", "nn", "fi", "en")

# Labels that open the contact block of a form submission (and so may start a new one).
HEADER_FIELDS = ("organisation", "contact_name", "email", "phone", "title", "website")
# Labels whose body is free text published as a text field or list.
SECTION_FIELDS = (
    "target_group", "purpose", "description", "activities", "expected_results", "evaluation",
    "background", "challenges", "impact", "replicability",
)
# Labels with a short value (the rest of the line or the next paragraph).
VALUE_FIELDS = ("country", "period", "level", "funding", "sdgs", "themes")
# Headings that introduce text about the organisations involved, not a published field.
INFO_FIELDS = ("organisations_info",)
ALL_FIELDS = HEADER_FIELDS + SECTION_FIELDS + VALUE_FIELDS + INFO_FIELDS
ROLES = ("implementing", "coordinator", "partner", "funder")
LEVELS = ("local", "regional", "national", "international")
PERIOD_KEYS = ("since", "start", "end", "duration")
# Fields that sentences of unlabelled prose are classified into (pipeline/prose.py), and the
# `prose_cues` keys: whole-sentence cues per field plus phrase cues for two of them.
PROSE_FIELDS = ("purpose", "target_group", "activities", "expected_results", "evaluation",
                "background")
PROSE_CUE_KEYS = PROSE_FIELDS + ("purpose_phrase", "target_group_phrase",
                                 "target_group_preposition")

FUZZY_MIN_LENGTH = 8  # shorter labels must match exactly
LONG_LABEL = 16      # long labels may differ by two edits, others by one
MAX_QUESTION_WORDS = 15


class LanguageLexicon(BaseModel):
    """One language file, validated."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    language: str
    labels: dict[str, list[str]]
    question_keywords: dict[str, list[str]]
    placeholders: list[str]
    kickers: list[str]
    generic_headings: list[str]
    noise_prefixes: list[str]
    more_info: list[str]
    self_intro: list[str]
    initiative_nouns: list[str]
    roles: dict[str, list[str]]
    funded_suffixes: list[str]
    name_stopwords: list[str]
    organisation_nouns: list[str]
    origin_words: list[str]
    list_joiners: list[str]
    org_suffixes: list[str]
    period: dict[str, list[str]]
    months: dict[str, int]
    levels: dict[str, list[str]]
    cue_words: list[str]
    prose_cues: dict[str, list[str]]

    @field_validator("labels")
    @classmethod
    def check_label_fields(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = set(value) - set(ALL_FIELDS)
        missing = set(ALL_FIELDS) - set(value)
        if unknown or missing:
            raise ValueError(f"label fields unknown {sorted(unknown)}, missing {sorted(missing)}")
        return value

    @field_validator("question_keywords")
    @classmethod
    def check_question_fields(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = set(value) - set(SECTION_FIELDS)
        if unknown:
            raise ValueError(f"question keywords for unknown fields {sorted(unknown)}")
        return value

    @field_validator("roles")
    @classmethod
    def check_roles(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        if set(value) != set(ROLES):
            raise ValueError(f"roles must be exactly {ROLES}")
        return value

    @field_validator("levels")
    @classmethod
    def check_levels(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        if set(value) != set(LEVELS):
            raise ValueError(f"levels must be exactly {LEVELS}")
        return value

    @field_validator("period")
    @classmethod
    def check_period(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        if set(value) != set(PERIOD_KEYS):
            raise ValueError(f"period must define exactly {PERIOD_KEYS}")
        return value

    @field_validator("prose_cues")
    @classmethod
    def check_prose_cues(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        if set(value) != set(PROSE_CUE_KEYS):
            raise ValueError(f"prose_cues must define exactly {PROSE_CUE_KEYS}")
        return value

    @field_validator("months")
    @classmethod
    def check_months(cls, value: dict[str, int]) -> dict[str, int]:
        if sorted(set(value.values())) != list(range(1, 13)):
            raise ValueError("months must name every month 1-12")
        return value


class LexiconError(ValueError):
    """A lexicon file is missing or malformed."""


def normalise_label(text: str) -> str:
    """Fold a candidate label for lookup: case, accents kept, emphasis and end punctuation gone."""
    text = unicodedata.normalize("NFC", text).replace("’", "'").replace("`", "'")
    text = re.sub(r"^[#>\s]+", "", text)
    text = text.replace("**", "").replace("__", "")
    text = re.sub(r"\s+", " ", text).strip()
    text = text.strip(" *_")
    text = re.sub(r"[\s:?.!]+$", "", text)
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

    def __init__(self, languages: dict[str, LanguageLexicon]):
        self.languages = languages
        self.label_index = self._index_labels()
        self._fuzzy_keys = [key for key in self.label_index if len(key) >= FUZZY_MIN_LENGTH]

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
            allowed = 2 if len(key) >= LONG_LABEL else 1
            hit = process.extractOne(key, self._fuzzy_keys, scorer=Levenshtein.distance,
                                     score_cutoff=allowed)
            if hit:
                return self.label_index[hit[0]]
        return None

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

    def all_phrases(self, key: str) -> set[str]:
        """Return the casefolded union of one list-valued key over all languages."""
        return {p.casefold() for values in self.phrases(key).values() for p in values}


def _has_stem(stem: str, folded: str, words: list[str]) -> bool:
    if " " in stem:
        return stem in folded
    return any(word.startswith(stem) for word in words)


LIST_MARKER = re.compile(r"^(?:[-*•▪◦–]\s+|\(?\d{1,2}[.)]\s+|\(?[a-z][.)]\s+)")


def _starts_with_list_marker(text: str) -> bool:
    return bool(LIST_MARKER.match(text))


@lru_cache(maxsize=1)
def load_lexicon(directory: Path = LEXICON_DIR) -> Lexicon:
    """Load and validate every language file in the lexicon folder."""
    languages = {}
    for lang in LANGUAGES:
        path = directory / f"{lang}.yaml"
        if not path.exists():
            raise LexiconError(f"{path}: lexicon file missing")
        languages[lang] = load_language(path)
    return Lexicon(languages)
