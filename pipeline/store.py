"""Keep each document's extraction result under its content hash, for incremental runs.

The key is (pipeline fingerprint, document sha256). The fingerprint hashes the pipeline's
own code and lexicons, so improving a lexicon re-extracts everything on the next run while
an unchanged pipeline reuses what it already has — across runs and across machines that
share `processed/`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from functools import lru_cache
from pathlib import Path

from pipeline import __version__
from pipeline.models import Document, Initiative

PIPELINE_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def pipeline_fingerprint() -> str:
    """Hash of the version, the code and the lexicons that produce extraction results."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(PIPELINE_DIR.rglob("*")):
        if path.suffix in (".py", ".yaml") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PIPELINE_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class ExtractionStore:
    """One JSON file per document: the Document and its records, before translation."""

    def __init__(self, root: Path, fingerprint: str | None = None):
        self.fingerprint = fingerprint or pipeline_fingerprint()
        self.root = root
        self.folder = root / self.fingerprint
        self.hits = 0
        self.misses = 0

    def path_for(self, sha256: str) -> Path:
        return self.folder / sha256[:2] / f"{sha256}.json"

    def load(self, document: Document) -> list[Initiative] | None:
        """Return the stored records of a document with this content, renamed to its file."""
        path = self.path_for(document.sha256)
        if not path.exists():
            self.misses += 1
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            records = [Initiative.model_validate(item) for item in data["records"]]
        except (OSError, ValueError, KeyError):
            self.misses += 1
            return None  # a damaged entry is simply recomputed
        for record in records:
            record.source.file = document.file
        self.hits += 1
        return records

    def save(self, document: Document, records: list[Initiative]) -> None:
        """Store a document's records atomically; a store that cannot be written is skipped."""
        try:
            self.write(document, records)
        except (OSError, ValueError):
            pass  # the store is a cache: this document is extracted again next run

    def write(self, document: Document, records: list[Initiative]) -> None:
        """Write a document's records to a temporary file, then rename it into place."""
        path = self.path_for(document.sha256)
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"sha256": document.sha256, "fingerprint": self.fingerprint,
                   "records": [record.model_dump(mode="json") for record in records]}
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            temporary.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8",
                                 errors="backslashreplace")
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)

    def prune(self) -> None:
        """Drop results made by other pipeline versions."""
        if not self.root.exists():
            return
        for folder in self.root.iterdir():
            if folder.is_dir() and folder.name != self.fingerprint:
                shutil.rmtree(folder, ignore_errors=True)
