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
from concurrent.futures import Future, ProcessPoolExecutor
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
    """A pool of worker processes, started when a second non-empty batch needs one.

    `submit` returns a handle whose `result()` waits for the batch's results. A run over an
    unchanged inbox starts no process, and neither does a run with one batch to do: the
    first batch is held back until a second one comes, and runs here if none comes before
    its result is wanted (starting the workers would cost more than it saves).
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.executor: ProcessPoolExecutor | None = None
        self.held: HeldBatch | None = None  # the first batch, while no process is started
        self._starting = threading.Lock()  # a flow's task threads may ask at once

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def submit(self, stage: Callable, batch: object, *shared) -> HeldBatch | Future:
        """Start the stage over one batch; an empty batch runs here and costs no process."""
        if not batch:
            return HeldBatch(stage, batch, shared)
        if self.executor is None and (self.held is None or self.held.done):
            self.held = HeldBatch(stage, batch, shared)
            return self.held
        executor = self.start()
        if self.held is not None:  # a second batch: the first goes to the workers too
            self.held.send(executor)
            self.held = None
        return executor.submit(stage, batch, *shared)

    def map(self, stage: Callable, batches: list[tuple[int, object]], *shared) -> list:
        """Run the stage over every batch, spread over the workers; results in batch order."""
        handles = [self.submit(stage, batch, *shared) for _number, batch in batches]
        return [handle.result() for handle in handles]

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
            executor, self.executor, self.held = self.executor, None, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


class HeldBatch:
    """A batch not (yet) sent to a worker: run here when its result is wanted first."""

    def __init__(self, stage: Callable, batch: object, shared: tuple) -> None:
        self.call: tuple | None = (stage, batch, shared)
        self.future: Future | None = None
        self.value: object = None

    @property
    def done(self) -> bool:
        """Run here already, or handed to a worker: the pool holds it no longer."""
        return self.call is None

    def send(self, executor: ProcessPoolExecutor) -> None:
        stage, batch, shared = self.call
        self.call = None
        self.future = executor.submit(stage, batch, *shared)

    def result(self) -> object:
        if self.future is not None:
            return self.future.result()
        if self.call is not None:
            stage, batch, shared = self.call
            self.call = None
            self.value = stage(batch, *shared)
        return self.value


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
