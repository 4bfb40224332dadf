"""A full disk at any point of publishing: one clear line, the previous release untouched."""

import errno
import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app

FORM = ("Organisation: {org}, Sverige\n\nProjektets namn: {title}\n\nSyfte\n\n"
        "Att ge fler tillfällen att tala svenska i vardagen.\n")


def disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "/out/releases/.staging-x/file")


def database_full(*args, **kwargs):
    raise sqlite3.OperationalError("database or disk is full")


class FullFile:
    """A file on a full disk: writing fails, and so does the flush when it is closed."""

    def write(self, *args):
        disk_full()

    def close(self):
        disk_full()


def full_during_documents(self, documents):
    self._documents = FullFile()
    self._documents.write("")


# Where the disk fills up: (object to patch, attribute, replacement)
FAULTS = {
    "staging folder": ("pipeline.publish.release.tempfile", "mkdtemp", disk_full),
    "documents.jsonl and its close": ("pipeline.publish.release.ReleaseWriter", "add_documents",
                                      full_during_documents),
    "records": ("pipeline.publish.release.ReleaseWriter", "add_records", disk_full),
    "extraction store": ("pipeline.store.ExtractionStore", "save", disk_full),
    "quality.json": ("pipeline.publish.release", "write_json", disk_full),
    "report": ("pipeline.publish.report", "write_report", disk_full),
    "database": ("pipeline.publish.database", "start_database", database_full),
    "database links": ("pipeline.publish.database", "finish_database", database_full),
    "public documents": ("pipeline.publish.privacy", "write_public_documents", disk_full),
    "public records": ("pipeline.publish.privacy", "write_public_records", disk_full),
    "latest link": ("pipeline.publish.release", "point_latest", disk_full),
}


def snapshot(out: Path) -> dict[str, str]:
    """Every file under the output folder (store and lock aside) with its checksum."""
    files = {}
    for path in sorted(out.rglob("*")):
        relative = str(path.relative_to(out))
        if path.is_file() and not relative.startswith(("store", ".praxis.lock")):
            files[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_symlink():
            files[relative] = os.readlink(path)
    return files


@pytest.fixture
def inbox(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(FORM.format(org="Aföreningen", title="Språkvänner"), "utf-8")
    return raw, tmp_path / "out"


def run(raw: Path, out: Path):
    return CliRunner().invoke(app, ["run", "--no-prefect", "--no-translate", "--raw", str(raw),
                                    "--out", str(out)])


@pytest.mark.parametrize("where", sorted(FAULTS))
def test_a_full_disk_gives_one_line_and_keeps_the_previous_release(inbox, monkeypatch, where):
    raw, out = inbox
    assert run(raw, out).exit_code == 0
    before = snapshot(out)
    (raw / "b.txt").write_text(FORM.format(org="Bförbundet", title="Läxhjälp"), "utf-8")
    target, name, replacement = FAULTS[where]
    monkeypatch.setattr(f"{target}.{name}", replacement)
    result = run(raw, out)
    assert result.exit_code == 4, (result.output, result.exception)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: the disk is full"), lines
    assert "previous release is unchanged" in lines[0]
    assert snapshot(out) == before
    assert not list((out / "releases").glob(".*"))


def test_cleanup_that_fails_once_still_leaves_no_staging(inbox, monkeypatch):
    raw, out = inbox
    real_rmtree = shutil.rmtree
    calls = []

    def rmtree_failing_first(path, *args, **kwargs):
        calls.append(path)
        if len(calls) == 1:
            disk_full()
        return real_rmtree(path, *args, **kwargs)

    monkeypatch.setattr("pipeline.publish.release.ReleaseWriter.add_documents", full_during_documents)
    monkeypatch.setattr("pipeline.publish.release.shutil.rmtree", rmtree_failing_first)
    assert run(raw, out).exit_code == 4
    assert calls and not list((out / "releases").glob(".staging-*"))


def test_a_staging_folder_left_by_a_dead_run_is_removed_by_the_next(inbox):
    raw, out = inbox
    leftover = out / "releases" / ".staging-dead"
    leftover.mkdir(parents=True)
    (leftover / "initiatives.jsonl").write_text("{}", encoding="utf-8")
    (out / ".latest-999").symlink_to("releases/none")
    assert run(raw, out).exit_code == 0
    assert not leftover.exists() and not (out / ".latest-999").is_symlink()


def test_another_error_is_not_called_a_full_disk(inbox, monkeypatch):
    raw, out = inbox

    def broken(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr("pipeline.publish.release.write_json", broken)
    result = run(raw, out)
    assert result.exit_code != 4 and isinstance(result.exception, PermissionError)
