"""The output folder's lock: one run at a time publishes into a folder.

The CLI takes the lock before Prefect starts (a second run stops at once, with one line),
and the run inside the same process re-enters it freely.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from pipeline.config import Settings


class RunLockedError(RuntimeError):
    """Another run is publishing into the same output folder."""


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
