"""Find the inbox's files and read their bytes without trusting anything the file system says.

Discovery never follows a link into a folder (no loops), and names every entry by its
inbox-relative path in printable UTF-8. Reading refuses links out of the inbox and special
files (FIFOs, devices, sockets — they could block or never end), opens without blocking,
and counts the bytes it reads against the limit instead of believing `st_size`.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import ReadError

CHUNK_BYTES = 1024 * 1024
SKIPPED_NAMES = ("readme.md", "readme.txt")
SPECIAL_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
                 (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def discover_files(raw_dir: Path) -> Iterator[Path]:
    """Yield the inbox's entries that may be submissions, in a stable order; never a folder."""
    yield from walk_folder(Path(raw_dir))


def walk_folder(folder: Path) -> Iterator[Path]:
    """Walk one folder depth first without following links; an unlistable folder is yielded."""
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError:
        yield folder  # reading it reports why it could not be listed
        return
    for entry in entries:
        if entry.name.startswith(".") or entry.name.casefold() in SKIPPED_NAMES:
            continue
        path = Path(entry.path)
        try:
            is_folder = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_folder = False
        if is_folder:
            yield from walk_folder(path)
        else:
            yield path


def relative_name(path: Path, root: Path) -> str:
    """The file's name relative to the inbox, as published: valid UTF-8, bytes shown as \\xNN."""
    try:
        name = path.relative_to(root).as_posix()
    except ValueError:
        name = path.name
    return printable_name(name)


def printable_name(name: str) -> str:
    """A name that encodes as UTF-8: undecodable bytes of the file system become `\\xe9`."""
    return os.fsencode(name).decode("utf-8", errors="backslashreplace") if has_surrogates(
        name) else name


def has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def read_file_bytes(path: Path, root: Path, max_bytes: int) -> bytes:
    """Read a regular file of the inbox, at most `max_bytes`; anything else is a ReadError."""
    info = check_entry(path, root)
    if info.st_size > max_bytes:
        raise too_large(info.st_size, max_bytes)
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0)
                             | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise os_error(exc) from None
    with os.fdopen(descriptor, "rb", buffering=0) as handle:
        check_regular(os.fstat(handle.fileno()))  # the entry may have been swapped meanwhile
        return read_counted(handle, max_bytes)


def check_entry(path: Path, root: Path) -> os.stat_result:
    """Stat the entry (following an inbox-internal link) and refuse all but regular files."""
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            target = os.path.realpath(path)
            inbox = os.path.realpath(root)
            if os.path.commonpath([target, inbox]) != inbox:
                raise ReadError("link_outside", "a link pointing outside the inbox is not followed")
            try:
                info = os.stat(path)
            except FileNotFoundError:
                raise ReadError("broken_link", "a link whose target does not exist") from None
    except OSError as exc:
        raise os_error(exc) from None
    if stat.S_ISDIR(info.st_mode):
        raise ReadError("not_a_file", "a folder that could not be listed, or a link to a "
                        "folder (links to folders are not followed)")
    check_regular(info)
    return info


def check_regular(info: os.stat_result) -> None:
    """Refuse FIFOs, devices and sockets without opening them."""
    if stat.S_ISREG(info.st_mode):
        return
    kind = next((name for test, name in SPECIAL_KINDS if test(info.st_mode)), "a special file")
    raise ReadError("special_file", f"{kind}, not a regular file; skipped and never opened")


def read_counted(handle, max_bytes: int) -> bytes:
    """Read up to `max_bytes`, counting: a file that grows or lies about its size is refused."""
    chunks, total = [], 0
    while True:
        chunk = handle.read(min(CHUNK_BYTES, max_bytes + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            raise too_large(None, max_bytes)


def too_large(size: int | None, max_bytes: int) -> ReadError:
    said = f"{size:,} bytes is" if size is not None else "the file is"
    return ReadError("too_large", f"{said} over the size limit of {max_bytes:,} bytes "
                     "(PRAXIS_MAX_FILE_BYTES)")


def os_error(exc: OSError) -> ReadError:
    """A ReadError naming the cause in words, without the absolute path the OSError carries."""
    if exc.errno == errno.ELOOP:
        return ReadError("link_loop", "a link that points to itself (a link loop)")
    if exc.errno == errno.ENOENT:
        return ReadError("vanished", "the file vanished while the run was reading the inbox")
    return ReadError("unreadable", f"the file cannot be opened ({exc.strerror or exc})")
