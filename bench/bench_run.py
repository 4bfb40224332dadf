"""End-to-end speed of `praxis run --no-prefect --no-translate` on a generated inbox.

On demand only, never a unit test. Two corpora:
- `inbox`: N documents built from the seeds' shapes (raw/*): document i is seed i mod 5 with its
  numbers changed and a share of its capitalised mid-line words (names) swapped for made-up
  ones, so every document is distinct but keeps its seed's layout (headings, labels, lists);
- `csv`: one form export of N rows (bench_robust.form_export).
Runs the pipeline in a child process and prints wall and CPU seconds, initiatives,
initiatives per wall and per CPU second (steadier on a shared machine) and the peak RSS of the
largest process (the run, or one of its workers: `ru_maxrss` of the children is a maximum, not a
sum). CPU seconds include the workers'.
Run: `python bench/bench_run.py [--corpus inbox|csv] [--size 1000] [--keep DIR] [--workers N]
[--prefect [--standing-server]]`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SYLLABLES = ("ka", "lo", "mi", "sa", "ne", "tu", "ri", "vo", "ba", "en", "ul", "dra", "fi",
             "kor", "nis", "tel", "mar", "ven", "sko", "lund", "sel", "hav", "ber", "dal")
NUMBER = re.compile(r"\d+")
# A capitalised word that does not open its line: names of people, organisations and places.
NAME = re.compile(r"(?<=[^\n]) (?P<word>[A-ZÅÄÖÆØ][a-zåäöæøéü]{3,})")
SWAP_SHARE = 0.3


def invent(rng: random.Random) -> str:
    """A made-up proper name of two or three syllables."""
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def vary_text(text: str, rng: random.Random) -> str:
    """Change every number and a share of the mid-line capitalised words, deterministically."""
    names: dict[str, str] = {}

    def number(match: re.Match) -> str:
        digits = match.group(0)
        return str(rng.randrange(10 ** (len(digits) - 1) if len(digits) > 1 else 0,
                                 10 ** len(digits)))

    def name(match: re.Match) -> str:
        word = match.group("word")
        if word not in names:
            names[word] = invent(rng) if rng.random() < SWAP_SHARE else word
        return " " + names[word]

    return NAME.sub(name, NUMBER.sub(number, text))


def build_inbox(folder: Path, size: int) -> None:
    """Write `size` documents varied from the seeds in raw/."""
    seeds = sorted((ROOT / "raw").glob("*.txt"))
    texts = [seed.read_text(encoding="utf-8") for seed in seeds]
    for n in range(size):
        rng = random.Random(n)
        text = vary_text(texts[n % len(texts)], rng)
        (folder / f"{n:05d}_{seeds[n % len(seeds)].stem[:3]}.txt").write_text(text, "utf-8")


def build_csv(folder: Path, size: int) -> None:
    """Write one form export of `size` rows."""
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_robust import form_export

    (folder / "export.csv").write_bytes(form_export(size))


def count_initiatives(out: Path) -> int:
    """Count the records the run published."""
    path = out / "initiatives.jsonl"
    with path.open(encoding="utf-8") as lines:
        return sum(1 for line in lines if line.strip())


def run_praxis(raw: Path, out: Path, flags: tuple[str, ...] = ("--no-prefect",),
               extra_env: dict[str, str] | None = None) -> tuple[float, int]:
    """Run the pipeline in a child process; return (wall seconds, exit code)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(extra_env or {})}
    command = [sys.executable, "-m", "flows.cli", "run", "--no-translate", *flags,
               "--raw", str(raw), "--out", str(out)]
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if done.returncode:
        print(done.stderr[-2000:], file=sys.stderr)
    return wall, done.returncode


@contextlib.contextmanager
def standing_server(wanted: bool):
    """A Prefect server started before the clock, for the whole benchmark (None: not wanted).

    Its CPU time is not the run's: the run's figures are read while it still runs.
    """
    if not wanted:
        yield None
        return
    sys.path.insert(0, str(ROOT))
    from flows.server import temporary_server

    with temporary_server() as url:
        yield url


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", choices=("inbox", "csv"), default="inbox")
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="build the corpus and output here and keep them")
    parser.add_argument("--workers", type=int, default=None,
                        help="PRAXIS_WORKERS for the run (default: the setting's default)")
    parser.add_argument("--prefect", action="store_true",
                        help="run on Prefect (default runner) instead of --no-prefect")
    parser.add_argument("--standing-server", action="store_true",
                        help="with --prefect: start a Prefect server before the clock starts and "
                             "point the run at it, as a deployment or `praxis serve-flow` runs "
                             "(default: the run starts its own temporary server, as `praxis run`)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch, standing_server(args.standing_server) as api:
        base = args.keep or Path(scratch)
        raw, out = base / "raw", base / "out"
        raw.mkdir(parents=True, exist_ok=True)
        (build_inbox if args.corpus == "inbox" else build_csv)(raw, args.size)
        env = {"PRAXIS_WORKERS": str(args.workers)} if args.workers else {}
        if api:
            env["PREFECT_API_URL"] = api
        wall, code = run_praxis(raw, out, () if args.prefect else ("--no-prefect",), env)
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        rss, cpu = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime
        found = count_initiatives(out) if code == 0 else 0
    print(json.dumps({"corpus": args.corpus, "size": args.size, "exit": code,
                      "workers": args.workers or "default", "prefect": args.prefect,
                      "server": ("standing" if args.standing_server else "temporary")
                      if args.prefect else None,
                      "seconds": round(wall, 1), "cpu_seconds": round(cpu, 1),
                      "initiatives": found, "initiatives_per_s": round(found / wall, 1),
                      "initiatives_per_cpu_s": round(found / cpu, 1), "peak_rss_mb": round(rss),
                      "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                                 f"Python {platform.python_version()}",
                      "date": time.strftime("%Y-%m-%d")}))


if __name__ == "__main__":
    main()
