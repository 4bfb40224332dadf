"""Streaming helpers shared by the stages: JSON Lines in, fixed-size batches out, and an
ordered mapping that keeps its values on disk."""

from __future__ import annotations

import json
import os
import pickle
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from pathlib import Path
from typing import Generic, TypeVar

V = TypeVar("V")


def read_jsonl(path: Path) -> Iterator[dict]:
    """Yield one JSON object per non-empty line, reading the file as a stream."""
    if not path.exists():
        return
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def batched(items: Iterable, size: int) -> Iterator[list]:
    """Yield lists of up to `size` items, never holding more than one batch."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class DiskMap(Mapping[str, V], Generic[V]):
    """A dict whose values wait on disk: what a run compares record by record, but need not
    hold for the whole corpus at once (a release's prints, the old values of what changed).

    Values are pickled into a private temporary SQLite database, which SQLite deletes when
    the map is closed or dropped; its page cache (a few MB) is all it keeps in memory. As a
    dict, it iterates in first-insertion order and a key set again keeps its place. Writes
    are buffered and flushed before any read. `items()` and `values()` stream in one query.
    """

    FLUSH_EVERY = 1000
    CACHE_KIB = 4096

    def __init__(self, items: Iterable[tuple[str, V]] = ()):
        # "" is SQLite's private on-disk database: in the temporary folder, gone on close
        self._db = sqlite3.connect("", check_same_thread=False)
        self._db.execute(f"PRAGMA cache_size = -{self.CACHE_KIB}")
        self._db.execute("CREATE TABLE map (ord INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, "
                         "value BLOB NOT NULL)")
        self._pending: list[tuple[str, bytes]] = []
        for key, value in items:
            self[key] = value

    def __setitem__(self, key: str, value: V) -> None:
        self._pending.append((key, pickle.dumps(value, pickle.HIGHEST_PROTOCOL)))
        if len(self._pending) >= self.FLUSH_EVERY:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._db.executemany("INSERT INTO map (key, value) VALUES (?, ?) ON CONFLICT (key) "
                                 "DO UPDATE SET value = excluded.value", self._pending)
            self._pending = []

    def _rows(self, sql: str, *parameters) -> sqlite3.Cursor:
        self._flush()
        return self._db.execute(sql, parameters)

    def __getitem__(self, key: str) -> V:
        row = self._rows("SELECT value FROM map WHERE key = ?", key).fetchone()
        if row is None:
            raise KeyError(key)
        return pickle.loads(row[0])

    def __contains__(self, key: object) -> bool:
        return self._rows("SELECT 1 FROM map WHERE key = ?", key).fetchone() is not None

    def __iter__(self) -> Iterator[str]:
        return (key for (key,) in self._rows("SELECT key FROM map ORDER BY ord"))

    def __len__(self) -> int:
        return self._rows("SELECT count(*) FROM map").fetchone()[0]

    def items(self) -> Iterator[tuple[str, V]]:  # type: ignore[override] - streamed
        return ((key, pickle.loads(value))
                for key, value in self._rows("SELECT key, value FROM map ORDER BY ord"))

    def values(self) -> Iterator[V]:  # type: ignore[override] - streamed
        return (value for _, value in self.items())

    def save(self, path: Path) -> None:
        """Copy the map into a SQLite file (a temporary one, renamed: no reader sees half)."""
        self._flush()
        self._db.commit()  # a backup waits, without end, for the source's open transaction
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            target = sqlite3.connect(temporary)
            try:
                self._db.backup(target)
            finally:
                target.close()
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)

    @classmethod
    def load(cls, path: Path) -> DiskMap:
        """A map read from a file `save` wrote, into a private database of its own."""
        loaded = cls()
        source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            source.backup(loaded._db)
        except BaseException:
            loaded.close()
            raise
        finally:
            source.close()
        return loaded

    def close(self) -> None:
        self._pending = []
        self._db.close()
