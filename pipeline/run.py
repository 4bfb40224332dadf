"""The run as a recipe: recognise the inbox, ingest → extract → translate, then publish.

Each stage is a pure function of a batch of `DocumentResult`s (see pipeline/result.py);
this loop owns everything with state — the stores, the file index, the names taken, the
spool the publish step reads. Prefect flows in flows/ hand the same stage functions to a
task runner (threads, a Dask cluster) through `Stages.map`; nothing here imports Prefect.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.config import Settings
from pipeline.enrich.translation_cache import CacheEntries, TranslationCache, TranslationMemory
from pipeline.ingest.files import discover_files
from pipeline.ingest.inbox import recognise_files
from pipeline.limits import Limits
from pipeline.output_lock import (OutputFolderError, RunLockedError,  # noqa: F401 - for callers
                                  hold_output_lock)
from pipeline.result import DocumentResult
from pipeline.store import InboxFile, Stores, describe_inputs, published_inputs, record_inputs
from pipeline.steward.corrections import load_corrections
from pipeline.streams import batched
from pipeline.run_ledger import RunBook, RunSummary, Spool, read_spool

if TYPE_CHECKING:
    from pipeline.enrich.translate import TranslationPlan
    from pipeline.extract.document import Share

# The stages' own modules (spaCy, pyarrow, splink) load inside the stage functions: a run
# over an unchanged inbox needs none of them, and that is most scheduled runs.

MAX_SHRINK = 0.5  # publishing under half of the current release's initiatives needs --allow-shrink

# (stage, count just done): "ingest" counts files, "documents" the documents they gave,
# "extract" and "translate" documents
Progress = Callable[[str, int], None]


class ShrinkRefusedError(RuntimeError):
    """A run would drop most of the published initiatives (an empty or wrong inbox)."""


# --- the stages: pure functions of one batch -------------------------------------------------

def ingest_batch(paths: list[Path], raw_dir: Path, limits: Limits | int | None = None
                 ) -> list[list[DocumentResult]]:
    """Read a batch of inbox files: per file, the results of the documents it holds.

    One file may give several documents (an e-mail's body and each attachment); a bad
    file gives one quarantined result.
    """
    from pipeline.ingest import ingest_path

    return [[DocumentResult.from_document(doc) for doc in ingest_path(path, raw_dir, limits)]
            for path in paths]


def extract_batch(items: list[DocumentResult | Share], limits: Limits | None = None
                  ) -> list[DocumentResult]:
    """Extract the records of every readable document of a batch, each in its own budget.

    An item may be a `Share` of a large document: its result holds that share's records.
    """
    from pipeline.extract.document import Share, extract_document, extract_share

    return [extract_share(item, limits) if isinstance(item, Share)
            else extract_document(item, limits) for item in items]


@dataclass
class TranslationJob:
    """One batch for the translation stage: its results, their plan, the cache they need."""

    results: list[DocumentResult]
    plan: TranslationPlan | None = None
    memory: TranslationMemory | None = None

    def __bool__(self) -> bool:  # an empty batch costs no task run
        return bool(self.results)


def plan_batch(results: list[DocumentResult], settings: Settings) -> TranslationPlan | None:
    """Cut a batch's fields into sentences and list what to ask the translation cache."""
    if not settings.translate or not any(result.records for result in results):
        return None
    from pipeline.enrich.translate import open_translator, plan_translation

    return plan_translation([r for result in results for r in result.records],
                            open_translator(settings))


def translate_batch(job: TranslationJob, settings: Settings
                    ) -> tuple[list[DocumentResult], dict, CacheEntries | None]:
    """Add English versions to copies of a batch's records from the memory and the model.

    Returns the copies, the figures and the cache entries made (the loop writes those).
    """
    if job.plan is None or job.memory is None:
        return job.results, {}, None
    from pipeline.enrich.translate import open_translator, translate_planned

    copies = [result.model_copy(update={"records": [r.model_copy(deep=True)
                                                    for r in result.records]})
              for result in job.results]
    stats = translate_planned([r for c in copies for r in c.records], job.plan,
                              open_translator(settings), job.memory)
    return copies, stats.to_dict(), job.memory.fresh


def publish_release(spool: Path, settings: Settings, figures: dict) -> dict:
    """Write every spooled batch into a new release and switch to it.

    Safe to retry: each attempt writes its own staging folder from the spool, and a failed
    attempt removes its folder, so nothing is appended twice.
    """
    from pipeline.publish.release import ReleaseWriter
    from pipeline.steward.corrections import load_cluster_corrections

    writer = ReleaseWriter(settings.out_dir, settings.keep_releases, settings.license,
                           settings.workers)
    try:
        for results in read_spool(spool):
            publish_batch(writer, results)
        writer.tally.translation = figures.get("translation", {})
        writer.tally.incremental = figures.get("incremental", {})
        writer.link_corrections, link_problems = load_cluster_corrections(settings.corrections_dir)
        corrections = dict(figures.get("corrections", {}))
        corrections["not_applied"] = corrections.get("not_applied", []) + link_problems
        writer.tally.corrections = corrections
        return writer.finish()
    except BaseException:
        writer.abort()
        raise


def publish_batch(writer, results: list[DocumentResult]) -> None:
    """Stream a batch of documents, records and review rows into the release being written."""
    records = [record for result in results for record in result.records]
    writer.add_documents([result.published_document() for result in results])
    writer.add_people({result.file: result.people for result in results
                       if result.people is not None})
    writer.add_records(records)
    writer.add_review(records, {result.file: result.document.text for result in results})


def map_serially(stage: Callable, batches: list[tuple[int, object]], *shared) -> list:
    """Run a stage over numbered batches here, one after another."""
    return [stage(batch, *shared) for _number, batch in batches]


@dataclass
class Stages:
    """The stage functions one run calls, and how batches are spread over workers.

    A flow swaps in task-wrapped stages and a `map` that submits them to its task runner;
    `window` batches are in flight at once (memory stays bounded by it).
    """

    ingest: Callable = ingest_batch
    extract: Callable = extract_batch
    plan: Callable = plan_batch
    translate: Callable = translate_batch
    publish: Callable = publish_release
    map: Callable = map_serially
    window: int = 1
    shares: int = 1  # a long document is extracted in this many shares at once (its rows)
    # Called once the last batch is extracted, before publishing: stops the workers, so
    # the memory they hold is back before the release is written.
    release_workers: Callable[[], None] = lambda: None


# --- the run ------------------------------------------------------------------------------

def run_pipeline(settings: Settings | None = None, stages: Stages | None = None,
                 on_progress: Progress | None = None) -> RunSummary:
    """Run every stage over the inbox and publish one release; no Prefect needed."""
    settings = settings or Settings()
    with hold_output_lock(settings), local_stages(settings, stages) as chosen:
        return run_locked(settings, chosen, on_progress)


@contextmanager
def local_stages(settings: Settings, stages: Stages | None) -> Iterator[Stages]:
    """The caller's stages, else the plain stages spread over `settings.workers` processes."""
    if stages is not None or settings.workers <= 1:
        yield stages or Stages()
        return
    from pipeline.workers import WorkerPool

    with WorkerPool(settings.workers) as pool:
        def spread(stage: Callable, batches: list[tuple[int, object]], *shared) -> list:
            # Translation stays here: CTranslate2 spreads one batch over every core itself,
            # and a model loaded in each worker would multiply its memory.
            if stage in (ingest_batch, extract_batch):
                return pool.map(stage, batches, *shared)
            return map_serially(stage, batches, *shared)

        yield Stages(map=spread, window=2 * settings.workers,  # two batches a worker
                     shares=settings.workers, release_workers=pool.close)


def run_locked(settings: Settings, stages: Stages, on_progress: Progress | None) -> RunSummary:
    """The run proper, once this process holds the output folder's lock."""
    progress = on_progress or (lambda stage, count: None)
    limits = Limits.from_settings(settings)
    stores = Stores.open(settings.out_dir / "store", limits)
    corrections, problems = load_corrections(settings.corrections_dir)
    files = recognise_files(discover_files(settings.raw_dir), settings.raw_dir, stores.index,
                            limits)
    inputs = describe_inputs(settings, files, stores)
    current = published_inputs(settings.out_dir, inputs)
    if current is not None:  # nothing to do: the current release is this run's release
        stores.index.save()
        progress("ingest", len(files))
        progress("documents", current["documents"])
        for stage in ("extract", "translate"):
            progress(stage, current["documents"])
        return RunSummary(**current, unchanged=True)
    spool = Spool(settings.out_dir)
    cache = TranslationCache(settings.cache_path) if settings.translate else None
    try:
        book = RunBook(corrections)
        for window in batched(enumerate(batched(files, settings.batch_size)), stages.window):
            extracted = extract_window(window, settings, stages, stores, book, limits, progress)
            spool.write_all(translate_window(window, extracted, settings, stages, cache, book,
                                             progress))
        stages.release_workers()
        stores.index.save()
        figures = book.figures(problems)
        check_shrink(settings, book.summary)
        book.summary.quality = stages.publish(spool.path, settings, figures)
        record_inputs(settings.out_dir, inputs)
        stores.prune()
    finally:
        spool.remove()
        if cache is not None:
            cache.close()
    return book.summary


def extract_window(window: list[tuple[int, list[InboxFile]]], settings: Settings, stages: Stages,
                   stores: Stores, book: RunBook, limits: Limits, progress: Progress
                   ) -> list[list[DocumentResult]]:
    """Take a few batches through ingest and extract (or the stores); return their results."""
    per_file = read_window(window, settings, stages, stores, limits)
    batches = [book.admit([result for group in groups for result in group]) for groups in per_file]
    for (_number, files), results in zip(window, batches):
        progress("ingest", len(files))
        progress("documents", len(results))
    fresh = [[result for result in results if book.is_fresh(result)] for results in batches]
    stored = [[stores.extracted.load(result) for result in batch] for batch in fresh]
    pending = [[result for result, hit in zip(batch, hits) if hit is None]
               for batch, hits in zip(fresh, stored)]
    extracted = extract_pending(window, pending, stages, limits)
    for before, after in zip(pending, extracted):
        stores.save_extracted(before, after)
    found = {result.file: result
             for batch in [*stored, *extracted] for result in batch if result is not None}
    merged = [[found.get(result.file, result) for result in results] for results in batches]
    for results in merged:
        progress("extract", len(results))
    return merged


def extract_pending(window: list[tuple[int, list[InboxFile]]],
                    pending: list[list[DocumentResult]], stages: Stages, limits: Limits
                    ) -> list[list[DocumentResult]]:
    """Extract the window's pending documents; a long one in `stages.shares` shares at once.

    Each batch's ordinary documents stay one task; each share of a long document is a task
    of its own, so the workers take its rows between them. Results come back per batch, in
    order, with each long document's shares joined.
    """
    from pipeline.extract.document import Share, join_shares, share_out

    tasks: list[tuple[int, list]] = []
    for (number, _files), batch in zip(window, pending):
        cut = [share_out(result, stages.shares) for result in batch]
        tasks.append((number, [shares[0].result for shares in cut if len(shares) == 1]))
        tasks += [(number, [share]) for shares in cut if len(shares) > 1 for share in shares]
    done = iter(stages.map(stages.extract, tasks, limits))
    joined: dict[str, list[DocumentResult]] = {}
    for (_number, items), results in zip(tasks, done):
        for item, result in zip(items, results):
            document = item.result if isinstance(item, Share) else item
            joined.setdefault(document.file, []).append(result)
    return [[join_shares(result, joined[result.file]) for result in batch] for batch in pending]


def translate_window(window: list[tuple[int, list[InboxFile]]],
                     batches: list[list[DocumentResult]], settings: Settings, stages: Stages,
                     cache: TranslationCache | None, book: RunBook, progress: Progress
                     ) -> Iterator[list[DocumentResult]]:
    """Translate a few batches: plan, look up the cache here, translate, write what is new.

    The tasks never open the cache: each gets the entries its batch needs and returns the
    ones it made, so a worker may run where the cache's disk is not. With translation off
    the stages have nothing to do, and no task is run for them.
    """
    if settings.translate:
        plans = stages.map(stages.plan, numbered(window, batches), settings)
        jobs = [TranslationJob(results, plan, None if plan is None or cache is None
                               else cache.recall(plan.keys, plan.languages))
                for results, plan in zip(batches, plans)]
        translated = stages.map(stages.translate, numbered(window, jobs), settings)
    else:  # what plan_batch and translate_batch return when translation is off
        translated = [(results, {}, None) for results in batches]
    for results, figures, entries in translated:
        if entries and cache is not None:
            cache.save(entries)
        book.count(results, figures)
        progress("translate", len(results))
        yield book.correct(results)


def read_window(window, settings: Settings, stages: Stages, stores: Stores, limits: Limits
                ) -> list[list[list[DocumentResult]]]:
    """Per batch, per file, its results: from the ingest store when the file is known."""
    known = [[stores.ingested(file) for file in files] for _number, files in window]
    unknown = [[file.path for file, hit in zip(files, hits) if hit is None]
               for (_number, files), hits in zip(window, known)]
    read = stages.map(stages.ingest, numbered(window, unknown), settings.raw_dir, limits)
    batches = []
    for (_number, files), hits, groups in zip(window, known, read):
        groups = iter(groups)
        batch = []
        for file, hit in zip(files, hits):
            if hit is None:
                group = next(groups)
                stores.save_ingested(file, group)
                figure = "file_read"
            else:
                group, figure = hit, "file_known"
            batch.append([group[0].counted(**{figure: 1}), *group[1:]])
        batches.append(batch)
    return batches


def numbered(window: list[tuple[int, object]], batches: list) -> list[tuple[int, object]]:
    """Batches with the run-wide number of the window's batch each belongs to."""
    return [(number, batch) for (number, _files), batch in zip(window, batches)]


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
