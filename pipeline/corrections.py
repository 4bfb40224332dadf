"""Apply a steward's corrections (corrections/*.yaml or *.csv) on top of extraction.

A correction names a record (by id; or by source file and title, which survive a change of
id when the pipeline is upgraded), a field and the new value. The corrected field's
provenance becomes `steward`. A correction that fits no record or field is reported.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from pipeline.language import detect_language
from pipeline.models import SECTION_FIELDS, Initiative, Provenance, TextField

LIST_FIELDS = ("countries", "websites", "funding", "target_group_categories", "themes")
PERIOD_FIELDS = ("period.start", "period.end", "period.text")
SCALAR_FIELDS = ("title", "title_en", "language", "implementation_level")
OBJECT_LIST_FIELDS = ("organisations", "contacts")
CORRECTABLE = (*SCALAR_FIELDS, *SECTION_FIELDS, *LIST_FIELDS, *PERIOD_FIELDS,
               *OBJECT_LIST_FIELDS, "activities", "sdgs")


@dataclass
class Correction:
    """One steward correction and where it was written."""

    record_id: str | None
    field: str
    value: object
    note: str | None
    origin: str
    file: str | None = None
    title: str | None = None


class CorrectionError(ValueError):
    """A corrections file cannot be read."""


def load_corrections(folder: Path) -> tuple[list[Correction], list[str]]:
    """Read every corrections file; return the corrections and the problems found."""
    corrections: list[Correction] = []
    problems: list[str] = []
    if not folder.is_dir():
        return corrections, problems
    for path in sorted(folder.iterdir()):
        try:
            if path.suffix in (".yaml", ".yml"):
                rows = read_yaml_rows(path)
            elif path.suffix == ".csv":
                rows = read_csv_rows(path)
            else:
                continue
        except (OSError, yaml.YAMLError, csv.Error, CorrectionError) as exc:
            problems.append(f"{path.name}: cannot be read ({exc})")
            continue
        for origin, row in rows:
            if is_cluster_row(row):
                continue  # read by load_cluster_corrections
            correction, problem = make_correction(row, origin)
            if problem:
                problems.append(problem)
            else:
                corrections.append(correction)
    return corrections, problems


def read_yaml_rows(path: Path) -> list[tuple[str, dict]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if isinstance(data, dict):
        data = data.get("corrections", [])
    if not isinstance(data, list):
        raise CorrectionError("expected a list of corrections")
    return [(f"{path.name}#{n + 1}", row) for n, row in enumerate(data)]


def read_csv_rows(path: Path) -> list[tuple[str, dict]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [(f"{path.name}:{n + 2}", row) for n, row in enumerate(csv.DictReader(handle))]


def make_correction(row: object, origin: str) -> tuple[Correction | None, str | None]:
    """Validate one row: it must name a record and a correctable field."""
    if not isinstance(row, dict):
        return None, f"{origin}: not a mapping"
    field = str(row.get("field") or "").strip()
    record_id = str(row.get("record_id") or row.get("id") or "").strip() or None
    file, title = row.get("file"), row.get("title")
    if field not in CORRECTABLE:
        return None, f"{origin}: field '{field}' cannot be corrected"
    if not record_id and not (file and title):
        return None, f"{origin}: names no record (record_id, or file and title)"
    return Correction(record_id, field, row.get("value"), row.get("note") or None, origin,
                      str(file) if file else None, str(title) if title else None), None


def apply_corrections(records: list[Initiative], corrections: list[Correction],
                      applied: dict[str, str]) -> None:
    """Apply matching corrections in place; `applied` collects origin → outcome."""
    for correction in corrections:
        for record in records:
            if matches(record, correction):
                applied[correction.origin] = apply_one(record, correction)


def matches(record: Initiative, correction: Correction) -> bool:
    """By id first; by source file name and title when the id is unknown."""
    if correction.record_id and correction.record_id == record.id:
        return True
    if correction.file and correction.title and record.title:
        return (Path(record.source.file).name == Path(correction.file).name
                and record.title.casefold() == correction.title.casefold())
    return False


def apply_one(record: Initiative, correction: Correction) -> str:
    """Set one field; invalid values leave the record as it was and say why."""
    before = record.model_copy(deep=True)
    try:
        set_value(record, correction.field, correction.value)
        Initiative.model_validate(record.model_dump())
    except (ValidationError, ValueError, TypeError) as exc:
        for name in Initiative.model_fields:
            setattr(record, name, getattr(before, name))
        return f"invalid value: {explain_error(exc)}"
    record.provenance[correction.field] = Provenance(method="steward", confidence=1.0,
                                                     note=correction.note)
    return "applied"


def explain_error(exc: Exception) -> str:
    """Say which part of a value was wrong and what is allowed, in one line."""
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}"
                         for error in exc.errors()[:3])
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def set_value(record: Initiative, field: str, value: object) -> None:
    """Write a steward's value into the record, converting it to the field's type."""
    if field in SECTION_FIELDS:
        setattr(record, field, steward_text(value, record.language))
    elif field == "activities":
        record.activities = [t for t in (steward_text(v, record.language)
                                         for v in as_list(value)) if t]
    elif field in LIST_FIELDS:
        setattr(record, field, [str(v) for v in as_list(value)])
    elif field == "sdgs":
        record.sdgs = [int(v) for v in as_list(value)]
    elif field in PERIOD_FIELDS:
        setattr(record.period, field.split(".")[1], str(value) if value not in (None, "") else None)
    elif field in OBJECT_LIST_FIELDS:
        items = value if isinstance(value, list) else yaml.safe_load(str(value))
        model = Initiative.model_fields[field].annotation.__args__[0]
        setattr(record, field, [model.model_validate(item) for item in items or []])
    else:
        setattr(record, field, str(value) if value not in (None, "") else None)


def steward_text(value: object, language: str) -> TextField | None:
    """A text field written by a steward: no span in the document, full confidence."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    lang, lang_confidence = detect_language(text, prior=language)
    return TextField(text=text, lang=lang, span=None, lang_confidence=lang_confidence,
                     confidence=1.0, method="steward")


