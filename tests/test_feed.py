"""The change feed: applying changes.jsonl to the previous release gives this release."""

import json

import pytest

from pipeline.config import Settings
from pipeline.publish.feed import apply_changes
from pipeline.run import run_pipeline

FORM = ("Organisation: {org}, Sverige\nNamn: Anna\nMejladress: anna@example.se\n\n"
        "Projektets namn: {title}\n\nMålgrupp\n\nNyanlända vuxna\n\nSyfte\n\n{purpose}\n")
PURPOSE = "Att ge fler tillfällen att tala svenska i vardagen."


@pytest.fixture
def settings(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name, org, title in (("a.txt", "Aföreningen", "Språkvänner"),
                             ("b.txt", "Bförbundet", "Läxhjälp")):
        (raw / name).write_text(FORM.format(org=org, title=title, purpose=PURPOSE), "utf-8")
    settings = Settings()
    settings.raw_dir, settings.out_dir = raw, tmp_path / "out"
    settings.corrections_dir, settings.translate = tmp_path / "corrections", False
    return settings


def read(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def publish(settings):
    run_pipeline(settings)
    return (settings.out_dir / "latest").resolve()


def edit_inbox(raw):
    (raw / "a.txt").unlink()
    (raw / "b.txt").write_text(FORM.format(org="Bförbundet", title="Läxhjälp",
                                           purpose="Att hjälpa barn med läxorna."), "utf-8")
    (raw / "c.txt").write_text(FORM.format(org="Cgruppen", title="Ny", purpose=PURPOSE), "utf-8")


@pytest.mark.parametrize("variant", [".", "public"])
def test_applying_the_feed_to_the_previous_release_gives_the_new_one(settings, variant):
    old = publish(settings) / variant
    edit_inbox(settings.raw_dir)
    new = publish(settings) / variant
    changes = read(new / "changes.jsonl")
    assert sorted(line["op"] for line in changes) == ["add", "change", "remove"]
    assert [line["op"] for line in changes] == ["remove", "change", "add"]
    before = {r["id"]: r for r in read(old / "initiatives.jsonl")}
    after = {r["id"]: r for r in read(new / "initiatives.jsonl")}
    assert apply_changes(before, changes) == after


def test_a_change_names_each_field_with_its_old_and_new_value(settings):
    first = publish(settings)
    edit_inbox(settings.raw_dir)
    release = publish(settings)
    [change] = [line for line in read(release / "changes.jsonl") if line["op"] == "change"]
    assert change["fields"]["purpose"]["old"]["text"] == PURPOSE
    assert change["fields"]["purpose"]["new"]["text"] == "Att hjälpa barn med läxorna."
    manifest = json.loads((first / "manifest.json").read_text(encoding="utf-8"))
    assert {line["base"] for line in read(release / "changes.jsonl")} == {manifest["version"]}


def test_the_first_release_adds_every_record_and_one_with_the_same_records_has_no_changes(
        settings):
    first = publish(settings)
    assert [line["op"] for line in read(first / "changes.jsonl")] == ["add", "add"]
    assert read(first / "changes.jsonl")[0]["base"] is None
    assert publish(settings) == first  # an unchanged inbox makes no new release
    (settings.raw_dir / "empty.txt").write_bytes(b"")  # a new file, quarantined: no new record
    second = publish(settings)
    assert second != first
    assert (second / "changes.jsonl").read_text(encoding="utf-8") == ""
    assert (second / "id_map.jsonl").read_text(encoding="utf-8") == ""


def readme_blocks(language):
    """The code blocks of the README's section on using a release from another app."""
    from tests.conftest import ROOT

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Using a release from another app", 1)[1].split("\n## ", 1)[0]
    return [block.split("```", 1)[0] for block in section.split(f"```{language}\n")[1:]]


def test_the_readme_loader_brings_the_previous_release_up_to_date(settings):
    old = publish(settings)
    edit_inbox(settings.raw_dir)
    new = publish(settings)
    [loader] = readme_blocks("python")
    namespace: dict = {}
    exec(loader, namespace)  # noqa: S102 - the README's own example, run as a reader would
    updated = namespace["apply_changes"](namespace["load_records"](old), new)
    assert updated == namespace["load_records"](new)
    rows = namespace["read_table"](new / "organisations.csv")
    assert rows and set(rows[0]) >= {"initiative_id", "position", "name", "role"}


def test_the_readme_duckdb_queries_run(settings):
    import duckdb

    publish(settings)
    queries = [q for q in readme_blocks("sql")[0].split(";") if q.strip()]
    results = [duckdb.sql(q.replace("'processed/", f"'{settings.out_dir}/")).fetchall()
               for q in queries]
    assert sorted(row[1] for row in results[0]) == ["Läxhjälp", "Språkvänner"]
    assert {row[-1] for row in results[0]} == {"SE"} and len(results) == 2


@pytest.mark.parametrize("variant", [".", "public"])
def test_an_added_record_is_its_line_as_published_and_every_line_has_the_same_keys(
        settings, variant):
    publish(settings)
    edit_inbox(settings.raw_dir)
    release = publish(settings) / variant
    lines = (release / "changes.jsonl").read_text(encoding="utf-8").splitlines()
    records = (release / "initiatives.jsonl").read_text(encoding="utf-8").splitlines()
    [added] = [line for line in lines if json.loads(line)["op"] == "add"]
    [record] = [line for line in records if json.loads(line)["id"] == json.loads(added)["id"]]
    assert added.endswith(f',"record":{record}}}')
    assert {tuple(json.loads(line)) for line in lines} == {
        ("op", "id", "release", "base", "old_id", "fields", "record")}


def test_a_record_line_whose_id_is_not_first_is_read_whole():
    from pipeline.publish.feed import line_id

    assert line_id('{"id":"a-1","title":"x"}') == "a-1"
    assert line_id('{"title":"x","id":"b-2"}') == "b-2"
    assert line_id('{"id":"c\\"3","title":"x"}') == 'c"3'
