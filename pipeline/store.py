"""Keep what each stage made of a file or document, for incremental runs.

Three things live under `processed/store/`:
- the ingest store: the documents read from one inbox file, keyed by its name and content;
- the extraction store: one document's records and issues, keyed by its content hash;
- the file index: each inbox file's size, modification time and content hash, so an
  unchanged file is recognised from a `stat` alone, without reading it.
Each store sits in a folder named by its stage's fingerprint: a hash of the code the stage
runs (the import closure of its entry module) and the lexicons. Improving a lexicon or an
extraction module re-extracts everything on the next run; editing the report does not.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline import __version__
from pipeline.models import Document, Initiative, Issue
from pipeline.result import DocumentResult

PIPELINE_DIR = Path(__file__).resolve().parent
EXTRACT_ENTRY = "pipeline.extract.document"
INGEST_ENTRY = "pipeline.ingest"
RACY_NS = 2_000_000_000  # a file changed this soon after it was indexed may share its mtime
TRANSIENT = {"time_limit", "unreadable", "vanished"}  # a quarantine that may not recur


def module_file(module: str, root: Path) -> Path | None:
    """The source file of a pipeline module under `root`, or None if there is none."""
    parts = module.split(".")[1:]
    if not parts:
        return root / "__init__.py"
    relative = Path(*parts)
    for candidate in (root / relative.with_suffix(".py"), root / relative / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imported_modules(path: Path) -> set[str]:
    """The pipeline modules a file imports, at module level or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.split(".")[0] == "pipeline"}


def import_closure(entry: str, root: Path = PIPELINE_DIR) -> list[Path]:
    """Every source file `entry` runs: its imports, theirs, and the packages that hold them."""
    seen: dict[str, Path] = {}
    pending = [entry]
    while pending:
        module = pending.pop()
        parts = module.split(".")
        for depth in range(1, len(parts) + 1):  # importing a.b.c runs a/__init__ and a/b/__init__
            name = ".".join(parts[:depth])
            path = module_file(name, root)
            if path is not None and name not in seen:
                seen[name] = path
                pending.extend(imported_modules(path))
    return sorted(set(seen.values()))


def stage_fingerprint(entry: str, root: Path = PIPELINE_DIR, extra: str = "") -> str:
    """Hash of the version, the code `entry` runs, the lexicons, and `extra` (the limits)."""
    digest = hashlib.sha256(f"{__version__}\0{extra}".encode())
    lexicons = sorted((root / "lexicon").rglob("*.yaml"))
    for path in [*import_closure(entry, root), *lexicons]:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=8)
def pipeline_fingerprint(extra: str = "") -> str:
    """The extraction stage's fingerprint in this installation."""
    return stage_fingerprint(EXTRACT_ENTRY, extra=extra)


@lru_cache(maxsize=8)
def ingest_fingerprint(extra: str = "") -> str:
    """The ingest stage's fingerprint in this installation."""
    return stage_fingerprint(INGEST_ENTRY, extra=extra)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of every module and data file: any change makes the next run publish anew."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(PIPELINE_DIR.rglob("*")):
        if path.suffix in (".py", ".yaml") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PIPELINE_DIR).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def write_atomic(path: Path, text: str) -> None:
    """Write a file through a temporary one and a rename, so no reader sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8", errors="backslashreplace")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def read_json(path: Path):
    """The JSON in a file, or None when it is missing or damaged (a cache entry is recomputed)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


