"""The database's outcomes, clusters and links between records (pipeline/extract/outcomes.py,
pipeline/enrich/linking.py): their tables and rows.

A record's `related` rows (`related_rows`) are what linking adds to it. `start_database`
loads a release without them while the records are linked; `FinalRecords` writes the rows
of the linked records aside, and `finish_database` adds them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pipeline.streams import batched, read_jsonl

BATCH_SIZE = 500  # rows inserted at once, here and in pipeline/publish/database.py

LINKING_SCHEMA = """
CREATE TABLE outcomes (
  id INTEGER PRIMARY KEY,
  initiative_id TEXT NOT NULL REFERENCES initiatives(id), position INTEGER NOT NULL,
  value REAL NOT NULL, upper REAL, unit TEXT NOT NULL, what TEXT, kind TEXT NOT NULL,
  year INTEGER, field TEXT, text TEXT, span_start INTEGER, span_end INTEGER,
  UNIQUE (initiative_id, position)
);
CREATE TABLE clusters (
  cluster_id TEXT PRIMARY KEY, size INTEGER NOT NULL, title TEXT
);
CREATE TABLE cluster_members (
  cluster_id TEXT NOT NULL REFERENCES clusters(cluster_id),
  initiative_id TEXT NOT NULL REFERENCES initiatives(id),
  PRIMARY KEY (cluster_id, initiative_id)
);
CREATE TABLE related (
  initiative_id TEXT NOT NULL REFERENCES initiatives(id),
  related_id TEXT NOT NULL REFERENCES initiatives(id),
  score REAL NOT NULL, evidence TEXT,
  PRIMARY KEY (initiative_id, related_id)
);
CREATE INDEX idx_outcomes_unit ON outcomes(unit);
CREATE INDEX idx_outcomes_kind ON outcomes(kind);
CREATE INDEX idx_cluster_members_initiative_id ON cluster_members(initiative_id);
CREATE INDEX idx_related_related_id ON related(related_id);
"""


def insert_outcomes_and_links(connection: sqlite3.Connection, records: list[dict],
                              with_links: bool = True) -> None:
    """The outcomes and (`with_links`) the `related` lists of a batch of records."""
    for record in records:
        rid = record["id"]
        connection.executemany(
            "INSERT INTO outcomes (initiative_id, position, value, upper, unit, what, kind, "
            "year, field, text, span_start, span_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(rid, n, o["value"], o.get("upper"), o["unit"], o.get("what"), o["kind"],
              o.get("year"), o.get("field"), o.get("text"), *(o.get("span") or (None, None)))
             for n, o in enumerate(record.get("outcomes") or [])])
        if with_links:
            connection.executemany(RELATED_INSERT, related_rows(record))


RELATED_INSERT = "INSERT INTO related (initiative_id, related_id, score, evidence) VALUES (?, ?, ?, ?)"


def related_rows(record: dict) -> list[tuple]:
    """The `related` rows of a published record: its links, best first."""
    return [(record["id"], link["id"], link["score"], "; ".join(link.get("evidence") or []))
            for link in record.get("related") or []]


def insert_clusters(connection: sqlite3.Connection, release_dir: Path) -> None:
    """The clusters table of a release (none before linking existed)."""
    path = release_dir / "clusters.jsonl"
    if not path.exists():
        return
    for batch in batched(read_jsonl(path), BATCH_SIZE):
        connection.executemany("INSERT INTO clusters VALUES (?, ?, ?)",
                               [(c["cluster_id"], c["size"], c.get("title")) for c in batch])
        connection.executemany("INSERT INTO cluster_members VALUES (?, ?)",
                               [(c["cluster_id"], m) for c in batch for m in c["members"]])
