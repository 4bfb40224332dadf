"""A run that would drop most published initiatives (an empty or wrong inbox) refuses."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


def praxis(raw: Path, out: Path, *flags: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRAXIS_CORRECTIONS": str(out.parent / "corrections")}
    env.pop("PRAXIS_ALLOW_SHRINK", None)
    return subprocess.run([sys.executable, "-m", "flows.cli", "run", "--no-prefect",
                           "--no-translate", "--raw", str(raw), "--out", str(out), *flags],
                          capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    work = tmp_path_factory.mktemp("shrink")
    raw = work / "raw"
    raw.mkdir()
    for path in DATA.glob("*.txt"):
        shutil.copy(path, raw / path.name)
    result = praxis(raw, work / "out")
    assert result.returncode == 0, result.stderr
    return work


def current_version(out: Path) -> str:
    return (out / "latest").resolve().name


@pytest.mark.parametrize("inbox", ["empty", "one_file"])
def test_a_run_that_drops_most_initiatives_refuses_in_one_line(published, inbox):
    raw = published / f"inbox-{inbox}"
    raw.mkdir(exist_ok=True)
    if inbox == "one_file":
        shutil.copy(DATA / "nested_examples.txt", raw / "nested_examples.txt")
    before = current_version(published / "out")
    result = praxis(raw, published / "out")
    assert result.returncode == 6
    assert result.stderr.count("\n") == 1 and "--allow-shrink" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert current_version(published / "out") == before


def test_allow_shrink_publishes_the_smaller_release(published):
    raw = published / "inbox-allowed"
    raw.mkdir()
    before = current_version(published / "out")
    result = praxis(raw, published / "out", "--allow-shrink")
    assert result.returncode == 0, result.stderr
    assert current_version(published / "out") != before
    assert (published / "out" / "latest" / "initiatives.jsonl").read_text() == ""
