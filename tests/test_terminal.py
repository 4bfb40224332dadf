"""CLI output shows control characters from the inbox as escapes, never sends them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.terminal import printable

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("text, shown", [
    ("\x1b[2Jcleared.txt", "\\x1b[2Jcleared.txt"),
    ("over\rwrite.txt", "over\\x0dwrite.txt"),
    ("two\nlines.txt", "two\\x0alines.txt"),
    ("bell\x07.txt", "bell\\x07.txt"),
    ("c1\x9b31m.txt", "c1\\x9b31m.txt"),
    ("evil\u202etxt.exe", "evil\\u202etxt.exe"),
    ("line\u2028sep.txt", "line\\u2028sep.txt"),
])
def test_control_characters_are_shown_as_escapes(text, shown):
    assert printable(text) == shown


@pytest.mark.parametrize("text", ["Språkcafé.txt", "Yhteyshenkilö – Ålborg.docx"])
def test_ordinary_text_is_printed_as_it_is(text):
    assert printable(text) == text


def test_a_report_keeps_its_own_line_breaks():
    assert printable("a\nb\x1b", keep_newlines=True) == "a\nb\\x1b"


def test_praxis_run_escapes_a_file_name_with_an_ansi_sequence(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "\x1b[31mred\x1b[0m.txt").write_bytes(b"")  # empty: quarantined, so it is listed
    result = subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", "--no-prefect", "--no-translate",
         "--raw", str(raw), "--out", str(out)],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert "\\x1b[31mred\\x1b[0m.txt" in result.stderr
    assert "\x1b" not in result.stdout + result.stderr
