"""The pydantic types every stage passes along: Document, Initiative and their parts.

These models are the source of truth for the published record contract
(`../shared/CONTRACT.md`); `praxis schema` exports them to `schemas/`.
"""

from __future__ import annotations

from typing import Annotated, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field
from pydantic.fields import FieldInfo

SCHEMA_VERSION = "1.0"

Role = Literal["implementing", "coordinator", "partner", "funder"]
Level = Literal["local", "regional", "national", "international"]
Status = Literal["ok", "quarantined"]

TargetGroup = Literal[
    "refugees", "asylum_seekers", "quota_refugees", "newly_arrived", "immigrants",
    "unaccompanied_minors", "children", "youth", "parents_families", "women", "unemployed",
    "ethnic_minorities", "host_community", "civil_society_organisations", "public_authorities",
    "professionals", "volunteers", "people_facing_discrimination", "general_public",
]
Theme = Literal[
    "labour_market", "language", "education", "housing", "health", "leisure_and_networks",
    "volunteering", "mentoring", "entrepreneurship", "anti_discrimination", "civic_orientation",
    "cross_sector_cooperation", "capacity_building", "research",
]


def _described(**schema) -> FieldInfo:
    """Add JSON Schema keywords (pattern, format) for consumers without changing validation."""
    return Field(json_schema_extra=schema)


RecordId = Annotated[str, _described(pattern=r"^ini_[0-9a-f]{16}$")]
DocumentId = Annotated[str, _described(pattern=r"^doc_[0-9a-f]{16}(-[0-9a-f]{8})?$")]
CountryCode = Annotated[str, _described(pattern=r"^[A-Z]{2}$")]      # ISO 3166-1 alpha-2
LanguageCode = Annotated[str, _described(pattern=r"^[a-z]{2,3}(-[a-z]{2,4})?$")]  # ISO 639
YearMonth = Annotated[str, _described(pattern=r"^[0-9]{4}(-(0[1-9]|1[0-2]))?$")]
Sha256 = Annotated[str, _described(pattern=r"^[0-9a-f]{64}$")]
Email = Annotated[str, _described(format="email")]
Url = Annotated[str, _described(format="uri")]
Sdg = Annotated[int, _described(minimum=1, maximum=17)]


class FieldSpec(NamedTuple):
    """What every stage needs to know of one published field of an Initiative."""

    name: str
    kind: Literal["text", "text_list", "value", "list", "objects", "nested"]
    labels: tuple[str, ...] = ()  # the lexicon's form-label keys that name this field
    prose: bool = False           # sentences of unlabelled prose can be classified into it
    scored: bool = False          # `praxis evaluate` scores it as a section (token F1)
    required: bool = False        # a record without it goes to the review queue


# The field registry: the published fields a steward sees, in the order a form asks for them.
# The lexicon's label keys, extraction, tables, the database, corrections and evaluation read
# their field lists from here; adding a field is one line here plus its model attribute below.
FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("title", "value", labels=("title",), required=True),
    FieldSpec("organisations", "objects", labels=("organisation",), required=True),
    FieldSpec("contacts", "objects", labels=("contact_name", "email", "phone")),
    FieldSpec("countries", "list", labels=("country",)),
    FieldSpec("websites", "list", labels=("website",)),
    FieldSpec("target_group", "text", labels=("target_group",), prose=True, scored=True,
              required=True),
    FieldSpec("purpose", "text", labels=("purpose",), prose=True, scored=True),
    FieldSpec("description", "text", labels=("description",), scored=True),
    FieldSpec("activities", "text_list", labels=("activities",), prose=True),
    FieldSpec("expected_results", "text", labels=("expected_results",), prose=True, scored=True),
    FieldSpec("evaluation", "text", labels=("evaluation",), prose=True, scored=True),
    FieldSpec("background", "text", labels=("background",), prose=True),
    FieldSpec("challenges", "text", labels=("challenges",)),
    FieldSpec("impact", "text", labels=("impact",)),
    FieldSpec("replicability", "text", labels=("replicability",)),
    FieldSpec("target_group_categories", "list"),
    FieldSpec("themes", "list", labels=("themes",)),
    FieldSpec("implementation_level", "value", labels=("level",)),
    FieldSpec("period", "nested", labels=("period",)),
    FieldSpec("funding", "list", labels=("funding",)),
    FieldSpec("sdgs", "list", labels=("sdgs",)),
)


def field_names(kind: str | None = None, **flags: bool) -> tuple[str, ...]:
    """Return the registry's field names of one kind and/or with the given flags, in order."""
    return tuple(spec.name for spec in FIELDS
                 if (kind is None or spec.kind == kind)
                 and all(getattr(spec, flag) == wanted for flag, wanted in flags.items()))


# Fields of an Initiative that hold one text field each, in the order a form asks for them.
SECTION_FIELDS = field_names("text")


