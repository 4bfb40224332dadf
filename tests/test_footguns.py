"""Ordinary mistakes stop `praxis run` in one line, before Prefect starts and before any work."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock
from typer.testing import CliRunner

from flows.cli import app
from pipeline import cli
from pipeline.config import Settings
from pipeline.run import run_pipeline

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
runner = CliRunner()


def praxis(*args: str, prefect: bool = False, prefect_home: Path | None = None
           ) -> subprocess.CompletedProcess:
    """The real `praxis run` in a child process (plain Python unless told otherwise)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PRAXIS_")}
    env["PYTHONPATH"] = str(ROOT)
    if prefect_home:
        env["PREFECT_HOME"] = str(prefect_home)
    mode = [] if prefect else ["--no-prefect"]
    return subprocess.run([sys.executable, "-m", "flows.cli", "run", *mode, "--no-translate",
                           *args], capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture
def inbox(tmp_path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(DATA / "nested_examples.txt", raw / "nested_examples.txt")
    return raw


@pytest.fixture
def flow_calls(monkeypatch) -> list:
    """Stand in for the Prefect runner: record each call and run the pipeline as the flow does."""
    calls: list = []

    def fake_flow(settings: Settings, runner: str, verbose: bool, on_progress) -> dict:
        calls.append(settings.out_dir)
        return run_pipeline(settings, on_progress=on_progress).to_dict()  # takes the lock again

    monkeypatch.setattr(cli, "FLOW_RUNNER", fake_flow)
    return calls


def one_error_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), text
    return lines[0]


def test_a_held_lock_stops_the_run_before_the_flow_starts(inbox, tmp_path, flow_calls):
    out = tmp_path / "out"
    out.mkdir()
    with FileLock(out / ".praxis.lock"):
        result = runner.invoke(app, ["run", "--no-translate", "--raw", str(inbox),
                                     "--out", str(out)])
    assert result.exit_code == 3
    assert "another praxis run is writing to" in one_error_line(result.output)
    assert flow_calls == [] and not (out / "latest").exists()


def test_the_flow_runs_under_the_lock_the_cli_took(inbox, tmp_path, flow_calls):
    result = runner.invoke(app, ["run", "--no-translate", "--raw", str(inbox),
                                 "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert flow_calls == [tmp_path / "out"] and (tmp_path / "out" / "latest").is_symlink()
    with FileLock(tmp_path / "out" / ".praxis.lock", timeout=0):
        pass  # released when the run ended


def test_the_real_cli_with_prefect_refuses_a_held_lock_in_one_line(inbox, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with FileLock(out / ".praxis.lock"):
        result = praxis("--raw", str(inbox), "--out", str(out), prefect=True,
                        prefect_home=tmp_path / "prefect")
    assert result.returncode == 3
    assert "another praxis run" in one_error_line(result.stderr)
    assert not (out / "latest").exists()
    assert not (tmp_path / "prefect").exists()  # Prefect never started


def test_an_output_folder_inside_a_file_is_one_line(inbox, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    result = praxis("--raw", str(inbox), "--out", str(blocker / "out"), prefect=True)
    assert result.returncode == 2
    assert "cannot write to the output folder" in one_error_line(result.stderr)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root writes into read-only folders")
def test_a_read_only_output_folder_is_one_line(inbox, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        result = praxis("--raw", str(inbox), "--out", str(out), prefect=True)
    finally:
        out.chmod(0o755)
    assert result.returncode == 2
    assert "cannot write to the output folder" in one_error_line(result.stderr)


@pytest.mark.parametrize("kind", ["missing", "a_file"])
def test_a_missing_inbox_is_one_line(tmp_path, kind):
    raw = tmp_path / "raw"
    if kind == "a_file":
        raw.write_text("x", encoding="utf-8")
    result = praxis("--raw", str(raw), "--out", str(tmp_path / "out"), prefect=True)
    assert result.returncode == 2
    assert "inbox folder" in one_error_line(result.stderr)
    assert not (tmp_path / "out").exists()
