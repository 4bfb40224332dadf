"""The files made from a release's own files: the public variant, the report, the database.

Each reads the release's files and writes its own. With more than one worker they are spread
over a second process: the public variant's documents are masked there while this process
links the records (masking needs the records' contacts, countries and languages, which
linking leaves alone), then the database is built there while this process writes the
report and masks the final records. With one worker everything runs here, in that order.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pipeline.publish.contexts import FileContext
from pipeline.publish.privacy import PublicDocuments, finish_public_release, start_public_release
from pipeline.workers import WorkerPool


class DerivedFiles:
    """The derived files of a release being staged: begun before linking, written after it."""

    def __init__(self, release: Path, contexts: dict[str, FileContext],
                 people: Mapping[str, list[str]], workers: int = 1):
        self.release = release
        self.public = release / "public"
        self.pool = None
        if workers <= 1:
            self.begun = start_public_release(release, self.public, contexts, people)
            return
        self.pool = WorkerPool(1)
        # the people wait on disk in this process (a DiskMap): the worker is sent a copy
        self.begun = self.pool.start().submit(start_public_release, release, self.public,
                                              contexts, dict(people.items()))

    def write(self) -> None:
        """The report, the database and the public variant, once the records are final."""
        from pipeline.publish.database import build_database
        from pipeline.publish.report import write_report

        if self.pool is None:
            write_report(self.release, self.release / "review.csv")
            build_database(self.release)
            finish_public_release(self.release, self.public, self.begun)
            return
        try:
            begun: PublicDocuments = self.begun.result()
            database = self.pool.start().submit(build_database, self.release)
            write_report(self.release, self.release / "review.csv")
            finish_public_release(self.release, self.public, begun)
            database.result()
        finally:
            self.close()

    def close(self) -> None:
        """Stop the worker (waiting for what it is writing: the staging folder goes next)."""
        if self.pool is not None:
            self.pool.close()
            self.pool = None
