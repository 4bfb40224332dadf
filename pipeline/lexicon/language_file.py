"""The format of one language file, `pipeline/lexicon/<lang>.yaml`, as pydantic models.

Which keys a file may hold, what each must look like, and the field-label keys read from
the field registry (pipeline/models.py FIELDS). `pipeline/lexicon/__init__.py` loads the
files with these models and answers questions across languages.
"""

from __future__ import annotations

import unicodedata

from pydantic import BaseModel, ConfigDict, field_validator

from pipeline.models import FIELDS, field_names

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
