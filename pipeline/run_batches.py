"""The batches' way through the stages: each one submitted ahead, each one finished in order.

A run keeps `Stages.window` batches in extraction at once (and half as many being read, and
being translated). While this process stores, admits and spools the oldest batch, the next
ones are already on the workers, so no worker waits for a window's slowest batch or for the
loop. Everything with state happens here, one batch after another in inbox order: the
stores, the names and contents taken, the translation cache, the figures, the spool. So the
records and figures do not depend on which worker was quicker, and the work held in memory
is bounded by the window, whatever the corpus.

A stage is handed over with `Stages.submit(stage, number, batch, *shared)`, which returns a
handle whose `result()` waits for it: a `Done` (run here at once), a worker pool's future,
or a Prefect task run's future.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from pipeline.config import Settings
from pipeline.enrich.translation_cache import TranslationCache
from pipeline.limits import Limits
from pipeline.result import DocumentResult
from pipeline.run_ledger import RunBook
from pipeline.store import InboxFile, Stores
from pipeline.streams import batched

if TYPE_CHECKING:
    from pipeline.enrich.translate import TranslationPlan
    from pipeline.enrich.translation_cache import TranslationMemory

T = TypeVar("T")
Progress = Callable[[str, int], None]


class Handle(Protocol):
    """A stage's run over one batch, started: `result()` waits for what it returns."""

    def result(self) -> Any: ...


class StageSet(Protocol):
    """What a run's batches need of its stages (`pipeline.run.Stages` is one)."""

    ingest: Callable
    extract: Callable
    plan: Callable
    translate: Callable
    submit: Callable[..., Handle]  # (stage, number, batch, *shared)
    window: int
    shares: int


class Done:
    """A stage already run over its batch: the handle `submit_serially` returns."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def result(self) -> Any:
        return self.value


def submit_serially(stage: Callable, number: int, batch: object, *shared) -> Done:
    """Run a stage over one batch here and now."""
    return Done(stage(batch, *shared))


def ahead(items: Iterable[T], count: int) -> Iterator[T]:
    """Yield the items in order, keeping `count` of them made (their work started) at once.

    Each item of the run's generators submits its batch's work when it is made, so keeping
    the next few made while the caller waits on the oldest keeps the workers busy.
    """
    started: deque[T] = deque()
    for item in items:
        started.append(item)
        if len(started) >= count:
            yield started.popleft()
    while started:
        yield started.popleft()


@dataclass
class TranslationJob:
    """One batch for the translation stage: its results, their plan, the cache they need."""

    results: list[DocumentResult]
    plan: TranslationPlan | None = None
    memory: TranslationMemory | None = None

    def __bool__(self) -> bool:  # an empty batch costs no task run
        return bool(self.results)


@dataclass
class Reading:
    """A batch of inbox files being read: the results of known files, a handle on the rest."""

    number: int
    files: list[InboxFile]
    known: list[list[DocumentResult] | None]
    read: Handle  # ingest_batch over the files not known, in order


@dataclass
class Extraction:
    """A batch's documents, admitted, with handles on the extraction of the new ones."""

    number: int
    results: list[DocumentResult]          # every document of the batch, in file order
    found: dict[str, DocumentResult]       # file → result the extraction store had
    pending: list[DocumentResult]          # documents extracted now
    tasks: list[list]                      # each task's items: documents or shares
    handles: list[Handle]


@dataclass
class Translation:
    """A batch's extracted documents on their way through the translation stages."""

    number: int
    results: list[DocumentResult]
    step: Handle  # the plan, then the translation


