"""The inbox flow: the pipeline's stages as Prefect tasks, batches submitted to a task runner.

The recipe is `pipeline.run.run_pipeline`; this module only hands it task-wrapped stages and
a `submit` that starts each batch on the flow's task runner as a named task run. Every task is
a pure function of its batch, so a worker returns all it found; the stores and the spool stay
with the flow, which finishes the batches in order while the next ones run.

The runners: `threads` runs every task in the flow's process; `processes` runs them on
threads that hand each ingest and extract batch to the run's worker pool
(pipeline/workers.py: fork-server processes that imported the stages once, plain pickle),
so Prefect still sees, names and retries every task run while its own machinery stays in
one process; `dask` submits them to a Dask cluster.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_link_artifact, create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from pipeline.config import Settings
from pipeline.publish.release import disk_full_message
from pipeline.run import (Stages, extract_batch, ingest_batch, plan_batch, publish_release,
                          run_pipeline, translate_batch)
from pipeline.run_batches import Done
from pipeline.workers import WorkerPool
from flows.summary import quality_markdown


def retry_unless_disk_full(task, task_run, state) -> bool:
    """Retry a failed I/O task, except when the disk is full: trying again cannot help."""
    try:
        state.result(raise_on_failure=True)
    except Exception as exc:  # noqa: BLE001 - the failure being judged
        return disk_full_message(exc) is None
    return True


_pool: WorkerPool | None = None  # the worker pool of a `--runner processes` run


def ingest_on_workers(paths: list, raw_dir: Path, limits=None) -> list:
    """`ingest_batch` on the run's worker pool (here when there is none, as on Dask)."""
    if _pool is None:
        return ingest_batch(paths, raw_dir, limits)
    return _pool.call(ingest_batch, paths, raw_dir, limits)


def extract_on_workers(items: list, limits=None) -> list:
    """`extract_batch` on the run's worker pool (here when there is none, as on Dask)."""
    if _pool is None:
        return extract_batch(items, limits)
    return _pool.call(extract_batch, items, limits)


def release_workers() -> None:
    """Stop the pool's workers once the last batch is extracted."""
    if _pool is not None:
        _pool.close()


# Batches carry whole documents: hashing them for a cache key would cost more than the work.
ingest_task = task(ingest_on_workers, name="ingest", retries=2, retry_delay_seconds=1,
                   cache_policy=NO_CACHE)
extract_task = task(extract_on_workers, name="extract", cache_policy=NO_CACHE)
plan_task = task(plan_batch, name="plan-translation", cache_policy=NO_CACHE)
translate_task = task(translate_batch, name="translate", cache_policy=NO_CACHE)
# One task writes the whole release from the spool: a retry starts a fresh staging folder.
publish_task = task(publish_release, name="publish", task_run_name="publish-release",
                    retries=2, retry_delay_seconds=1,
                    retry_condition_fn=retry_unless_disk_full, cache_policy=NO_CACHE)


def submit_batch(stage, number: int, batch, *shared):
    """Start a numbered batch on the task runner as its own named task run; return its future.

    An empty batch (every file known from the store) costs no task run. On the thread
    runner the batch is `quote`d: Prefect would otherwise walk every document and record in
    it, looking for futures to wait on, before the task starts (it holds none). prefect-dask
    walks the parameters itself and would hand the task the quote's tuple, so Dask gets the
    batch as it is: a list of documents, or a translation stage's `TranslationJob`.
    """
    if not batch:
        return Done(stage.fn(batch, *shared))
    context = FlowRunContext.get()
    threads = context and isinstance(context.task_runner, ThreadPoolTaskRunner)
    wrap = quote if threads else as_it_is
    return stage.with_options(task_run_name=f"{stage.name}-batch-{number + 1:04d}"
                              ).submit(wrap(batch), *shared)


def as_it_is(batch):
    """The batch unchanged (what a task runner that walks its parameters itself is given)."""
    return batch


