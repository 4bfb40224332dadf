import threading
from pathlib import Path

import pytest
import yaml

from flows.inbox import build_deployment, inbox_flow

ROOT = Path(__file__).resolve().parent.parent


def test_deployment_runs_the_inbox_flow_on_a_schedule():
    deployment = build_deployment(interval_seconds=600, raw_dir="/data/inbox")
    assert deployment.name == "praxis-inbox"
    assert deployment.parameters["raw_dir"] == "/data/inbox"
    assert deployment.schedules[0].schedule.interval.total_seconds() == 600


def test_cron_schedule_is_accepted():
    deployment = build_deployment(cron="0 6 * * 1-5")
    assert deployment.schedules[0].schedule.cron == "0 6 * * 1-5"


def test_prefect_yaml_points_at_the_flow():
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    [deployment] = config["deployments"]
    module, name = deployment["entrypoint"].split(":")
    assert (ROOT / module).exists() and name == inbox_flow.fn.__name__


FORM = ("Organisation: {org}, Sverige\n\nProjektets namn: {title}\n\nSyfte\n\n"
        "Att ge fler tillfällen att tala svenska i vardagen.\n")


def small_inbox(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    for n, (org, title) in enumerate([("Aföreningen", "Språkvänner"), ("Bförbundet", "Läxhjälp"),
                                      ("Cgruppen", "Cykelskola")]):
        (raw / f"{n}.txt").write_text(FORM.format(org=org, title=title), encoding="utf-8")
    return raw


def test_quality_summary_lists_counts_coverage_and_quarantined_files():
    from flows.summary import quality_markdown

    result = {"documents": 2, "initiatives": 1, "quarantined": 1, "unchanged": False,
              "quality": {"review_queue": 3, "coverage": {"title": 1.0},
                          "flags": {"extract:x": 2},
                          "quarantined": [{"file": "a|b.txt", "reason": "a|b.txt: empty"}]}}
    text = quality_markdown(result, "20260101T000000Z")
    assert "| initiatives | 1 |" in text and "| title | 100% |" in text
    assert "- a\\|b.txt: empty" in text and "| extract:x | 2 |" in text


@pytest.mark.slow
@pytest.mark.parametrize("runner", ["processes", "threads", "dask"])
def test_flow_on_a_task_runner_publishes_what_the_plain_run_does(tmp_path, monkeypatch,
                                                                prefect_server, runner):
    from prefect.client.orchestration import get_client

    from flows.inbox import run_inbox_flow
    from pipeline.config import Settings
    from pipeline.run import run_pipeline

    raw = small_inbox(tmp_path)
    monkeypatch.setenv("PRAXIS_BATCH_SIZE", "1")  # three batches, spread over the workers
    monkeypatch.setenv("PRAXIS_DASK_WORKERS", "2")
    monkeypatch.setenv("PRAXIS_WORKERS", "2")  # --runner processes: a pool of two
    monkeypatch.setenv("PRAXIS_TRANSLATION_CACHE", str(tmp_path / "cache.sqlite3"))
    plain = Settings()
    plain.raw_dir, plain.out_dir, plain.translate = raw, tmp_path / "plain", False
    plain.workers = 1  # the reference: every batch in this process, one after another
    run_pipeline(plain)
    stages, lock = [], threading.RLock()  # the CLI's progress bars hold a lock too

    def record_stage(stage: str, count: int) -> None:
        with lock:
            stages.append(stage)

    result = run_inbox_flow(raw, tmp_path / "flow", translate=False, runner=runner,
                            on_progress=record_stage)
    assert result["initiatives"] == 3 and not result["unchanged"]
    published = (tmp_path / "flow" / "initiatives.jsonl").read_bytes()
    assert published == (tmp_path / "plain" / "initiatives.jsonl").read_bytes()
    assert {"ingest", "extract", "translate"} <= set(stages)
    with get_client(sync_client=True) as client:
        names = {run.name for run in client.read_task_runs()}
        keys = {artifact.key for artifact in client.read_artifacts()}
    assert {"ingest-batch-0001", "extract-batch-0003", "publish-release"} <= names
    assert {"praxis-quality", "praxis-report"} <= keys
    again = run_inbox_flow(raw, tmp_path / "flow", translate=False, runner=runner)
    assert again["unchanged"] and again["initiatives"] == 3


@pytest.mark.slow
def test_dask_keeps_no_long_message_logs_and_workers_do_not_sample_their_stacks():
    import dask
    from distributed import Client, LocalCluster

    from flows.inbox import dask_config, local_cluster_kwargs
    from pipeline.config import Settings

    tick = dask.config.get("distributed.admin.tick.interval")
    settings = Settings(dask_workers=1)
    with dask_config("dask"), LocalCluster(**local_cluster_kwargs(settings)) as cluster, \
            Client(cluster) as client:
        assert client.submit(sum, [1, 2]).result() == 3
        seen = client.run(lambda: (dask.config.get("distributed.worker.profile.enabled"),
                                   dask.config.get("distributed.admin.low-level-log-length"),
                                   dask.config.get("distributed.admin.tick.interval")))
        # the logs that held every submitted batch: the client's and the scheduler's streams
        streams = [client.scheduler_comm, *cluster.scheduler.stream_comms.values()]
        lengths = {stream.recent_message_log.maxlen for stream in streams}
    assert list(seen.values()) == [(False, 1, tick)]  # the rest of the configuration is kept
    assert lengths == {1}
    assert dask.config.get("distributed.admin.low-level-log-length") == 1000  # outside a run
