"""Compare two releases: added, removed and changed initiatives, and which fields changed.

Records are paired by id first. A record whose id changed (its title was edited, its
submission moved in the compilation, its file was renamed) is paired with its old self by
file and title, else by file, segment and similar text; such a pair is one initiative
changed, not one removed and one added, and goes into the release's old → new id map.

A release's prints wait on disk (`DiskMap`), so comparing two releases holds only what
differs between them: the records left over after pairing by id, and the pairs that changed.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from rapidfuzz import fuzz

from pipeline.models import SECTION_FIELDS
from pipeline.streams import DiskMap, read_jsonl

IGNORED_FIELDS = {"id", "provenance", "issues"}  # not news for the release notes
# Where a value stands in its document: an edit earlier in the file moves it, which apps must
# learn (the feed carries it) but people need not read about (the notes leave it out).
PLACE_KEYS = {"span", "spans", "sha256"}
SAMPLE_CHARS = 2000
SAME_SEGMENT_SIMILARITY = 0.5  # text this alike at the same place is the same initiative
MOVED_SIMILARITY = 0.85        # elsewhere in the same file it must be nearly the same text


DIGEST_BYTES = 8  # of a field's hash: enough to tell an edit, small enough for 100,000 prints


@dataclass(frozen=True, slots=True)
class FieldHashes:
    """A hash per field, compact: a release's prints are all held at once (twice on a re-run).

    `names` is one shared tuple for every record with the same fields; `digests` holds
    DIGEST_BYTES per name, in that order.
    """

    names: tuple[str, ...] = ()
    digests: bytes = b""

    @classmethod
    def of(cls, hashes: dict[str, bytes]) -> FieldHashes:
        names = tuple(sys.intern(name) for name in hashes)
        return cls(_NAMES.setdefault(names, names), b"".join(hashes.values()))

    def __bool__(self) -> bool:
        return bool(self.names)

    def as_dict(self) -> dict[str, bytes]:
        return {name: self.digests[n * DIGEST_BYTES:(n + 1) * DIGEST_BYTES]
                for n, name in enumerate(self.names)}

    def __reduce__(self):  # read back from disk, the names are the shared tuple again
        return shared_hashes, (self.names, self.digests)


_NAMES: dict[tuple[str, ...], tuple[str, ...]] = {}  # one tuple per distinct set of names
NO_HASHES = FieldHashes()


def shared_hashes(names: tuple[str, ...], digests: bytes) -> FieldHashes:
    return FieldHashes(_NAMES.setdefault(names, names), digests)


@dataclass(slots=True)
class RecordPrint:
    """What diffing needs of a record: where it came from, a hash per field, a text sample.

    The sample is needed only for records whose id changed, so a release's prints are made
    without it (`packed_sample` None) and `add_samples` reads it for those few; it is kept
    compressed.
    """

    id: str
    title: str | None
    file: str
    segment: str
    fields: FieldHashes
    sha256: str = ""
    packed_sample: bytes | None = b""
    content: FieldHashes = field(default_factory=FieldHashes)  # hashes without PLACE_KEYS

    @property
    def sample(self) -> str:
        if self.packed_sample is None:
            raise ValueError(f"the text sample of {self.id} was not read (add_samples)")
        return zlib.decompress(self.packed_sample).decode("utf-8") if self.packed_sample else ""


@dataclass
class Pairing:
    """An old record and the new record that is the same initiative (their prints without
    field hashes: what differs is in `fields`)."""

    old: RecordPrint
    new: RecordPrint
    fields: list[str]  # every field whose value differs, provenance and issues included
    how: str           # "id", "title", "segment_text" or "text"
    noted: list[str] = field(default_factory=list)  # the fields whose content differs


@dataclass
class ReleaseDiff:
    """Two releases compared. `pairings` holds the pairs whose records differ, keyed by new
    id in the new release's order; `diff_releases` leaves them on disk, and `changed()`
    streams them, so a lexicon change that touches every record costs no memory per record.
    """

    added: list[RecordPrint] = field(default_factory=list)
    removed: list[RecordPrint] = field(default_factory=list)
    documents_added: list[str] = field(default_factory=list)
    documents_removed: list[str] = field(default_factory=list)
    pairings: Mapping[str, Pairing] = field(default_factory=dict)

    def changed(self) -> Iterator[tuple[RecordPrint, list[str]]]:
        """Each changed initiative (its new print) and the fields people would call changed
        (its id among them when that changed), in the new release's order."""
        for pairing in self.pairings.values():
            noted = pairing.noted
            if pairing.old.id != pairing.new.id:
                noted = sorted(["id", *noted])
            if noted:
                yield pairing.new, noted

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.documents_added
                    or self.documents_removed) and next(self.changed(), None) is None

    @property
    def id_map(self) -> list[Pairing]:
        """The pairs whose id changed, in the new release's order."""
        return [p for p in self.pairings.values() if p.old.id != p.new.id]

    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "removed": len(self.removed),
                "changed": sum(1 for _ in self.changed()),
                "documents_added": len(self.documents_added),
                "documents_removed": len(self.documents_removed)}


