"""The pipeline as plain functions over batches: ingest → extract → translate → publish.

Prefect flows in flows/ wrap these same functions as tasks; nothing here imports Prefect,
so the batches can run on any executor (a Dask cluster, a plain loop).
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from filelock import FileLock, Timeout

from pipeline.config import Settings
from pipeline.steward.corrections import apply_corrections, load_cluster_corrections, load_corrections
from pipeline.extract.fields import extract_segment
from pipeline.ingest import discover_files, ingest_path, unique_name
from pipeline.ingest.errors import ReadError
from pipeline.ingest.limits import (Limits, check_deadline, current_limits, document_budget,
                                    restart_clock)
from pipeline.extract.layout import parse_lines
from pipeline.lexicon import load_lexicon
from pipeline.models import Document, Initiative, Issue
from pipeline.publish.release import ReleaseWriter
from pipeline.extract.segment import Segment, segment_document
from pipeline.store import ExtractionStore
from pipeline.streams import batched


MAX_SHRINK = 0.5  # publishing under half of the current release's initiatives needs --allow-shrink


class ShrinkRefusedError(RuntimeError):
    """A run would drop most of the published initiatives (an empty or wrong inbox)."""


class RunLockedError(RuntimeError):
    """Another run is publishing into the same output folder."""


@dataclass
class RunSummary:
    """What one run did, for the CLI's closing line and for tests."""

    documents: int = 0
    quarantined: int = 0
    initiatives: int = 0
    quality: dict = field(default_factory=dict)


def ingest_batch(paths: list[Path], raw_dir: Path, limits: Limits | int | None = None
                 ) -> list[Document]:
    """Read a batch of inbox files into Documents (bad files come back quarantined).

    One file may give several documents: an e-mail's body and each of its attachments.
    """
    return [doc for path in paths for doc in ingest_path(path, raw_dir, limits)]


MIN_PAGE_WORDS = 25  # a shorter free page (an e-mail's cover note) describes no initiative


def extract_document(doc: Document) -> list[Initiative]:
    """Segment one document and extract a record per segment, children after parents."""
    if doc.status != "ok":
        return []
    lines = parse_lines(doc.text, load_lexicon())
    if describes_nothing(doc, lines):
        doc.issues.append(Issue(stage="segment", code="no_initiative",
                                message=f"{doc.file}: too short to describe an initiative "
                                        f"(under {MIN_PAGE_WORDS} words, no form labels)"))
        return []
    records = []
    check_deadline()
    max_chars = current_limits().max_segment_chars
    for segment in segment_document(lines):
        restart_clock()  # an export of 20,000 rows is 20,000 submissions, each one bounded
        segment = fit_segment(doc, lines, segment, max_chars)
        parent = extract_segment(doc, lines, segment)
        records.append(parent)
        records += [extract_segment(doc, lines, child, parent=parent) for child in segment.children]
    return records


def fit_segment(doc: Document, lines: list, segment: Segment, max_chars: int) -> Segment:
    """Cut a segment longer than `max_chars` after the line that reaches the limit."""
    if segment.last <= segment.first:
        return segment
    start = lines[segment.first].start
    if lines[segment.last - 1].end - start <= max_chars:
        return segment
    last = next(n for n in range(segment.first, segment.last) if lines[n].end - start > max_chars)
    last = max(last, segment.first + 1)
    doc.issues.append(Issue(stage="extract", code="segment_truncated",
                            message=f"{doc.file}: one initiative's text runs to "
                                    f"{lines[segment.last - 1].end - start:,} characters; its "
                                    f"fields were read from the first {max_chars:,} "
                                    "(PRAXIS_MAX_SEGMENT_CHARS)"))
    return replace(segment, last=last,
                   children=[child for child in segment.children if child.last <= last])


def describes_nothing(doc: Document, lines: list) -> bool:
    """A short text without a single form label is a note, not a submission."""
    return len(doc.text.split()) < MIN_PAGE_WORDS and not any(line.label for line in lines)


