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
import os
import re
import zipfile
from dataclasses import replace
from pathlib import Path, PurePath

from pipeline.ingest.clean import normalise_text
from pipeline.ingest.docx import read_docx
from pipeline.ingest.email import looks_like_email, split_email
from pipeline.errors import ReadError
from pipeline.ingest.files import (discover_files, printable_name, read_file_bytes,
                                   relative_name)
from pipeline.limits import (Limits, check_deadline, collect_notes, current_limits,
                                    document_budget)
from pipeline.ingest.forms import (find_submissions, looks_like_csv_form, read_csv_form,
                                   read_json_form)
from pipeline.ingest.html import read_html
from pipeline.ingest.pdf import read_pdf
from pipeline.ingest.text import UndecodableError, read_text
from pipeline.enrich.language import detect_language
from pipeline.models import Document, Issue

__all__ = ["discover_files", "ingest_path", "ingest_file", "ingest_bytes", "detect_format"]

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
DEFAULT_MAX_BYTES = Limits().max_bytes
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
LANGUAGE_SAMPLE_CHARS = 50_000
REPEAT_SUFFIX = re.compile(r"(?:~\d+)+$")
MAX_EMAIL_DEPTH = 3  # forwarded e-mails inside e-mails
SNIFF_BYTES = 64 * 1024


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
    if extension == "eml":
        extension = "txt"  # named .eml but without mail headers: read as text, or refused
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
        except (UnicodeDecodeError, ValueError, RecursionError):
            return None
        return "json" if find_submissions(value) else None
    try:
        return "csv" if looks_like_csv_form(text) else None
    except ReadError:
        return None


def ingest_path(path: Path, root: Path, limits: Limits | int | None = None) -> list[Document]:
    """Read one inbox file into its documents inside one guard: nothing about it can raise.

    Any failure — an odd entry, a reader's bug, a limit — quarantines the file with a reason
    that names it by its inbox-relative name.
    """
    limits = as_limits(limits)
    name = path.name
    data = b""
    with document_budget(limits):
        try:
            name = relative_name(path, root)
            data = read_file_bytes(path, root, limits.max_bytes)
            documents = ingest_bytes(name, data)
        except ReadError as exc:
            documents = [failed_document(name, data, exc.code, str(exc))]
        except Exception as exc:  # noqa: BLE001 - the boundary: one file never stops a run
            documents = [failed_document(name, data, "unreadable", describe_failure(exc, root))]
    return [give_failed_id(document) for document in documents]


def as_limits(limits: Limits | int | None) -> Limits:
    """Limits from the settings; a bare number is the old size limit alone."""
    if isinstance(limits, Limits):
        return limits
    return Limits() if limits is None else replace(Limits(), max_bytes=int(limits))


def failed_document(name: str, data: bytes, code: str, reason: str) -> Document:
    """A quarantined Document for a file that failed before a reader could say more."""
    sha = hashlib.sha256(data).hexdigest() if data else ""
    document = Document(id="doc_", file=name, sha256=sha, format="unknown")
    return document.quarantine("ingest", code, f"{name}: {reason}")


def give_failed_id(document: Document) -> Document:
    """A quarantined document's id comes from its name and content, so no two share one."""
    if document.status != "ok":
        key = f"{document.file}\0{document.sha256}".encode("utf-8", "backslashreplace")
        document.id = f"doc_{hashlib.sha256(key).hexdigest()[:16]}"
    return document


def describe_failure(exc: BaseException, root: Path) -> str:
    """Name an unexpected exception in words, without the absolute path of the inbox."""
    if isinstance(exc, RecursionError):
        return "the file is nested too deeply to be read"
    if isinstance(exc, MemoryError):
        return "the file needs more memory than a document may take"
    message = str(exc)
    for prefix in sorted({str(root), os.path.realpath(root)}, key=len, reverse=True):
        message = message.replace(prefix + os.sep, "").replace(prefix, "<inbox>")
    return f"the file could not be read ({type(exc).__name__}: {message[:300]})"


def ingest_file(path: Path, root: Path, limits: Limits | int | None = None) -> Document:
    """Read one inbox file as one document (an e-mail gives its body; see ingest_path)."""
    return ingest_path(path, root, limits)[0]


