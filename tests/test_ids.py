"""Ids that survive edits: one edited submission changes at most its own id, and is mapped."""

import json
import shutil

import pytest

from pipeline.config import Settings
from pipeline.publish.diff import diff_releases
from pipeline.extract.fields import make_record_id
from pipeline.run import run_pipeline
from tests.conftest import DATA

PLACED = ("target_group", "purpose", "description", "expected_results", "evaluation",
          "activities")  # text fields whose spans an earlier edit moves
# (compilation, a word in one submission's body, its replacement, that submission's title)
COMPILATIONS = [
    ("fi_compilation.txt", "kirjastossa", "koulussa", "Työpolku"),
    ("en_compilation_reordered.txt", "weekly", "monthly", "Job Buddies"),
]


def publish(raw, out):
    settings = Settings()
    settings.raw_dir, settings.out_dir, settings.translate = raw, out, False
    settings.corrections_dir = raw.parent / "corrections"
    run_pipeline(settings)
    release = (out / "latest").resolve()
    records = [json.loads(line) for line in
               (release / "initiatives.jsonl").read_text(encoding="utf-8").splitlines()]
    return release, {r["title"]: r["id"] for r in records}


@pytest.fixture
def inbox(tmp_path):
    def build(name):
        raw = tmp_path / "raw"
        raw.mkdir()
        shutil.copy(DATA / name, raw / name)
        return raw / name
    return build


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("name, word, replacement, _", COMPILATIONS)
def test_a_one_word_edit_in_one_submission_keeps_every_id(inbox, tmp_path, name, word,
                                                          replacement, _):
    path = inbox(name)
    first_release, before = publish(path.parent, tmp_path / "out")
    assert len(before) >= 2
    text = path.read_text(encoding="utf-8")
    assert text.count(word) == 1
    path.write_text(text.replace(word, replacement), encoding="utf-8")
    release, after = publish(path.parent, tmp_path / "out")
    assert after == before
    diff = diff_releases(first_release, release)
    assert not diff.added and not diff.removed and len(list(diff.changed())) == 1
    [(edited, fields)] = diff.changed()
    changes = {line["id"]: line for line in read_jsonl(release / "changes.jsonl")}
    assert replacement in json.dumps(changes.pop(edited.id)["fields"], ensure_ascii=False)
    for line in changes.values():  # the others only moved in the file
        assert line["op"] == "change" and line["old_id"] is None
        assert set(line["fields"]) <= {"source", *PLACED}


@pytest.mark.parametrize("name, _, __, title", COMPILATIONS)
def test_a_renamed_submission_changes_only_its_own_id_and_is_mapped(inbox, tmp_path, name,
                                                                    _, __, title):
    path = inbox(name)
    first_release, before = publish(path.parent, tmp_path / "out")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(title, f"{title} Plus"), encoding="utf-8")
    release, after = publish(path.parent, tmp_path / "out")
    renamed = after.pop(f"{title} Plus")
    old_id = before.pop(title)
    assert after == before and renamed != old_id
    diff = diff_releases(first_release, release)
    assert not diff.added and not diff.removed
    assert [(r.id, "id" in fields) for r, fields in diff.changed()] == [(renamed, True)]
    [mapping] = read_jsonl(release / "id_map.jsonl")
    assert (mapping["old_id"], mapping["new_id"], mapping["how"]) == (old_id, renamed,
                                                                      "segment_text")


def test_record_id_depends_on_file_place_and_title_not_case_or_spacing():
    base = make_record_id("a.txt", "2", "Språkvänner i Lund")
    assert make_record_id("a.txt", "2", "språkvänner  i lund") == base
    assert len({base, make_record_id("b.txt", "2", "Språkvänner i Lund"),
                make_record_id("a.txt", "3", "Språkvänner i Lund"),
                make_record_id("a.txt", "2", "Läxhjälp")}) == 4