def read_prints(release: Path, hashed: bool = True) -> DiskMap[RecordPrint]:
    """Stream a release's records into fingerprints keyed by id, without text samples, kept
    on disk.

    Without `hashed` the prints carry no field hashes: a release compared with an empty one
    pairs no record, so nothing would read them.
    """
    return DiskMap((record["id"], record_print(record, hashed, sampled=False))
                   for record in read_jsonl(release / "initiatives.jsonl"))


def record_print(record: dict, hashed: bool = True, sampled: bool = True) -> RecordPrint:
    """The fingerprint of one record (its field hashes only when `hashed`, its text sample
    only when `sampled`).

    The file and content hash are interned: a file's records share them.
    """
    fields, content = field_hashes(record) if hashed else (FieldHashes(), FieldHashes())
    source = record["source"]
    return RecordPrint(record["id"], record.get("title"), sys.intern(source["file"]),
                       source["segment"], fields, sys.intern(source.get("sha256", "")),
                       pack_sample(record) if sampled else None, content)


def pack_sample(record: dict) -> bytes:
    sample = sample_text(record)
    return zlib.compress(sample.encode("utf-8"), 1) if sample else b""


# A record line as the release writes it starts with its id; other lines are parsed whole.
LEADING_ID = re.compile(r'\{"id":\s*"([^"\\]*)"')


def add_samples(release: Path, prints: list[RecordPrint]) -> None:
    """Read the text samples of the prints that lack one from the release's records.

    One pass over the file, parsing only the lines of the records wanted.
    """
    wanted = {p.id: p for p in prints if p.packed_sample is None}
    path = release / "initiatives.jsonl"
    if not wanted or not path.exists():
        return
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            lead = LEADING_ID.match(line)
            if (lead and lead.group(1) not in wanted) or not line.strip():
                continue
            record = json.loads(line)
            if record.get("id") in wanted:
                wanted[record["id"]].packed_sample = pack_sample(record)


def field_hashes(record: dict) -> tuple[FieldHashes, FieldHashes]:
    """A hash of every field but the id, and of every field's content (its place left out).

    A value without spans or checksums is its own content, so its hash is reused.
    """
    fields: dict[str, bytes] = {}
    content: dict[str, bytes] = {}
    for name, value in record.items():
        if name == "id":
            continue
        fields[name] = hash_value(value)
        if name not in IGNORED_FIELDS:
            placeless = without_place(value)
            content[name] = fields[name] if placeless == value else hash_value(placeless)
    return FieldHashes.of(fields), FieldHashes.of(content)


# One encoder for every hash: json.dumps would build an identical one per call.
CANONICAL_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False)


def hash_value(value) -> bytes:
    return hashlib.sha1(CANONICAL_JSON.encode(value).encode()).digest()[:DIGEST_BYTES]


def without_place(value):
    """A value with its spans and checksums left out."""
    if isinstance(value, dict):
        return {key: without_place(item) for key, item in value.items() if key not in PLACE_KEYS}
    if isinstance(value, list):
        return [without_place(item) for item in value]
    return value


def sample_text(record: dict) -> str:
    """The record's title and texts, for telling whether two records are the same one."""
    parts = [record.get("title") or ""]
    parts += [(record.get(name) or {}).get("text", "") for name in SECTION_FIELDS]
    parts += [item.get("text", "") for item in record.get("activities") or []]
    return " ".join(" ".join(parts).split())[:SAMPLE_CHARS]


def read_document_files(release: Path) -> set[str]:
    return {document["file"] for document in read_jsonl(release / "documents.jsonl")}


def diff_releases(old: Path, new: Path, before: Mapping[str, RecordPrint] | None = None,
                  after: Mapping[str, RecordPrint] | None = None) -> ReleaseDiff:
    """Pair the records of two releases and sort them into added, removed and changed.

    `before` and `after` are the releases' prints when the caller has them already (`after`
    hashed as `read_prints(new, hashed=bool(before))` would).
    """
    before = read_prints(old) if before is None else before
    after = read_prints(new, hashed=bool(before)) if after is None else after
    left_old = [p for key, p in before.items() if key not in after]
    left_new = [p for key, p in after.items() if key not in before]
    if left_old and left_new:  # only these are paired by their texts
        add_samples(old, left_old)
        add_samples(new, left_new)
    diff = ReleaseDiff(pairings=pair_records(before, after, left_old, left_new))
    paired = diff.id_map  # the left-over records that paired: each changed its id
    paired_old, paired_new = {p.old.id for p in paired}, {p.new.id for p in paired}
    diff.added = [p for p in left_new if p.id not in paired_new]
    diff.removed = [p for p in left_old if p.id not in paired_old]
    old_files, new_files = read_document_files(old), read_document_files(new)
    diff.documents_added = sorted(new_files - old_files)
    diff.documents_removed = sorted(old_files - new_files)
    return diff


