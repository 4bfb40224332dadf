"""The run's ledger: the names and ids taken, the contents seen, figures and corrections, and
the spool of finished batches the publish step reads. State that only the run loop holds."""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.models import Issue
from pipeline.result import DocumentResult, add_figures
from pipeline.steward.corrections import apply_corrections


@dataclass
class RunSummary:
    """What one run did, for the CLI's closing line and for tests."""

    documents: int = 0
    quarantined: int = 0
    initiatives: int = 0
    quality: dict = field(default_factory=dict)
    unchanged: bool = False  # the inbox and pipeline were as last published: no new release

    def to_dict(self) -> dict:
        return {"documents": self.documents, "quarantined": self.quarantined,
                "initiatives": self.initiatives, "quality": self.quality,
                "unchanged": self.unchanged}


class RunBook:
    """The run's own ledger: names and ids taken, contents seen, figures, corrections."""

    def __init__(self, corrections: list):
        self.files: set[str] = set()
        self.ids: set[str] = set()
        self.seen: dict[str, str] = {}
        self.duplicates: set[str] = set()
        self.corrections = corrections
        self.applied: dict[str, str] = {}
        self.translation: dict = {}
        self.figures_total: dict[str, int] = {}
        self.summary = RunSummary()

    def admit(self, results: list[DocumentResult]) -> list[DocumentResult]:
        """Give each result of a batch its own file key and id; mark repeated contents."""
        results = [self.name_uniquely(result) for result in results]
        results = [self.mark_duplicate(result) for result in results]
        return [self.key_uniquely(result) for result in results]

    def name_uniquely(self, result: DocumentResult) -> DocumentResult:
        """An attachment `mail.eml#x.txt` may meet a real file of that name; the later gets `~2`."""
        if result.file not in self.files:
            self.files.add(result.file)
            return result
        from pipeline.ingest import unique_name

        new = unique_name(result.file, self.files)
        return result.with_document(file=new).noted(Issue(
            stage="ingest", code="renamed", message=f"{result.file}: another document of "
                                                    f"this run has the same name; published as {new}"))

    def mark_duplicate(self, result: DocumentResult) -> DocumentResult:
        """A content this run has met already is published as a document, its records once."""
        sha = result.document.sha256
        if not result.ok:
            return result
        if sha not in self.seen:
            self.seen[sha] = result.file
            return result
        self.duplicates.add(result.file)
        suffix = hashlib.sha256(result.file.encode()).hexdigest()[:8]
        return result.with_document(id=f"{result.document.id}-{suffix}").noted(Issue(
            stage="ingest", code="duplicate_content",
            message=f"{result.file}: same content as {self.seen[sha]}; "
                    "its initiatives are published once"))

    def key_uniquely(self, result: DocumentResult) -> DocumentResult:
        """No two documents of the run share an id (the database's key)."""
        from pipeline.ingest import unique_name

        if result.document.id in self.ids:
            result = result.with_document(id=unique_name(result.document.id, self.ids))
        self.ids.add(result.document.id)
        return result

    def is_fresh(self, result: DocumentResult) -> bool:
        """A readable document whose content this run extracts (not a repeat)."""
        return result.ok and result.file not in self.duplicates

    def count(self, results: list[DocumentResult], translation: dict) -> None:
        """Add a batch's figures to the run's."""
        self.translation = merge_figures(self.translation, translation)
        self.figures_total = merge_figures(self.figures_total, add_figures(results))
        self.summary.documents += len(results)
        self.summary.quarantined += sum(not result.ok for result in results)
        self.summary.initiatives += sum(len(result.records) for result in results)

    def correct(self, results: list[DocumentResult]) -> list[DocumentResult]:
        """Apply the stewards' corrections to copies of a batch's records."""
        if not self.corrections:
            return results
        corrected = []
        for result in results:
            records = [record.model_copy(deep=True) for record in result.records]
            apply_corrections(records, self.corrections, self.applied)
            corrected.append(result.model_copy(update={"records": records}))
        return corrected

    def figures(self, problems: list[str]) -> dict:
        """The run's figures as the release's quality file reports them."""
        totals = self.figures_total
        return {"translation": self.translation,
                "incremental": {"reused": totals.get("reused", 0),
                                "extracted": totals.get("extracted", 0),
                                "files_known": totals.get("file_known", 0),
                                "files_read": totals.get("file_read", 0)},
                "corrections": describe_corrections(self.corrections, self.applied, problems)}


class Spool:
    """The run's finished batches on disk, in order, for the publish step to stream."""

    def __init__(self, out_dir: Path):
        for stale in out_dir.glob(".spool-*"):  # we hold the lock: any other spool is dead
            stale.unlink(missing_ok=True)
        self.path = out_dir / f".spool-{hashlib.sha256(str(id(self)).encode()).hexdigest()[:8]}"
        self.path.write_bytes(b"")

    def write_all(self, batches: Iterator[list[DocumentResult]]) -> None:
        with self.path.open("ab") as handle:
            for results in batches:
                pickle.dump(results, handle, protocol=pickle.HIGHEST_PROTOCOL)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


def read_spool(path: Path) -> Iterator[list[DocumentResult]]:
    """The spooled batches, one at a time."""
    with Path(path).open("rb") as handle:
        while True:
            try:
                yield pickle.load(handle)
            except EOFError:
                return


def describe_corrections(corrections: list, applied: dict[str, str],
                         problems: list[str]) -> dict:
    """Which corrections took effect, and which did not and why."""
    unapplied = [f"{c.origin}: no record {c.record_id or (c.file, c.title)} to correct"
                 for c in corrections if c.origin not in applied]
    invalid = [f"{origin}: {outcome}" for origin, outcome in applied.items()
               if outcome != "applied"]
    return {"applied": sum(1 for o in applied.values() if o == "applied"),
            "not_applied": unapplied + invalid + problems}


def merge_figures(total: dict, batch: dict) -> dict:
    """Add up nested dicts of counts from batches."""
    merged = dict(total)
    for key, value in batch.items():
        if isinstance(value, dict):
            merged[key] = merge_figures(merged.get(key, {}), value)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            merged[key] = merged.get(key, 0) + value
        elif isinstance(value, list):
            merged[key] = sorted(set(merged.get(key, [])) | set(value))
        else:
            merged[key] = value
    return merged
