"""The plain run spread over worker processes publishes what one process does."""

import os
import re
import sqlite3
from pathlib import Path

from pipeline.config import Settings
from pipeline.run import extract_batch, run_pipeline
from pipeline.workers import WorkerPool, available_cores

FORM = ("Organisation: {org}, Sverige\n\nProjektets namn: {title}\n\nSyfte\n\n"
        "Att ge fler tillfällen att tala svenska i vardagen.\n")


def write_inbox(raw: Path, count: int) -> None:
    raw.mkdir()
    for n in range(count):
        (raw / f"{n:02d}.txt").write_text(FORM.format(org=f"Förening {n}", title=f"Projekt {n}"),
                                          encoding="utf-8")


def settings_for(tmp_path: Path, raw: Path, name: str, workers: int) -> Settings:
    settings = Settings()
    settings.raw_dir, settings.out_dir, settings.translate = raw, tmp_path / name, False
    settings.batch_size, settings.workers = 2, workers
    return settings


def test_two_workers_publish_the_same_bytes_as_one_process(tmp_path):
    raw = tmp_path / "raw"
    write_inbox(raw, 7)  # four batches: both workers get some
    one = run_pipeline(settings_for(tmp_path, raw, "one", 1))
    two = run_pipeline(settings_for(tmp_path, raw, "two", 2))
    assert one.initiatives == two.initiatives == 7
    for name in ("initiatives.jsonl", "documents.jsonl", "initiatives.csv", "review.csv",
                 "public/initiatives.jsonl", "public/documents.jsonl"):
        assert (tmp_path / "two" / name).read_bytes() == (tmp_path / "one" / name).read_bytes()
    # two workers mask the public documents in a worker while the records are linked, then
    # build praxis.sqlite there beside the report and the public records
    assert database_rows(tmp_path / "two") == database_rows(tmp_path / "one")
    assert stamped(tmp_path / "two" / "report.html") == stamped(tmp_path / "one" / "report.html")


def test_records_linked_in_a_worker_are_linked_as_in_one_process(tmp_path):
    raw = tmp_path / "raw"
    write_inbox(raw, 5)
    for name in ("a", "b"):  # one initiative, sent twice
        (raw / f"again_{name}.txt").write_text(
            FORM.format(org="Röda Korset Umeå", title=f"Språkcafé Umeå {name}")
                                + "\nWebbplats: https://sprakcafe-umea.example.se\n",
                                encoding="utf-8")
    run_pipeline(settings_for(tmp_path, raw, "one", 1))
    run_pipeline(settings_for(tmp_path, raw, "two", 2))
    clusters = (tmp_path / "two" / "clusters.jsonl").read_text(encoding="utf-8")
    assert clusters.count("\n") == 1 and '"size": 2' in clusters
    for name in ("initiatives.jsonl", "clusters.jsonl", "clusters.csv",
                 "public/initiatives.jsonl"):
        assert (tmp_path / "two" / name).read_bytes() == (tmp_path / "one" / name).read_bytes()
    for out in ("one", "two"):  # no spill folder, links file or linking table is left
        assert not [p.name for p in (tmp_path / out).rglob(".link*")]


STAMP = re.compile(r"\d{8}T\d{6}Z|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?\S*")


def stamped(path: Path) -> str:
    """A file's text with release versions and times blanked."""
    return STAMP.sub("<stamp>", path.read_text(encoding="utf-8"))


def database_rows(out: Path) -> list[str]:
    """Every statement that rebuilds the release's database, versions and times blanked."""
    with sqlite3.connect(out / "praxis.sqlite") as connection:
        return [STAMP.sub("<stamp>", line) for line in connection.iterdump()]


def test_a_pool_starts_no_process_for_a_single_batch():
    with WorkerPool(2) as pool:
        assert pool.map(extract_batch, [(0, []), (1, [])]) == [[], []]
        assert pool.executor is None
        # one batch, its result wanted before another comes: held back, then run here
        assert pool.submit(worker_pid, ["a"]).result() == os.getpid()
        assert pool.submit(worker_pid, ["b"]).result() == os.getpid()
        assert pool.executor is None
        # a second batch while the first is held: both go to the workers
        first, second = pool.submit(worker_pid, ["c"]), pool.submit(worker_pid, ["d"])
        assert pool.executor is not None
        assert os.getpid() not in (first.result(), second.result())
        assert pool.submit(worker_pid, ["e"]).result() != os.getpid()  # started: stays used


def test_workers_default_to_the_usable_cores(monkeypatch):
    monkeypatch.delenv("PRAXIS_WORKERS", raising=False)
    assert Settings().workers == available_cores() >= 1
    monkeypatch.setenv("PRAXIS_WORKERS", "1")
    assert Settings().workers == 1


def test_auto_takes_a_process_pool_only_when_there_are_batches_to_share(tmp_path):
    from pipeline.cli import choose_runner

    settings = Settings()
    settings.batch_size, settings.workers = 50, 2
    assert choose_runner(settings, 50) == "threads"
    assert choose_runner(settings, 51) == "processes"
    settings.workers = 1
    assert choose_runner(settings, 500) == "threads"


def test_a_worker_ends_when_the_run_that_started_it_is_killed():
    import subprocess
    import sys

    run = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    worker = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom pipeline.workers import end_with\n"
         "end_with(int(sys.argv[1])); print('watching', flush=True); time.sleep(60)",
         str(run.pid)], stdout=subprocess.PIPE, text=True)
    assert worker.stdout.readline().strip() == "watching"
    run.kill()
    run.wait()
    assert worker.wait(timeout=20) == 1