def extract_batch(documents: list[Document], store: ExtractionStore | None = None,
                  limits: Limits | None = None) -> list[Initiative]:
    """Extract records from a batch, reusing stored results for unchanged content.

    A failing document is quarantined, not fatal; each has its own time limit.
    """
    records: list[Initiative] = []
    for doc in documents:
        if doc.status == "ok":
            records += extract_guarded(doc, store, limits or Limits())
    return records


def extract_guarded(doc: Document, store: ExtractionStore | None, limits: Limits
                    ) -> list[Initiative]:
    """Extract one document inside its own boundary: a failure quarantines it, nothing more."""
    try:
        stored = store.load(doc) if store else None
        if stored is not None:
            return stored
        with document_budget(limits):
            extracted = extract_document(doc)
    except ReadError as exc:  # a limit: the time per document
        doc.quarantine("extract", exc.code, f"{doc.file}: {exc}")
        return []
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
        reason = ("nested too deeply" if isinstance(exc, RecursionError)
                  else f"{type(exc).__name__}: {str(exc)[:300]}")
        doc.quarantine("extract", "extraction_failed", f"{doc.file}: extraction failed ({reason})")
        return []
    if store:
        store.save(doc, extracted)
    return extracted


def make_files_unique(documents: list[Document], files: set[str]) -> list[Document]:
    """Give every document of the run its own file key, whatever its name.

    An attachment `mail.eml#x.txt` may meet a real file of that name; the later gets `~2`.
    """
    for doc in documents:
        if doc.file in files:
            new = unique_name(doc.file, files)
            doc.issues.append(Issue(stage="ingest", code="renamed",
                                    message=f"{doc.file}: another document of this run has "
                                            f"the same name; published as {new}"))
            doc.file = new
        files.add(doc.file)
    return documents


def make_ids_unique(documents: list[Document], ids: set[str]) -> None:
    """Make sure no two documents of the run share an id (the database's key)."""
    for doc in documents:
        if doc.id in ids:
            doc.id = unique_name(doc.id, ids)
        ids.add(doc.id)


def skip_duplicates(documents: list[Document], seen: dict[str, str]) -> list[Document]:
    """Return the documents whose content this run has not met yet; note the repeats."""
    fresh = []
    for doc in documents:
        if doc.status != "ok":
            continue
        if doc.sha256 in seen:
            doc.id = f"{doc.id}-{hashlib.sha256(doc.file.encode()).hexdigest()[:8]}"
            doc.issues.append(Issue(stage="ingest", code="duplicate_content",
                                    message=f"{doc.file}: same content as {seen[doc.sha256]}; "
                                            "its initiatives are published once"))
            continue
        seen[doc.sha256] = doc.file
        fresh.append(doc)
    return fresh


def translate_batch(records: list[Initiative], settings: Settings) -> dict:
    """Add English versions to a batch; returns the batch's translation figures."""
    if not settings.translate:
        return {}
    from pipeline.enrich.translate import open_translation  # torch and argos load only when used

    translator, cache = open_translation(settings)
    try:
        from pipeline.enrich.translate import translate_initiatives

        return translate_initiatives(records, translator, cache).to_dict()
    finally:
        cache.close()


def publish_batch(writer: ReleaseWriter, documents: list[Document],
                  records: list[Initiative]) -> None:
    """Stream a batch of documents, records and review rows into the release being written."""
    writer.add_documents(documents)
    writer.add_records(records)
    writer.add_review(records, {doc.file: doc.text for doc in documents})


@dataclass
class Stages:
    """The stage functions one run calls; a flow swaps in task-wrapped versions."""

    ingest: Callable = ingest_batch
    extract: Callable = extract_batch
    translate: Callable = translate_batch
    publish: Callable = publish_batch


def run_pipeline(settings: Settings | None = None, stages: Stages | None = None,
                 on_progress: Callable[[int], None] | None = None) -> RunSummary:
    """Run every stage over the inbox and publish one release; no Prefect needed."""
    settings = settings or Settings()
    with hold_output_lock(settings):
        return run_locked(settings, stages or Stages(), on_progress)


class OutputFolderError(RuntimeError):
    """The output folder cannot be created or written to."""