class _Model(BaseModel):
    # Numbers are finite: JSON has no infinity, and a record travels as JSON between
    # processes (pipeline/result.py) and is published as JSON.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Issue(_Model):
    """One problem met while processing: recorded on the object, never raised."""

    stage: str
    code: str
    message: str
    field: str | None = None


class Translation(_Model):
    """Where an English text came from."""

    engine: str
    package: str | None = None
    version: str | None = None


class TextField(_Model):
    """A section body as it stands in the document's normalised text.

    `span` is null only for a value a steward wrote in a correction (method `steward`),
    which does not stand in the document. Always `doc_text[span[0]:span[1]] == text`.
    `spans` is set on a section assembled from sentences of prose (method `prose_cue`): each
    `[start, end)` is one sentence or phrase stating the field, in order, inside `span`;
    `span` runs from the first to the end of the last, so `text` may also hold a sentence
    between them. Null for a section body, and for an activity (always one span).
    """

    text: str
    lang: str
    text_en: str | None = None
    span: tuple[int, int] | None
    spans: list[tuple[int, int]] | None = None
    translation: Translation | None = None
    lang_confidence: float | None = None
    confidence: float | None = None
    method: str | None = None


class Provenance(_Model):
    """How a field's value was obtained, and how far to trust it (0-1)."""

    method: str
    confidence: float
    note: str | None = None


class Organisation(_Model):
    name: str
    role: Role
    country: CountryCode | None = None


class Contact(_Model):
    name: str | None = None
    email: Email


class Period(_Model):
    start: YearMonth | None = None
    end: YearMonth | None = None
    text: str | None = None


class Source(_Model):
    file: str
    sha256: Sha256
    format: str
    segment: str
    span: tuple[int, int]


OutcomeKind = Literal["achieved", "target", "expected"]


class Outcome(_Model):
    """One figure a section states: how many, of what, reached or aimed at.

    `unit` is `percent`, `count` or an ISO 4217 currency code; `text` is the sentence the
    figure stands in and `span` its [start, end) in the document's normalised text.
    """

    value: float
    upper: float | None = None
    unit: str
    what: str | None = None
    kind: OutcomeKind = "achieved"
    year: int | None = None
    field: str | None = None
    text: str
    span: tuple[int, int] | None = None


class Related(_Model):
    """Another record that describes the same initiative, and why the linker thinks so."""

    id: str
    score: float
    evidence: list[str] = Field(default_factory=list)


class Initiative(_Model):
    """One integration initiative: the published record."""

    id: RecordId
    schema_version: str = SCHEMA_VERSION
    title: str | None = None
    title_en: str | None = None
    title_lang: LanguageCode | None = None
    language: LanguageCode
    organisations: list[Organisation] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)
    countries: list[CountryCode] = Field(default_factory=list)
    websites: list[Url] = Field(default_factory=list)
    target_group: TextField | None = None
    purpose: TextField | None = None
    description: TextField | None = None
    expected_results: TextField | None = None
    evaluation: TextField | None = None
    background: TextField | None = None
    challenges: TextField | None = None
    impact: TextField | None = None
    replicability: TextField | None = None
    activities: list[TextField] = Field(default_factory=list)
    target_group_categories: list[TargetGroup] = Field(default_factory=list)
    themes: list[Theme] = Field(default_factory=list)
    implementation_level: Level | None = None
    period: Period = Field(default_factory=Period)
    funding: list[str] = Field(default_factory=list)
    sdgs: list[Sdg] = Field(default_factory=list)
    parent_id: RecordId | None = None
    outcomes: list[Outcome] = Field(default_factory=list)
    related: list[Related] = Field(default_factory=list)
    cluster_id: str | None = None
    source: Source
    provenance: dict[str, Provenance] = Field(default_factory=dict)
    issues: list[Issue] = Field(default_factory=list)

    def text_fields(self) -> list[tuple[str, TextField]]:
        """Return every (field name, text field) pair, activities included."""
        pairs = [(name, getattr(self, name)) for name in SECTION_FIELDS]
        pairs = [(name, value) for name, value in pairs if value is not None]
        pairs += [("activities", activity) for activity in self.activities]
        return pairs


class Document(_Model):
    """One ingested source file and its normalised text."""

    id: DocumentId
    file: str
    sha256: str = Field(json_schema_extra={"pattern": r"^([0-9a-f]{64})?$"})  # empty: unreadable
    format: str
    language: LanguageCode | None = None
    text: str = ""
    status: Status = "ok"
    error: str | None = None
    issues: list[Issue] = Field(default_factory=list)

    def quarantine(self, stage: str, code: str, message: str) -> Document:
        """Mark the document unusable, keeping the reason a steward can read."""
        self.status = "quarantined"
        self.error = message
        self.issues.append(Issue(stage=stage, code=code, message=message))
        return self
