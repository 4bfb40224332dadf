"""The releases in an output folder: list them, find the previous one, make an older one current.

Every run publishes `releases/<version>/`; `latest` points at the current one. A rollback
points `latest` at an older release with the same atomic link swap a run uses, under the
output folder's lock, so a reader never sees a half-switched dataset.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from pipeline.publish.release import point_latest


@dataclass(frozen=True)
class ReleaseInfo:
    """One published release, as its manifest describes it."""

    version: str
    created: str
    documents: int
    initiatives: int
    changes: dict
    current: bool


class ReleaseError(ValueError):
    """A release that does not exist, or an output folder another run holds."""


def current_version(out_dir: Path) -> str | None:
    """The version `latest` points at, if any."""
    latest = out_dir / "latest"
    return latest.resolve().name if latest.is_symlink() and latest.exists() else None


def list_releases(out_dir: Path) -> list[ReleaseInfo]:
    """Every complete release, oldest first."""
    folder = out_dir / "releases"
    current = current_version(out_dir)
    found = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        manifest = path / "manifest.json"
        if path.name.startswith(".") or not manifest.exists():
            continue
        data = json.loads(manifest.read_text(encoding="utf-8"))
        counts = data.get("counts") or {}
        found.append(ReleaseInfo(path.name, data.get("created", ""),
                                 int((counts.get("documents") or {}).get("total", 0)),
                                 int(counts.get("initiatives", 0)), data.get("changes") or {},
                                 path.name == current))
    return found


def previous_version(out_dir: Path) -> str | None:
    """The release published just before the current one."""
    versions = [info.version for info in list_releases(out_dir)]
    current = current_version(out_dir)
    if current not in versions:
        return None
    index = versions.index(current)
    return versions[index - 1] if index > 0 else None


def rollback(out_dir: Path, version: str, lock_timeout: float = 0) -> Path:
    """Make an existing release current again; return its folder."""
    release = out_dir / "releases" / version
    if not (release / "manifest.json").exists():
        known = ", ".join(info.version for info in list_releases(out_dir)) or "none"
        raise ReleaseError(f"no release '{version}' in {out_dir / 'releases'} (known: {known})")
    lock = FileLock(out_dir / ".praxis.lock")
    try:
        lock.acquire(timeout=lock_timeout)
    except Timeout:
        raise ReleaseError(f"another praxis run is writing to {out_dir}; try again when it "
                           "has finished") from None
    try:
        point_latest(out_dir, release)
    finally:
        lock.release()
    return release
