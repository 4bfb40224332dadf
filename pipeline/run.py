"""The run as a recipe: recognise the inbox, ingest → extract → translate, then publish.

Each stage is a pure function of a batch of `DocumentResult`s (see pipeline/result.py);
this loop owns everything with state — the stores, the file index, the names taken, the
spool the publish step reads. Prefect flows in flows/ hand the same stage functions to a
task runner (threads, a Dask cluster) through `Stages.submit`; nothing here imports Prefect.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.config import Settings
from pipeline.enrich.translation_cache import CacheEntries, TranslationCache
from pipeline.ingest.files import discover_files
from pipeline.ingest.inbox import recognise_files
from pipeline.limits import Limits
from pipeline.output_lock import (OutputFolderError, RunLockedError,  # noqa: F401 - for callers
                                  hold_output_lock)
from pipeline.result import DocumentResult
from pipeline.store import Stores, describe_inputs, published_inputs, record_inputs
from pipeline.steward.corrections import load_corrections
from pipeline.run_batches import BatchRun, Handle, TranslationJob, submit_serially
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


@dataclass
class Stages:
    """The stage functions one run calls, and how batches are handed to workers.

    A flow swaps in task-wrapped stages and a `submit` that starts them on its task runner
    (pipeline/run_batches.py); `window` batches are extracted at once, the next ones
    submitted while the loop finishes the oldest (memory stays bounded by it).
    """

    ingest: Callable = ingest_batch
    extract: Callable = extract_batch
    plan: Callable = plan_batch
    translate: Callable = translate_batch
    publish: Callable = publish_release
    submit: Callable[..., Handle] = submit_serially  # (stage, number, batch, *shared)
    window: int = 1
    shares: int = 1  # a long document is extracted in this many shares at once (its rows)
    # Called once the last batch is extracted, before publishing: stops the workers, so
    # the memory they hold is back before the release is written.
    release_workers: Callable[[], None] = lambda: None

    def map(self, stage: Callable, batches: list[tuple[int, object]], *shared) -> list:
        """Run a stage over numbered batches, all submitted at once; results in order."""
        handles = [self.submit(stage, number, batch, *shared) for number, batch in batches]
        return [handle.result() for handle in handles]


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
        def spread(stage: Callable, number: int, batch: object, *shared) -> Handle:
            # Translation stays here: CTranslate2 spreads one batch over every core itself,
            # and a model loaded in each worker would multiply its memory.
            if stage in (ingest_batch, extract_batch):
                return pool.submit(stage, batch, *shared)
            return submit_serially(stage, number, batch, *shared)

        yield Stages(submit=spread, window=2 * settings.workers,  # two batches a worker
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
        batches = BatchRun(settings, stages, stores, book, limits, cache, progress)
        spool.write_all(batches.results(files))
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
