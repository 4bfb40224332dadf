"""The real CLI over a generated hostile inbox: exit 0, every file accounted for, memory flat."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.generate import HOSTILE_LIMITS, regular_files, write_corpus

ROOT = Path(__file__).resolve().parent.parent
MAX_CHILD_RSS_MB = 1024


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """Run `praxis run --no-prefect --no-translate` once over the corpus; keep what it left."""
    work = tmp_path_factory.mktemp("hostile")
    inbox, out = work / "raw", work / "out"
    specials = write_corpus(inbox)
    env = {**os.environ, **HOSTILE_LIMITS, "PYTHONPATH": str(ROOT),
           "PRAXIS_CORRECTIONS": str(work / "corrections")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = subprocess.run([sys.executable, "-m", "flows.cli", "run", "--no-prefect",
                             "--no-translate", "--raw", str(inbox), "--out", str(out)],
                            capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    documents = {}
    if (out / "documents.jsonl").exists():
        for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines():
            document = json.loads(line)
            documents[document["file"]] = document
    # ru_maxrss of children is a maximum over every child so far: it shows this run's peak
    # unless an earlier child of the session already went higher.
    measured = peak_mb > before / 1024 or before / 1024 < MAX_CHILD_RSS_MB
    return {"result": result, "documents": documents, "specials": specials, "inbox": inbox,
            "peak_mb": peak_mb, "rss_measured": measured}


def test_hostile_inbox_runs_to_the_end_with_exit_0(hostile_run):
    result = hostile_run["result"]
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr


def test_every_regular_file_is_published_as_ok_or_quarantined_with_its_reason(hostile_run):
    documents = hostile_run["documents"]
    names = {name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
             for name in regular_files()} | {"sub/inner.txt"}
    for name in names:
        assert name in documents, name
        document = documents[name]
        assert document["status"] in ("ok", "quarantined")
        if document["status"] == "quarantined":
            reason = document["error"].removeprefix(f"{name}: ")
            assert reason != document["error"] and len(reason) > 5, document["error"]


def test_special_entries_are_listed_as_skipped_never_opened(hostile_run):
    documents = hostile_run["documents"]
    for name in hostile_run["specials"]:
        assert documents[name]["status"] == "quarantined", name
    assert documents["pipe.txt"]["issues"][-1]["code"] == "special_file"
    assert documents["link-to-pipe.txt"]["issues"][-1]["code"] == "special_file"
    assert documents["socket.txt"]["issues"][-1]["code"] == "special_file"
    assert documents["loop-a"]["issues"][-1]["code"] == "link_loop"
    for name in ("device.txt", "link-to-device.txt"):
        if name in hostile_run["specials"]:
            assert documents[name]["issues"][-1]["code"] == "special_file"


def test_no_error_names_the_absolute_inbox_path(hostile_run):
    inbox = str(hostile_run["inbox"])
    assert not [d["file"] for d in hostile_run["documents"].values()
                if inbox in (d["error"] or "") or inbox in d["file"]]


def test_ids_and_file_keys_are_unique(hostile_run):
    lines = [json.loads(line) for line in
             (hostile_run["inbox"].parent / "out" / "documents.jsonl").read_text(
                 encoding="utf-8").splitlines()]
    assert len({d["id"] for d in lines}) == len(lines)
    assert len({d["file"] for d in lines}) == len(lines)
    assert {"mail.eml#a.txt", "mail.eml#a.txt~2", "mail.eml#a.txt~2~2",
            "mail.eml#x.txt", "mail.eml#x.txt~2"} <= {d["file"] for d in lines}


@pytest.mark.parametrize("name, code", [
    ("long.pdf", "truncated"), ("many-paragraphs.docx", "truncated"),
    ("million-rows.csv", "truncated"), ("mixed.txt", "mixed_encoding"),
    ("nested-divs.html", "deeply_nested"), ("unclosed.html", "deeply_nested"),
])
def test_good_input_over_a_limit_is_published_with_an_issue(hostile_run, name, code):
    document = hostile_run["documents"][name]
    assert document["status"] == "ok" and code in [i["code"] for i in document["issues"]]


@pytest.mark.parametrize("name, code", [
    ("bomb-512mb.pdf", "zip_bomb"), ("xml-heavy.docx", "too_large"), ("binary.eml", "undecodable"),
    ("deep.json", "too_deep"), ("empty-2.txt", "empty"),
])
def test_hostile_input_is_quarantined_for_the_right_reason(hostile_run, name, code):
    document = hostile_run["documents"][name]
    assert document["status"] == "quarantined" and document["issues"][-1]["code"] == code


@pytest.mark.parametrize("name, words", [
    ("cp850.txt", ["Språkvänner", "Västerås"]), ("mac_roman.txt", ["Läsglädje", "Växjö"]),
    ("caf\\xe9.txt", ["Café"]), ("mixed.txt", ["Borås", "hälsningar från Åsa"]),
])
def test_legacy_encodings_are_read_without_mojibake(hostile_run, name, words):
    text = hostile_run["documents"][name]["text"]
    assert all(word in text for word in words), text[:300]


def test_the_long_field_is_not_lost_to_spacys_length_limit(hostile_run):
    document = hostile_run["documents"]["long-field.csv"]
    assert "E088" not in (document["error"] or "")
    assert "long_line_wrapped" in [i["code"] for i in document["issues"]]


def test_peak_memory_of_the_run_stays_under_1_gb(hostile_run):
    if not hostile_run["rss_measured"]:
        pytest.skip("an earlier child of this session used more memory; ru_maxrss is a maximum")
    assert hostile_run["peak_mb"] < MAX_CHILD_RSS_MB