def flow_stages(window: int) -> Stages:
    """The pipeline's stages as tasks, `window` batches in extraction at once.

    The window is two batches per worker, so a long document is cut into one share per
    worker (`window // 2`; one on the thread runner, where shares could not run at once).
    """
    return Stages(ingest=ingest_task, extract=extract_task, plan=plan_task,
                  translate=translate_task,
                  publish=publish_task, submit=submit_batch, window=window,
                  shares=max(1, window // 2), release_workers=release_workers)


def log_progress(on_progress: Callable[[str, int], None] | None) -> Callable[[str, int], None]:
    """Pass progress to the caller's callback and to the run log."""
    logger = get_run_logger()

    def report(stage: str, count: int) -> None:
        if stage != "documents":
            logger.debug("%s: %d more done", stage, count)
        if on_progress:
            on_progress(stage, count)
    return report


_progress: Callable[[str, int], None] | None = None
_window = 2


def run_options() -> tuple[Callable[[str, int], None] | None, int]:
    """The caller's progress callback and the window of the run being started.

    The flow body reads them through this function, not as globals: Dask pickles the flow
    (a copy made by `with_options` is not importable) by value with the globals its body
    names, and the CLI's callback holds a lock that cannot be pickled.
    """
    return _progress, _window


@flow(name="praxis-inbox", log_prints=True, task_runner=ThreadPoolTaskRunner(max_workers=2))
def inbox_flow(raw_dir: str | None = None, out_dir: str | None = None,
               translate: bool = True) -> dict:
    """Ingest the inbox, extract and translate initiatives, and publish a release."""
    logger = get_run_logger()
    settings = Settings()
    settings.translate = settings.translate and translate
    if raw_dir:
        settings.raw_dir = Path(raw_dir).resolve()
    if out_dir:
        settings.out_dir = Path(out_dir).resolve()
    logger.info("inbox %s → %s", settings.raw_dir, settings.out_dir)
    progress, window = run_options()
    summary = run_pipeline(settings, flow_stages(window), on_progress=log_progress(progress))
    report_run(summary.to_dict(), settings)
    return summary.to_dict()


def report_run(result: dict, settings: Settings) -> None:
    """Log the run's outcome and leave its quality summary and report link as artifacts."""
    logger = get_run_logger()
    latest = settings.out_dir / "latest"
    version = latest.resolve().name if latest.is_symlink() else "?"
    if result["unchanged"]:
        logger.info("inbox unchanged: release %s is still current, no new release made", version)
    else:
        logger.info("release %s: %d documents, %d initiatives, %d quarantined", version,
                    result["documents"], result["initiatives"], result["quarantined"])
    create_markdown_artifact(key="praxis-quality", markdown=quality_markdown(result, version),
                             description=f"Quality of release {version}")
    create_link_artifact(key="praxis-report", link=(settings.out_dir / "report.html").as_uri(),
                         link_text=f"Steward report of release {version}")


# The local cluster's workers do not sample their own stacks every 10 ms: the samples are only
# read on a dashboard, which the local cluster has not, and their history held 31 MB a worker
# after 1,000 documents (no difference in time was measurable).
# Dask keeps its last messages for debugging, 1,000 per connection by default, and a message
# that submits a task holds the task's batch of documents: the run's process kept every batch
# it submitted (57 MB for 1,000 documents, growing with the corpus).
DASK_CONFIG = {"distributed.admin.low-level-log-length": 1}  # the last message only
# Dotted keys: each worker sets them over its own configuration (a nested dict would replace
# the whole `distributed` section, and the workers would not start).
LOCAL_WORKER_CONFIG = {**DASK_CONFIG, "distributed.worker.profile.enabled": False}


def dask_runner(settings: Settings):
    """prefect-dask's runner: an existing scheduler when PRAXIS_DASK_ADDRESS says, else local."""
    from prefect_dask import DaskTaskRunner

    if settings.dask_address:
        return DaskTaskRunner(address=settings.dask_address)
    return DaskTaskRunner(cluster_kwargs=local_cluster_kwargs(settings))


def local_cluster_kwargs(settings: Settings) -> dict:
    """The local cluster: PRAXIS_DASK_WORKERS processes of one thread, no dashboard."""
    return {"n_workers": settings.dask_workers, "threads_per_worker": 1, "processes": True,
            "dashboard_address": None, "config": LOCAL_WORKER_CONFIG}


def dask_config(runner: str):
    """Dask's configuration for this process while a `dask` run lasts (nothing otherwise)."""
    if runner != "dask":
        return contextlib.nullcontext()
    import dask

    return dask.config.set(DASK_CONFIG)


def dask_window(settings: Settings) -> int:
    """Batches in flight on a Dask cluster: two per worker keeps every worker busy."""
    if settings.dask_address:
        return settings.dask_window
    return 2 * settings.dask_workers


def run_inbox_flow(raw_dir: Path, out_dir: Path, translate: bool = True,
                   on_progress: Callable[[str, int], None] | None = None,
                   runner: str = "threads") -> dict:
    """Run the flow in this process on the chosen task runner: `processes` (threads handing
    batches to `PRAXIS_WORKERS` local processes), `threads` (this process) or `dask`."""
    global _progress, _window, _pool
    chosen = inbox_flow
    _window = 2
    if runner == "processes":
        workers = Settings().workers
        _window = 2 * workers  # two batches a worker, each waited for on its own thread
        chosen = inbox_flow.with_options(
            task_runner=ThreadPoolTaskRunner(max_workers=_window))
        _pool = WorkerPool(workers)
    elif runner == "dask":
        settings = Settings()
        chosen = inbox_flow.with_options(task_runner=dask_runner(settings))
        _window = dask_window(settings)
    _progress = on_progress
    try:
        with dask_config(runner):  # the client's and a local scheduler's logs
            return chosen(str(raw_dir), str(out_dir), translate)
    finally:
        if _pool is not None:
            _pool.close()
        _progress, _window, _pool = None, 2, None


def build_deployment(interval_seconds: int = 900, cron: str | None = None,
                     raw_dir: str | None = None, out_dir: str | None = None):
    """A deployment that runs the inbox flow on a schedule; unchanged files cost nothing."""
    parameters = {"raw_dir": raw_dir, "out_dir": out_dir}
    schedule = {"cron": cron} if cron else {"interval": interval_seconds}
    return inbox_flow.to_deployment(name="praxis-inbox", parameters=parameters,
                                    description="Process new submissions in the inbox.",
                                    **schedule)
