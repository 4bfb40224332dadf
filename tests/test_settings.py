"""PRAXIS_* settings: every default kept, bad values refused in one line naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from pipeline.config import Settings, SettingsError, load_settings
from pipeline.limits import Limits

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """No PRAXIS_* variable of the caller's shell leaks into these tests."""
    for name in list(os.environ):
        if name.startswith("PRAXIS_"):
            monkeypatch.delenv(name)


def test_defaults_are_the_documented_ones():
    settings = Settings()
    assert (settings.batch_size, settings.keep_releases, settings.lock_timeout) == (50, 10, 0)
    assert settings.raw_dir == ROOT / "raw" and settings.out_dir == ROOT / "processed"
    assert settings.translate is True and settings.allow_shrink is False
    assert Limits.from_settings(settings) == Limits()


@pytest.mark.parametrize(("variable", "value", "field", "expected"), [
    ("PRAXIS_BATCH_SIZE", "7", "batch_size", 7),
    ("PRAXIS_MAX_PAGES", "3", "max_pages", 3),
    ("PRAXIS_MAX_SECONDS", "2.5", "max_seconds", 2.5),
    ("PRAXIS_TRANSLATE", "no", "translate", False),
    ("PRAXIS_TRANSLATE", "off", "translate", False),
    ("PRAXIS_ALLOW_SHRINK", "1", "allow_shrink", True),
    ("PRAXIS_BATCH_SIZE", "", "batch_size", 50),  # set but empty: the default
])
def test_a_variable_sets_its_field(monkeypatch, variable, value, field, expected):
    monkeypatch.setenv(variable, value)
    assert getattr(load_settings(), field) == expected


def test_translation_options_come_from_the_settings(monkeypatch):
    from pipeline.enrich.translation_engine import DecodeOptions

    for variable, value in [("PRAXIS_TRANSLATE_DEVICE", "cuda"), ("PRAXIS_TRANSLATE_BEAM", "2"),
                            ("PRAXIS_TRANSLATE_THREADS", "3"), ("PRAXIS_TRANSLATE_BATCH", "8"),
                            ("PRAXIS_TRANSLATE_COMPUTE_TYPE", "int8")]:
        monkeypatch.setenv(variable, value)
    options = DecodeOptions.from_settings()
    assert (options.device, options.beam_size, options.intra_threads, options.max_batch_size,
            options.compute_type) == ("cuda", 2, 3, 8, "int8")
    assert DecodeOptions.from_settings(Settings(translate_beam=5)).beam_size == 5


def test_the_dask_runner_and_window_come_from_the_settings(monkeypatch):
    from flows.inbox import dask_runner, dask_window

    monkeypatch.setenv("PRAXIS_DASK_WORKERS", "3")
    local = Settings()
    assert dask_window(local) == 6
    assert dask_runner(local).cluster_kwargs["n_workers"] == 3
    monkeypatch.setenv("PRAXIS_DASK_ADDRESS", "tcp://scheduler:8786")
    monkeypatch.setenv("PRAXIS_DASK_WINDOW", "5")
    remote = Settings()
    assert dask_window(remote) == 5 and dask_runner(remote).address == "tcp://scheduler:8786"


def test_the_data_package_licence_comes_from_the_settings(monkeypatch):
    from pipeline.publish.datapackage import describe_package

    assert describe_package("v1")["licenses"][0]["name"] == "CC-BY-4.0"
    monkeypatch.setenv("PRAXIS_LICENSE", "CC0-1.0")
    assert describe_package("v1")["licenses"][0]["name"] == "CC0-1.0"
    assert describe_package("v1", license_id="ODbL-1.0")["licenses"][0]["name"] == "ODbL-1.0"


@pytest.mark.parametrize(("variable", "field"), [
    ("PRAXIS_RAW", "raw_dir"), ("PRAXIS_OUT", "out_dir"),
    ("PRAXIS_CORRECTIONS", "corrections_dir"), ("PRAXIS_MODELS_DIR", "models_dir"),
])
def test_a_path_variable_is_made_absolute(monkeypatch, tmp_path, variable, field):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(variable, "inbox")
    assert getattr(load_settings(), field) == tmp_path / "inbox"


@pytest.mark.parametrize(("variable", "value", "allowed"), [
    ("PRAXIS_BATCH_SIZE", "0", "a whole number of at least 1"),
    ("PRAXIS_BATCH_SIZE", "abc", "a whole number of at least 1"),
    ("PRAXIS_KEEP_RELEASES", "-2", "a whole number of at least 1"),
    ("PRAXIS_MAX_SECONDS", "0", "a number above 0"),
    ("PRAXIS_LOCK_TIMEOUT", "soon", "a number of at least 0"),
    ("PRAXIS_TRANSLATE", "maybe", "one of 1, 0, true, false"),
    ("PRAXIS_TRANSLATE_DEVICE", "gpu", "one of cpu, cuda, auto"),
    ("PRAXIS_TRANSLATE_BEAM", "wide", "a whole number of at least 1"),
    ("PRAXIS_DASK_WORKERS", "0", "a whole number of at least 1"),
])
def test_a_bad_value_names_the_variable_and_what_is_allowed(monkeypatch, variable, value,
                                                            allowed):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert f"{variable}={value!r}" in message and allowed in message
    assert "\n" not in message


@pytest.mark.parametrize("command", [["run", "--no-prefect"], ["releases"], ["serve"]])
def test_every_command_refuses_a_bad_setting_with_exit_2(monkeypatch, tmp_path, command):
    monkeypatch.setenv("PRAXIS_BATCH_SIZE", "0")
    result = runner.invoke(app, [*command, "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "PRAXIS_BATCH_SIZE='0' is not allowed" in result.output
    assert not (tmp_path / "out").exists()  # nothing was started, let alone published


def test_the_real_cli_prints_one_line_not_a_traceback(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("Titel: Språkcafé i Exempelby\n", encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if not key.startswith("PRAXIS_")}
    env.update(PRAXIS_BATCH_SIZE="abc", PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", "--no-prefect", "--raw", str(raw),
         "--out", str(tmp_path / "out")],
        capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: PRAXIS_BATCH_SIZE='abc' is not allowed: a whole number of at least 1 "
        "(documents per batch)"]
    assert not (tmp_path / "out").exists()
