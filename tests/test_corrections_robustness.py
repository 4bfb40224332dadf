"""Corrections files in any encoding, or broken, are reported per file and never stop a run."""

import json
import os
import time

import pytest

from pipeline.config import Settings
from pipeline.steward.corrections import MAX_FILE_BYTES, load_corrections
from pipeline.run import run_pipeline

FORM = ("Organisation: Aföreningen, Sverige\n\nProjektets namn: Språkvänner\n\nSyfte\n\n"
        "Att ge fler tillfällen att tala svenska i vardagen.\n")
YAML = "- file: a.txt\n  title: Språkvänner\n  field: title\n  value: Språkvänner i Lund\n"
CSV = "file,title,field,value\r\na.txt,Språkvänner,title,Språkvänner i Lund\r\n"
BILLION_LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{chr(98 + n)}: &{chr(98 + n)} [" + ",".join([f"*{chr(97 + n)}"] * 9) + "]"
       for n in range(8)]
    + ["corrections: [{file: a.txt, title: Språkvänner, field: purpose, value: *i}]"])


@pytest.fixture
def settings(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(FORM, encoding="utf-8")
    settings = Settings()
    settings.raw_dir, settings.out_dir = raw, tmp_path / "out"
    settings.corrections_dir, settings.translate = tmp_path / "corrections", False
    settings.corrections_dir.mkdir()
    return settings


def published_title(settings) -> str:
    line = (settings.out_dir / "initiatives.jsonl").read_text(encoding="utf-8").splitlines()[0]
    return json.loads(line)["title"]


def not_applied(settings) -> list[str]:
    quality = json.loads((settings.out_dir / "quality.json").read_text(encoding="utf-8"))
    return quality["corrections"]["not_applied"]


@pytest.mark.parametrize("name, text, encoding", [
    ("fixes.yaml", YAML, "cp1252"), ("fixes.yaml", YAML, "utf-16"),
    ("fixes.yaml", YAML, "utf-8-sig"), ("fixes.csv", CSV, "cp1252"),
    ("fixes.csv", CSV, "utf-16"), ("fixes.csv", CSV, "utf-8-sig"),
])
def test_a_corrections_file_in_any_encoding_is_applied(settings, name, text, encoding):
    (settings.corrections_dir / name).write_bytes(text.encode(encoding))
    run_pipeline(settings)
    assert published_title(settings) == "Språkvänner i Lund"


@pytest.mark.parametrize("name, content, reason", [
    ("broken.yaml", b"- file: a.txt\n  title: [unclosed\n", "cannot be read"),
    ("bomb.yaml", BILLION_LAUGHS.encode(), "aliases"),
    ("tag.yaml", b"- !!python/object/apply:os.system ['true']\n", "cannot be read"),
    ("scalar.yaml", b"just a sentence\n", "expected a list"),
    ("deep.yaml", b"[" * 100_000 + b"]" * 100_000, "cannot be read"),
    ("binary.csv", b"\x00\x01\x02" * 100, "cannot be read"),
    ("nul.csv", b"file,title,field,value\na.txt,\x00x,title,y\n", "cannot be read"),
])
def test_a_broken_corrections_file_is_reported_by_name(settings, name, content, reason):
    (settings.corrections_dir / name).write_bytes(content)
    (settings.corrections_dir / "good.yaml").write_text(YAML, encoding="utf-8")
    summary = run_pipeline(settings)
    assert summary.initiatives == 1 and published_title(settings) == "Språkvänner i Lund"
    problems = [line for line in not_applied(settings) if line.startswith(name)]
    assert problems and reason in problems[0] and "\n" not in problems[0]


def test_an_alias_bomb_is_refused_at_once(settings):
    (settings.corrections_dir / "bomb.yaml").write_text(BILLION_LAUGHS, encoding="utf-8")
    started = time.monotonic()
    corrections, problems = load_corrections(settings.corrections_dir)
    assert time.monotonic() - started < 1 and not corrections and "aliases" in problems[0]


def test_a_corrections_file_over_the_size_limit_is_not_read(settings):
    with (settings.corrections_dir / "huge.yaml").open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing written to disk
    _, problems = load_corrections(settings.corrections_dir)
    assert problems == [f"huge.yaml: cannot be read (CorrectionError: larger than "
                        f"{MAX_FILE_BYTES // (1024 * 1024)} MB)"]


def test_a_fifo_named_like_a_corrections_file_is_skipped_without_blocking(settings):
    os.mkfifo(settings.corrections_dir / "pipe.yaml")
    _, problems = load_corrections(settings.corrections_dir)
    assert problems == ["pipe.yaml: cannot be read (CorrectionError: not a regular file)"]


@pytest.mark.parametrize("field, value", [
    ("contacts", "just text"), ("contacts", "{name: Anna}"), ("contacts", 42),
    ("contacts", "[unclosed"), ("organisations", "[{name: X}]"), ("organisations", "[1, 2]"),
    ("organisations", {"name": "X", "role": "partner"}), ("contacts", "&a [*a]"),
    ("sdgs", "not a number"), ("countries", {"a": 1})
])
def test_a_malformed_value_is_reported_and_changes_nothing(settings, field, value):
    (settings.corrections_dir / "bad.yaml").write_text(json.dumps([
        {"file": "a.txt", "title": "Språkvänner", "field": field, "value": value,
         "note": ["a", "list"]}]), encoding="utf-8")
    summary = run_pipeline(settings)
    assert summary.initiatives == 1
    problems = not_applied(settings)
    assert problems and problems[0].startswith("bad.yaml#1: invalid value"), problems
