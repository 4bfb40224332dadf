"""`praxis review`: browse a release record by record beside the source, and correct it.

A small local web server (the standard library's, on 127.0.0.1 only). Records and
documents are found through byte offsets into the release's JSONL files, so a release of
any size opens at once and is never held in memory. A correction typed into a record page
is checked the way a run applies it, then appended to `corrections/review.yaml`.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

import yaml

from pipeline.steward.corrections import (CORRECTABLE, LIST_FIELDS, OBJECT_LIST_FIELDS, Correction,
                                  apply_one)
from pipeline.models import Initiative
from pipeline.steward.review_page import render_index_page, render_record_page

INDEX_ROWS = 500
MAX_FORM_BYTES = 256 * 1024
CORRECTIONS_FILE = "review.yaml"


def index_jsonl(path: Path, key: str) -> dict[str, int]:
    """Map each line's `key` value to the byte offset where the line starts."""
    offsets: dict[str, int] = {}
    with path.open("rb") as handle:
        position = handle.tell()
        for line in iter(handle.readline, b""):
            if line.strip():
                offsets.setdefault(str(json.loads(line).get(key)), position)
            position = handle.tell()
    return offsets


def read_line_at(path: Path, offset: int) -> dict:
    with path.open("rb") as handle:
        handle.seek(offset)
        return json.loads(handle.readline())


@dataclass
class ReleaseView:
    """Random access to one release's records, documents and review rows."""

    folder: Path
    records: dict[str, int] = field(default_factory=dict)
    documents: dict[str, int] = field(default_factory=dict)
    review: dict[str, list[dict]] = field(default_factory=dict)
    listing: list[dict] = field(default_factory=list)

    @classmethod
    def open(cls, folder: Path) -> ReleaseView:
        view = cls(folder)
        view.records = index_jsonl(folder / "initiatives.jsonl", "id")
        view.documents = index_jsonl(folder / "documents.jsonl", "file")
        review_csv = folder / "review.csv"
        if review_csv.exists():
            with review_csv.open(encoding="utf-8-sig", newline="") as handle:
                for row in csv.DictReader(handle):
                    view.review.setdefault(row.get("record_id") or "", []).append(row)
        view.listing = view.list_records()
        return view

    def list_records(self) -> list[dict]:
        """Id, title, file and review reasons of every record, review work first."""
        rows = []
        with (self.folder / "initiatives.jsonl").open(encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                record = json.loads(line)
                reasons = [f"{r.get('field')}: {r.get('reason')}"
                           for r in self.review.get(record["id"], [])]
                rows.append({"id": record["id"], "title": record.get("title"),
                             "file": record["source"]["file"], "reasons": reasons})
        return sorted(rows, key=lambda r: (not r["reasons"], r["file"], r["id"]))

    def record(self, record_id: str) -> Initiative | None:
        offset = self.records.get(record_id)
        if offset is None:
            return None
        return Initiative.model_validate(read_line_at(self.folder / "initiatives.jsonl", offset))

    def document_text(self, file: str) -> str:
        offset = self.documents.get(file)
        return "" if offset is None else read_line_at(self.folder / "documents.jsonl",
                                                      offset).get("text", "")


def parse_form_value(field_name: str, text: str) -> object:
    """Turn the form's text into the value a corrections file would hold."""
    text = text.strip()
    if field_name in OBJECT_LIST_FIELDS:
        return yaml.safe_load(text) if text else []
    if field_name in (*LIST_FIELDS, "activities", "sdgs"):
        parts = text.splitlines() if "\n" in text else text.split(";")
        return [part.strip() for part in parts if part.strip()]
    return text or None


def save_correction(folder: Path, record: Initiative, field_name: str, text: str,
                    note: str) -> str:
    """Check a correction against the record and append it to the corrections folder.

    Returns the message the page shows: saved, or not saved and why.
    """
    if field_name not in CORRECTABLE:
        return f"not saved: '{field_name}' cannot be corrected"
    try:
        value = parse_form_value(field_name, text)
    except yaml.YAMLError as exc:
        return f"not saved: the value is not valid YAML ({str(exc).splitlines()[0]})"
    trial = record.model_copy(deep=True)
    outcome = apply_one(trial, Correction(record.id, field_name, value, note or None, "form"))
    if outcome != "applied":
        return f"not saved: {outcome}"
    entry = {"record_id": record.id, "field": field_name, "value": value}
    if note:
        entry["note"] = note
    append_correction(folder / CORRECTIONS_FILE, entry)
    return f"saved to {CORRECTIONS_FILE}: {field_name} — applied on the next run"


def append_correction(path: Path, entry: dict) -> None:
    """Add one entry to a YAML corrections file, replacing the file atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else []
    entries = (entries or []) + [entry]
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                         prefix=".review-", suffix=".tmp")
    with handle:
        yaml.safe_dump(entries, handle, allow_unicode=True, sort_keys=False)
    os.replace(handle.name, path)


def make_handler(view: ReleaseView, corrections_dir: Path) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to one release and one corrections folder."""

    class ReviewHandler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
            pass  # a steward's terminal is not a web server log

        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            url = urlsplit(self.path)
            if url.path == "/":
                query = parse_qs(url.query).get("q", [""])[0]
                rows = [r for r in view.listing if matches_query(r, query)]
                self.send_html(render_index_page(rows[:INDEX_ROWS], query, len(rows)))
            elif url.path.startswith("/record/"):
                self.show_record(unquote(url.path.removeprefix("/record/")),
                                 parse_qs(url.query).get("message", [None])[0])
            elif url.path == "/report" and (view.folder / "report.html").exists():
                self.send_html((view.folder / "report.html").read_text(encoding="utf-8"))
            else:
                self.send_error(HTTPStatus.NOT_FOUND)

        def do_POST(self) -> None:  # noqa: N802 - stdlib name
            path = urlsplit(self.path).path
            if not (path.startswith("/record/") and path.endswith("/correct")):
                return self.send_error(HTTPStatus.NOT_FOUND)
            record_id = unquote(path.removeprefix("/record/").removesuffix("/correct"))
            record = view.record(record_id)
            length = int(self.headers.get("Content-Length") or 0)
            if record is None or length > MAX_FORM_BYTES:
                return self.send_error(HTTPStatus.BAD_REQUEST)
            form = parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
            message = save_correction(corrections_dir, record, form.get("field", [""])[0],
                                      form.get("value", [""])[0], form.get("note", [""])[0])
            self.send_response(HTTPStatus.SEE_OTHER)
            self.send_header("Location", f"/record/{quote(record_id)}?message={quote(message)}")
            self.end_headers()

        def show_record(self, record_id: str, message: str | None) -> None:
            record = view.record(record_id)
            if record is None:
                return self.send_error(HTTPStatus.NOT_FOUND, f"no record {record_id}")
            page = render_record_page(record, view.document_text(record.source.file),
                                      view.review.get(record_id, []), list(CORRECTABLE),
                                      message)
            self.send_html(page)

        def send_html(self, page: str) -> None:
            body = page.encode("utf-8")
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return ReviewHandler


def matches_query(row: dict, query: str) -> bool:
    folded = query.casefold().strip()
    return not folded or any(folded in (row.get(k) or "").casefold()
                             for k in ("id", "title", "file"))


def make_server(release: Path, corrections_dir: Path, port: int) -> ThreadingHTTPServer:
    """Open the release and bind the review server on 127.0.0.1 (port 0: any free port)."""
    view = ReleaseView.open(release)
    return ThreadingHTTPServer(("127.0.0.1", port), make_handler(view, corrections_dir))
