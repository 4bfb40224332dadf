"""The machine-readable side of a release diff: `changes.jsonl` and `id_map.jsonl`.

`changes.jsonl` turns the previous release's `initiatives.jsonl` into this one's when
applied line by line (see `apply_changes`): first every `remove`, then every `change`
(the fields with their old and new values; `old_id` when the id changed), then every `add`
(the whole record). Each line names the release it leads to and the one it starts from,
and every line has the same keys (null where they do not apply), so it reads as a table.
`id_map.jsonl` lists the initiatives whose id changed, old → new, and how they were paired.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.publish.diff import RecordPrint, ReleaseDiff, diff_releases
from pipeline.streams import read_jsonl

FEED_FILE, ID_MAP_FILE = "changes.jsonl", "id_map.jsonl"


def publish_changes(previous: Path, release: Path, version: str,
                    before: dict[str, RecordPrint] | None = None,
                    after: dict[str, RecordPrint] | None = None) -> ReleaseDiff:
    """Diff a release folder against the previous one and write its feed and id map (with
    the releases' prints, when the caller has them: see `diff_releases`)."""
    manifest = previous / "manifest.json"
    base = json.loads(manifest.read_text(encoding="utf-8"))["version"] \
        if manifest.exists() else None
    changes = diff_releases(previous, release, before, after)
    write_change_feed(previous, release, changes, version, base)
    return changes


def write_change_feed(old: Path, new: Path, diff: ReleaseDiff, version: str,
                      base: str | None) -> None:
    """Write changes.jsonl and id_map.jsonl into the new release folder."""
    stamp = {"release": version, "base": base}
    blank = {"old_id": None, "fields": None, "record": None}  # every line has every key
    updates = {p.new.id: p for p in diff.pairings if p.fields}
    wanted_old = {p.old.id: p.fields for p in updates.values()}
    # Each pass over a release reads only when it has something to write (a first release
    # has nothing to change: every record is an `add`).
    old_values = {record["id"]: {name: record.get(name) for name in wanted_old[record["id"]]}
                  for record in read_jsonl(old / "initiatives.jsonl")
                  if record["id"] in wanted_old} if wanted_old else {}
    added = {r.id for r in diff.added}
    with open(new / FEED_FILE, "w", encoding="utf-8") as feed:
        for record in diff.removed:
            write_line(feed, {"op": "remove", "id": record.id, **stamp, **blank})
        for record in read_jsonl(new / "initiatives.jsonl") if updates else ():
            if record["id"] in updates:
                pairing = updates[record["id"]]
                before = old_values.get(pairing.old.id, {})
                line = {"op": "change", "id": record["id"], **stamp, **blank}
                if pairing.old.id != record["id"]:
                    line["old_id"] = pairing.old.id
                line["fields"] = {name: {"old": before.get(name), "new": record.get(name)}
                                  for name in pairing.fields}
                write_line(feed, line)
        # a second pass keeps memory flat
        for record in read_jsonl(new / "initiatives.jsonl") if added else ():
            if record["id"] in added:
                write_line(feed, {"op": "add", "id": record["id"], **stamp, **blank,
                                  "record": record})
    with open(new / ID_MAP_FILE, "w", encoding="utf-8") as id_map:
        for pairing in diff.id_map:
            write_line(id_map, {"old_id": pairing.old.id, "new_id": pairing.new.id,
                                "how": pairing.how, "file": pairing.new.file,
                                "segment": pairing.new.segment, "title": pairing.new.title})


def write_line(handle, data: dict) -> None:
    handle.write(json.dumps(data, ensure_ascii=False) + "\n")


def apply_changes(records: dict[str, dict], changes: list[dict]) -> dict[str, dict]:
    """Apply a change feed to records keyed by id (what a consuming app does)."""
    result = dict(records)
    for line in changes:
        if line["op"] == "remove":
            result.pop(line["id"], None)
        elif line["op"] == "change":
            record = dict(result.pop(line["old_id"] or line["id"]))
            record.update({name: value["new"] for name, value in line["fields"].items()})
            record["id"] = line["id"]
            result[line["id"]] = record
        elif line["op"] == "add":
            result[line["id"]] = line["record"]
    return result