# Output folders whose lock this process holds: the CLI takes the lock before Prefect starts,
# and the flow's run_pipeline, in the same process, must not wait for it a second time.
_HELD_LOCKS: dict[Path, FileLock] = {}


@contextmanager
def hold_output_lock(settings: Settings) -> Iterator[None]:
    """Hold the output folder's lock for the block; re-entered freely within this process."""
    out_dir = settings.out_dir
    if out_dir in _HELD_LOCKS:
        yield
        return
    check_output_folder(out_dir)
    lock = FileLock(out_dir / ".praxis.lock")
    try:
        lock.acquire(timeout=settings.lock_timeout)
    except Timeout:
        raise RunLockedError(
            f"another praxis run is writing to {out_dir}; wait for it to finish "
            f"(or set PRAXIS_LOCK_TIMEOUT to wait longer)") from None
    except OSError as exc:
        raise OutputFolderError(f"cannot write to the output folder {out_dir} "
                                f"({exc.strerror or exc})") from None
    _HELD_LOCKS[out_dir] = lock
    try:
        yield
    finally:
        del _HELD_LOCKS[out_dir]
        lock.release()


def check_output_folder(out_dir: Path) -> None:
    """Create the output folder and make sure a file can be written in it."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out_dir, prefix=".praxis-probe-"):
            pass
    except OSError as exc:
        raise OutputFolderError(f"cannot write to the output folder {out_dir} "
                                f"({exc.strerror or exc}); choose another with --out "
                                "or PRAXIS_OUT") from None


def run_locked(settings: Settings, stages: Stages,
               on_progress: Callable[[int], None] | None) -> RunSummary:
    """The run proper, once this process holds the output folder's lock."""
    writer = ReleaseWriter(settings.out_dir, settings.keep_releases)
    store = ExtractionStore(settings.out_dir / "store")
    corrections, problems = load_corrections(settings.corrections_dir)
    applied: dict[str, str] = {}
    seen: dict[str, str] = {}
    ids: set[str] = set()
    files: set[str] = set()
    limits = Limits.from_settings(settings)
    summary = RunSummary()
    translation: dict = {}
    try:
        for paths in batched(discover_files(settings.raw_dir), settings.batch_size):
            documents = make_files_unique(stages.ingest(paths, settings.raw_dir, limits), files)
            fresh = skip_duplicates(documents, seen)
            make_ids_unique(documents, ids)
            records = stages.extract(fresh, store, limits)
            apply_corrections(records, corrections, applied)
            translation = merge_figures(translation, stages.translate(records, settings))
            stages.publish(writer, documents, records)
            summary.documents += len(documents)
            summary.quarantined += sum(doc.status == "quarantined" for doc in documents)
            summary.initiatives += len(records)
            if on_progress:
                on_progress(len(documents))
        writer.tally.translation = translation
        writer.tally.incremental = {"reused": store.hits, "extracted": store.misses}
        writer.link_corrections, link_problems = load_cluster_corrections(settings.corrections_dir)
        writer.tally.corrections = describe_corrections(corrections, applied,
                                                        problems + link_problems)
        check_shrink(settings, summary)
        summary.quality = writer.finish()
        store.prune()
    except BaseException:
        writer.abort()
        raise
    return summary


def published_initiatives(out_dir: Path) -> int:
    """How many initiatives the current release holds (0 when there is none)."""
    manifest = out_dir / "latest" / "manifest.json"
    try:
        return int(json.loads(manifest.read_text(encoding="utf-8"))["counts"]["initiatives"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0


def check_shrink(settings: Settings, summary: RunSummary) -> None:
    """Refuse to publish a release that loses most initiatives, unless allowed."""
    previous = published_initiatives(settings.out_dir)
    if settings.allow_shrink or not previous or summary.initiatives >= previous * MAX_SHRINK:
        return
    found = "no files" if not summary.documents else f"{summary.initiatives} initiatives"
    raise ShrinkRefusedError(
        f"the inbox {settings.raw_dir} gave {found}, but the current release holds {previous} "
        f"initiatives; nothing was published. Check --raw, or pass --allow-shrink to publish "
        f"the smaller release")


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


