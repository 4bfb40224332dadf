"""Recognise the inbox's files before reading them: a stat, then a hash only when it changed.

An unchanged file (same size and modification time as when it was indexed) is known by the
hash the index kept; a touched one is hashed, and is still known when its bytes are the
same. Only files whose content is new are read and parsed by ingest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from pipeline.errors import ReadError
from pipeline.ingest.files import check_entry, read_file_bytes, relative_name
from pipeline.limits import Limits
from pipeline.store import FileIndex, InboxFile


def recognise_files(paths: Iterable[Path], root: Path, index: FileIndex, limits: Limits
                    ) -> list[InboxFile]:
    """Name, stamp and hash every inbox entry; an entry that cannot be read stays unhashed."""
    return [recognise_file(path, root, index, limits) for path in paths]


def recognise_file(path: Path, root: Path, index: FileIndex, limits: Limits) -> InboxFile:
    """One entry: its hash from the index when its stat is unchanged, else from its bytes."""
    name = relative_name(path, root)
    try:
        info = check_entry(path, root)
        sha = index.known_hash(name, info)
        if sha is None:
            sha = hashlib.sha256(read_file_bytes(path, root, limits.max_bytes)).hexdigest()
            index.record(name, info, sha)
    except (ReadError, OSError):
        return InboxFile(path, name)  # ingest reads it and says why it cannot be used
    return InboxFile(path, name, info.st_size, info.st_mtime_ns, sha)
