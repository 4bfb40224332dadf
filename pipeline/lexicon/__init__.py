"""Load the per-language lexicons in pipeline/lexicon/ and match form labels against them.

Each `<lang>.yaml` holds one language's knowledge as data (labels, cue phrases, month
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
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from pipeline.models import FIELDS, field_names

LEXICON_DIR = Path(__file__).parent
# Language files are named by their ISO 639 code; other files are vocabularies.
LANGUAGE_FILE = re.compile(r"^[a-z]{2,3}$")
DETECTION_FILE = "detection.yaml"
FALLBACK_LANGUAGE = "en"  # the generic lexicon read for structure when a language has no file

# Form-label keys, from the field registry (pipeline/models.py FIELDS).
def _labels_of(*kinds: str) -> tuple[str, ...]:
    return tuple(label for spec in FIELDS if spec.kind in kinds for label in spec.labels)


# Labels that open the contact block of a form submission (and so may start a new one).
CONTACT_BLOCK = ("organisations", "contacts", "title", "websites")
HEADER_FIELDS = tuple(label for spec in FIELDS if spec.name in CONTACT_BLOCK
                      for label in spec.labels)
# Labels whose body is free text published as a text field or list.
SECTION_FIELDS = _labels_of("text", "text_list")
# Labels with a short value (the rest of the line or the next paragraph).
VALUE_FIELDS = tuple(label for label in _labels_of("value", "list", "nested")
                     if label not in HEADER_FIELDS)
# Headings that introduce text about the organisations involved, not a published field.
INFO_FIELDS = ("organisations_info",)
ALL_FIELDS = HEADER_FIELDS + SECTION_FIELDS + VALUE_FIELDS + INFO_FIELDS
ROLES = ("implementing", "coordinator", "partner", "funder")
LEVELS = ("local", "regional", "national", "international")
# since/start/end: cues before a date; year_end: end cues meaning "until the end of" (December);
# fillers: small words between a cue and its date ("sedan i 2019", "until year 2020").
PERIOD_KEYS = ("since", "start", "end", "year_end", "duration", "fillers")
DOCX_STYLE_KINDS = ("heading", "title")

# Every upper-case letter Unicode knows (BMP), for regex classes: capital-letter rules then hold
# for any alphabet, with no language's letters written into code.
UPPER_LETTERS = "".join(chr(c) for c in range(0x10000) if unicodedata.category(chr(c)) == "Lu")
UPPER = f"[{UPPER_LETTERS}]"
# Fields that sentences of unlabelled prose are classified into (pipeline/extract/prose.py), and the
# `prose_cues` keys: whole-sentence cues per field plus phrase cues for two of them, and the
# verbs that attribute quoted speech (", says X").
PROSE_FIELDS = field_names(prose=True)
PROSE_CUE_KEYS = PROSE_FIELDS + ("purpose_phrase", "target_group_phrase",
                                 "target_group_preposition", "target_group_end",
                                 "speech_attribution")

FUZZY_MIN_LENGTH = 8  # shorter labels must match exactly
LONG_LABEL = 16      # long labels may differ by two edits, others by one
MAX_QUESTION_WORDS = 15


class TemplateEntry(BaseModel):
    """One question of the blank submission form."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    guidance: str


class FormTemplate(BaseModel):
    """The blank submission form in one language (`praxis template`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    heading: str
    intro: str
    fields: dict[str, TemplateEntry]

    @field_validator("fields")
    @classmethod
    def check_template_fields(cls, value: dict[str, TemplateEntry]) -> dict[str, TemplateEntry]:
        unknown = set(value) - set(ALL_FIELDS)
        if unknown:
            raise ValueError(f"template fields unknown {sorted(unknown)}")
        return value
class Letters(BaseModel):
    """Letters that speak for a language in a text (typical) or against it (foreign)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    typical: str
    foreign: str


class CountryForms(BaseModel):
    """How country names change in running text: endings added, or a final vowel inflected."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    suffixes: list[str]
    vowel_stem: bool
class OutcomeCues(BaseModel):
    """How one language writes figures: number locales, units, counted nouns, kind cues."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    number_locales: list[str]
    number_words: dict[str, int]
    multipliers: dict[str, int]
    percent_words: list[str]
    currencies: dict[str, str]
    target_cues: list[str]
    expected_cues: list[str]
    achieved_cues: list[str]
    year_cues: list[str]
    skip_words: list[str]
    of_words: list[str]
    stop_words: list[str]
    non_count_units: list[str]
    count_nouns: list[str]


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
    email_at_words: list[str]
    email_dot_words: list[str]
    international_scope: list[str]
    home_country: str | None
    org_type_words: list[str]
    org_type_heads: list[str]
    genitive_endings: list[str]
    type_word_genitives: dict[str, str]
    joint_cues: list[str]
    roles_after: dict[str, list[str]]
    role_headings: dict[str, list[str]]
    period: dict[str, list[str]]
    months: dict[str, int]
    levels: dict[str, list[str]]
    cue_words: list[str]
    template: FormTemplate
    letters: Letters
    langdetect: str | None            # langdetect's profile for the language; null: it has none
    spacy_language: str | None        # spaCy blank pipeline for sentences; null: multilingual
    translation_model: list[str]      # argos package source codes that translate it, in order
    variants: list[str]               # other written standards of the same language (nb, nn)
    close_languages: list[str]        # languages a sentence is easily mistaken for
    docx_styles: dict[str, list[str]]  # Word's localised heading and title style names
    phone_cues: list[str]
    country_forms: CountryForms
    outcomes: OutcomeCues
    boilerplate_lines: list[str]  # whole lines of page furniture; "*" matches any text
    boilerplate_words: list[str]  # words that mark a line as consent or script notice
    name_nouns: list[str]         # noun forms that stand next to a name ("projektet X")
    initiative_plurals: list[str]  # plural nouns that introduce a list of initiatives
    section_end_headings: list[str]  # headings that close a description: results, partners, news
    row_number_headers: list[str]  # a table's number column heading ("Nr."): rows follow
    heading_labels: dict[str, list[str]]  # labels only as a heading line of their own: "Results"
    prose_cues: dict[str, list[str]]

    @field_validator("labels")
    @classmethod
    def check_label_fields(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = set(value) - set(ALL_FIELDS)
        missing = set(ALL_FIELDS) - set(value)
        if unknown or missing:
            raise ValueError(f"label fields unknown {sorted(unknown)}, missing {sorted(missing)}")
        return value

    @field_validator("heading_labels")
    @classmethod
    def check_heading_label_fields(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = set(value) - set(SECTION_FIELDS)
        if unknown:
            raise ValueError(f"heading labels for unknown fields {sorted(unknown)}")
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

    @field_validator("role_headings", "roles_after")
    @classmethod
    def check_role_headings(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        if set(value) != set(ROLES):
            raise ValueError(f"role_headings must be exactly {ROLES}")
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

    @field_validator("docx_styles")
    @classmethod
    def check_docx_styles(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        if set(value) != set(DOCX_STYLE_KINDS):
            raise ValueError(f"docx_styles must define exactly {DOCX_STYLE_KINDS}")
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


LEADING_MARKS = re.compile(r"^[#>\s]+")
SPACES = re.compile(r"\s+")
TRAILING_PUNCTUATION = re.compile(r"[\s:?.!]+$")


def normalise_label(text: str) -> str:
    """Fold a candidate label for lookup: case, accents kept, emphasis and end punctuation gone."""
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
