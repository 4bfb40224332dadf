"""Write a release into processed/: JSONL, CSV, Parquet, quality figures, data package.

Records arrive in batches and are streamed into a staging folder. `finish` renames the
folder to `releases/<version>/` and then swaps the `latest` link to it in one atomic
rename; the files in `processed/` are fixed links through `latest`. A run killed at any
moment therefore leaves the previous release complete and readable.
"""

from __future__ import annotations

import errno
import gc
import json
import os
import shutil
import sqlite3
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from pipeline import __version__
from pipeline.csvsafe import open_csv
from pipeline.publish.contexts import FileContext, add_initiative_context
from pipeline.publish.derived import DerivedFiles
from pipeline.publish.diff import RecordPrint, diff_notes
from pipeline.publish.feed import write_public_changes
from pipeline.publish.kept_prints import keep_prints, load_prints, print_taker
from pipeline.streams import DiskMap
from pipeline.publish.final_records import FinalRecords
from pipeline.enrich.linking import LinkTable, link_release
from pipeline.models import SCHEMA_VERSION, Document, Initiative
from pipeline.publish.review_queue import REVIEW_COLUMNS, review_record
from pipeline.publish.files import (COVERAGE_FIELDS, CSV_COLUMNS, build_manifest, checksum_files,
                                    flatten_record, fsync_tree, write_json)

RELEASE_FILES = ("initiatives.jsonl", "documents.jsonl", "initiatives.csv", "initiatives.parquet",
                 "organisations.csv", "organisations.parquet", "text_fields.csv",
                 "text_fields.parquet", "contacts.csv", "contacts.parquet", "changes.jsonl",
                 "id_map.jsonl", "initiative.schema.json", "document.schema.json",
                 "quality.json", "datapackage.json", "manifest.json", "review.csv",
                 "release_notes.md", "report.html", "praxis.sqlite", "public",
                 "clusters.jsonl", "clusters.csv", "outcomes.csv", "outcomes.parquet")
class QualityTally:
    """Run figures gathered batch by batch: counts, coverage, flags."""

    def __init__(self) -> None:
        self.documents = Counter()
        self.initiatives = 0
        self.languages = Counter()
        self.coverage = Counter()
        self.flags = Counter()
        self.quarantined: list[dict[str, str | None]] = []
        self.translation: dict = {}
        self.incremental: dict = {}
        self.corrections: dict = {}
        self.linking: dict = {}
        self.review_rows = 0

    def add_documents(self, documents: list[Document]) -> None:
        for doc in documents:
            self.documents[doc.status] += 1
            if doc.status == "quarantined":
                self.quarantined.append({"file": doc.file, "reason": doc.error})

    def add_records(self, records: list[Initiative]) -> None:
        for record in records:
            self.initiatives += 1
            self.languages[record.language] += 1
            for name in COVERAGE_FIELDS:
                value = getattr(record, name)
                filled = bool(value.start or value.text) if name == "period" else bool(value)
                self.coverage[name] += filled
            for issue in record.issues:
                self.flags[f"{issue.stage}:{issue.code}"] += 1

    def to_dict(self) -> dict:
        total = self.initiatives or 1
        return {
            "pipeline_version": __version__,
            "schema_version": SCHEMA_VERSION,
            "documents": {"total": sum(self.documents.values()), **dict(self.documents)},
            "initiatives": self.initiatives,
            "languages": dict(sorted(self.languages.items())),
            "coverage": {name: round(self.coverage[name] / total, 3) for name in COVERAGE_FIELDS},
            "flags": dict(sorted(self.flags.items())),
            "quarantined": self.quarantined,
            "review_queue": self.review_rows,
            "translation": self.translation,
            "incremental": self.incremental,
            "corrections": self.corrections,
            "linking": self.linking,
        }


