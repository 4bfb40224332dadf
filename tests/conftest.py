"""Shared fixtures: tiny documents, the lexicon, the gold file, one Prefect run per session."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from pipeline.config import prepare_environment

prepare_environment()
# Runs extract in this process unless a test asks for workers (tests/test_workers.py,
# tests/test_flows.py): a test that patches a stage in this process would not reach a worker.
os.environ.setdefault("PRAXIS_WORKERS", "1")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
GOLD = ROOT.parent / "shared" / "gold" / "seeds.gold.json"
SEEDS = ROOT / "raw"


@pytest.fixture(scope="session")
def lexicon():
    from pipeline.lexicon import load_lexicon

    return load_lexicon()


@pytest.fixture
def make_document():
    """Build an ingested Document from a string, as if it were a .txt in the inbox."""
    from pipeline.ingest.clean import normalise_text
    from pipeline.enrich.language import detect_language
    from pipeline.models import Document

    def build(text: str, name: str = "test.txt") -> Document:
        clean = normalise_text(text)
        return Document(id="doc_test", file=name, sha256="0" * 64, format="txt", text=clean,
                        language=detect_language(clean)[0])

    return build


@pytest.fixture
def records_of(make_document):
    """Extract the records of a string document."""
    from pipeline.extract.document import extract_records

    return lambda text: extract_records(make_document(text))


def publish_test_documents(work: Path, extra: dict[str, bytes] | None = None) -> Path:
    """Run the pipeline (no translation) over tests/data/*.txt plus `extra` files in `work`.

    Returns the published release folder.
    """
    from pipeline.config import Settings
    from pipeline.run import run_pipeline

    raw = work / "raw"
    raw.mkdir()
    for path in DATA.glob("*.txt"):
        shutil.copy(path, raw / path.name)
    for name, content in (extra or {}).items():
        (raw / name).write_bytes(content)
    settings = Settings()
    settings.raw_dir, settings.out_dir, settings.translate = raw, work / "out", False
    settings.corrections_dir = work / "corrections"
    run_pipeline(settings)
    return (work / "out" / "latest").resolve()


@pytest.fixture(scope="session")
def gold() -> dict:
    if not GOLD.exists():
        pytest.skip("the gold file (../shared/gold) is not beside this checkout")
    return json.loads(GOLD.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def prefect_server():
    """One temporary Prefect server and database for the whole test session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def seed_release(tmp_path_factory, prefect_server) -> Path:
    """Run the Prefect flow once over a copy of the seed inbox; return the output folder."""
    from flows.inbox import run_inbox_flow

    work = tmp_path_factory.mktemp("seedrun")
    raw = work / "raw"
    shutil.copytree(SEEDS, raw)
    out = work / "processed"
    os.environ.setdefault("PRAXIS_TRANSLATION_CACHE", str(work / "cache.sqlite3"))
    run_inbox_flow(raw, out, translate=False)
    return out
