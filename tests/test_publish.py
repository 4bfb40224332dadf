import csv
import json

import pyarrow.parquet as pq
import pytest

from pipeline.config import Settings
from pipeline.publish.files import flatten_record
from pipeline.publish.release import ReleaseWriter
from pipeline.run import Stages, run_pipeline


def write_inbox(path, files):
    path.mkdir()
    for name, text in files.items():
        (path / name).write_text(text, encoding="utf-8")


FORM = ("Organisation: Exempelstaden, Sverige\nNamn: Anna\nMejladress: anna@example.se\n\n"
        "Projektets namn: Språkvänner\n\nMålgrupp\n\nNyanlända vuxna\n\nSyfte\n\n"
        "Att ge fler tillfällen att tala svenska i vardagen.\n")


@pytest.fixture
def settings(tmp_path):
    write_inbox(tmp_path / "raw", {"form.txt": FORM, "empty.txt": ""})
    settings = Settings()
    settings.raw_dir, settings.out_dir = tmp_path / "raw", tmp_path / "out"
    settings.translate = False
    return settings


def test_run_publishes_every_contract_file(settings):
    summary = run_pipeline(settings)
    out = settings.out_dir
    names = {p.name for p in out.iterdir()}
    assert {"initiatives.jsonl", "documents.jsonl", "initiatives.csv", "initiatives.parquet",
            "quality.json", "datapackage.json"} <= names
    assert not [n for n in names if n.startswith(".staging")]
    assert (summary.documents, summary.initiatives, summary.quarantined) == (2, 1, 1)
    rows = list(csv.DictReader((out / "initiatives.csv").open(encoding="utf-8")))
    assert rows[0]["title"] == "Språkvänner" and rows[0]["countries"] == "SE"
    assert pq.read_table(out / "initiatives.parquet").num_rows == 1
    quality = json.loads((out / "quality.json").read_text(encoding="utf-8"))
    assert quality["initiatives"] == 1 and quality["documents"]["quarantined"] == 1
    assert quality["coverage"]["title"] == 1.0


def test_quarantined_document_is_listed_with_its_reason(settings):
    run_pipeline(settings)
    documents = [json.loads(line) for line in
                 (settings.out_dir / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    bad = next(d for d in documents if d["file"] == "empty.txt")
    assert bad["status"] == "quarantined" and "empty.txt" in bad["error"]


def test_a_failed_run_leaves_the_previous_release_untouched(settings):
    run_pipeline(settings)
    before = (settings.out_dir / "initiatives.jsonl").read_bytes()

    def explode(spool, settings, figures):
        raise RuntimeError("disk full")

    (settings.raw_dir / "new.txt").write_text("Ett nytt brev om ett nytt projekt.\n", "utf-8")
    with pytest.raises(RuntimeError):
        run_pipeline(settings, Stages(publish=explode))
    assert (settings.out_dir / "initiatives.jsonl").read_bytes() == before
    assert not [p for p in settings.out_dir.iterdir() if p.name.startswith(".staging")]


def test_an_unchanged_inbox_publishes_identical_records(settings):
    run_pipeline(settings)
    first = (settings.out_dir / "initiatives.jsonl").read_bytes()
    run_pipeline(settings)
    assert (settings.out_dir / "initiatives.jsonl").read_bytes() == first


def test_flattened_rows_join_lists_and_keep_text(records_of):
    [record] = records_of(FORM)
    row = flatten_record(record)
    assert row["contacts"] == "anna@example.se" and row["target_group"] == "Nyanlända vuxna"


def test_writer_streams_batches(tmp_path, records_of):
    writer = ReleaseWriter(tmp_path)
    for n in range(3):
        writer.add_records(records_of(FORM.replace("Språkvänner", f"Språkvänner {n}")))
    quality = writer.finish()
    assert quality["initiatives"] == 3
    assert pq.read_table(tmp_path / "initiatives.parquet").num_rows == 3


def test_every_release_file_is_linked_at_the_top_of_the_output_folder(settings):
    from pipeline.publish.release import RELEASE_FILES

    run_pipeline(settings)
    missing = [name for name in RELEASE_FILES if not (settings.out_dir / name).exists()]
    assert missing == []
    manifest = json.loads((settings.out_dir / "manifest.json").read_text(encoding="utf-8"))
    assert {"changes.jsonl", "id_map.jsonl", "initiative.schema.json",
            "organisations.parquet"} <= set(manifest["files"])


def test_with_translation_off_no_translation_stage_is_run(settings):
    def not_wanted(*args):
        raise AssertionError("a translation stage ran with translation off")

    summary = run_pipeline(settings, Stages(plan=not_wanted, translate=not_wanted))
    assert summary.initiatives == 1
    quality = json.loads((settings.out_dir / "quality.json").read_text(encoding="utf-8"))
    assert quality["translation"] == {}