def pair_records(before: Mapping[str, RecordPrint], after: Mapping[str, RecordPrint],
                 left_old: list[RecordPrint] | None = None,
                 left_new: list[RecordPrint] | None = None) -> DiskMap[Pairing]:
    """Pair by id, then pair what is left (`left_old`, `left_new`: the prints whose id the
    other release lacks) by place and name. Return the pairs whose records differ, by new id
    in the new release's order, on disk; a record paired with its unchanged self is news to
    no one."""
    if left_old is None:
        left_old = [p for key, p in before.items() if key not in after]
    if left_new is None:
        left_new = [p for key, p in after.items() if key not in before]
    by_text = pair_left_over(left_old, left_new)
    pairings: DiskMap[Pairing] = DiskMap()
    for key, record in after.items():
        old, how = by_text[key] if key in by_text else (before.get(key), "id")
        if old is None:
            continue
        fields = changed_fields(old.fields, record.fields)
        if fields or old.id != record.id:
            pairings[key] = Pairing(slim(old), slim(record), fields, how,
                                    changed_fields(old.content, record.content))
    return pairings


def slim(record: RecordPrint) -> RecordPrint:
    """The print without its field hashes, once they are compared."""
    return replace(record, fields=NO_HASHES, content=NO_HASHES)


def pair_left_over(left_old: list[RecordPrint], left_new: list[RecordPrint]
                   ) -> dict[str, tuple[RecordPrint, str]]:
    """Pair records whose id changed by their file (or content) and text: new id → (old
    print, how)."""
    pairs: dict[str, tuple[RecordPrint, str]] = {}
    # Only records of the same file (or the same content under a new name) can pair: look
    # those up rather than scoring every left-over old record against every new one.
    by_file: dict[str, list[int]] = {}
    by_sha: dict[str, list[int]] = {}
    for o, old in enumerate(left_old):
        by_file.setdefault(old.file, []).append(o)
        if old.sha256:
            by_sha.setdefault(old.sha256, []).append(o)
    candidates = sorted(((score, n, o) for n, new in enumerate(left_new)
                         for o in sorted({*by_file.get(new.file, ()),
                                          *by_sha.get(new.sha256, ())})
                         for score in [score_pair(left_old[o], new)] if score is not None),
                        key=lambda c: (-c[0][0], c[1], c[2]))
    taken_old: set[int] = set()
    for (_, how), n, o in candidates:
        if left_new[n].id in pairs or o in taken_old:
            continue
        pairs[left_new[n].id] = (left_old[o], how)
        taken_old.add(o)
    return pairs


def score_pair(old: RecordPrint, new: RecordPrint) -> tuple[float, str] | None:
    """How surely two records of the same (or a renamed) file are one initiative, and why."""
    if old.file != new.file and not (old.sha256 and old.sha256 == new.sha256):
        return None
    similarity = fuzz.ratio(old.sample, new.sample) / 100
    if old.title and same_title(old.title, new.title):
        return 2 + similarity, "title"
    if old.segment == new.segment and similarity >= SAME_SEGMENT_SIMILARITY:
        return 1 + similarity, "segment_text"
    if similarity >= MOVED_SIMILARITY:
        return similarity, "text"
    return None


def same_title(a: str | None, b: str | None) -> bool:
    return bool(a and b) and " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def changed_fields(old: FieldHashes, new: FieldHashes) -> list[str]:
    """The fields whose hashes differ (or that only one of the two has)."""
    if old.names is new.names:
        if old.digests == new.digests:
            return []
        size = DIGEST_BYTES
        return sorted(name for n, name in enumerate(old.names)
                      if old.digests[n * size:(n + 1) * size] != new.digests[n * size:(n + 1) * size])
    before, after = old.as_dict(), new.as_dict()
    return sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))


def format_diff(diff: ReleaseDiff) -> str:
    """Release notes in Markdown."""
    return "".join(diff_notes(diff))


def diff_notes(diff: ReleaseDiff) -> Iterator[str]:
    """The release notes in pieces, to be written as they come."""
    if diff.empty:
        yield "No changes.\n"
        return
    changed = (f"{describe(r)}: {', '.join(fields)}" for r, fields in diff.changed())
    sections = [("Documents added", (f"- {name}" for name in diff.documents_added)),
                ("Documents removed (their initiatives are dropped)",
                 (f"- {name}" for name in diff.documents_removed)),
                ("Initiatives added", map(describe, diff.added)),
                ("Initiatives removed", map(describe, diff.removed)),
                ("Initiatives changed", changed),
                ("Ids changed (see id_map.jsonl)",
                 (f"- {p.old.id} → {p.new.id} ({p.how})" for p in diff.id_map))]
    started = False
    for heading, lines in sections:
        for n, line in enumerate(lines):
            if n == 0:
                yield f"\n## {heading}\n" if started else f"## {heading}\n"
                started = True
            yield line + "\n"


def describe(record: RecordPrint) -> str:
    return f"- {record.id} “{record.title or '(no title)'}” ({record.file} #{record.segment})"
