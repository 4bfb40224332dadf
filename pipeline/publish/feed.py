"""The machine-readable side of a release diff: `changes.jsonl` and `id_map.jsonl`.

`changes.jsonl` turns the previous release's `initiatives.jsonl` into this one's when
applied line by line (see `apply_changes`): first every `remove`, then every `change`
(the fields with their old and new values; `old_id` when the id changed), then every `add`
(the whole record: its line of `initiatives.jsonl` as it stands). Each line names the release
it leads to and the one it starts from, and every line has the same keys (null where they do
not apply), so it reads as a table. Lines are compact JSON, like the records' own.
`id_map.jsonl` lists the initiatives whose id changed, old → new, and how they were paired.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path

from pipeline.publish.diff import LEADING_ID, RecordPrint, ReleaseDiff, diff_releases, read_prints
from pipeline.publish.files import checksum_files, write_json
from pipeline.publish.kept_prints import keep_prints, load_prints
from pipeline.streams import DiskMap, read_jsonl

FEED_FILE, ID_MAP_FILE = "changes.jsonl", "id_map.jsonl"


def publish_changes(previous: Path, release: Path, version: str,
                    before: Mapping[str, RecordPrint] | None = None,
                    after: Mapping[str, RecordPrint] | None = None) -> ReleaseDiff:
    """Diff a release folder against the previous one and write its feed and id map (with
    the releases' prints, when the caller has them: see `diff_releases`)."""
    manifest = previous / "manifest.json"
    base = json.loads(manifest.read_text(encoding="utf-8"))["version"] \
        if manifest.exists() else None
    changes = diff_releases(previous, release, before, after)
    write_change_feed(previous, release, changes, version, base)
    return changes


def write_public_changes(previous: Path, public: Path, version: str,
                         store: Path | None = None,
                         before: DiskMap[RecordPrint] | None = None,
                         after: DiskMap[RecordPrint] | None = None) -> None:
    """The public variant's own change feed and id map, from the public records only.

    `before` and `after` are the two variants' prints when the caller has them; else the
    previous ones are those kept in `store` or read, and the new ones are read. With a
    `store`, hashed prints of the new records are kept there for the next run.
    """
    from pipeline.publish.datapackage import describe_package

    if before is None:
        before = load_prints(store, "public", previous) if store else read_prints(previous)
    if after is None:
        after = read_prints(public, hashed=bool(before))
    try:
        publish_changes(previous, public, version, before, after)
        if before and store:
            keep_prints(store, "public", public, after)
    finally:
        before.close()
        after.close()
    package = json.loads((public / "datapackage.json").read_text(encoding="utf-8"))
    package["resources"] = describe_package(version, public=True, folder=public)["resources"]
    write_json(public / "datapackage.json", package)
    manifest = json.loads((public / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"] = checksum_files(public)
    write_json(public / "manifest.json", manifest)


def write_change_feed(old: Path, new: Path, diff: ReleaseDiff, version: str,
                      base: str | None) -> None:
    """Write changes.jsonl and id_map.jsonl into the new release folder."""
    stamp = {"release": version, "base": base}
    blank = {"old_id": None, "fields": None, "record": None}  # every line has every key
    pairings = diff.pairings
    updates = any(p.fields for p in pairings.values())
    # Each pass over a release reads only when it has something to write (a first release
    # has nothing to change: every record is an `add`). What it needs of the old records
    # waits on disk: after a lexicon change, every record may have changed.
    wanted_old = DiskMap((p.old.id, p.fields) for p in pairings.values() if p.fields)
    old_values = DiskMap((record["id"], {name: record.get(name) for name in wanted_old[
        record["id"]]}) for record in read_jsonl(old / "initiatives.jsonl")
        if record["id"] in wanted_old) if updates else {}
    added = {r.id for r in diff.added}
    with open(new / FEED_FILE, "w", encoding="utf-8") as feed:
        for record in diff.removed:
            write_line(feed, {"op": "remove", "id": record.id, **stamp, **blank})
        for record in read_jsonl(new / "initiatives.jsonl") if updates else ():
            pairing = pairings.get(record["id"])
            if pairing is not None and pairing.fields:
                before = old_values.get(pairing.old.id, {})
                line = {"op": "change", "id": record["id"], **stamp, **blank}
                if pairing.old.id != record["id"]:
                    line["old_id"] = pairing.old.id
                line["fields"] = {name: {"old": before.get(name), "new": record.get(name)}
                                  for name in pairing.fields}
                write_line(feed, line)
        # a second pass keeps memory flat; an added record is its line, as written
        for line in read_record_lines(new / "initiatives.jsonl") if added else ():
            record_id = line_id(line)
            if record_id in added:
                head = {"op": "add", "id": record_id, **stamp, **blank}
                del head["record"]  # the last key: the line itself follows
                feed.write(f'{encode(head)[:-1]},"record":{line}}}\n')
    with open(new / ID_MAP_FILE, "w", encoding="utf-8") as id_map:
        for pairing in diff.id_map:
            write_line(id_map, {"old_id": pairing.old.id, "new_id": pairing.new.id,
                                "how": pairing.how, "file": pairing.new.file,
                                "segment": pairing.new.segment, "title": pairing.new.title})


def write_line(handle, data: dict) -> None:
    handle.write(encode(data) + "\n")


def encode(data: dict) -> str:
    """One feed line's JSON: compact, as the records' own lines are written."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def read_record_lines(path: Path) -> Iterator[str]:
    """The lines of a records file, each one JSON object, without its line break."""
    if not path.exists():
        return
    with path.open(encoding="utf-8") as handle:
        yield from (line.strip() for line in handle if line.strip())


def line_id(line: str) -> str:
    """The id of the record a line holds: read from its start where the writer put it first."""
    lead = LEADING_ID.match(line)
    return lead.group(1) if lead else json.loads(line)["id"]


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
