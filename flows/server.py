"""A temporary Prefect API server that lives exactly as long as the run that started it.

Prefect 3.8's own temporary server (`SubprocessASGIServer`) is a plain `uvicorn` child
process stopped by an `atexit` hook, so a run killed with SIGKILL leaves it running and
listening. `temporary_server` starts the same server (the same `uvicorn --factory
prefect.server.api.server:create_app` command and environment) in its own process group
and asks the kernel (`prctl(PR_SET_PDEATHSIG)`) to kill it the moment its parent dies, then
points `PREFECT_API_URL` at it for the run. A server the user configured is used as it is.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
STARTUP_TIMEOUT = 180.0  # seconds; a first start creates the database, which takes a while
STOP_TIMEOUT = 5.0


class ServerStartError(RuntimeError):
    """The temporary Prefect server did not come up."""


def die_with_parent(parent: int) -> Callable[[], None]:
    """A `preexec_fn` that has the kernel kill the child when `parent` dies (Linux).

    libc is looked up here, in the parent: between fork and exec the child should only make
    the system call (other threads may hold the loader's locks at fork time).
    """
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not Linux: the stop at the end of the run still holds
        prctl = None

    def arrange() -> None:
        if prctl is None:
            return
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return arrange


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_command(port: int) -> list[str]:
    """The command Prefect itself runs for its temporary server."""
    return [sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app",
            "--host", "127.0.0.1", "--port", str(port), "--log-level", "error",
            "--lifespan", "on"]


def server_environment() -> dict[str, str]:
    from prefect.settings import get_current_settings

    # No telemetry: a run's own server has nobody to report to (and often no internet).
    return {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
            "PREFECT__SERVER_FINAL": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            **get_current_settings().to_environment_variables(exclude_unset=True)}


def start_server(port: int) -> subprocess.Popen:
    """Start the server as a child in its own process group that dies with this process."""
    return subprocess.Popen(server_command(port), env=server_environment(),
                            preexec_fn=die_with_parent(os.getpid()), start_new_session=True,
                            stdin=subprocess.DEVNULL)


def wait_until_healthy(process: subprocess.Popen, url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client() as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise ServerStartError(f"the temporary Prefect server exited with code "
                                       f"{process.returncode}")
            try:
                if client.get(f"{url}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
    raise ServerStartError(f"the temporary Prefect server did not answer within {timeout:.0f} s")


def stop_server(process: subprocess.Popen) -> None:
    """Stop the server's whole process group, politely first."""
    for sig, wait in ((signal.SIGTERM, STOP_TIMEOUT), (signal.SIGKILL, None)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    process.wait()


def drain_workers() -> None:
    """Send the logs and events Prefect still queues, while the server can take them."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        try:
            worker.drain_all(timeout=5)
        except Exception:  # noqa: BLE001 - a worker never started has nothing to send
            pass


@contextmanager
def temporary_server(timeout: float = STARTUP_TIMEOUT) -> Iterator[str | None]:
    """Run the block against a temporary Prefect server that cannot outlive this process."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if PREFECT_API_URL.value():
        yield None  # a server the user runs: use it
        return
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    process = start_server(port)
    try:
        wait_until_healthy(process, url, timeout)
        # Prefect's log and event workers run in threads that do not see the settings
        # context, so the variable is set for the whole process too.
        os.environ["PREFECT_API_URL"] = url
        with temporary_settings(updates={PREFECT_API_URL: url}):
            yield url
    finally:
        drain_workers()
        os.environ.pop("PREFECT_API_URL", None)
        stop_server(process)
