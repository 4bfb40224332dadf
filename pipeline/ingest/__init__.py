"""Read one raw file into a Document: detect its format, decode it, normalise its text."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from pipeline.ingest.clean import normalise_text
from pipeline.ingest.html import read_html
from pipeline.ingest.text import UndecodableError, read_text
from pipeline.language import detect_language
from pipeline.models import Document

READERS = {"txt": read_text, "md": read_text, "html": read_html}
EXTENSIONS = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md",
              ".html": "html", ".htm": "html", ".xhtml": "html"}
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


def discover_files(raw_dir: Path) -> Iterator[Path]:
    """Yield the inbox's files in a stable order; hidden files and READMEs are not submissions."""
    for path in sorted(raw_dir.rglob("*")):
        relative = path.relative_to(raw_dir)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.name.casefold() in ("readme.md", "readme.txt"):
            continue
        if path.is_symlink() or path.is_file():
            yield path


def detect_format(path: Path, data: bytes) -> str | None:
    """Name the format from the content first, the extension second."""
    head = data[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head[:1024]:
        return "html"
    if data.startswith((b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return {b"%PDF": "pdf", b"PK\x03\x04": "zip", b"\xd0\xcf\x11\xe0": "ole"}[data[:4]]
    return EXTENSIONS.get(path.suffix.casefold())


def ingest_file(path: Path, root: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read one inbox file; problems quarantine the document instead of raising."""
    name = _relative_name(path, root)
    try:
        data = read_bytes(path, root, max_bytes)
    except (OSError, ValueError) as exc:
        sha = hashlib.sha256(name.encode()).hexdigest()
        document = Document(id=f"doc_{sha[:16]}", file=name, sha256="", format="unknown")
        return document.quarantine("ingest", "unreadable", f"{name}: {exc}")
    sha = hashlib.sha256(data).hexdigest()
    fmt = detect_format(path, data) or "unknown"
    document = Document(id=f"doc_{sha[:16]}", file=name, sha256=sha, format=fmt)
    reader = READERS.get(fmt)
    if reader is None:
        return document.quarantine(
            "ingest", "unsupported_format", f"{name}: format '{fmt}' is not supported yet"
        )
    try:
        text, _encoding = reader(data)
    except (UndecodableError, UnicodeDecodeError) as exc:
        return document.quarantine("ingest", "undecodable", f"{name}: {exc}")
    document.text = normalise_text(text)
    if not document.text.strip():
        return document.quarantine("ingest", "empty", f"{name}: the file holds no text")
    document.language, _ = detect_language(document.text)
    return document


def read_bytes(path: Path, root: Path, max_bytes: int) -> bytes:
    """Read a file's bytes, refusing links out of the inbox, folders and oversized files."""
    if path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
        raise ValueError("a link pointing outside the inbox is not followed")
    if path.is_dir():
        raise ValueError("a folder, not a file")
    size = path.stat().st_size
    if size > max_bytes:
        raise ValueError(f"{size} bytes is over the size limit of {max_bytes} bytes")
    return path.read_bytes()


def _relative_name(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name
