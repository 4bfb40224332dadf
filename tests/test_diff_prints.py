"""Release prints: compact field hashes, and pairing only within a file or its content."""

import json

import pytest

import pipeline.publish.diff as diff_module
from pipeline.publish.diff import (add_samples, changed_fields, diff_releases, pair_records,
                                   read_prints, record_print)
from pipeline.streams import DiskMap


def record(id_: str, file: str, sha: str, title: str, text: str, **more) -> dict:
    return {"id": id_, "title": title, "source": {"file": file, "segment": "1", "sha256": sha},
            "description": {"text": text, "span": [0, len(text)]}, **more}


def test_records_pair_within_their_file_or_by_content_never_across_files():
    before = {r["id"]: record_print(r) for r in [
        record("a", "x.txt", "s1", "Alpha", "Språkcafé för nyanlända i Umeå."),
        record("b", "y.txt", "s2", "Beta", "Läxhjälp för barn i Malmö.")]}
    after = {r["id"]: record_print(r) for r in [
        record("a2", "x.txt", "s1-edited", "Alpha", "Språkcafé för nyanlända i Umeå!"),
        record("b2", "z.txt", "s2", "Beta", "Läxhjälp för barn i Malmö."),  # renamed file
        record("c", "w.txt", "s3", "Alpha", "Språkcafé för nyanlända i Umeå.")]}
    pairs = {(p.old.id, p.new.id, p.how) for p in pair_records(before, after).values()}
    assert pairs == {("a", "a2", "title"), ("b", "b2", "title")}


def test_field_hashes_name_exactly_the_fields_that_changed():
    old = record_print(record("a", "x.txt", "s", "Alpha", "Ett.", countries=["SE"]))
    moved = record_print(record("a", "x.txt", "s", "Alpha", "Ett.", countries=["SE"]) | {
        "description": {"text": "Ett.", "span": [5, 9]}})
    edited = record_print(record("a", "x.txt", "s", "Alpha", "Två.", countries=["SE", "FI"]))
    assert changed_fields(old.fields, old.fields) == []
    assert changed_fields(old.fields, moved.fields) == ["description"]
    assert changed_fields(old.content, moved.content) == []  # only its place changed
    assert changed_fields(old.fields, edited.fields) == ["countries", "description"]
    fewer = record_print({k: v for k, v in record("a", "x.txt", "s", "Alpha", "Ett.").items()})
    assert changed_fields(old.fields, fewer.fields) == ["countries"]
    assert old.sample == "Alpha Ett." and old.fields.names is edited.fields.names


def write_release(folder, records):
    folder.mkdir()
    with open(folder / "initiatives.jsonl", "w", encoding="utf-8") as out:
        for item in records:
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    (folder / "documents.jsonl").write_text("", encoding="utf-8")
    return folder


def test_prints_are_read_without_samples_and_only_left_over_records_get_theirs(
        tmp_path, monkeypatch):
    old = write_release(tmp_path / "old", [
        record("a", "x.txt", "s1", "Alpha", "Språkcafé för nyanlända i Umeå."),
        record("kept", "x.txt", "s1", "Kept", "Samma som förut.")])
    new = write_release(tmp_path / "new", [
        record("a2", "x.txt", "s1", "Alpha", "Språkcafé för nyanlända i Umeå!"),
        record("kept", "x.txt", "s1", "Kept", "Samma som förut.")])
    before, after = read_prints(old), read_prints(new)
    assert all(p.packed_sample is None for p in [*before.values(), *after.values()])
    with pytest.raises(ValueError, match="not read"):
        before["a"].sample
    sampled = []
    pack = diff_module.pack_sample
    monkeypatch.setattr(diff_module, "pack_sample", lambda r: sampled.append(r["id"]) or pack(r))
    diff = diff_releases(old, new, before, after)
    [pairing] = diff.id_map
    assert (pairing.old.id, pairing.new.id, pairing.how) == ("a", "a2", "title")
    assert pairing.old.sample == "Alpha Språkcafé för nyanlända i Umeå."
    assert sampled == ["a", "a2"]  # "kept" is paired by id: its text is never read
    # a pair with nothing changed is kept by no one; the prints wait on disk
    assert list(diff.pairings) == ["a2"] and not diff.added and not diff.removed
    assert isinstance(before, DiskMap) and before["kept"] == after["kept"]


def test_samples_are_read_from_lines_that_do_not_start_with_the_id(tmp_path):
    item = record("b", "y.txt", "s2", "Beta", "Läxhjälp.")
    folder = tmp_path / "odd"
    folder.mkdir()
    reordered = {"title": item["title"], **{k: v for k, v in item.items() if k != "title"}}
    (folder / "initiatives.jsonl").write_text(json.dumps(reordered) + "\n\n", encoding="utf-8")
    prints = list(read_prints(folder).values())
    add_samples(folder, prints)
    assert [p.sample for p in prints] == ["Beta Läxhjälp."]
