"""What a release makes of its records while the linker writes them equals a read of the file."""

import json

import pyarrow.parquet as pq
import pytest

from pipeline.extract.outcomes import outcome_rows
from pipeline.models import Contact, Outcome
from pipeline.publish.database import build_database
from pipeline.publish.diff import read_prints
from pipeline.publish.final_records import FinalRecords
from pipeline.publish.privacy import collect_contexts
from pipeline.publish.release import ReleaseWriter
from tests.test_linking import BILINGUAL, DISTRACTORS

TABLES = ("initiatives", "organisations", "text_fields", "contacts")


def publish(out, monkeypatch=None, failing_replace=False):
    """A release of a few records that link; optionally the linker's last rename fails."""
    if failing_replace:
        import os
        rename = os.replace

        def refuse_the_linked_file(source, target):
            if str(source).endswith(".linking"):
                raise OSError("no rename today")
            rename(source, target)
        monkeypatch.setattr(os, "replace", refuse_the_linked_file)
    records = [*BILINGUAL["sv_da"], DISTRACTORS[1]]
    records[0].contacts = [Contact(name="Anna Berg", email="anna@example.se")]
    writer = ReleaseWriter(out)
    writer.add_records(records)
    writer.finish()
    return out / "latest"


def read_back(release, tmp_path, hashed=True):
    """FinalRecords made by reading the release's final initiatives.jsonl."""
    folder = tmp_path / "read"
    folder.mkdir()
    final = FinalRecords(folder, hashed)
    final.read(release / "initiatives.jsonl")
    final.close()
    return folder, final


def test_tables_made_while_linking_equal_tables_read_from_the_final_records(tmp_path):
    release = publish(tmp_path / "out")
    assert any(json.loads(line)["related"] for line in (release / "initiatives.jsonl").open())
    folder, _ = read_back(release, tmp_path)
    for name in TABLES:
        assert pq.read_table(release / f"{name}.parquet").equals(
            pq.read_table(folder / f"{name}.parquet"))
    for name in TABLES[1:]:  # initiatives.csv is written as the records arrive
        assert (release / f"{name}.csv").read_bytes() == (folder / f"{name}.csv").read_bytes()


def test_prints_equal_those_read_from_the_release(tmp_path):
    release = publish(tmp_path / "out")
    _, final = read_back(release, tmp_path)
    assert final.prints == read_prints(release)


def test_contexts_gathered_while_staging_equal_those_read_from_the_release(tmp_path):
    """The writer gathers the public variant's contexts from the records as it stages them
    (before linking); they are what a read of the published records gives."""
    records = [*BILINGUAL["sv_da"], DISTRACTORS[1]]
    records[0].contacts = [Contact(name="Anna Berg", email="anna@example.se")]
    writer = ReleaseWriter(tmp_path / "out")
    writer.add_records(records)
    gathered = dict(writer.contexts)
    writer.finish()
    release = tmp_path / "out" / "latest"
    contexts, _ = collect_contexts(release, gathered)
    again, _ = collect_contexts(release)
    assert {file: (c.names, c.regions, c.language) for file, c in contexts.items()} == {
        file: (c.names, c.regions, c.language) for file, c in again.items()}
    assert any("Anna Berg" in c.names for c in contexts.values())


def test_when_linking_fails_late_the_tables_hold_the_unlinked_records(tmp_path, monkeypatch):
    release = publish(tmp_path / "out", monkeypatch, failing_replace=True)
    assert "error" in json.loads((release / "quality.json").read_text())["linking"]
    records = [json.loads(line) for line in (release / "initiatives.jsonl").open()]
    assert not any(record["related"] for record in records)
    table = pq.read_table(release / "initiatives.parquet").to_pylist()
    assert [row["id"] for row in table] == [record["id"] for record in records]
    assert not any(row["related"] for row in table)


@pytest.mark.parametrize("hashed", [True, False])
def test_prints_carry_field_hashes_only_when_asked(tmp_path, hashed):
    release = publish(tmp_path / "out")
    _, final = read_back(release, tmp_path, hashed)
    assert all(bool(p.fields) is hashed and bool(p.content) is hashed
               for p in final.prints.values())


@pytest.mark.parametrize("enabled", [True, False])
def test_publishing_leaves_the_garbage_collector_as_it_found_it(tmp_path, enabled):
    import gc

    from pipeline.publish.release import collector_paused

    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        with collector_paused():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        publish(tmp_path / "out")
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


def test_the_outcomes_tables_are_the_outcomes_of_the_published_records(tmp_path):
    """Both variants' outcomes tables are made as the records pass, not read back: they hold
    one row per outcome of the records as each variant's initiatives.jsonl has them."""
    records = [*BILINGUAL["sv_da"], DISTRACTORS[1]]
    records[0].contacts = [Contact(name="Anna Berg", email="anna@example.se")]
    records[0].outcomes = [Outcome(value=620, unit="count", what="deltagare", text="620 deltog; "
                                   "ring Anna Berg"), Outcome(value=75, unit="percent", text="75 %")]
    records[1].outcomes = [Outcome(value=3, upper=5, unit="count", year=2024, text="3-5 grupper")]
    writer = ReleaseWriter(tmp_path / "out")
    writer.add_records(records)
    quality = writer.finish()
    assert quality["linking"]["outcomes"] == 3
    for folder in (tmp_path / "out" / "latest", tmp_path / "out" / "latest" / "public"):
        published = [json.loads(line) for line in (folder / "initiatives.jsonl").open()]
        expected = [row for record in published for row in outcome_rows(record)]
        assert len(expected) == 3
        assert pq.read_table(folder / "outcomes.parquet").to_pylist() == expected
        csv_rows = (folder / "outcomes.csv").read_text(encoding="utf-8").splitlines()
        assert len(csv_rows) == 1 + len(expected)
    public = (tmp_path / "out" / "latest" / "public" / "outcomes.csv").read_text(encoding="utf-8")
    assert "Anna Berg" not in public and "[name]" in public  # cut from the masked records


def test_the_database_begun_before_linking_holds_what_a_build_from_the_release_holds(tmp_path):
    """Publishing loads the records into the database before they are linked and adds the
    links FinalRecords wrote aside; the rows equal a build from the finished release."""
    import sqlite3

    release = publish(tmp_path / "out")
    again = build_database(release, tmp_path / "again.sqlite")

    def rows(path):
        with sqlite3.connect(path) as connection:
            return list(connection.iterdump())

    published = rows(release / "praxis.sqlite")
    assert any(line.startswith('INSERT INTO "related"') for line in published)
    assert published == rows(again)
    assert not list(release.resolve().glob(".*"))  # neither the links aside nor a temporary file
