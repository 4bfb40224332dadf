"""Run a stage's batches on several local processes: the plain run's use of every core.

The stages are pure functions of one batch (pipeline/run.py), so a batch can go to another
process and its results come back whole; the caller keeps the stores and writes what
returns, in the batches' order. Workers are started by a fork server (a clean process that
has imported the stage modules once), not forked from the caller, whose threads — a
progress bar, a Prefect client — must not be copied half-way through a lock.

`PRAXIS_WORKERS` (Settings.workers) says how many; 1 runs every batch in the caller.
"""

from __future__ import annotations

import multiprocessing
import os
import select
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from types import TracebackType

# Imported once by the fork server, so each worker starts with them loaded.
PRELOAD = ["pipeline.run", "pipeline.ingest", "pipeline.extract.document"]


def available_cores() -> int:
    """The CPU cores this process may run on (its affinity, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class WorkerPool:
    """A pool of worker processes, started when the first non-empty batch needs one.

    `map` has the signature of `pipeline.run.map_serially`: numbered batches in, one result
    per batch out, in order. A run over an unchanged inbox starts no process.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.executor: ProcessPoolExecutor | None = None
        self._starting = threading.Lock()  # a flow's task threads may ask at once

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def map(self, stage: Callable, batches: list[tuple[int, object]], *shared) -> list:
        """Run the stage over every batch, spread over the workers; results in batch order."""
        work = [batch for _number, batch in batches]
        if sum(1 for batch in work if batch) <= 1:  # one batch: no process is worth starting
            return [stage(batch, *shared) for batch in work]
        executor = self.start()
        futures = [executor.submit(stage, batch, *shared) if batch else None for batch in work]
        return [stage(batch, *shared) if future is None else future.result()
                for batch, future in zip(work, futures)]

    def call(self, stage: Callable, batch: object, *shared):
        """Run the stage over one batch on a worker and wait for its result (a flow's task
        thread does this: the thread only waits, the worker works)."""
        return self.start().submit(stage, batch, *shared).result()

    def start(self) -> ProcessPoolExecutor:
        """The executor, started on first use."""
        with self._starting:
            if self.executor is None:
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(PRELOAD)
                self.executor = ProcessPoolExecutor(self.workers, mp_context=context,
                                                    initializer=end_with,
                                                    initargs=(os.getpid(),))
            return self.executor

    def close(self) -> None:
        """Stop the workers (cancelling batches not started when the run failed); the
        memory they hold goes back before the release is written."""
        with self._starting:
            executor, self.executor = self.executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


def end_with(run_pid: int) -> None:
    """In a worker: exit as soon as the run's process ends, however it ended.

    A run killed with SIGKILL cannot stop its workers, and they would wait for batches for
    ever; a daemon thread watches the run's process (a pidfd, readable once it exits).
    """
    try:
        watched = os.pidfd_open(run_pid)
    except (AttributeError, OSError):  # not Linux ≥ 5.3, or the run is already gone
        if not pid_alive(run_pid):
            os._exit(1)
        return

    def watch() -> None:
        select.select([watched], [], [])
        os._exit(1)

    threading.Thread(target=watch, name="praxis-end-with-run", daemon=True).start()


def pid_alive(pid: int) -> bool:
    """True while a process with this id exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
