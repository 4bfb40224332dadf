"""What every published file shares: the flat record's columns, coverage, checksums, syncing.

The release writer, the public variant, the report and the data package all read these, so
they sit below all of them and none of those modules imports another to get them.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime, timezone
from pathlib import Path

from pipeline import __version__
from pipeline.models import FIELDS, SCHEMA_VERSION, SECTION_FIELDS, Initiative

CSV_COLUMNS = (
    "id", "schema_version", "title", "title_en", "language", "organisations", "contacts",
    "countries", "websites", *SECTION_FIELDS, "activities", "target_group_categories", "themes",
    "implementation_level", "period_start", "period_end", "period_text", "funding", "sdgs",
    "parent_id", "source_file", "source_sha256", "source_segment",
)


COVERAGE_FIELDS = tuple(spec.name for spec in FIELDS)


def flatten_record(record: Initiative) -> dict[str, str | None]:
    """One CSV/Parquet row: lists joined with '; ', text fields as their text."""
    row: dict[str, str | None] = {
        "id": record.id, "schema_version": record.schema_version, "title": record.title,
        "title_en": record.title_en, "language": record.language,
        "organisations": "; ".join(o.name for o in record.organisations),
        "contacts": "; ".join(c.email for c in record.contacts),
        "countries": "; ".join(record.countries), "websites": "; ".join(record.websites),
        "activities": "; ".join(a.text for a in record.activities),
        "target_group_categories": "; ".join(record.target_group_categories),
        "themes": "; ".join(record.themes),
        "implementation_level": record.implementation_level,
        "period_start": record.period.start, "period_end": record.period.end,
        "period_text": record.period.text, "funding": "; ".join(record.funding),
        "sdgs": "; ".join(str(goal) for goal in record.sdgs), "parent_id": record.parent_id,
        "source_file": record.source.file, "source_sha256": record.source.sha256,
        "source_segment": record.source.segment,
    }
    for name in SECTION_FIELDS:
        value = getattr(record, name)
        row[name] = value.text if value else None
    return row


def build_manifest(folder: Path, version: str, quality: dict, checksums: bool = True) -> dict:
    """Describe a release: version, time, versions of pipeline and schema, counts, checksums.

    Without `checksums` the files are left for the caller to fill in once they are written.
    """
    return {
        "version": version,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "pipeline_version": __version__,
        "schema_version": SCHEMA_VERSION,
        "counts": {"documents": quality["documents"], "initiatives": quality["initiatives"]},
        "files": checksum_files(folder) if checksums else {},
    }


def checksum_files(folder: Path) -> dict[str, str]:
    """The sha256 of every file in a release folder but the manifest itself."""
    return {path.name: sha256_file(path) for path in sorted(folder.iterdir())
            if path.is_file() and path.name != "manifest.json"}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fsync_tree(folder: Path) -> None:
    """Flush a release's files to disk before it is made visible."""
    for path in folder.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())


def write_json(path: Path, data: dict) -> None:
    """Write JSON through a temporary file and an atomic rename."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, path)
