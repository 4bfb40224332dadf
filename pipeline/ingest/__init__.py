"""Read one raw file into Documents: detect its format, decode it, normalise its text.

`ingest_path` returns every document a file holds (an e-mail gives its body and one
document per attachment); `ingest_file` is the single-document view of the same. Nothing
here raises on bad input: a file that cannot be read comes back quarantined, with a reason
a steward understands.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePath

from pipeline.ingest.clean import normalise_text
from pipeline.ingest.docx import read_docx
from pipeline.ingest.email import looks_like_email, split_email
from pipeline.ingest.errors import ReadError
from pipeline.ingest.forms import (find_submissions, looks_like_csv_form, read_csv_form,
                                   read_json_form)
from pipeline.ingest.html import read_html
from pipeline.ingest.pdf import read_pdf
from pipeline.ingest.text import UndecodableError, read_text
from pipeline.language import detect_language
from pipeline.models import Document, Issue

# format → reader(data: bytes) -> (text, encoding) or (text, encoding, notes), where notes
# are (code, message) pairs recorded on a document that is still usable. E-mail ("eml") is
# not here: it yields several documents, see ingest_email.
READERS = {"txt": read_text, "md": read_text, "html": read_html, "docx": read_docx,
           "pdf": read_pdf, "csv": read_csv_form, "json": read_json_form}
EXTENSIONS = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md",
              ".html": "html", ".htm": "html", ".xhtml": "html", ".docx": "docx",
              ".pdf": "pdf", ".eml": "eml", ".csv": "csv", ".tsv": "csv", ".json": "json"}
# Formats recognised by content only to name them in the quarantine message.
UNSUPPORTED = {"zip": "a ZIP archive (not a Word document); unpack it into the inbox",
               "ole": "an old Word/Excel file (.doc/.xls) or a password-protected Office file; "
                      "save it as .docx without a password",
               "unknown": "not a format Praxis reads (text, Markdown, HTML, Word .docx, PDF, "
                          "e-mail .eml, CSV or JSON form exports)"}
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
MAX_EMAIL_DEPTH = 3  # forwarded e-mails inside e-mails
SNIFF_BYTES = 64 * 1024


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


def detect_format(path: PurePath, data: bytes) -> str | None:
    """Name the format from the content first, the extension second."""
    extension = EXTENSIONS.get(path.suffix.casefold())
    if data[:1024].lstrip().startswith(b"%PDF"):
        return "pdf"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return detect_zip_format(data, extension)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if looks_like_email(data):
        return "eml"
    head = data[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head[:1024]:
        return "html"
    if extension in ("csv", "json"):
        return extension
    if extension in ("md", "html"):
        return extension  # Markdown tables and inline JSON are not form exports
    return sniff_form_export(data) or extension


def detect_zip_format(data: bytes, extension: str | None) -> str:
    """A zip holding word/ parts is a Word document; a damaged one still says so in its bytes."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, EOFError, OSError, ValueError):
        # A truncated zip has lost its directory, but local headers still name the parts.
        return "docx" if b"word/" in data[:SNIFF_BYTES] or extension == "docx" else "zip"
    return "docx" if any(name.startswith("word/") for name in names) else "zip"


def sniff_form_export(data: bytes) -> str | None:
    """Recognise a JSON or CSV form export by its content when the extension does not say."""
    head = data[:SNIFF_BYTES]
    if b"\x00" in head or not head.strip():
        return None
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if text.startswith(("[", "{")):
        try:
            value = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError):
            return None
        return "json" if find_submissions(value) else None
    try:
        return "csv" if looks_like_csv_form(text) else None
    except ReadError:
        return None


def ingest_path(path: Path, root: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Document]:
    """Read one inbox file into its documents; problems quarantine a document, never raise."""
    name = relative_name(path, root)
    try:
        data = read_bytes(path, root, max_bytes)
    except (OSError, ValueError) as exc:
        sha = hashlib.sha256(name.encode()).hexdigest()
        document = Document(id=f"doc_{sha[:16]}", file=name, sha256="", format="unknown")
        return [document.quarantine("ingest", "unreadable", f"{name}: {exc}")]
    return ingest_bytes(name, data)


