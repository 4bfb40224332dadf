"""The files made from a release's own files: the public variant, the report, the database.

Each reads the release's files and writes its own. Linking changes none of what the public
variant's documents and the database's records, indexes and search are made from (masking
needs the records' contacts, countries and languages; the database takes the links last),
so both are begun before the records are linked and finished after it. With more than one
worker they are begun in a second process while this one links the records; the database
is then finished there while this process writes the report and masks the final records.
With one worker everything runs here: the public documents before linking, the rest after.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from pipeline.publish.contexts import FileContext
from pipeline.publish import database
from pipeline.publish.privacy import PublicDocuments, finish_public_release, start_public_release
from pipeline.workers import WorkerPool


class DerivedFiles:
    """The derived files of a release being staged: begun before linking, written after it."""

    def __init__(self, release: Path, contexts: dict[str, FileContext],
                 people: Mapping[str, list[str]], workers: int = 1):
        self.release = release
        self.public = release / "public"
        self.building = database.building_path(release)
        self.pool = None
        if workers <= 1:
            self.begun = start_public_release(release, self.public, contexts, people)
            return
        self.pool = WorkerPool(1)
        worker = self.pool.start()
        # the people wait on disk in this process (a DiskMap): the worker is sent a copy
        self.begun = worker.submit(start_public_release, release, self.public, contexts,
                                   dict(people.items()))
        self.started = worker.submit(database.start_database, release, self.building)

    def write(self, related: Path, on_public_record: Callable[[dict], None] | None = None
              ) -> None:
        """The report, the database and the public variant, once the records are final
        (`related`: the database's links, as `FinalRecords` wrote them; `on_public_record`
        takes each public record as written)."""
        from pipeline.publish.report import write_report

        if self.pool is None:
            write_report(self.release, self.release / "review.csv")
            database.start_database(self.release, self.building)
            database.finish_database(self.release, self.building, related=related)
            finish_public_release(self.release, self.public, self.begun, on_public_record)
            return
        try:
            begun: PublicDocuments = self.begun.result()
            finished = self.pool.start().submit(database.finish_database, self.release,
                                                self.building, None, related)
            write_report(self.release, self.release / "review.csv")
            finish_public_release(self.release, self.public, begun, on_public_record)
            self.started.result()  # its failure, not the finish's that follows from it
            finished.result()
        finally:
            self.close()

    def close(self) -> None:
        """Stop the worker (waiting for what it is writing: the staging folder goes next)."""
        if self.pool is not None:
            self.pool.close()
            self.pool = None
