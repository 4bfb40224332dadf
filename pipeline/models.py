"""The pydantic types every stage passes along: Document, Initiative and their parts.

These models are the source of truth for the published record contract
(`../shared/CONTRACT.md`); `praxis schema` exports them to `schemas/`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

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

# Fields of an Initiative that hold one text field each, in the order a form asks for them.
SECTION_FIELDS = (
    "target_group", "purpose", "description", "expected_results", "evaluation",
    "background", "challenges", "impact", "replicability",
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


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
    country: str | None = None


class Contact(_Model):
    name: str | None = None
    email: str


class Period(_Model):
    start: str | None = None
    end: str | None = None
    text: str | None = None


class Source(_Model):
    file: str
    sha256: str
    format: str
    segment: str
    span: tuple[int, int]


class Initiative(_Model):
    """One integration initiative: the published record."""

    id: str
    schema_version: str = SCHEMA_VERSION
    title: str | None = None
    title_en: str | None = None
    title_lang: str | None = None
    language: str
    organisations: list[Organisation] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)
    websites: list[str] = Field(default_factory=list)
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
    sdgs: list[int] = Field(default_factory=list)
    parent_id: str | None = None
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

    id: str
    file: str
    sha256: str
    format: str
    language: str | None = None
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