def form_export(rows: int) -> bytes:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Organisation", "Namn", "E-post", "Projektets namn", "Målgrupp", "Syfte"])
    for n in range(rows):
        writer.writerow([f"Förening {n} i Stad{n % 3}", f"Person {n}", f"p{n}@example.se",
                         f"Projekt nummer {n}", "Nyanlända vuxna",
                         f"Att ge fler tillfällen att tala svenska, med Kommun {n % 4}."])
    return out.getvalue().encode("utf-8")


def test_a_long_export_in_shares_publishes_what_one_extraction_does(tmp_path, monkeypatch):
    from pipeline.extract import document
    from pipeline.run import Stages

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "export.csv").write_bytes(form_export(11))
    (raw / "note.txt").write_text(FORM.format(org="Förening X", title="Projekt X"), "utf-8")
    whole = run_pipeline(settings_for(tmp_path, raw, "whole", 1))
    monkeypatch.setattr(document, "SHARE_CHARS", 200)  # the export is "long", the note not
    assert [len(document.share_out(r, 3)) for r in
            [whole_result(raw / "export.csv", raw), whole_result(raw / "note.txt", raw)]] == [3, 1]
    serial = run_pipeline(settings_for(tmp_path, raw, "serial", 1), Stages(shares=3))
    pooled = run_pipeline(settings_for(tmp_path, raw, "pooled", 2))  # two shares, two workers
    assert whole.initiatives == serial.initiatives == pooled.initiatives == 12
    for name in ("initiatives.jsonl", "documents.jsonl", "review.csv"):
        expected = (tmp_path / "whole" / name).read_bytes()
        assert (tmp_path / "serial" / name).read_bytes() == expected
        assert (tmp_path / "pooled" / name).read_bytes() == expected


def whole_result(path: Path, raw: Path):
    from pipeline.ingest import ingest_path
    from pipeline.result import DocumentResult

    [document] = ingest_path(path, raw)
    return DocumentResult.from_document(document)


def worker_pid(_batch) -> int:
    return os.getpid()


def test_a_call_runs_on_a_worker_and_threads_asking_at_once_share_one_pool():
    from concurrent.futures import ThreadPoolExecutor

    with WorkerPool(2) as pool:
        with ThreadPoolExecutor(4) as threads:  # a flow's task threads, all asking at once
            pids = list(threads.map(lambda _: pool.call(worker_pid, []), range(4)))
        executor = pool.executor
        assert executor is not None and os.getpid() not in pids
        assert len(set(pids)) <= 2  # one executor of two workers, not one per thread
    assert pool.executor is None


def test_the_flows_pooled_tasks_hand_their_batch_to_the_pool_or_run_here(monkeypatch):
    import flows.inbox as inbox

    calls = []

    class RecordingPool:
        def call(self, stage, *args):
            calls.append(stage.__name__)
            return stage(*args)

    assert inbox.extract_on_workers([]) == []  # no pool (as on a Dask worker): run here
    monkeypatch.setattr(inbox, "_pool", RecordingPool())
    assert inbox.extract_on_workers([]) == [] and inbox.ingest_on_workers([], Path(".")) == []
    assert calls == ["extract_batch", "ingest_batch"]


def test_the_workers_are_stopped_before_the_release_is_written(tmp_path):
    import pipeline.run as run

    raw = tmp_path / "raw"
    write_inbox(raw, 5)
    order = []

    def publish(spool, settings, figures):
        order.append("publish")
        return run.publish_release(spool, settings, figures)

    stages = run.Stages(publish=publish, release_workers=lambda: order.append("released"))
    assert run.run_pipeline(settings_for(tmp_path, raw, "out", 1), stages).initiatives == 5
    assert order == ["released", "publish"]
    with run.local_stages(settings_for(tmp_path, raw, "pool", 2), None) as pooled:
        paths = sorted(raw.iterdir())
        read = pooled.map(run.ingest_batch, [(0, paths[:2]), (1, paths[2:])], raw)
        assert sum(len(batch) for batch in read) == 5
        pool = pooled.release_workers.__self__
        assert isinstance(pool, WorkerPool) and pool.executor is not None
        pooled.release_workers()
        assert pool.executor is None


def test_a_failure_while_a_worker_masks_the_public_documents_leaves_the_release_as_it_was(
        tmp_path, monkeypatch):
    from pipeline.publish import release

    raw = tmp_path / "raw"
    write_inbox(raw, 3)
    settings = settings_for(tmp_path, raw, "two", 2)
    run_pipeline(settings)
    published = (settings.out_dir / "latest").resolve()
    (raw / "new.txt").write_text(FORM.format(org="Ny förening", title="Nytt projekt"),
                                 encoding="utf-8")

    def fail(*arguments):  # after linking, while or after the worker masks the documents
        raise RuntimeError("release notes failed")

    monkeypatch.setattr(release, "write_changes", fail)
    try:
        run_pipeline(settings)
    except RuntimeError as error:
        assert "release notes failed" in str(error)
    else:
        raise AssertionError("the run published although a step of publishing failed")
    assert (settings.out_dir / "latest").resolve() == published
    assert [p.name for p in (settings.out_dir / "releases").iterdir()] == [published.name]