class ExtractionStore:
    """One JSON file per document content: its records, extraction issues and people."""

    def __init__(self, root: Path, fingerprint: str | None = None):
        self.fingerprint = fingerprint or pipeline_fingerprint()
        self.root = root
        self.folder = root / self.fingerprint

    def path_for(self, sha256: str) -> Path:
        return self.folder / sha256[:2] / f"{sha256}.json"

    def load(self, result: DocumentResult) -> DocumentResult | None:
        """The result with the stored records of this content, renamed to its file; or None."""
        data = read_json(self.path_for(result.document.sha256))
        try:
            records = [Initiative.model_validate(item) for item in data["records"]]
            issues = [Issue.model_validate(item) for item in data.get("issues", [])]
            people = data.get("people")
            if people is not None and not (isinstance(people, list)
                                           and all(isinstance(name, str) for name in people)):
                raise ValueError("people")
        except (TypeError, ValueError, KeyError):
            return None  # missing or damaged: simply recomputed
        for record in records:  # freshly read: ours to rename
            record.source.file = result.file
        issues = [issue.model_copy(update={"message": rename_in(issue.message, data, result)})
                  for issue in issues]
        found = result.noted(*issues).with_records(records, reused=1)
        return found.model_copy(update={"people": people})

    def save(self, result: DocumentResult, issues: list[Issue]) -> None:
        """Store a result's records and the issues extraction noted; skipped if it cannot be."""
        try:
            self.write(result, issues)
        except (OSError, ValueError):
            pass  # the store is a cache: this document is extracted again next run

    def write(self, result: DocumentResult, issues: list[Issue]) -> None:
        """Write a result's records to a temporary file, then rename it into place."""
        payload = {"sha256": result.document.sha256, "fingerprint": self.fingerprint,
                   "file": result.file,
                   "records": [record.model_dump(mode="json") for record in result.records],
                   "issues": [issue.model_dump(mode="json") for issue in issues],
                   "people": result.people}
        write_atomic(self.path_for(result.document.sha256), json.dumps(payload, ensure_ascii=False))


def rename_in(message: str, data: dict, result: DocumentResult) -> str:
    """An issue's message that names the stored file, naming this one instead."""
    stored = data.get("file")
    if stored and stored != result.file and message.startswith(f"{stored}:"):
        return result.file + message[len(stored):]
    return message


class IngestStore:
    """The documents one inbox file gave, keyed by its name and content."""

    def __init__(self, root: Path, fingerprint: str | None = None):
        self.fingerprint = fingerprint or ingest_fingerprint()
        self.root = root
        self.folder = root / f"ingest-{self.fingerprint}"

    def path_for(self, name: str, sha256: str) -> Path:
        key = hashlib.sha256(f"{name}\0{sha256}".encode("utf-8", "backslashreplace")).hexdigest()
        return self.folder / key[:2] / f"{key}.json"

    def load(self, name: str, sha256: str) -> list[Document] | None:
        """The documents stored for this file and content, or None."""
        data = read_json(self.path_for(name, sha256))
        try:
            return [Document.model_validate(item) for item in data["documents"]]
        except (TypeError, ValueError, KeyError):
            return None

    def save(self, name: str, sha256: str, documents: list[Document]) -> None:
        """Keep a file's documents, unless one of them failed in a way that may not recur."""
        if any(issue.code in TRANSIENT for doc in documents for issue in doc.issues):
            return
        payload = {"file": name, "sha256": sha256,
                   "documents": [doc.model_dump(mode="json") for doc in documents]}
        try:
            write_atomic(self.path_for(name, sha256), json.dumps(payload, ensure_ascii=False))
        except (OSError, ValueError):
            pass  # a cache: the file is read again next run


class FileIndex:
    """Size, modification time and content hash of each inbox file, from the last run."""

    def __init__(self, path: Path):
        self.path = path
        data = read_json(path)
        self.entries: dict[str, list] = data if isinstance(data, dict) else {}
        self.seen: set[str] = set()
        self.changed = False

    def known_hash(self, name: str, info: os.stat_result) -> str | None:
        """The content hash of an unchanged file (same size and mtime, not racy), else None."""
        self.seen.add(name)
        entry = self.entries.get(name)
        if not entry or len(entry) != 4:
            return None
        size, mtime_ns, sha256, indexed_ns = entry
        if size != info.st_size or mtime_ns != info.st_mtime_ns:
            return None
        if indexed_ns - mtime_ns < RACY_NS:
            return None  # written just before it was indexed: a later write may keep the mtime
        return sha256

    def record(self, name: str, info: os.stat_result, sha256: str) -> None:
        """Remember a file's stamp and hash."""
        self.seen.add(name)
        entry = self.entries.get(name)
        if entry and entry[:3] == [info.st_size, info.st_mtime_ns, sha256] and \
                entry[3] - info.st_mtime_ns >= RACY_NS:
            return
        self.entries[name] = [info.st_size, info.st_mtime_ns, sha256, time.time_ns()]
        self.changed = True

    def save(self) -> None:
        """Write the index when it changed, forgetting files that are gone from the inbox."""
        gone = set(self.entries) - self.seen
        for name in gone:
            del self.entries[name]
        if not (self.changed or gone):
            return
        try:
            write_atomic(self.path, json.dumps(self.entries, ensure_ascii=False, sort_keys=True))
        except (OSError, ValueError):
            pass  # a cache: files are hashed again next run


