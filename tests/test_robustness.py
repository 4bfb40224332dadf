"""Bad input never stops a run or costs a published release; runs do not interleave."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.publish.files import sha256_file
from pipeline.run import RunLockedError, run_pipeline

ROOT = Path(__file__).resolve().parent.parent
FORM = ("Organisation: Exempelstaden, Sverige\nNamn: Anna\nMejladress: anna@example.se\n\n"
        "Projektets namn: {title}\n\nMålgrupp\n\nNyanlända vuxna\n\nSyfte\n\n"
        "Att ge fler tillfällen att tala svenska i vardagen.\n")


def make_settings(tmp_path, files):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name, content in files.items():
        path = raw / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    settings = Settings()
    settings.raw_dir, settings.out_dir, settings.translate = raw, tmp_path / "out", False
    return settings


def published(settings):
    lines = (settings.out_dir / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    return {d["file"]: d for d in map(json.loads, lines)}


def test_odd_file_names_are_processed_and_the_inbox_is_untouched(tmp_path):
    names = ["with space.txt", "ünïcødé namn.txt", "-leading-dash.txt", "new\nline.txt"]
    settings = make_settings(tmp_path, {n: FORM.format(title=f"T{i}") for i, n in enumerate(names)})
    before = {p.name: p.read_bytes() for p in settings.raw_dir.iterdir()}
    summary = run_pipeline(settings)
    assert summary.initiatives == 4 and summary.quarantined == 0
    assert set(published(settings)) == set(names)
    assert {p.name: p.read_bytes() for p in settings.raw_dir.iterdir()} == before


def test_a_folder_named_like_a_file_is_not_a_document(tmp_path):
    settings = make_settings(tmp_path, {"good.txt": FORM.format(title="A")})
    (settings.raw_dir / "folder.txt").mkdir()
    summary = run_pipeline(settings)
    assert summary.initiatives == 1 and summary.quarantined == 0


def test_a_file_that_disappears_mid_run_is_quarantined_and_the_rest_published(tmp_path):
    settings = make_settings(tmp_path, {"a.txt": FORM.format(title="A"),
                                        "b.txt": FORM.format(title="B")})
    from pipeline import run as run_module

    original = run_module.ingest_batch

    def vanish_then_ingest(paths, raw_dir, limits):
        (raw_dir / "a.txt").unlink()
        return original(paths, raw_dir, limits)

    summary = run_pipeline(settings, run_module.Stages(ingest=vanish_then_ingest))
    documents = published(settings)
    assert documents["a.txt"]["status"] == "quarantined" and "a.txt" in documents["a.txt"]["error"]
    assert documents["b.txt"]["status"] == "ok" and summary.initiatives == 1


def test_a_file_over_the_size_limit_is_quarantined(tmp_path):
    settings = make_settings(tmp_path, {"big.txt": "ord " * 5000, "ok.txt": FORM.format(title="A")})
    settings.max_file_bytes = 10_000
    run_pipeline(settings)
    assert "size limit" in published(settings)["big.txt"]["error"]


def test_second_run_on_the_same_output_stops_with_a_clear_message(tmp_path):
    from filelock import FileLock

    settings = make_settings(tmp_path, {"a.txt": FORM.format(title="A")})
    settings.out_dir.mkdir()
    with FileLock(settings.out_dir / ".praxis.lock"):
        with pytest.raises(RunLockedError, match="another praxis run"):
            run_pipeline(settings)
    assert run_pipeline(settings).initiatives == 1  # released again afterwards


def test_lock_is_released_when_its_holder_dies(tmp_path):
    settings = make_settings(tmp_path, {"a.txt": FORM.format(title="A")})
    settings.out_dir.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time
        from filelock import FileLock
        lock = FileLock({str(settings.out_dir / '.praxis.lock')!r}); lock.acquire()
        print('locked', flush=True); time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert run_pipeline(settings).initiatives == 1


KILLER = """
import os, sys, time
from pathlib import Path
import pipeline.publish.release as publish
from pipeline.config import Settings
from pipeline.run import run_pipeline

marker, point = Path(sys.argv[3]), sys.argv[4]

def pause(name):
    marker.write_text(name)
    time.sleep(60)

if point == "staging":
    original = publish.ReleaseWriter.add_records
    def slow(self, records):
        original(self, records)
        pause("staging")
    publish.ReleaseWriter.add_records = slow
else:
    original_point = publish.point_latest
    def slow_point(out_dir, release):
        pause("switch")
        original_point(out_dir, release)
    publish.point_latest = slow_point

settings = Settings()
settings.raw_dir, settings.out_dir, settings.translate = Path(sys.argv[1]), Path(sys.argv[2]), False
run_pipeline(settings)
"""


@pytest.mark.parametrize("point", ["staging", "switch"])
def test_sigkill_while_publishing_leaves_the_previous_release_complete(tmp_path, point):
    settings = make_settings(tmp_path, {"a.txt": FORM.format(title="A")})
    run_pipeline(settings)
    before = (settings.out_dir / "initiatives.jsonl").read_bytes()
    (settings.raw_dir / "b.txt").write_text(FORM.format(title="B"), encoding="utf-8")
    marker = tmp_path / "marker"
    child = subprocess.Popen([sys.executable, "-c", KILLER, str(settings.raw_dir),
                              str(settings.out_dir), str(marker), point], cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.05)
    assert marker.exists(), "the child never reached the publishing step"
    child.send_signal(signal.SIGKILL)
    child.wait()
    out = settings.out_dir
    assert (out / "initiatives.jsonl").read_bytes() == before
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for name, digest in manifest["files"].items():
        assert sha256_file(out / "latest" / name) == digest
    assert run_pipeline(settings).initiatives == 2  # the next run recovers and publishes
    assert not list((out / "releases").glob(".staging-*"))


def test_a_50_mb_text_file_is_over_the_default_limit(tmp_path):
    settings = make_settings(tmp_path, {"ok.txt": FORM.format(title="A")})
    with (settings.raw_dir / "huge.txt").open("wb") as handle:
        handle.truncate(50 * 1024 * 1024 + 1)  # sparse: no 50 MB written to disk
    summary = run_pipeline(settings)
    assert summary.quarantined == 1 and "size limit" in published(settings)["huge.txt"]["error"]


@pytest.mark.parametrize("flags, code", [([], 0), (["--strict"], 1)])
def test_cli_names_the_quarantined_count_and_fails_only_when_strict(tmp_path, flags, code):
    settings = make_settings(tmp_path, {"ok.txt": FORM.format(title="A"), "empty.txt": ""})
    result = subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", "--no-prefect", "--no-translate",
         "--raw", str(settings.raw_dir), "--out", str(settings.out_dir), *flags],
        capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == code, result.stderr
    assert "1 quarantined" in result.stdout
    assert "empty.txt" in result.stderr
