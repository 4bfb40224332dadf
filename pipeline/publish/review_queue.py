"""The review queue: fields a steward should look at, as rows for review.csv."""

from __future__ import annotations

from pipeline.models import Initiative, field_names

REQUIRED_FIELDS = field_names(required=True)
IMPLEMENTING_ROLES = ("implementing", "coordinator")  # a record needs one who runs it
CONFIDENCE_THRESHOLD = 0.7   # fields found by weaker methods than this are queued
LANGUAGE_THRESHOLD = 0.25    # a record language decided by a narrower margin is queued
SNIPPET_CHARS = 200
REVIEW_COLUMNS = ("record_id", "file", "title", "field", "value", "reason", "source_snippet")


def review_record(record: Initiative, document_text: str | None) -> list[dict[str, str]]:
    """Return the review rows of one record (empty when nothing needs a look)."""
    rows = []
    snippet = source_snippet(record, document_text)
    for field in REQUIRED_FIELDS:
        if not getattr(record, field):
            rows.append(make_row(record, field, "", f"required field '{field}' is missing",
                                 snippet))
    runs = any(org.role in IMPLEMENTING_ROLES for org in record.organisations)
    if record.organisations and not runs:
        rows.append(make_row(record, "organisations", show_value(record, "organisations"),
                             "no implementing organisation", snippet))
    for field, provenance in record.provenance.items():
        if field == "language" or provenance.method == "steward":
            continue
        if provenance.confidence < CONFIDENCE_THRESHOLD:
            rows.append(make_row(record, field, show_value(record, field),
                                 f"low confidence {provenance.confidence:.2f} "
                                 f"({provenance.method})", snippet))
    language = record.provenance.get("language")
    if language and language.method != "steward" and language.confidence < LANGUAGE_THRESHOLD:
        rows.append(make_row(record, "language", record.language,
                             f"language uncertain (margin {language.confidence:.2f})", snippet))
    return rows


def make_row(record: Initiative, field: str, value: str, reason: str,
             snippet: str) -> dict[str, str]:
    return {"record_id": record.id, "file": record.source.file, "title": record.title or "",
            "field": field, "value": value, "reason": reason, "source_snippet": snippet}


def show_value(record: Initiative, field: str) -> str:
    """A field's value as one short line of text."""
    value = getattr(record, field, None)
    if value is None:
        return ""
    if hasattr(value, "text"):
        value = value.text
    elif isinstance(value, list):
        value = "; ".join(getattr(item, "name", None) or getattr(item, "text", None) or str(item)
                          for item in value)
    elif hasattr(value, "model_dump"):
        value = value.text or ""
    return " ".join(str(value).split())[:SNIPPET_CHARS]


def source_snippet(record: Initiative, document_text: str | None) -> str:
    """The opening of the record's source text, on one line."""
    if not document_text:
        return ""
    start, end = record.source.span
    return " ".join(document_text[start:end].split())[:SNIPPET_CHARS]
