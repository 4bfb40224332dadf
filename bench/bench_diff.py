"""Benchmark a release's comparison with the previous one, as a re-run after a lexicon change.

On demand only, not part of the tests. From a published release (say bench_run's 10,000
documents), builds a second release in which a share of the records changed (`--changed`,
every one by default: the description and the themes, as an improved lexicon would change
them), one in a hundred got a new id (its title edited), one in a hundred is gone and as many
are new. Then `publish_changes` compares the two and writes the change feed, the id map and
the release notes, in a child process of its own, so its peak memory is the comparison's
alone. Prints one JSON line: records, seconds, the child's peak RSS, what the feed holds.
Run: `python bench/bench_diff.py RELEASE [--changed 1.0] [--keep FOLDER]`.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

COMPARE = """
import json, resource, sys, time
from pathlib import Path
from pipeline.publish.feed import publish_changes
old, new = Path(sys.argv[1]), Path(sys.argv[2])
start = time.perf_counter()
diff = publish_changes(old, new, "bench")
print(json.dumps({"seconds": round(time.perf_counter() - start, 1),
                  "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                  "added": len(diff.added), "removed": len(diff.removed),
                  "changed": diff.counts()["changed"], "ids_changed": len(diff.id_map)}))
"""


def changed_release(old: Path, new: Path, share: float) -> int:
    """Write `new` from `old` with a share of its records changed; return its record count."""
    new.mkdir(parents=True)
    shutil.copy(old / "documents.jsonl", new / "documents.jsonl")
    step = max(1, round(1 / share)) if share > 0 else 0
    count = 0
    with (old / "initiatives.jsonl").open(encoding="utf-8") as lines, \
            (new / "initiatives.jsonl").open("w", encoding="utf-8") as out:
        for n, line in enumerate(lines):
            record = json.loads(line)
            if n % 100 == 50:
                continue  # gone
            if step and n % step == 0:
                description = record.get("description") or {}
                description["text"] = (description.get("text") or "") + " (reviewed)"
                record["description"] = description
                record["themes"] = sorted({*record.get("themes", []), "education"})
            if n % 100 == 7:
                record["id"] += "-edited"
                record["title"] = (record.get("title") or "") + " (edited)"
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
            if n % 100 == 93:  # a new record beside it
                record = dict(record, id=record["id"] + "-new", title="A new initiative")
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("release", type=Path)
    parser.add_argument("--changed", type=float, default=1.0, help="share of records changed")
    parser.add_argument("--keep", type=Path, help="build the second release here, keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        new = args.keep or Path(scratch) / "new"
        shutil.rmtree(new, ignore_errors=True)
        records = changed_release(args.release.resolve(), new, args.changed)
        started = time.perf_counter()
        child = subprocess.run([sys.executable, "-c", COMPARE, str(args.release), str(new)],
                               cwd=ROOT, capture_output=True, text=True, check=True)
        figures = json.loads(child.stdout.strip().splitlines()[-1])
    print(json.dumps({"records": records, "changed_share": args.changed, **figures,
                      "child_wall": round(time.perf_counter() - started, 1),
                      "machine": f"{platform.machine()}, Python {platform.python_version()}",
                      "date": time.strftime("%Y-%m-%d")}))


if __name__ == "__main__":
    main()
