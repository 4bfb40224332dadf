"""The end of `praxis run`: what was published, and corrections that did not apply."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).parent / "data"


def test_run_names_the_release_and_refused_corrections_and_strict_fails(tmp_path):
    raw, corrections = tmp_path / "raw", tmp_path / "corrections"
    raw.mkdir()
    corrections.mkdir()
    shutil.copy(DATA / "fi_compilation.txt", raw)
    (corrections / "fix.yaml").write_text(
        "- record_id: ini_0000000000000000\n  feild: x\n  field: titel\n  value: X\n",
        encoding="utf-8")
    env = {**os.environ, "PRAXIS_CORRECTIONS": str(corrections)}
    result = subprocess.run([sys.executable, "-m", "flows.cli", "run", "--no-prefect",
                             "--no-translate", "--raw", str(raw), "--out", str(tmp_path / "out"),
                             "--strict"], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 1
    assert "did you mean 'title'?" in result.stderr and "unknown keys: feild" in result.stderr
    version = (tmp_path / "out" / "latest").resolve().name
    assert f"release {version}:" in result.stdout and "1 not applied" in result.stdout
    assert "report.html" in result.stdout
