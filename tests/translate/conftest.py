"""Fixtures for the translation tests: tiny real argos packages, installed through the CLI.

The packages are built by `build_tiny_argos.py` (a subprocess, ~25 s on 2 cores) and kept in
pytest's cache folder under a hash of the build inputs, so a changed script or corpus rebuilds
them and a fresh clone (CI) always runs the build. Sockets are blocked for every test here.
Tests decode greedily (`helpers.GREEDY`).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_socket
from typer.testing import CliRunner

from pipeline.cli_models import models_app
from pipeline.enrich.translation_cache import TranslationCache
from pipeline.enrich.translation_engine import ArgosTranslator
from tests.translate.helpers import GREEDY, CountingTranslator

HERE = Path(__file__).resolve().parent
BUILD_INPUTS = ("build_tiny_argos.py", "rule_splitter.py", "tiny_corpus.py")
TINY_LANGUAGES = ("da", "sv")


def pytest_collection_modifyitems(items):
    """Mark every test that needs the built tiny models as `slow` (real models)."""
    for item in items:
        if "tiny_packages" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def no_network():
    """Block sockets in every translation test: nothing may reach the network."""
    pytest_socket.disable_socket(allow_unix_socket=True)
    yield
    pytest_socket.enable_socket()


@pytest.fixture(scope="session", autouse=True)
def argos_home(tmp_path_factory):
    """Keep argostranslate's data, config and cache folders out of the user's home."""
    home = tmp_path_factory.mktemp("argos_home")
    names = ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "ORT_DISABLE_TELEMETRY")
    saved = {name: os.environ.get(name) for name in names}
    os.environ.update({"XDG_DATA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config"),
                       "XDG_CACHE_HOME": str(home / "cache"), "ORT_DISABLE_TELEMETRY": "1"})
    yield home
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def hash_build_inputs() -> str:
    """Return a short hash of the files that decide what the build produces."""
    digest = hashlib.sha256()
    for name in BUILD_INPUTS:
        digest.update((HERE / name).read_bytes())
    return digest.hexdigest()[:12]


@pytest.fixture(scope="session")
def tiny_packages(request, tmp_path_factory) -> dict[str, Path]:
    """Build (or reuse) the tiny `.argosmodel` files; return them by source language."""
    name = f"tiny_argos_{hash_build_inputs()}"
    try:
        folder = Path(request.config.cache.mkdir(name))
    except (AttributeError, OSError):  # cache plugin disabled or read-only checkout
        folder = tmp_path_factory.mktemp(name)
    files = {lang: folder / f"translate-{lang}_en-0_1.argosmodel" for lang in TINY_LANGUAGES}
    if not all(path.is_file() for path in files.values()):
        env = {**os.environ, "ORT_DISABLE_TELEMETRY": "1"}
        subprocess.run([sys.executable, str(HERE / "build_tiny_argos.py"), str(folder)],
                       check=True, env=env, timeout=300)
    return files


@pytest.fixture(scope="session")
def models_dir(tiny_packages, tmp_path_factory) -> Path:
    """Install the tiny packages through `praxis models install` into a session folder."""
    folder = tmp_path_factory.mktemp("argos_packages")
    result = CliRunner().invoke(
        models_app, ["install", *map(str, tiny_packages.values()), "--models-dir", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture(scope="session")
def argos_translator(models_dir) -> ArgosTranslator:
    """A greedy ArgosTranslator over the installed tiny packages."""
    return ArgosTranslator(models_dir, GREEDY)


@pytest.fixture
def cache(tmp_path):
    """A fresh translation cache on disk."""
    with TranslationCache(tmp_path / "cache.sqlite3") as opened:
        yield opened


@pytest.fixture
def counting_translator(argos_translator) -> CountingTranslator:
    """The tiny argos translator with a call counter around it."""
    return CountingTranslator(argos_translator)
