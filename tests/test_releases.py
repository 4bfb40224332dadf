"""praxis releases, rollback and diff without arguments."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from pipeline.config import Settings
from pipeline.publish.release import prune_releases
from pipeline.publish.releases import current_version, list_releases, previous_version, rollback
from pipeline.run import run_pipeline

DATA = Path(__file__).parent / "data"
runner = CliRunner()


@pytest.fixture
def out(tmp_path) -> Path:
    """Two releases: the test documents, then the same inbox with one file more."""
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(DATA / "fi_compilation.txt", raw)
    settings = Settings()
    settings.raw_dir, settings.out_dir, settings.translate = raw, tmp_path / "out", False
    settings.corrections_dir = tmp_path / "corrections"
    run_pipeline(settings)
    shutil.copy(DATA / "nested_examples.txt", raw)
    run_pipeline(settings)
    return settings.out_dir


def test_releases_lists_every_release_and_marks_the_current_one(out):
    found = list_releases(out)
    assert len(found) == 2 and [info.current for info in found] == [False, True]
    assert found[1].initiatives > found[0].initiatives
    listing = runner.invoke(app, ["releases", "--out", str(out)]).output.splitlines()
    assert listing[1].startswith("* " + found[1].version)


def test_rollback_makes_an_older_release_current_with_its_files(out):
    first, second = (info.version for info in list_releases(out))
    result = runner.invoke(app, ["rollback", first, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert current_version(out) == first
    assert (out / "initiatives.jsonl").read_bytes() == \
        (out / "releases" / first / "initiatives.jsonl").read_bytes()
    assert (out / "releases" / second).is_dir()


def test_rollback_to_an_unknown_release_names_the_known_ones(out):
    result = runner.invoke(app, ["rollback", "19990101T000000Z", "--out", str(out)])
    assert result.exit_code == 2
    assert "known:" in result.output and "Traceback" not in result.output


def test_pruning_keeps_the_release_rolled_back_to(out):
    first, _ = (info.version for info in list_releases(out))
    rollback(out, first)
    prune_releases(out / "releases", keep=1)
    assert (out / "releases" / first).is_dir()


def test_diff_without_arguments_compares_the_previous_release_with_the_current(out):
    assert previous_version(out) == list_releases(out)[0].version
    result = runner.invoke(app, ["diff", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "added" in result.output.lower()
