"""The typed result one document carries through the stages (docling's ConversionResult).

Ingest makes a `DocumentResult` from the `Document` it read; every later stage takes results
and returns new ones — records found, issues noted, figures counted, status changed — and
never writes into the result it was given. That is what lets a stage run on a Dask worker:
all it has to say travels back in its return value.
"""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from pydantic_core import PydanticSerializationError

from pipeline.models import Document, Initiative, Issue, Status


class DocumentResult(BaseModel):
    """One document, the records found in it, what was noted about it and what it cost."""

    model_config = ConfigDict(extra="forbid")

    document: Document                     # as read; renamed or re-keyed by the run, never edited
    records: list[Initiative] = Field(default_factory=list)
    issues: list[Issue] = Field(default_factory=list)   # the reader's first, then every stage's
    status: Status = "ok"
    error: str | None = None
    figures: dict[str, int] = Field(default_factory=dict)
    # The people its text names (contact labels, personal addresses), whom the public variant
    # masks: found by extraction, once per content; None where nobody looked (publishing does)
    people: list[str] | None = None

    # A result is pickled on its way to and from a worker and into the run's spool. Its
    # records go as one JSON text, which pydantic writes and reads in Rust: faster than
    # pickle writes and reads a record's many small models (bench/RESULTS.md). Every record
    # reads back equal: JSON holds all a record has (its numbers are finite, see models.py).
    def __getstate__(self) -> dict:
        state = super().__getstate__()
        fields = state["__dict__"]
        if fields["records"]:
            try:
                packed = RECORDS.dump_json(fields["records"])
            except PydanticSerializationError:  # a lone surrogate, which JSON cannot hold
                return state
            state = {**state, "__dict__": {**fields, "records": packed}}
        return state

    def __setstate__(self, state: dict) -> None:
        fields = state["__dict__"]
        if isinstance(fields["records"], bytes):
            state = {**state, "__dict__": {**fields,
                                           "records": RECORDS.validate_json(fields["records"])}}
        super().__setstate__(state)

    @classmethod
    def from_document(cls, document: Document) -> DocumentResult:
        """Start a result from what ingest read: its status and issues come along."""
        return cls(document=document, issues=list(document.issues), status=document.status,
                   error=document.error)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def file(self) -> str:
        return self.document.file

    def noted(self, *issues: Issue) -> DocumentResult:
        """A copy with more issues noted."""
        return self.model_copy(update={"issues": [*self.issues, *issues]})

    def quarantined(self, stage: str, code: str, message: str) -> DocumentResult:
        """A copy marked unusable, with the reason a steward can read; its records dropped."""
        issue = Issue(stage=stage, code=code, message=message)
        return self.model_copy(update={"status": "quarantined", "error": message, "records": [],
                                       "issues": [*self.issues, issue]})

    def counted(self, **figures: int) -> DocumentResult:
        """A copy with figures added to its own."""
        return self.model_copy(update={"figures": dict(Counter(self.figures) + Counter(figures))})

    def with_document(self, **changes) -> DocumentResult:
        """A copy whose document has new values (a file key or id the run gave it)."""
        return self.model_copy(update={"document": self.document.model_copy(update=changes)})

    def with_records(self, records: list[Initiative], **figures: int) -> DocumentResult:
        """A copy holding these records, with figures added."""
        return self.model_copy(update={"records": records}).counted(**figures)

    def published_document(self) -> Document:
        """The document as documents.jsonl lists it: with every stage's status and issues."""
        return self.document.model_copy(update={"status": self.status, "error": self.error,
                                                "issues": self.issues})


RECORDS = TypeAdapter(list[Initiative])


def add_figures(results: list[DocumentResult]) -> dict[str, int]:
    """The figures of many results, added up."""
    total: Counter = Counter()
    for result in results:
        total.update(result.figures)
    return dict(total)
