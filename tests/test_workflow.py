"""A steward's week: incremental re-runs, corrections, the review queue, release diffs."""

import csv
import json
import subprocess
import sys

import pytest
import yaml

from pipeline.config import Settings
from pipeline.publish.diff import diff_releases, format_diff
from pipeline.run import run_pipeline

FORM = ("Organisation: {org}, Sverige\nNamn: Anna\nMejladress: anna@example.se\n\n"
        "Projektets namn: {title}\n\nMålgrupp\n\nNyanlända vuxna\n\nSyfte\n\n"
        "Att ge fler tillfällen att tala svenska i vardagen.\n")


@pytest.fixture
def settings(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(FORM.format(org="Aföreningen", title="Språkvänner"), "utf-8")
    (raw / "b.txt").write_text(FORM.format(org="Bförbundet", title="Läxhjälp"), "utf-8")
    settings = Settings()
    settings.raw_dir, settings.out_dir = raw, tmp_path / "out"
    settings.corrections_dir, settings.translate = tmp_path / "corrections", False
    return settings


def records(settings):
    lines = (settings.out_dir / "initiatives.jsonl").read_text(encoding="utf-8").splitlines()
    return {r["title"]: r for r in map(json.loads, lines)}


def quality(settings):
    return json.loads((settings.out_dir / "quality.json").read_text(encoding="utf-8"))


# Files that carry the release's version and time (from the manifest), and may differ.
STAMPED = {"manifest.json", "report.html", "praxis.sqlite", "public/manifest.json",
           "datapackage.json", "public/datapackage.json"}


def release_bytes(settings):
    latest = (settings.out_dir / "latest").resolve()
    return {p.relative_to(latest).as_posix(): p.read_bytes() for p in latest.rglob("*")
            if p.is_file() and p.relative_to(latest).as_posix() not in STAMPED}


def test_rerun_over_an_unchanged_inbox_makes_no_new_release(settings):
    first = run_pipeline(settings)
    version = (settings.out_dir / "latest").resolve().name
    second = run_pipeline(settings)
    assert second.unchanged and (settings.out_dir / "latest").resolve().name == version
    assert len(list((settings.out_dir / "releases").iterdir())) == 1
    assert (second.documents, second.initiatives) == (first.documents, first.initiatives)


def forget_published_inputs(settings) -> None:
    """Make the next run publish again although nothing changed (its record of inputs lost)."""
    (settings.out_dir / "store" / "published.json").unlink()


def test_a_release_made_again_reuses_stored_results_and_has_the_same_bytes(settings):
    run_pipeline(settings)
    forget_published_inputs(settings)
    run_pipeline(settings)
    second = release_bytes(settings)  # the first release's change feed lists every record
    forget_published_inputs(settings)
    run_pipeline(settings)
    incremental = quality(settings)["incremental"]
    assert (incremental["reused"], incremental["extracted"]) == (2, 0)
    assert incremental["files_known"] == 2 and incremental["files_read"] == 0
    assert release_bytes(settings) == second
    assert "initiatives.parquet" in second and "public/initiatives.jsonl" in second


def test_changed_document_is_extracted_again(settings):
    run_pipeline(settings)
    (settings.raw_dir / "b.txt").write_text(FORM.format(org="Bförbundet", title="Läxhjälp 2"),
                                            "utf-8")
    run_pipeline(settings)
    incremental = quality(settings)["incremental"]
    assert (incremental["reused"], incremental["extracted"]) == (1, 1)
    assert "Läxhjälp 2" in records(settings)


def test_removed_document_drops_its_records_and_the_release_notes_say_so(settings):
    run_pipeline(settings)
    (settings.raw_dir / "b.txt").unlink()
    run_pipeline(settings)
    assert set(records(settings)) == {"Språkvänner"}
    notes = (settings.out_dir / "release_notes.md").read_text(encoding="utf-8")
    assert "Documents removed" in notes and "b.txt" in notes and "Läxhjälp" in notes


def test_same_content_under_two_names_is_published_once(settings):
    (settings.raw_dir / "copy.txt").write_bytes((settings.raw_dir / "a.txt").read_bytes())
    run_pipeline(settings)
    assert len(records(settings)) == 2
    documents = [json.loads(line) for line in
                 (settings.out_dir / "documents.jsonl").read_text("utf-8").splitlines()]
    copy = next(d for d in documents if d["file"] == "copy.txt")
    assert copy["issues"][0]["code"] == "duplicate_content"


def test_corrections_apply_with_steward_provenance_and_survive_reruns(settings):
    run_pipeline(settings)
    target = records(settings)["Språkvänner"]
    settings.corrections_dir.mkdir()
    (settings.corrections_dir / "fixes.yaml").write_text(yaml.safe_dump([
        {"record_id": target["id"], "field": "title", "value": "Språkvänner i Lund",
         "note": "name on the poster"},
        {"record_id": target["id"], "field": "purpose", "value": "Mer svenska i vardagen."},
        {"record_id": "ini_doesnotexist", "field": "title", "value": "x"},
    ], allow_unicode=True), encoding="utf-8")
    with (settings.corrections_dir / "more.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["file", "title", "field", "value", "note"])
        writer.writeheader()
        writer.writerow({"file": "b.txt", "title": "Läxhjälp", "field": "countries",
                         "value": "SE; NO", "note": ""})
    for _ in range(2):  # a second run re-applies on top of stored extraction
        run_pipeline(settings)
        fixed = records(settings)
        corrected = fixed["Språkvänner i Lund"]
        assert corrected["provenance"]["title"]["method"] == "steward"
        assert corrected["provenance"]["title"]["note"] == "name on the poster"
        assert corrected["purpose"] == {**corrected["purpose"], "text": "Mer svenska i vardagen.",
                                        "span": None, "method": "steward"}
        assert fixed["Läxhjälp"]["countries"] == ["SE", "NO"]
        report = quality(settings)["corrections"]
        assert report["applied"] == 3
        assert any("ini_doesnotexist" in line for line in report["not_applied"])
        forget_published_inputs(settings)


def test_an_invalid_correction_is_reported_and_changes_nothing(settings):
    run_pipeline(settings)
    target = records(settings)["Språkvänner"]
    settings.corrections_dir.mkdir()
    (settings.corrections_dir / "bad.yaml").write_text(yaml.safe_dump([
        {"record_id": target["id"], "field": "themes", "value": ["not_a_theme"]},
        {"record_id": target["id"], "field": "colour", "value": "red"},
    ]), encoding="utf-8")
    run_pipeline(settings)
    assert records(settings)["Språkvänner"]["themes"] == target["themes"]
    problems = " ".join(quality(settings)["corrections"]["not_applied"])
    assert "invalid value" in problems and "colour" in problems


def test_review_queue_lists_missing_required_fields(settings):
    (settings.raw_dir / "c.txt").write_text(
        "Projektets namn: Utan organisation\n\nSyfte\n\nAtt prova något nytt i staden.\n", "utf-8")
    run_pipeline(settings)
    rows = list(csv.DictReader((settings.out_dir / "review.csv").open(encoding="utf-8-sig")))
    missing = {(r["title"], r["field"]) for r in rows if "missing" in r["reason"]}
    assert ("Utan organisation", "organisations") in missing
    assert ("Utan organisation", "target_group") in missing
    assert all(r["record_id"] and r["source_snippet"] for r in rows)


def test_diff_lists_added_removed_and_changed_fields(settings, tmp_path):
    run_pipeline(settings)
    old = (settings.out_dir / "latest").resolve()
    (settings.raw_dir / "a.txt").unlink()
    (settings.raw_dir / "c.txt").write_text(FORM.format(org="C", title="Ny"), "utf-8")
    settings.corrections_dir.mkdir()
    target = records(settings)["Läxhjälp"]
    (settings.corrections_dir / "f.yaml").write_text(yaml.safe_dump(
        [{"record_id": target["id"], "field": "implementation_level", "value": "local"}]), "utf-8")
    run_pipeline(settings)
    diff = diff_releases(old, settings.out_dir / "latest")
    assert [r.title for r in diff.added] == ["Ny"]
    assert [r.title for r in diff.removed] == ["Språkvänner"]
    assert [(r.title, fields) for r, fields in diff.changed()] == [
        ("Läxhjälp", ["implementation_level"])]
    assert "implementation_level" in format_diff(diff)
    result = subprocess.run([sys.executable, "-m", "flows.cli", "diff", str(old), "latest",
                             "--out", str(settings.out_dir)], capture_output=True, text=True)
    assert result.returncode == 0 and "Initiatives added" in result.stdout


def test_manifest_lists_checksums_and_old_releases_are_pruned(settings):
    settings.keep_releases = 2
    for _ in range(3):
        run_pipeline(settings)
        forget_published_inputs(settings)
    releases = [p for p in (settings.out_dir / "releases").iterdir() if p.is_dir()]
    assert len(releases) == 2
    manifest = json.loads((settings.out_dir / "manifest.json").read_text("utf-8"))
    assert {"version", "created", "pipeline_version", "schema_version", "counts", "files"} <= set(
        manifest)
    assert "initiatives.csv" in manifest["files"]


def test_data_package_validates_with_frictionless(settings):
    from pathlib import Path

    run_pipeline(settings)
    command = Path(sys.executable).with_name("frictionless")
    result = subprocess.run([str(command), "validate", "--json", "datapackage.json"],
                            cwd=settings.out_dir / "latest", capture_output=True, text=True)
    report = json.loads(result.stdout)
    assert report["valid"], result.stdout[-2000:]
    assert len(report["tasks"]) >= 10  # every table, in CSV, Parquet and JSON Lines
    package = json.loads((settings.out_dir / "datapackage.json").read_text(encoding="utf-8"))
    assert {"integer", "array", "object"} <= {field["type"] for resource in package["resources"]
                                               for field in resource.get("schema", {})
                                               .get("fields", [])}
