"""The whole run with real (tiny) argos models installed: records carry English versions."""

import json

import pytest

from pipeline.config import Settings
from pipeline.run import run_pipeline
from tests.translate.tiny_corpus import SV_EN

SV_FORM = (
    "Organisation: Exempelstaden, Sverige\nNamn: Anna\nMejladress: anna@example.se\n\n"
    "Projektets namn: Språkcafé\n\nMålgrupp\n\n{target}\n\nSyfte\n\n{purpose}\n\n"
    "Beskrivning\n\n{description}\n"
)
FI_FORM = (
    "Organisaatio: Esimerkkikaupunki, Suomi\nNimi: Liisa\nSähköposti: liisa@example.fi\n\n"
    "Hankkeen nimi: Kielikahvila\n\nKohderyhmä\n\nMaahanmuuttajat ja pakolaiset.\n\n"
    "Tarkoitus\n\nTavoitteena on tarjota paikka harjoitella suomen kieltä yhdessä.\n"
)


@pytest.fixture
def settings(tmp_path, models_dir, monkeypatch):
    monkeypatch.setenv("PRAXIS_TRANSLATE_BEAM", "1")  # the tiny models decode greedily
    raw = tmp_path / "inbox"
    raw.mkdir()
    target, purpose, description = (pair[0] for pair in SV_EN[2:5])
    (raw / "sv.txt").write_text(SV_FORM.format(target=target, purpose=purpose,
                                               description=description), "utf-8")
    (raw / "fi.txt").write_text(FI_FORM, "utf-8")
    settings = Settings()
    settings.raw_dir, settings.out_dir, settings.models_dir = raw, tmp_path / "out", models_dir
    settings.corrections_dir = tmp_path / "none"
    return settings


def published(settings):
    lines = (settings.out_dir / "initiatives.jsonl").read_text("utf-8").splitlines()
    return {r["language"]: r for r in map(json.loads, lines)}


def test_run_translates_installed_pairs_and_flags_the_rest(settings):
    run_pipeline(settings)
    records = published(settings)
    swedish, finnish = records["sv"], records["fi"]
    expected = dict(SV_EN)
    assert swedish["target_group"]["text_en"] == expected[swedish["target_group"]["text"]]
    assert swedish["purpose"]["text_en"] == expected[swedish["purpose"]["text"]]
    assert swedish["purpose"]["translation"]["package"].startswith("translate-sv_en")
    assert finnish["purpose"]["text_en"] is None
    assert {i["code"] for i in finnish["issues"]} >= {"no_model"}
    quality = json.loads((settings.out_dir / "quality.json").read_text("utf-8"))
    assert "fi→en" in quality["translation"]["missing_pairs"]


def test_second_run_translates_from_the_cache(settings, tmp_path):
    settings.translation_cache = tmp_path / "shared-cache.sqlite3"
    run_pipeline(settings)
    # another output folder: no stored records or release to reuse, only the cache
    again = settings.model_copy(update={"out_dir": tmp_path / "again"})
    run_pipeline(again)
    figures = json.loads((again.out_dir / "quality.json").read_text("utf-8"))["translation"]
    assert figures["model_calls"] == 0 and figures["cache_hits"] > 0
    assert published(again) == published(settings)


def test_tasks_that_cannot_reach_the_cache_publish_what_the_plain_run_does(settings, tmp_path,
                                                                          monkeypatch):
    import pickle
    import sqlite3

    from pipeline.enrich import translation_cache
    from pipeline.run import Stages
    from pipeline.run_batches import Done

    settings.translation_cache = tmp_path / "plain-cache.sqlite3"
    run_pipeline(settings)
    connect = sqlite3.connect

    def no_database(*args, **kwargs):
        raise AssertionError("a stage opened SQLite")

    def submit_as_a_worker(stage, number, batch, *shared):
        """The batch through pickle both ways, with SQLite out of reach, as on a worker."""
        arguments = pickle.loads(pickle.dumps((batch, *shared)))
        monkeypatch.setattr(translation_cache.sqlite3, "connect", no_database)
        try:
            return Done(pickle.loads(pickle.dumps(stage(*arguments))))
        finally:
            monkeypatch.setattr(translation_cache.sqlite3, "connect", connect)

    worker = settings.model_copy(update={"out_dir": tmp_path / "worker",
                                         "translation_cache": tmp_path / "worker-cache.sqlite3"})
    run_pipeline(worker, Stages(submit=submit_as_a_worker))
    assert published(worker) == published(settings)
    with translation_cache.TranslationCache(worker.translation_cache) as cache:
        assert cache.count() > 0  # the loop wrote what the tasks translated


@pytest.fixture
def loopback_only(no_network, monkeypatch):
    """Sockets to this machine only: the test's Prefect server and Dask cluster."""
    import socket

    import pytest_socket

    pytest_socket.enable_socket()  # socket.socket is the real class again
    monkeypatch.setattr(socket.socket, "connect", socket.socket.connect)  # restored after
    pytest_socket.socket_allow_hosts(["127.0.0.1", "::1", "localhost"], allow_unix_socket=True)


@pytest.mark.slow
def test_flow_on_dask_translates_as_the_plain_run_does(settings, tmp_path, monkeypatch,
                                                      prefect_server, loopback_only):
    from flows.inbox import run_inbox_flow

    settings.translation_cache = tmp_path / "plain-cache.sqlite3"
    run_pipeline(settings)
    for name, value in {"MODELS_DIR": settings.models_dir, "DASK_WORKERS": 2, "BATCH_SIZE": 1,
                        "CORRECTIONS_DIR": settings.corrections_dir,
                        "TRANSLATION_CACHE": tmp_path / "dask-cache.sqlite3"}.items():
        monkeypatch.setenv(f"PRAXIS_{name}", str(value))
    out = tmp_path / "dask"
    result = run_inbox_flow(settings.raw_dir, out, translate=True, runner="dask")
    assert result["initiatives"] == 2
    flow = published(settings.model_copy(update={"out_dir": out}))
    assert flow == published(settings)
    assert flow["sv"]["purpose"]["text_en"]  # translated on a worker
