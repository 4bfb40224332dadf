import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.publish.database import DatabaseIntegrityError, build_database
from pipeline.run import run_pipeline

SEEDS = Path(__file__).resolve().parent.parent / "raw"


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """A real release of the seed inbox (nested examples included), without translation."""
    work = tmp_path_factory.mktemp("database")
    shutil.copytree(SEEDS, work / "raw")
    settings = Settings()
    settings.raw_dir, settings.out_dir, settings.translate = work / "raw", work / "out", False
    run_pipeline(settings)
    return (work / "out" / "latest").resolve()


@pytest.fixture(scope="module")
def database(release, tmp_path_factory):
    path = build_database(release, tmp_path_factory.mktemp("db") / "praxis.sqlite")
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def records(release):
    lines = (release / "initiatives.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def count(connection, table):
    return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_database_defaults_to_a_file_inside_the_release(release):
    path = build_database(release)
    assert path == release / "praxis.sqlite" and path.stat().st_size > 0
    path.unlink()


def test_every_record_and_every_list_item_has_its_row(database, records):
    assert count(database, "initiatives") == len(records)
    for table, key in [("organisations", "organisations"), ("contacts", "contacts"),
                       ("countries", "countries"), ("websites", "websites"),
                       ("target_group_categories", "target_group_categories"),
                       ("themes", "themes"), ("funding", "funding"), ("sdgs", "sdgs")]:
        assert count(database, table) == sum(len(r[key]) for r in records), table
    text_fields = sum(len(r["activities"]) for r in records) + sum(
        1 for r in records for name in ("target_group", "purpose", "description",
                                        "expected_results", "evaluation", "background",
                                        "challenges", "impact", "replicability") if r[name])
    assert count(database, "text_fields") == text_fields
    assert count(database, "documents") == 5


def test_initiative_row_keeps_scalars_period_source_and_texts(database, records):
    record = next(r for r in records if r["period"]["start"] and r["purpose"])
    row = database.execute("SELECT * FROM initiatives WHERE id = ?", (record["id"],)).fetchone()
    assert row["title"] == record["title"] and row["language"] == record["language"]
    assert row["period_start"] == record["period"]["start"]
    assert row["purpose"] == record["purpose"]["text"]
    assert row["source_file"] == record["source"]["file"]
    assert row["source_span_start"] == record["source"]["span"][0]
    document = database.execute("SELECT file FROM documents WHERE id = ?",
                                (row["document_id"],)).fetchone()
    assert document["file"] == record["source"]["file"]


def test_nested_examples_point_at_their_parent(database, records):
    children = [r for r in records if r["parent_id"]]
    assert children, "the seed inbox has nested examples"
    rows = database.execute(
        "SELECT c.id, p.title FROM initiatives c JOIN initiatives p ON c.parent_id = p.id"
    ).fetchall()
    assert len(rows) == len(children)


def test_every_foreign_key_holds_and_leads_an_index(database):
    assert database.execute("PRAGMA foreign_key_check").fetchall() == []
    tables = [row[0] for row in database.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%REFERENCES%'")]
    assert {"initiatives", "organisations", "contacts", "countries", "text_fields",
            "target_group_categories", "themes", "websites", "funding", "sdgs"} <= set(tables)
    for table in tables:
        leading = set()
        for index in database.execute(f"PRAGMA index_list({table})").fetchall():
            columns = database.execute(f"PRAGMA index_info({index['name']})").fetchall()
            leading.add(columns[0]["name"])
        for key in database.execute(f"PRAGMA foreign_key_list({table})").fetchall():
            assert key["from"] in leading, f"{table}.{key['from']} has no index"


def test_text_field_spans_point_into_the_document_text(database):
    rows = database.execute(
        "SELECT t.text, substr(d.text, t.span_start + 1, t.span_end - t.span_start) AS cut "
        "FROM text_fields t JOIN initiatives i ON t.initiative_id = i.id "
        "JOIN documents d ON i.document_id = d.id").fetchall()
    assert rows and all(row["text"] == row["cut"] for row in rows)


def test_overview_lists_countries_categories_and_themes_as_json(database, records):
    record = next(r for r in records if r["countries"] and r["themes"])
    row = database.execute("SELECT * FROM all_initiatives WHERE id = ?",
                           (record["id"],)).fetchone()
    assert json.loads(row["countries"]) == record["countries"]
    assert json.loads(row["themes"]) == record["themes"]
    assert json.loads(row["categories"]) == record["target_group_categories"]


def test_country_codes_have_english_names(database):
    names = dict(database.execute("SELECT code, name FROM country_names").fetchall())
    assert names["SE"] == "Sweden" and names["NO"] == "Norway"


def test_full_text_search_finds_a_title(database):
    rows = database.execute(
        "SELECT i.title FROM initiatives_fts f JOIN initiatives i ON i.rowid = f.rowid "
        "WHERE initiatives_fts MATCH 'cykelskolor'").fetchall()
    assert [row["title"] for row in rows] == ["Röda Korsets cykelskolor"]


def test_release_row_comes_from_the_manifest(database, release):
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    row = database.execute("SELECT * FROM release").fetchone()
    assert row["version"] == manifest["version"] and row["initiatives"] == 27


def test_a_failed_build_leaves_the_previous_database_and_no_temporary_file(release, tmp_path):
    target = build_database(release, tmp_path / "praxis.sqlite")
    before = target.read_bytes()
    broken = tmp_path / "broken"
    shutil.copytree(release, broken)
    with (broken / "initiatives.jsonl").open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    with pytest.raises(json.JSONDecodeError):
        build_database(broken, target)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken", "praxis.metadata.json",
                                                           "praxis.sqlite"]


def test_a_parent_missing_from_the_release_is_reported(release, tmp_path):
    broken = tmp_path / "release"
    shutil.copytree(release, broken)
    lines = (broken / "initiatives.jsonl").read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[0])
    record["parent_id"] = "ini_missing"
    lines[0] = json.dumps(record, ensure_ascii=False)
    (broken / "initiatives.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DatabaseIntegrityError, match="1 dangling reference"):
        build_database(broken, tmp_path / "praxis.sqlite")
    assert not (tmp_path / "praxis.sqlite").exists()