def ingest_bytes(name: str, data: bytes, depth: int = 0) -> list[Document]:
    """Read a file's bytes, given the name it is published under, into its documents."""
    check_deadline()
    own_name = REPEAT_SUFFIX.sub("", name.rsplit("#", 1)[-1])  # "a.txt~2" is still a .txt
    fmt = detect_format(PurePath(own_name), data) or "unknown"
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
        with collect_notes() as notes:
            text, _encoding, *reader_notes = reader(data)
            check_deadline()
    except ReadError as exc:
        return document.quarantine("ingest", exc.code, f"{name}: {exc}")
    except (UndecodableError, UnicodeDecodeError) as exc:
        return document.quarantine("ingest", "undecodable", f"{name}: {exc}")
    except RecursionError:
        return document.quarantine("ingest", "too_deep",
                                   f"{name}: the {fmt} file is nested too deeply to be read")
    except Exception as exc:  # noqa: BLE001 - a parser choking on one file must not stop a run
        return document.quarantine("ingest", "unreadable",
                                   f"{name}: the {fmt} file could not be read "
                                   f"({type(exc).__name__}: {str(exc)[:300]})")
    return finish_document(document, text, (reader_notes[0] if reader_notes else []) + notes)


def finish_document(document: Document, text: str, notes: list[tuple[str, str]]) -> Document:
    """Normalise the text within its limits, record the reader's notes, detect the language."""
    text, limit_notes = fit_text(text, current_limits())
    document.text = normalise_text(text)
    notes = notes + limit_notes
    if not document.text.strip():
        return document.quarantine("ingest", "empty", f"{document.file}: the file holds no text")
    document.issues += [Issue(stage="ingest", code=code, message=f"{document.file}: {message}")
                        for code, message in notes]
    # The opening is enough to name a document's language; all of a large export costs seconds.
    document.language, _ = detect_language(document.text[:LANGUAGE_SAMPLE_CHARS])
    return document


def ingest_email(name: str, data: bytes, depth: int) -> list[Document]:
    """An e-mail's body as one document, then each attachment as documents of its own."""
    sha = hashlib.sha256(data).hexdigest()
    body = Document(id=f"doc_{sha[:16]}", file=name, sha256=sha, format="eml")
    if depth >= MAX_EMAIL_DEPTH:
        return [body.quarantine("ingest", "too_deep", f"{name}: e-mails forwarded inside "
                                f"e-mails more than {MAX_EMAIL_DEPTH} deep are not opened")]
    try:
        with collect_notes() as notes:
            mail = split_email(data)
    except Exception as exc:  # noqa: BLE001 - a parser choking on one file must not stop a run
        return [body.quarantine("ingest", "unreadable", f"{name}: the e-mail could not be "
                                f"parsed ({type(exc).__name__}: {exc})")]
    attachments: list[Document] = []
    taken: set[str] = set()
    for attachment in mail.attachments:
        attachments += ingest_bytes(f"{name}#{unique_name(printable_name(attachment.name), taken)}",
                                    attachment.data, depth + 1)
    body = finish_document(body, mail.body, notes)
    if body.status != "ok" and attachments:
        return attachments  # a body with no text only carries the attachments
    if body.status != "ok":
        body.error = body.issues[-1].message = f"{name}: the e-mail has no text and no attachments"
    return [body] + attachments


def unique_name(name: str, taken: set[str]) -> str:
    """The name itself, or `name~2`, `name~3` …: the first not taken yet (and take it)."""
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{name}~{number}"
    taken.add(candidate)
    return candidate


def fit_text(text: str, limits: Limits) -> tuple[str, list[tuple[str, str]]]:
    """Cut text to the character limit and wrap over-long lines; say what was changed."""
    notes = []
    text = LONE_SURROGATE.sub("\ufffd", text)
    if len(text) > limits.max_chars:
        notes.append(("truncated", f"the text is {len(text):,} characters long; only the first "
                      f"{limits.max_chars:,} were read (PRAXIS_MAX_CHARS)"))
        text = text[:limits.max_chars]
    if any(len(line) > limits.max_line_chars for line in text.split("\n")):
        text = "\n".join(wrap_line(line, limits.max_line_chars) for line in text.split("\n"))
        notes.append(("long_line_wrapped", f"lines over {limits.max_line_chars:,} characters "
                      "were broken at a space (PRAXIS_MAX_LINE_CHARS)"))
    return text, notes


def wrap_line(line: str, width: int) -> str:
    """Break a line into pieces of at most `width` characters, at a space where there is one."""
    pieces = []
    while len(line) > width:
        cut = line.rfind(" ", width // 2, width)
        if cut < 0:
            pieces.append(line[:width])
            line = line[width:]
        else:
            pieces.append(line[:cut])
            line = line[cut + 1:]
    pieces.append(line)
    return "\n".join(pieces)
