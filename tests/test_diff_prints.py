"""Release prints: compact field hashes, and pairing only within a file or its content."""

from pipeline.publish.diff import changed_fields, pair_records, record_print


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
    pairs = {(p.old.id, p.new.id, p.how) for p in pair_records(before, after)}
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
