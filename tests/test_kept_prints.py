"""The prints a run keeps for the next one's diff: used only while they still describe the
release, and the feed they give is the feed a fresh read gives."""

import json
import sqlite3

import pytest

from pipeline.publish import kept_prints
from pipeline.run import run_pipeline

from tests.test_feed import FORM, settings  # noqa: F401 - the two-form inbox fixture


def write_form(path, org, title, purpose):
    path.write_text(FORM.format(org=org, title=title, purpose=purpose), "utf-8")


def kept(settings):
    return sorted(p.name.rsplit("-", 1)[0] for p in (settings.out_dir / "store").glob("prints-*"))


def feeds(settings):
    latest = (settings.out_dir / "latest").resolve()
    return [[{k: v for k, v in json.loads(line).items() if k not in ("release", "base")}
             for line in (latest / variant / "changes.jsonl").read_text("utf-8").splitlines()]
            for variant in (".", "public")]


def edit(settings, purpose):
    write_form(settings.raw_dir / "b.txt", "Bförbundet", "Läxhjälp", purpose)
    run_pipeline(settings)


@pytest.fixture
def reads(monkeypatch):
    """The release folders whose records were read back to make prints (`latest`, `public`)."""
    read = []
    original = kept_prints.read_prints
    monkeypatch.setattr(kept_prints, "read_prints",
                        lambda release: read.append(release.name) or original(release))
    return read


def test_a_first_release_keeps_no_prints_and_the_next_keeps_both_variants(settings):
    run_pipeline(settings)
    assert kept(settings) == []  # its prints are not hashed: nothing came before to compare
    edit(settings, "Att hjälpa barn med läxorna.")
    assert kept(settings) == ["prints-main", "prints-public"]


def test_a_run_after_that_reads_the_kept_prints_and_gives_the_same_feed(settings, reads,
                                                                          tmp_path):
    run_pipeline(settings)
    edit(settings, "Att hjälpa barn med läxorna.")
    reads.clear()
    edit(settings, "Att hjälpa barn och unga med läxorna.")
    assert reads == []  # neither variant's previous records were read back
    with_kept = feeds(settings)
    assert with_kept[0][0]["op"] == "change" and with_kept[0][0]["fields"].keys() >= {"purpose"}
    assert kept(settings) == ["prints-main", "prints-public"]  # one file a variant
    # the same runs without the kept prints give the same feed
    for path in (settings.out_dir / "store").glob("prints-*"):
        path.unlink()
    edit(settings, "Att hjälpa barn med läxorna.")
    edit(settings, "Att hjälpa barn och unga med läxorna.")
    assert feeds(settings) == with_kept


def test_prints_of_records_edited_by_hand_are_not_used(settings, reads):
    run_pipeline(settings)
    edit(settings, "Att hjälpa barn med läxorna.")
    latest = (settings.out_dir / "latest").resolve()
    records = latest / "initiatives.jsonl"
    records.write_text(records.read_text("utf-8").replace("läxorna", "läxor"), "utf-8")
    reads.clear()
    edit(settings, "Att hjälpa barn och unga med läxorna.")
    assert reads == ["latest"]  # the main records were read again (latest/), the public ones not


def test_damaged_kept_prints_are_read_again_from_the_release(settings, reads):
    run_pipeline(settings)
    edit(settings, "Att hjälpa barn med läxorna.")
    for path in (settings.out_dir / "store").glob("prints-*"):
        path.write_bytes(b"not a database")
    reads.clear()
    edit(settings, "Att hjälpa barn och unga med läxorna.")
    assert reads == ["latest", "public"]  # both variants read from the release instead
    assert feeds(settings)[0][0]["op"] == "change"


def test_a_prints_file_sqlite_cannot_read_raises_what_load_prints_catches(tmp_path):
    from pipeline.streams import DiskMap

    (tmp_path / "bad.sqlite").write_bytes(b"not a database")
    with pytest.raises(sqlite3.DatabaseError):
        DiskMap.load(tmp_path / "bad.sqlite")


@pytest.mark.parametrize("variant, folder", [("main", "."), ("public", "public")])
def test_the_prints_made_while_writing_are_those_a_read_of_the_release_makes(settings, variant,
                                                                             folder):
    from pipeline.publish.diff import read_prints
    from pipeline.streams import DiskMap

    run_pipeline(settings)
    edit(settings, "Att hjälpa barn med läxorna.")
    [path] = (settings.out_dir / "store").glob(f"prints-{variant}-*.sqlite")
    made = list(DiskMap.load(path).items())
    assert made and made == list(read_prints(settings.out_dir / "latest" / folder).items())
