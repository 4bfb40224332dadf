"""A release's record prints, kept for the next run's diff so that it need not read the
release again.

Comparing a release with the one before needs a print (a hash per field) of every record of
both. The new release's prints are made as its records are written; the previous one's were
read back from its `initiatives.jsonl` and hashed again, a pass over every record on every
run (about a tenth of a re-run with one file changed). A run whose prints are hashed (it had a
release to compare with) now keeps them in the store, `prints-<variant>-<tag>.sqlite`. The tag
covers the records file they describe (its sha256) and the code that makes and reads them, so
the next run uses them only when both are what they were; otherwise it reads the release, as
it always may.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from pipeline.publish import diff
from pipeline.publish.diff import RecordPrint, read_prints, record_print
from pipeline.publish.files import sha256_file
from pipeline import streams
from pipeline.streams import DiskMap

RECORDS_FILE = "initiatives.jsonl"


def load_prints(store: Path, variant: str, release: Path) -> DiskMap[RecordPrint]:
    """The prints of a release folder's records: those a run kept, else read afresh."""
    records = release / RECORDS_FILE
    if records.is_file():
        path = prints_path(store, variant, sha256_file(records))
        if path.is_file():
            try:
                return DiskMap.load(path)
            except (OSError, sqlite3.Error):
                pass  # damaged or unreadable: the release itself still says it all
    return read_prints(release)


def keep_prints(store: Path, variant: str, release: Path, prints: DiskMap[RecordPrint]) -> None:
    """Keep a release's hashed prints for the next run, in place of those kept before."""
    try:
        store.mkdir(parents=True, exist_ok=True)
        path = prints_path(store, variant, sha256_file(release / RECORDS_FILE))
        prints.save(path)
        for old in store.glob(f"prints-{variant}-*.sqlite"):
            if old != path:
                old.unlink(missing_ok=True)
    except (OSError, sqlite3.Error):
        pass  # a cache: the next run reads the release instead


def print_taker(prints: DiskMap[RecordPrint], hashed: bool) -> Callable[[dict], None]:
    """A callback taking each record written (as its line reads back) into `prints`: the
    prints `read_prints` would make from the file, without reading it again."""
    def take(record: dict) -> None:
        prints[record["id"]] = record_print(record, hashed, sampled=False)
    return take


def prints_path(store: Path, variant: str, records_sha256: str) -> Path:
    tag = hashlib.sha256(f"{code_fingerprint()}\0{records_sha256}".encode()).hexdigest()[:16]
    return store / f"prints-{variant}-{tag}.sqlite"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """The sha256 of the modules that make, pickle and store the prints."""
    digest = hashlib.sha256()
    for module in (diff, streams):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()
