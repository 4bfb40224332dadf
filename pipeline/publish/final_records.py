"""What a release makes of its final records, from the one read of them the linker makes.

The linker rewrites `initiatives.jsonl` with each record's `related` and `cluster_id`; as it
writes each record, `FinalRecords` turns it into rows of the typed tables and the outcomes
table, and the fingerprint the release notes compare it by. Reading the file back once for
each of these parsed every record three more times. When linking fails, the records stand unlinked in the file and `read`
reads them from there. (What the public variant masks per source file is gathered earlier,
as the records are staged: pipeline/publish/contexts.py.)
"""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.extract.outcomes import OutcomesTable
from pipeline.publish.database_links import related_rows
from pipeline.publish.diff import RecordPrint, record_print
from pipeline.publish.tables import TableWriter
from pipeline.streams import DiskMap, read_jsonl

TABLE_BATCH = 500  # records per Parquet row group of the typed tables
RELATED_ROWS = ".related.jsonl"  # the database's `related` rows, until it is finished


class FinalRecords:
    """The typed tables, the outcomes table, the database's links and the prints of a
    release's final records."""

    def __init__(self, staging: Path, hashed: bool):
        self.hashed = hashed  # the previous release has records to compare field by field
        self.tables = TableWriter(staging)
        self.outcomes = OutcomesTable(staging)
        self.outcome_count = 0
        self.related = staging / RELATED_ROWS  # for `finish_database`, which removes it
        self._related = open(self.related, "w", encoding="utf-8")
        self.prints: DiskMap[RecordPrint] = DiskMap()  # on disk until the release is diffed
        self._batch: list[dict] = []

    def add(self, record: dict) -> None:
        """Take in one final record, as `initiatives.jsonl` holds it."""
        self.prints[record["id"]] = record_print(record, self.hashed, sampled=False)
        for row in related_rows(record):
            self._related.write(json.dumps(row, ensure_ascii=False) + "\n")
        self._batch.append(record)
        if len(self._batch) >= TABLE_BATCH:
            self.tables.add_dumped(self._batch)
            self.outcomes.add(self._batch)
            self._batch = []

    def read(self, path: Path) -> None:
        """Take in every record of a JSONL file."""
        for record in read_jsonl(path):
            self.add(record)

    def close(self) -> None:
        """Write the last row groups and close the tables."""
        try:
            self.tables.add_dumped(self._batch)
            self.outcomes.add(self._batch)
        finally:
            self._batch = []
            try:
                self.tables.close()
            finally:
                self._related.close()
                self.outcome_count = self.outcomes.close()