def prune_store(root: Path, keep: set[str]) -> None:
    """Drop stage folders made by other pipeline versions."""
    if not root.exists():
        return
    for folder in root.iterdir():
        if folder.is_dir() and folder.name not in keep:
            shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class InboxFile:
    """One inbox entry as the run found it: its name, its stat and (when readable) its hash."""

    path: Path
    name: str
    size: int | None = None
    mtime_ns: int | None = None
    sha256: str | None = None


class Stores:
    """The stores and the file index one run reads and writes."""

    def __init__(self, root: Path, limits_key: str = ""):
        self.root = root
        self.extracted = ExtractionStore(root, pipeline_fingerprint(limits_key))
        self.ingest = IngestStore(root, ingest_fingerprint(limits_key))
        self.index = FileIndex(root / "files.json")

    @classmethod
    def open(cls, root: Path, limits) -> Stores:
        return cls(root, repr(limits))

    def ingested(self, file: InboxFile) -> list[DocumentResult] | None:
        """A known file's results from the ingest store, or None when it must be read."""
        if file.sha256 is None:
            return None
        documents = self.ingest.load(file.name, file.sha256)
        return None if documents is None else [DocumentResult.from_document(d) for d in documents]

    def save_ingested(self, file: InboxFile, results: list[DocumentResult]) -> None:
        """Keep what ingest read from a file whose content hash is known.

        The file may have changed between hashing and reading: kept only when a document
        carries the hash, or the file failed whole.
        """
        shas = {result.document.sha256 for result in results}
        if file.sha256 is not None and (file.sha256 in shas or shas <= {""}):
            self.ingest.save(file.name, file.sha256, [result.document for result in results])

    def save_extracted(self, before: list[DocumentResult], after: list[DocumentResult]) -> None:
        """Keep the records and issues extraction added to each readable result."""
        for old, new in zip(before, after):
            if new.ok:
                self.extracted.save(new, new.issues[len(old.issues):])

    def prune(self) -> None:
        """Drop what other pipeline versions stored."""
        prune_store(self.root, {self.extracted.fingerprint, self.ingest.folder.name})


INPUTS_FILE = "published.json"


def describe_inputs(settings, files: list[InboxFile], stores: Stores) -> str:
    """A hash of everything a release is made from: files, code, lexicons, corrections, models."""
    digest = hashlib.sha256()
    parts = [code_fingerprint(), stores.extracted.fingerprint, stores.ingest.fingerprint,
             f"translate={bool(settings.translate)}"]
    for file in files:
        parts.append(f"{file.name}\0{file.sha256 or '?'}")
    folders = [settings.corrections_dir] + ([settings.models_dir] if settings.translate else [])
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")) if Path(folder).is_dir() else []:
            if path.is_file():
                info = path.stat()
                parts.append(f"{path}\0{info.st_size}\0{info.st_mtime_ns}")
    for part in parts:
        digest.update(part.encode("utf-8", "backslashreplace") + b"\n")
    return digest.hexdigest()


def published_inputs(out_dir: Path, inputs: str) -> dict | None:
    """The current release's counts when it was made from exactly these inputs, else None."""
    data = read_json(out_dir / "store" / INPUTS_FILE)
    latest = out_dir / "latest"
    if not isinstance(data, dict) or data.get("inputs") != inputs or not latest.is_symlink():
        return None
    if latest.resolve().name != data.get("version"):
        return None  # rolled back, or published by another route since
    quality = read_json(latest / "quality.json")
    if not isinstance(quality, dict):
        return None
    return {"documents": quality["documents"]["total"],
            "quarantined": quality["documents"].get("quarantined", 0),
            "initiatives": quality["initiatives"], "quality": quality}


def record_inputs(out_dir: Path, inputs: str) -> None:
    """Remember what the release just published was made from."""
    latest = out_dir / "latest"
    payload = {"inputs": inputs, "version": latest.resolve().name}
    try:
        write_atomic(out_dir / "store" / INPUTS_FILE, json.dumps(payload))
    except OSError:
        pass  # the next run publishes again, which is merely slower