def as_list(value: object) -> list:
    if value in (None, ""):
        return []
    if isinstance(value, list):
        return value
    return [part.strip() for part in str(value).split(";") if part.strip()]


@dataclass
class ClusterCorrection:
    """A steward's verdict on linked records: `merge` them into one cluster, or `split` them off."""

    action: str
    ids: list[str]
    origin: str


def is_cluster_row(row: object) -> bool:
    """Whether a corrections row is about a cluster (`kind: cluster`), not a field."""
    return isinstance(row, dict) and str(row.get("kind") or "").strip() == "cluster"


def load_cluster_corrections(folder: Path) -> tuple[list[ClusterCorrection], list[str]]:
    """Read the `kind: cluster` rows of the corrections files (ids as a list or `a; b`)."""
    found: list[ClusterCorrection] = []
    problems: list[str] = []
    paths = sorted(folder.iterdir()) if folder.is_dir() else []
    for path in paths:
        try:
            rows = (read_yaml_rows(path) if path.suffix in (".yaml", ".yml") else
                    read_csv_rows(path) if path.suffix == ".csv" else [])
        except (OSError, yaml.YAMLError, csv.Error, CorrectionError):
            continue  # load_corrections reports unreadable files
        for origin, row in rows:
            if not is_cluster_row(row):
                continue
            action = str(row.get("action") or "").strip()
            ids = [str(i) for i in as_list(row.get("ids") or row.get("value"))]
            if action not in ("merge", "split") or len(ids) < (2 if action == "merge" else 1):
                problems.append(f"{origin}: a cluster correction needs action merge (two or "
                                "more ids) or split (one or more ids)")
                continue
            found.append(ClusterCorrection(action, ids, origin))
    return found, problems
