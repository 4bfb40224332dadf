"""The store's fingerprints follow what each stage runs; the file index spares reading files."""

import os
import shutil
from pathlib import Path

from pipeline.store import (EXTRACT_ENTRY, INGEST_ENTRY, FileIndex, import_closure,
                            stage_fingerprint)
from pipeline.run import run_pipeline
from tests.test_robustness import FORM, make_settings

PIPELINE = Path(__file__).resolve().parent.parent / "pipeline"


def copy_pipeline(tmp_path: Path) -> Path:
    root = tmp_path / "pipeline"
    shutil.copytree(PIPELINE, root, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def test_extraction_closure_leaves_out_publishing_and_the_run():
    names = {path.relative_to(PIPELINE).as_posix() for path in import_closure(EXTRACT_ENTRY)}
    assert {"extract/document.py", "extract/fields.py", "models.py"} <= names
    assert not {name for name in names if name.startswith(("publish/", "steward/", "ingest/"))}
    assert "run.py" not in names and "cli.py" not in names


def test_editing_a_publish_module_keeps_the_extraction_fingerprint(tmp_path):
    root = copy_pipeline(tmp_path)
    before = stage_fingerprint(EXTRACT_ENTRY, root)
    with (root / "publish" / "report.py").open("a", encoding="utf-8") as handle:
        handle.write("\n# a steward's report change\n")
    assert stage_fingerprint(EXTRACT_ENTRY, root) == before


def test_editing_a_lexicon_changes_both_fingerprints(tmp_path):
    root = copy_pipeline(tmp_path)
    before = [stage_fingerprint(entry, root) for entry in (EXTRACT_ENTRY, INGEST_ENTRY)]
    with (root / "lexicon" / "sv.yaml").open("a", encoding="utf-8") as handle:
        handle.write("\n# a new cue\n")
    after = [stage_fingerprint(entry, root) for entry in (EXTRACT_ENTRY, INGEST_ENTRY)]
    assert all(old != new for old, new in zip(before, after))


def test_editing_an_extraction_module_changes_its_fingerprint_only(tmp_path):
    root = copy_pipeline(tmp_path)
    ingest_before = stage_fingerprint(INGEST_ENTRY, root)
    extract_before = stage_fingerprint(EXTRACT_ENTRY, root)
    with (root / "extract" / "fields.py").open("a", encoding="utf-8") as handle:
        handle.write("\n# a better rule\n")
    assert stage_fingerprint(EXTRACT_ENTRY, root) != extract_before
    assert stage_fingerprint(INGEST_ENTRY, root) == ingest_before


def test_a_file_indexed_long_after_its_last_write_is_known_by_its_stat(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("hej", encoding="utf-8")
    os.utime(path, ns=(10**18, 10**18))  # written long before it is indexed
    index = FileIndex(tmp_path / "files.json")
    index.record("a.txt", path.stat(), "f" * 64)
    index.save()
    again = FileIndex(tmp_path / "files.json")
    assert again.known_hash("a.txt", path.stat()) == "f" * 64
    path.write_text("hej då", encoding="utf-8")
    assert again.known_hash("a.txt", path.stat()) is None


def test_a_file_written_just_before_it_was_indexed_is_hashed_again(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("hej", encoding="utf-8")
    index = FileIndex(tmp_path / "files.json")
    index.record("a.txt", path.stat(), "f" * 64)
    assert index.known_hash("a.txt", path.stat()) is None  # same mtime tick: not trusted


def test_an_unchanged_inbox_makes_no_new_release_and_reads_no_file(tmp_path, monkeypatch):
    settings = make_settings(tmp_path, {"a.txt": FORM.format(title="A"),
                                        "b.txt": FORM.format(title="B")})
    for path in settings.raw_dir.iterdir():
        os.utime(path, ns=(10**18, 10**18))
    first = run_pipeline(settings)
    releases = sorted((settings.out_dir / "releases").iterdir())

    def no_reading(*args, **kwargs):
        raise AssertionError("an unchanged file was read")

    monkeypatch.setattr("pipeline.ingest.inbox.read_file_bytes", no_reading)
    monkeypatch.setattr("pipeline.ingest.ingest_path", no_reading)
    second = run_pipeline(settings)
    assert second.unchanged and not first.unchanged
    assert sorted((settings.out_dir / "releases").iterdir()) == releases
    assert (second.documents, second.initiatives) == (first.documents, first.initiatives) == (2, 2)


def test_a_touched_file_with_the_same_bytes_is_not_read_again(tmp_path, monkeypatch):
    settings = make_settings(tmp_path, {"a.txt": FORM.format(title="A")})
    run_pipeline(settings)
    os.utime(settings.raw_dir / "a.txt", ns=(10**18, 10**18))

    def no_ingest(*args, **kwargs):
        raise AssertionError("a file with known bytes was parsed again")

    monkeypatch.setattr("pipeline.ingest.ingest_path", no_ingest)
    assert run_pipeline(settings).unchanged


def test_a_new_file_makes_a_release_that_reuses_the_known_ones(tmp_path):
    settings = make_settings(tmp_path, {"a.txt": FORM.format(title="A")})
    run_pipeline(settings)
    (settings.raw_dir / "b.txt").write_text(FORM.format(title="B"), encoding="utf-8")
    summary = run_pipeline(settings)
    assert not summary.unchanged and summary.initiatives == 2
    incremental = summary.quality["incremental"]
    assert incremental["reused"] == 1 and incremental["extracted"] == 1
    assert incremental["files_known"] == 1 and incremental["files_read"] == 1
    assert len(list((settings.out_dir / "releases").iterdir())) == 2
