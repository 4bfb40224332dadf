"""The inbox flow: every pipeline stage as a Prefect task over one batch of documents."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from pipeline.config import Settings
from pipeline.publish.release import disk_full_message
from pipeline.run import (Stages, extract_batch, ingest_batch, publish_batch, run_pipeline,
                          translate_batch)



def retry_unless_disk_full(task, task_run, state) -> bool:
    """Retry a failed I/O task, except when the disk is full: trying again cannot help."""
    try:
        state.result(raise_on_failure=True)
    except Exception as exc:  # noqa: BLE001 - the failure being judged
        return disk_full_message(exc) is None
    return True


# Batches carry whole documents: hashing them for a cache key would cost more than the work.
ingest_task = task(ingest_batch, name="ingest", retries=2, retry_delay_seconds=1,
                   cache_policy=NO_CACHE)
extract_task = task(extract_batch, name="extract", cache_policy=NO_CACHE)
translate_task = task(translate_batch, name="translate", cache_policy=NO_CACHE)
publish_task = task(publish_batch, name="publish", retries=2, retry_delay_seconds=1,
                    retry_condition_fn=retry_unless_disk_full, cache_policy=NO_CACHE)

_progress: Callable[[int], None] | None = None


@flow(name="praxis-inbox", log_prints=True)
def inbox_flow(raw_dir: str | None = None, out_dir: str | None = None,
               translate: bool = True) -> dict:
    """Ingest the inbox, extract and translate initiatives, and publish a release."""
    settings = Settings()
    settings.translate = settings.translate and translate
    if raw_dir:
        settings.raw_dir = Path(raw_dir).resolve()
    if out_dir:
        settings.out_dir = Path(out_dir).resolve()
    stages = Stages(ingest=ingest_task, extract=extract_task, translate=translate_task,
                    publish=publish_task)
    summary = run_pipeline(settings, stages, on_progress=_progress)
    return {"documents": summary.documents, "quarantined": summary.quarantined,
            "initiatives": summary.initiatives, "quality": summary.quality}


def run_inbox_flow(raw_dir: Path, out_dir: Path, translate: bool = True,
                   on_progress: Callable[[int], None] | None = None) -> dict:
    """Run the flow in this process (Prefect starts its embedded server by itself)."""
    global _progress
    _progress = on_progress
    try:
        return inbox_flow(str(raw_dir), str(out_dir), translate)
    finally:
        _progress = None


def build_deployment(interval_seconds: int = 900, cron: str | None = None,
                     raw_dir: str | None = None, out_dir: str | None = None):
    """A deployment that runs the inbox flow on a schedule; unchanged files cost nothing."""
    parameters = {"raw_dir": raw_dir, "out_dir": out_dir}
    schedule = {"cron": cron} if cron else {"interval": interval_seconds}
    return inbox_flow.to_deployment(name="praxis-inbox", parameters=parameters,
                                    description="Process new submissions in the inbox.",
                                    **schedule)
