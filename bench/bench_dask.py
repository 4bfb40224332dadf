"""`praxis run` on Prefect's task runners (processes, threads, Dask 1 and 2) and without Prefect.

On demand only, never a unit test. The inbox is bench_run's generated one (the seeds' shapes,
every document distinct). Each configuration runs as its own child process into a fresh output
folder, so every run reads, extracts and publishes everything (translation off):

- `plain-1`:     praxis run --no-prefect, PRAXIS_WORKERS=1 (one process)
- `plain`:       praxis run --no-prefect           (PRAXIS_WORKERS: every usable core)
- `processes`:   praxis run --runner processes     (Prefect threads over the run's worker pool)
- `threads`:     praxis run --runner threads       (Prefect, a thread pool of 2)
- `dask-1`:      praxis run --runner dask, PRAXIS_DASK_WORKERS=1
- `dask-2`:      praxis run --runner dask, PRAXIS_DASK_WORKERS=2

With PREFECT_API_URL set, the Prefect runs use that server instead of starting a temporary
one (the steady state of a deployment), so its start is left out of their time.

Prints one JSON line per run (wall and CPU seconds of the child and its children, the load
average before it, initiatives published) and a summary: Dask's speed-up from 1 to 2 workers
and Prefect's overhead (processes minus plain, both on every core), per run and as a share.
Run: `python bench/bench_dask.py [--size 1000] [--repeat 1] [--only plain,dask-2]`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_run import build_inbox, count_initiatives, run_praxis  # noqa: E402 - shared

CONFIGURATIONS = {
    "plain-1": (["--no-prefect"], {"PRAXIS_WORKERS": "1"}),
    "plain": (["--no-prefect"], {}),
    "processes": (["--runner", "processes"], {}),
    "threads": (["--runner", "threads"], {}),
    "dask-1": (["--runner", "dask"], {"PRAXIS_DASK_WORKERS": "1"}),
    "dask-2": (["--runner", "dask"], {"PRAXIS_DASK_WORKERS": "2"}),
}


def children_cpu() -> float:
    """CPU seconds used so far by this process's finished children and their descendants."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_configuration(name: str, raw: Path, out: Path) -> dict:
    """Run one configuration into a fresh output folder; return its figures."""
    flags, extra = CONFIGURATIONS[name]
    shutil.rmtree(out, ignore_errors=True)
    load, cpu_before = os.getloadavg()[0], children_cpu()
    wall, code = run_praxis(raw, out, tuple(flags), extra)
    found = count_initiatives(out) if code == 0 else 0
    return {"run": name, "exit": code, "seconds": round(wall, 1),
            "cpu_seconds": round(children_cpu() - cpu_before, 1), "load_before": round(load, 2),
            "initiatives": found, "initiatives_per_s": round(found / wall, 1)}


def summarise(runs: list[dict]) -> dict:
    """Median seconds per configuration, Dask's speed-up and Prefect's overhead."""
    median = {name: statistics.median(r["seconds"] for r in runs if r["run"] == name)
              for name in CONFIGURATIONS if any(r["run"] == name for r in runs)}
    summary: dict = {"median_seconds": median}
    if {"dask-1", "dask-2"} <= median.keys():
        summary["dask_speedup_2_over_1"] = round(median["dask-1"] / median["dask-2"], 2)
    if {"plain-1", "plain"} <= median.keys():
        summary["workers_speedup"] = round(median["plain-1"] / median["plain"], 2)
    if {"plain", "processes"} <= median.keys():
        overhead = median["processes"] - median["plain"]
        summary["prefect_overhead_seconds"] = round(overhead, 1)
        summary["prefect_overhead_share"] = round(overhead / median["plain"], 3)
    return summary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=1, help="rounds, configurations interleaved")
    parser.add_argument("--only", default=",".join(CONFIGURATIONS),
                        help="comma-separated configurations to run")
    parser.add_argument("--keep", type=Path, help="build the inbox and outputs here, keep them")
    args = parser.parse_args()
    chosen = [name for name in args.only.split(",") if name]
    with tempfile.TemporaryDirectory() as scratch:
        base = args.keep or Path(scratch)
        raw = base / "raw"
        if not raw.is_dir():
            raw.mkdir(parents=True)
            build_inbox(raw, args.size)
        runs = []
        for _round in range(args.repeat):
            for name in chosen:
                runs.append(run_configuration(name, raw, base / f"out-{name}"))
                print(json.dumps(runs[-1]), flush=True)
    print(json.dumps({"size": args.size, **summarise(runs),
                      "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                                 f"Python {platform.python_version()}",
                      "date": time.strftime("%Y-%m-%d")}))


if __name__ == "__main__":
    main()