class ReleaseWriter:
    """Stream batches into a staging folder, then move every file into place atomically."""

    def __init__(self, out_dir: Path, keep_releases: int = 10, license_id: str | None = None,
                 workers: int = 1):
        self.out_dir = out_dir
        self.store = out_dir / "store"  # where the prints are kept for the next run's diff
        self.keep_releases = keep_releases
        self.license_id = license_id  # None: the one Settings reads (PRAXIS_LICENSE)
        self.workers = workers  # > 1: the database is built beside the report and public files
        self.releases = out_dir / "releases"
        self.releases.mkdir(parents=True, exist_ok=True)
        remove_stale_staging(self.releases)
        self.staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.releases))
        self.staging.chmod(0o755)  # mkdtemp makes it private; a release is for other apps too
        self.tally = QualityTally()
        self._records = self._documents = self._csv_file = self._review_file = None
        try:
            self._records = open(self.staging / "initiatives.jsonl", "w", encoding="utf-8")
            self._documents = open(self.staging / "documents.jsonl", "w", encoding="utf-8")
            self._csv_file, self._csv = open_csv(self.staging / "initiatives.csv", CSV_COLUMNS)
            self._review_file, self._review = open_csv(self.staging / "review.csv",
                                                       REVIEW_COLUMNS)
            self.links = LinkTable(self.staging / ".links.parquet")
        except BaseException:
            self.abort()
            raise
        self.link_corrections: list = []  # a steward's cluster splits and merges
        self.people: DiskMap[list[str]] = DiskMap()  # per file, the people its text names
        # per source file, what its records add to the public variant's masking
        self.contexts: dict[str, FileContext] = defaultdict(FileContext)
        self.derived: DerivedFiles | None = None

    def add_people(self, people: dict[str, list[str]]) -> None:
        """Keep the people each file's text names (on disk), for the public variant's masking."""
        for file, names in people.items():
            self.people[file] = names

    def add_documents(self, documents: list[Document]) -> None:
        """Append documents (ok and quarantined) to documents.jsonl."""
        for doc in documents:
            line = doc.model_dump(include={"id", "file", "sha256", "format", "language", "text",
                                           "status", "error", "issues"})
            self._documents.write(json.dumps(line, ensure_ascii=False) + "\n")
        self.tally.add_documents(documents)

    def add_records(self, records: list[Initiative]) -> None:
        """Append a batch of records to every tabular output."""
        rows = [flatten_record(record) for record in records]
        for record in records:
            self._records.write(record.model_dump_json() + "\n")
        self._csv.writerows(rows)
        self.links.add(records)
        self.tally.add_records(records)
        for record in records:
            add_initiative_context(self.contexts, record)

    def add_review(self, records: list[Initiative], texts: dict[str, str]) -> None:
        """Queue the fields of a batch that a steward should check."""
        for record in records:
            rows = review_record(record, texts.get(record.source.file))
            self._review.writerows(rows)
            self.tally.review_rows += len(rows)

    def finish(self) -> dict:
        """Close the files, write descriptors, and publish the release in one atomic switch."""
        self._records.close()
        self._documents.close()
        self._csv_file.close()
        self._review_file.close()
        with collector_paused():
            quality, version = self.write_files()
        release = self.releases / version
        os.rename(self.staging, release)
        try:
            point_latest(self.out_dir, release)
        except BaseException:
            if (self.out_dir / "latest").resolve() != release.resolve():
                remove_tree(release)  # never made visible: the previous release stays latest
            raise
        prune_releases(self.releases, self.keep_releases)
        return quality

    def write_files(self) -> tuple[dict, str]:
        """Link the staged records and write every file of the release; return the quality
        figures and the version."""
        previous = self.out_dir / "latest"
        before = load_prints(self.store, "main", previous)
        # the public variant's documents are masked (in a worker, if there are two) meanwhile
        self.derived = DerivedFiles(self.staging, dict(self.contexts), self.people, self.workers)
        self.contexts, self.people = defaultdict(FileContext), {}
        final = self.link_records(bool(before))
        self.tally.linking["outcomes"] = final.outcome_count
        quality = self.tally.to_dict()
        write_json(self.staging / "quality.json", quality)
        version = new_version(self.releases)
        changes = write_changes(previous, self.staging, version, before, final.prints)
        counts = changes.counts()
        if before:  # hashed: the next run compares its records with these
            keep_prints(self.store, "main", self.staging, final.prints)
        # Both releases' prints are kept (on disk) until here; what follows needs none of them.
        del changes
        before.close()
        final.prints.close()
        write_descriptors(self.staging, version, self.license_id)
        # The checksums come last, once every file is written; what reads the manifest before
        # (the report, the database, the public variant) reads its version and time.
        manifest = build_manifest(self.staging, version, quality, checksums=False)
        manifest["changes"] = counts
        write_json(self.staging / "manifest.json", manifest)
        previous_public = previous / "public"
        public_before = load_prints(self.store, "public", previous_public)
        public_after: DiskMap[RecordPrint] = DiskMap()  # made as the public records are written
        self.derived.write(final.related, print_taker(public_after, bool(public_before)))
        self.derived = None  # the public variant's masking is done: its contexts go
        write_public_changes(previous_public, self.staging / "public", version, self.store,
                             public_before, public_after)
        manifest["files"] = checksum_files(self.staging)
        write_json(self.staging / "manifest.json", manifest)
        fsync_tree(self.staging)
        return quality, version

    def link_records(self, hashed: bool) -> FinalRecords:
        """Link the records; make the typed tables, the outcomes table and the prints of the
        final records."""
        final = FinalRecords(self.staging, hashed)
        try:
            self.tally.linking = link_release(self.staging, self.links.close(),
                                              self.link_corrections, final.add, self.workers)
            if "error" in self.tally.linking:  # the records stand unlinked: read them
                final.close()
                final = FinalRecords(self.staging, hashed)
                final.read(self.staging / "initiatives.jsonl")
        finally:
            final.close()
        return final

    def abort(self) -> None:
        """Drop the staging folder; the previous release stays untouched.

        Closing a file flushes it, which fails again on a full disk: that must not keep the
        staging folder from being removed.
        """
        for handle in (self._records, self._documents, self._csv_file, self._review_file):
            try:
                if handle is not None:
                    handle.close()
            except Exception:  # noqa: BLE001 - the folder is thrown away anyway
                pass
        if self.derived is not None:  # its worker may be writing into the staging folder
            self.derived.close()
        remove_tree(self.staging)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a release is written.

    Publishing parses and builds millions of small, acyclic objects (records, rows, cells);
    the collector, triggered every few hundred of them, cost about an eighth of the time.
    Reference counting still frees them; what is cyclic is collected once it resumes.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def disk_full_message(exc: BaseException) -> str | None:
    """One line saying the disk is full, when that is what `exc` (or its cause) means."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        full = (isinstance(exc, OSError) and exc.errno in DISK_FULL_ERRNOS) or (
            isinstance(exc, sqlite3.OperationalError) and "full" in str(exc))
        if full:
            where = f" writing {exc.filename}" if getattr(exc, "filename", None) else ""
            return (f"the disk is full{where}: nothing was published and the previous "
                    f"release is unchanged; free some space and run again")
        exc = exc.__cause__ or exc.__context__
    return None


def write_changes(previous: Path, staging: Path, version: str,
                  before: Mapping[str, RecordPrint] | None = None,
                  after: Mapping[str, RecordPrint] | None = None):
    """Release notes for people, the change feed and id map for apps; return the diff."""
    from pipeline.publish.feed import publish_changes

    changes = publish_changes(previous, staging, version, before, after)
    with open(staging / "release_notes.md", "w", encoding="utf-8") as notes:
        notes.write("# Release notes\n\n")
        notes.writelines(diff_notes(changes))
    return changes


def write_descriptors(staging: Path, version: str, license_id: str | None = None) -> None:
    """The JSON Schemas of the records and the data package that points to them."""
    from pipeline.publish.datapackage import describe_package
    from pipeline.publish.schema import render_schemas

    for name, text in render_schemas().items():
        (staging / name).write_text(text, encoding="utf-8")
    write_json(staging / "datapackage.json",
               describe_package(version, folder=staging, license_id=license_id))


def remove_stale_staging(releases: Path) -> None:
    """Clear staging folders and links left by runs that died before publishing."""
    for leftover in releases.glob(".staging-*"):
        remove_tree(leftover)
    for link in [*releases.parent.glob(".latest-*"), *releases.parent.glob(".*.link")]:
        if link.is_symlink():
            link.unlink(missing_ok=True)


def remove_tree(path: Path) -> bool:
    """Remove a folder, trying twice (a full disk can fail the first pass); say if it is gone."""
    for _ in range(2):
        try:
            shutil.rmtree(path)
            return True
        except FileNotFoundError:
            return True
        except OSError:
            continue
    return not path.exists()


def prune_releases(releases: Path, keep: int) -> None:
    """Keep the newest `keep` releases (versions sort by time), and always the current one."""
    latest = releases.parent / "latest"
    current = latest.resolve().name if latest.is_symlink() else None
    versions = sorted(p for p in releases.iterdir() if p.is_dir() and not p.name.startswith("."))
    for old in versions[:-keep] if keep > 0 else []:
        if old.name != current:  # a release rolled back to stays
            shutil.rmtree(old, ignore_errors=True)


def new_version(releases: Path) -> str:
    """A sortable release version from the UTC time, unique within the folder."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    version, n = stamp, 1
    while (releases / version).exists():
        n += 1
        version = f"{stamp}-{n}"
    return version


def point_latest(out_dir: Path, release: Path) -> None:
    """Swap `latest` to the new release atomically; keep the top-level links in place."""
    temporary = out_dir / f".latest-{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    try:
        temporary.symlink_to(release.relative_to(out_dir), target_is_directory=True)
        os.replace(temporary, out_dir / "latest")
    finally:
        temporary.unlink(missing_ok=True)
    for name in RELEASE_FILES:
        link = out_dir / name
        target = Path("latest") / name
        if link.is_symlink() and Path(os.readlink(link)) == target:
            continue
        staged = out_dir / f".{name}.link"
        if staged.is_symlink() or staged.exists():
            staged.unlink()
        try:
            staged.symlink_to(target)
            os.replace(staged, link)
        finally:
            staged.unlink(missing_ok=True)
