"""Time every per-document step on a 10,000-row form export, to show none is quadratic.

Run: `PYTHONPATH=. .venv/bin/python bench/bench_robust.py [--rows N] [--extract-rows N]`.
Prints one line per step; the figures go to bench/RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import resource
import string
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapidfuzz import fuzz  # noqa: E402

from pipeline.config import Settings  # noqa: E402
from pipeline.models import Document, Organisation  # noqa: E402


def form_export(rows: int) -> bytes:
    """A Swedish form export: contact block, title, target group and a purpose with partners."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Organisation", "Namn", "E-post", "Projektets namn", "Målgrupp", "Syfte"])
    for n in range(rows):
        writer.writerow([f"Förening {n % 997} i Stad{n % 13}", f"Person {n}", f"p{n}@example.se",
                         f"Projekt nummer {n}", "Nyanlända vuxna och ungdomar",
                         f"Att ge fler tillfällen att tala svenska, i samarbete med Kommun "
                         f"{n % 50} och Förening {n % 31}."])
    return out.getvalue().encode("utf-8")


def merge_quadratic(organisations: list[Organisation]) -> list[Organisation]:
    """The merge before issue 9: every name compared with every kept name."""
    def same(a, b):
        x, y = a.name.casefold(), b.name.casefold()
        return x == y or (len(min(x, y, key=len)) >= 5 and fuzz.partial_ratio(x, y) >= 92)

    merged: list[Organisation] = []
    for org in organisations:
        if any(same(org, other) and (org.role == other.role or (
                org.role in ("partner", "implementing", "coordinator")
                and other.role in ("implementing", "coordinator"))) for other in merged):
            continue
        merged.append(org)
    return merged


def distinct_organisations(count: int) -> list[Organisation]:
    """Names no fuzzy rule merges (the worst case: the kept list grows with every name)."""
    rng = random.Random(9)
    words = ["".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 9)))
             for _ in range(2_000)]
    return [Organisation(name=" ".join(rng.choice(words).title() for _ in range(3)),
                         role=("partner", "implementing", "funder")[n % 3])
            for n in range(count)]


def timed(label: str, function, *args):
    start = time.perf_counter()
    result = function(*args)
    print(f"{label:<58} {time.perf_counter() - start:8.2f} s", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--extract-rows", type=int, default=300,
                        help="segments to extract fully (extraction is linear; see per row)")
    args = parser.parse_args()

    from pipeline.ingest import ingest_path
    from pipeline.limits import Limits
    from pipeline.extract.layout import parse_lines
    from pipeline.lexicon import load_lexicon
    from pipeline.extract.organisations import merge_organisations
    from pipeline.extract.fields import extract_segment
    from pipeline.result import DocumentResult
    from pipeline.run_ledger import RunBook
    from pipeline.extract.segment import segment_document

    load_lexicon()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        path.write_bytes(form_export(args.rows))
        print(f"{args.rows:,}-row export, {path.stat().st_size / 1e6:.1f} MB")
        doc = timed("ingest (read, decode, render, normalise, language)", ingest_path,
                    path, Path(folder), Limits.from_settings(Settings()))[0]
    lines = timed("layout: parse_lines", parse_lines, doc.text, load_lexicon())
    segments = timed("segment: segment_document", segment_document, lines)
    print(f"  {len(segments):,} segments")
    sample = segments[:args.extract_rows]
    start = time.perf_counter()
    for segment in sample:
        extract_segment(doc, lines, segment)
    per_row = (time.perf_counter() - start) / max(len(sample), 1)
    print(f"{'extract: extract_segment, per row (' + str(len(sample)) + ' rows)':<58} "
          f"{per_row * 1000:8.1f} ms  → {per_row * len(segments):.0f} s for all rows")

    organisations = distinct_organisations(args.rows)
    for size in (1_000, 4_000):
        timed(f"merge_organisations before (quadratic), {size:,} names", merge_quadratic,
              organisations[:size])
    for size in (1_000, 4_000, args.rows):
        timed(f"merge_organisations now, {size:,} names", merge_organisations,
              organisations[:size])

    documents = [Document(id=f"doc_{n % 5000}", file=f"f{n % 9000}.txt", sha256=str(n % 5000),
                          format="txt", text="x") for n in range(args.rows)]
    results = [DocumentResult.from_document(document) for document in documents]
    timed(f"unique file keys, ids and de-duplication, {args.rows:,} documents",
          RunBook([]).admit, results)
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