class BatchRun:
    """One run's batches through ingest → extract → translate, in order, the next ahead."""

    def __init__(self, settings: Settings, stages: StageSet, stores: Stores, book: RunBook,
                 limits: Limits, cache: TranslationCache | None, progress: Progress) -> None:
        self.settings, self.stages, self.stores, self.book = settings, stages, stores, book
        self.limits, self.cache, self.progress = limits, cache, progress

    def results(self, files: list[InboxFile]) -> Iterator[list[DocumentResult]]:
        """Each batch's finished, corrected results, in inbox order."""
        window = self.stages.window
        half = max(1, window // 2)
        numbered = enumerate(batched(files, self.settings.batch_size))
        reading = ahead((self.read(number, batch) for number, batch in numbered), half)
        extracting = ahead((self.extract(read) for read in reading), window)
        extracted = ((job.number, self.extracted(job)) for job in extracting)
        if not self.settings.translate:  # no task is run for the translation stages
            for _number, results in extracted:
                yield self.finish(results, {})
            return
        planning = ahead((self.plan(number, results) for number, results in extracted), half)
        translating = ahead((self.translate(job) for job in planning), half)
        for job in translating:
            yield self.translated(job)

    def submit(self, stage: Callable, number: int, batch: object, *shared) -> Handle:
        return self.stages.submit(stage, number, batch, *shared)

    # --- ingest and extract ---------------------------------------------------------------

    def read(self, number: int, files: list[InboxFile]) -> Reading:
        """Start reading the batch's files the ingest store does not know."""
        known = [self.stores.ingested(file) for file in files]
        unknown = [file.path for file, hit in zip(files, known) if hit is None]
        return Reading(number, files, known, self.submit(self.stages.ingest, number, unknown,
                                                         self.settings.raw_dir, self.limits))

    def extract(self, reading: Reading) -> Extraction:
        """Take the batch's documents in, and start extracting those no store has."""
        from pipeline.extract.document import share_out

        groups = iter(reading.read.result())
        documents = []
        for file, hit in zip(reading.files, reading.known):
            if hit is None:
                group = next(groups)
                self.stores.save_ingested(file, group)
                figure = "file_read"
            else:
                group, figure = hit, "file_known"
            documents += [group[0].counted(**{figure: 1}), *group[1:]]
        results = self.book.admit(documents)
        self.progress("ingest", len(reading.files))
        self.progress("documents", len(results))
        fresh = [result for result in results if self.book.is_fresh(result)]
        stored = [self.stores.extracted.load(result) for result in fresh]
        pending = [result for result, hit in zip(fresh, stored) if hit is None]
        # the ordinary documents are one task; each share of a long one is a task of its own,
        # so the workers take its rows between them
        cut = [share_out(result, self.stages.shares) for result in pending]
        tasks = [[shares[0].result for shares in cut if len(shares) == 1],
                 *[[share] for shares in cut if len(shares) > 1 for share in shares]]
        handles = [self.submit(self.stages.extract, reading.number, items, self.limits)
                   for items in tasks]
        return Extraction(reading.number, results,
                          {hit.file: hit for hit in stored if hit is not None},
                          pending, tasks, handles)

    def extracted(self, job: Extraction) -> list[DocumentResult]:
        """The batch with its new extractions (long documents' shares joined), stored."""
        from pipeline.extract.document import Share, join_shares

        joined: dict[str, list[DocumentResult]] = {}
        for items, handle in zip(job.tasks, job.handles):
            for item, result in zip(items, handle.result()):
                document = item.result if isinstance(item, Share) else item
                joined.setdefault(document.file, []).append(result)
        fresh = [join_shares(result, joined[result.file]) for result in job.pending]
        self.stores.save_extracted(job.pending, fresh)
        found = job.found | {result.file: result for result in fresh}
        results = [found.get(result.file, result) for result in job.results]
        self.progress("extract", len(results))
        return results

    # --- translate --------------------------------------------------------------------------

    def plan(self, number: int, results: list[DocumentResult]) -> Translation:
        """Start planning the batch's translation."""
        return Translation(number, results,
                           self.submit(self.stages.plan, number, results, self.settings))

    def translate(self, job: Translation) -> Translation:
        """Look the plan's sentences up in the cache here; start translating the rest.

        The tasks never open the cache: each gets the entries its batch needs and returns
        the ones it made, so a worker may run where the cache's disk is not.
        """
        plan = job.step.result()
        memory = (None if plan is None or self.cache is None
                  else self.cache.recall(plan.keys, plan.languages))
        work = TranslationJob(job.results, plan, memory)
        return Translation(job.number, job.results,
                           self.submit(self.stages.translate, job.number, work, self.settings))

    def translated(self, job: Translation) -> list[DocumentResult]:
        """The batch translated; the cache keeps what its task made."""
        results, figures, entries = job.step.result()
        if entries and self.cache is not None:
            self.cache.save(entries)
        return self.finish(results, figures)

    def finish(self, results: list[DocumentResult], translation: dict) -> list[DocumentResult]:
        """Count the batch and apply the stewards' corrections to it."""
        self.book.count(results, translation)
        self.progress("translate", len(results))
        return self.book.correct(results)
