"""Model management: checking .argosmodel files, install, list, remove, download offline."""

from __future__ import annotations

import json
import time
import zipfile

import pytest
from typer.testing import CliRunner

from pipeline.cli_models import models_app
from pipeline.enrich.translation_models import (
    DownloadError,
    ModelFileError,
    download_packages,
    install_packages,
    list_packages,
    read_archive_metadata,
    remove_packages,
)
from pipeline.enrich.translation_engine import load_translator
from tests.translate.helpers import GREEDY, rezip

TOP = "translate-sv_en-0_1/"


def without_top_folder(name: str) -> str | None:
    return name.removeprefix(TOP) or None


def without_metadata(name: str) -> str | None:
    return None if name.endswith("metadata.json") else name


def without_splitter(name: str) -> str | None:
    return None if "/minisbd/" in name else name


def without_model(name: str) -> str | None:
    return None if "/model/" in name else name


def with_second_top_folder(name: str) -> str:
    return name.replace(TOP, "other/") if name.endswith("README.md") else name


@pytest.mark.parametrize("rename, reason", [
    (without_top_folder, "exactly one top folder"),
    (with_second_top_folder, "exactly one top folder"),
    (without_metadata, "no metadata.json"),
    (without_model, "model/model.bin is missing"),
    (without_splitter, "no sentence splitter"),
])
def test_archive_check_rejects_broken_layouts(tiny_packages, tmp_path, rename, reason):
    broken = rezip(tiny_packages["sv"], tmp_path / "broken.argosmodel", rename)

    with pytest.raises(ModelFileError, match=reason) as caught:
        read_archive_metadata(broken)

    assert "broken.argosmodel" in str(caught.value)


def test_archive_check_rejects_a_file_that_is_not_a_zip(tmp_path):
    bad = tmp_path / "notes.argosmodel"
    bad.write_text("not a model", encoding="utf-8")

    with pytest.raises(ModelFileError, match="notes.argosmodel: not a zip archive"):
        read_archive_metadata(bad)


@pytest.mark.parametrize("metadata, reason", [
    ({"to_code": "en"}, "no from_code"),
    ({"from_code": "sv", "to_code": ""}, "no to_code"),
    ([1, 2], "JSON object"),
])
def test_archive_check_rejects_metadata_without_language_codes(tmp_path, metadata, reason):
    bad = tmp_path / "bad-metadata.argosmodel"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("pkg/metadata.json", json.dumps(metadata))

    with pytest.raises(ModelFileError, match=reason):
        read_archive_metadata(bad)


def test_install_cli_names_the_bad_file_and_installs_nothing(tiny_packages, tmp_path):
    broken = rezip(tiny_packages["sv"], tmp_path / "flat.argosmodel", without_top_folder)
    folder = tmp_path / "packages"

    result = CliRunner().invoke(models_app, ["install", str(tiny_packages["da"]), str(broken),
                                             "--models-dir", str(folder)])

    assert result.exit_code == 1
    assert "flat.argosmodel" in result.output and "top folder" in result.output
    assert list_packages(folder) == []  # the good file was not installed either


def test_models_list_shows_pairs_versions_and_sizes(models_dir):
    result = CliRunner().invoke(models_app, ["list", "--models-dir", str(models_dir)])

    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("da→en  translate-da_en  0.1  ") and "MB" in lines[0]
    assert lines[1].startswith("sv→en  translate-sv_en  0.1  ")


def test_models_list_explains_an_empty_folder(tmp_path):
    result = CliRunner().invoke(models_app, ["list", "--models-dir", str(tmp_path / "none")])

    assert result.exit_code == 0 and "praxis models install" in result.output


def test_reinstall_and_remove_refresh_the_translator(tiny_packages, tmp_path):
    folder = tmp_path / "packages"
    install_packages([tiny_packages["sv"]], folder)
    assert load_translator(folder, GREEDY).pairs() == {("sv", "en")}

    installed = install_packages([tiny_packages["sv"], tiny_packages["da"]], folder)
    assert [info.name for info in installed] == ["translate-da_en", "translate-sv_en"]
    assert load_translator(folder, GREEDY).pairs() == {("sv", "en"), ("da", "en")}

    removed = remove_packages(["sv"], folder)
    assert [info.name for info in removed] == ["translate-sv_en"]
    assert load_translator(folder, GREEDY).pairs() == {("da", "en")}
    assert [path.name for path in folder.iterdir()] == ["translate-da_en-0_1"]


def test_download_fails_fast_with_a_clear_message_when_offline(tmp_path):
    started = time.monotonic()
    with pytest.warns(UserWarning, match="socket"), \
            pytest.raises(DownloadError, match="cannot fetch the argos package index") as caught:
        download_packages(["sv"], tmp_path / "packages", timeout=2)

    assert time.monotonic() - started < 5
    assert "praxis models install" in str(caught.value)


def test_download_cli_exits_with_an_error_when_offline(tmp_path):
    with pytest.warns(UserWarning, match="socket"):
        result = CliRunner().invoke(models_app, ["download", "sv", "da", "--timeout", "2",
                                                 "--models-dir", str(tmp_path / "packages")])

    assert result.exit_code == 1 and "cannot fetch the argos package index" in result.output