def ingest_file(path: Path, root: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read one inbox file as one document (an e-mail gives its body; see ingest_path)."""
    return ingest_path(path, root, max_bytes)[0]


def ingest_bytes(name: str, data: bytes, depth: int = 0) -> list[Document]:
    """Read a file's bytes, given the name it is published under, into its documents."""
    fmt = detect_format(PurePath(name.rsplit("#", 1)[-1]), data) or "unknown"
    if fmt == "eml":
        return ingest_email(name, data, depth)
    return [read_document(name, data, fmt)]


def read_document(name: str, data: bytes, fmt: str) -> Document:
    """Run the format's reader and normalise its text into one Document."""
    sha = hashlib.sha256(data).hexdigest()
    document = Document(id=f"doc_{sha[:16]}", file=name, sha256=sha, format=fmt)
    reader = READERS.get(fmt)
    if reader is None:
        reason = UNSUPPORTED.get(fmt, f"format '{fmt}' is not supported yet")
        return document.quarantine("ingest", "unsupported_format", f"{name}: {reason}")
    try:
        text, _encoding, *notes = reader(data)
    except ReadError as exc:
        return document.quarantine("ingest", exc.code, f"{name}: {exc}")
    except (UndecodableError, UnicodeDecodeError) as exc:
        return document.quarantine("ingest", "undecodable", f"{name}: {exc}")
    except Exception as exc:  # noqa: BLE001 - a parser choking on one file must not stop a run
        return document.quarantine("ingest", "unreadable",
                                   f"{name}: the {fmt} file could not be read "
                                   f"({type(exc).__name__}: {exc})")
    return finish_document(document, text, notes[0] if notes else [])


def finish_document(document: Document, text: str, notes: list[tuple[str, str]]) -> Document:
    """Normalise the text, record the reader's notes, and detect the language."""
    document.text = normalise_text(text)
    if not document.text.strip():
        return document.quarantine("ingest", "empty", f"{document.file}: the file holds no text")
    document.issues += [Issue(stage="ingest", code=code, message=f"{document.file}: {message}")
                        for code, message in notes]
    document.language, _ = detect_language(document.text)
    return document


def ingest_email(name: str, data: bytes, depth: int) -> list[Document]:
    """An e-mail's body as one document, then each attachment as documents of its own."""
    sha = hashlib.sha256(data).hexdigest()
    body = Document(id=f"doc_{sha[:16]}", file=name, sha256=sha, format="eml")
    if depth >= MAX_EMAIL_DEPTH:
        return [body.quarantine("ingest", "too_deep", f"{name}: e-mails forwarded inside "
                                f"e-mails more than {MAX_EMAIL_DEPTH} deep are not opened")]
    try:
        mail = split_email(data)
    except Exception as exc:  # noqa: BLE001 - a parser choking on one file must not stop a run
        return [body.quarantine("ingest", "unreadable", f"{name}: the e-mail could not be "
                                f"parsed ({type(exc).__name__}: {exc})")]
    attachments: list[Document] = []
    seen: dict[str, int] = {}
    for attachment in mail.attachments:
        seen[attachment.name] = seen.get(attachment.name, 0) + 1
        suffix = f"~{seen[attachment.name]}" if seen[attachment.name] > 1 else ""
        attachments += ingest_bytes(f"{name}#{attachment.name}{suffix}", attachment.data,
                                    depth + 1)
    body = finish_document(body, mail.body, [])
    if body.status != "ok" and attachments:
        return attachments  # a body with no text only carries the attachments
    if body.status != "ok":
        body.error = body.issues[-1].message = f"{name}: the e-mail has no text and no attachments"
    return [body] + attachments


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


def relative_name(path: Path, root: Path) -> str:
    """The file's name relative to the inbox, as published in documents.jsonl."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name

