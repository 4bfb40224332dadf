"""Compare two releases: added, removed and changed initiatives, and which fields changed."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.streams import read_jsonl

IGNORED_FIELDS = {"id", "provenance", "issues"}


@dataclass
class RecordPrint:
    """What diffing needs of a record: where it came from and a hash per field."""

    id: str
    title: str | None
    file: str
    segment: str
    fields: dict[str, str]


@dataclass
class ReleaseDiff:
    added: list[RecordPrint] = field(default_factory=list)
    removed: list[RecordPrint] = field(default_factory=list)
    changed: list[tuple[RecordPrint, list[str]]] = field(default_factory=list)
    documents_added: list[str] = field(default_factory=list)
    documents_removed: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.documents_added
                    or self.documents_removed)

    def to_dict(self) -> dict:
        return {
            "added": [r.id for r in self.added], "removed": [r.id for r in self.removed],
            "changed": {r.id: fields for r, fields in self.changed},
            "documents_added": self.documents_added,
            "documents_removed": self.documents_removed,
        }


def read_prints(release: Path) -> dict[str, RecordPrint]:
    """Stream a release's records into fingerprints keyed by id."""
    prints: dict[str, RecordPrint] = {}
    for record in read_jsonl(release / "initiatives.jsonl"):
        fields = {name: hashlib.sha1(json.dumps(value, sort_keys=True, ensure_ascii=False)
                                     .encode()).hexdigest()
                  for name, value in record.items() if name not in IGNORED_FIELDS}
        prints[record["id"]] = RecordPrint(record["id"], record.get("title"),
                                           record["source"]["file"],
                                           record["source"]["segment"], fields)
    return prints


def read_document_files(release: Path) -> set[str]:
    return {document["file"] for document in read_jsonl(release / "documents.jsonl")}


def diff_releases(old: Path, new: Path) -> ReleaseDiff:
    """Records are the same initiative when their id, or else their file and segment, agree."""
    before, after = read_prints(old), read_prints(new)
    diff = ReleaseDiff()
    by_place = {(p.file, p.segment): p for key, p in before.items() if key not in after}
    matched_old = set()
    for key, record in after.items():
        old_print = before.get(key) or by_place.get((record.file, record.segment))
        if old_print is None:
            diff.added.append(record)
            continue
        matched_old.add(old_print.id)
        changed = sorted(name for name in set(record.fields) | set(old_print.fields)
                         if record.fields.get(name) != old_print.fields.get(name))
        if changed or old_print.id != record.id:
            diff.changed.append((record, changed or ["id"]))
    diff.removed = [p for key, p in before.items() if key not in matched_old]
    old_files, new_files = read_document_files(old), read_document_files(new)
    diff.documents_added = sorted(new_files - old_files)
    diff.documents_removed = sorted(old_files - new_files)
    return diff


def format_diff(diff: ReleaseDiff) -> str:
    """Release notes in Markdown."""
    if diff.empty:
        return "No changes.\n"
    lines = []
    sections = [("Documents added", diff.documents_added),
                ("Documents removed (their initiatives are dropped)", diff.documents_removed)]
    for heading, names in sections:
        if names:
            lines += [f"## {heading}", *[f"- {name}" for name in names], ""]
    if diff.added:
        lines += ["## Initiatives added", *[describe(r) for r in diff.added], ""]
    if diff.removed:
        lines += ["## Initiatives removed", *[describe(r) for r in diff.removed], ""]
    if diff.changed:
        lines += ["## Initiatives changed",
                  *[f"{describe(r)}: {', '.join(fields)}" for r, fields in diff.changed], ""]
    return "\n".join(lines)


def describe(record: RecordPrint) -> str:
    return f"- {record.id} “{record.title or '(no title)'}” ({record.file} #{record.segment})"
