"""Benchmark record linkage: time to link 1,250 … 10,000 generated records, and its growth.

On demand only, not part of the tests. Generated records imitate the dataset: initiatives
with invented names in five languages, an implementing organisation (a few large
organisations run many initiatives under one address), a website, a country, a text of names
and numbers; one in ten is described twice, in another language, with a reworded title.
Run: `python bench/bench_linking.py [--sizes 1250 2500 5000 10000] [--append]`.
"""

from __future__ import annotations

import argparse
import platform
import random
import tempfile
import time
from pathlib import Path

from pipeline.enrich.linking import LinkTable, link_table
from pipeline.models import Initiative, Organisation, Source, TextField

SYLLABLES = ("ka", "lo", "mi", "sa", "ne", "tu", "ri", "vo", "ba", "en", "ul", "dra", "fi",
             "kor", "nis", "tel", "mar", "ven", "sko", "lund")
LANGS = ("sv", "da", "nb", "fi", "en")
COUNTRIES = ("SE", "DK", "NO", "FI")
WORDS = {"sv": "projektet stödjer nyanlända med språk och arbete i",
         "da": "projektet støtter nyankomne med sprog og arbejde i",
         "nb": "prosjektet støtter nyankomne med språk og arbeid i",
         "fi": "hanke tukee maahanmuuttajia kielessä ja työssä kohteessa",
         "en": "the project supports newcomers with language and work in"}


def invent(rng: random.Random, parts: int) -> str:
    """A made-up proper name of a few syllables."""
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def make_record(rng: random.Random, n: int, base: dict | None = None) -> tuple[Initiative, dict]:
    """One generated record; with `base`, a second account of that record's initiative."""
    lang = rng.choice(LANGS)
    if base is None:
        big = rng.random() < 0.2  # a large organisation with many initiatives
        org = f"Org {rng.randrange(40)}" if big else f"{invent(rng, 3)} förening"
        host = org.replace(" ", "").casefold()
        base = {"name": invent(rng, 3), "place": invent(rng, 2), "org": org,
                "site": f"https://{host}.org/{invent(rng, 2).casefold()}",
                "country": rng.choice(COUNTRIES), "number": str(rng.randrange(100, 5000))}
    title = f"{base['name']} {base['place']}" if rng.random() < 0.5 else base["name"]
    text = (f"{base['name']} {WORDS[lang]} {base['place']}. {base['org']} "
            f"{invent(rng, 2)} {base['number']}.")
    rid = f"ini_{n:016x}"
    return Initiative(
        id=rid, title=title, language=lang, countries=[base["country"]],
        websites=[base["site"]],
        organisations=[Organisation(name=base["org"], role="implementing")],
        description=TextField(text=text, lang=lang, span=(0, len(text))),
        source=Source(file=f"{rid}.txt", sha256=rid, format="txt", segment="0",
                      span=(0, len(text)))), base


def generate(size: int, seed: int = 13) -> tuple[list[Initiative], dict[str, int]]:
    """`size` records, one in ten a second account of an earlier one; id → initiative."""
    rng = random.Random(seed)
    records, bases, truth = [], [], {}
    for n in range(size):
        twin = bases and rng.random() < 0.1
        pick = rng.randrange(len(bases)) if twin else len(bases)
        record, base = make_record(rng, n, bases[pick] if twin else None)
        records.append(record)
        truth[record.id] = pick
        if not twin:
            bases.append(base)
    return records, truth


def time_linking(size: int, work: Path) -> tuple[float, int, int, float]:
    """Seconds to write the linking rows and link them; pairs, clusters, share of true pairs."""
    records, truth = generate(size)
    start = time.perf_counter()
    table = LinkTable(work / f"links-{size}.parquet")
    for batch in range(0, size, 500):
        table.add(records[batch:batch + 500])
    pairs, clusters = link_table(table.close())
    seconds = time.perf_counter() - start
    true = sum(truth[p.left] == truth[p.right] for p in pairs)
    return seconds, len(pairs), len(clusters), true / max(len(pairs), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1250, 2500, 5000, 10000])
    parser.add_argument("--append", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as work:
        time_linking(200, Path(work))  # warm-up: imports, DuckDB start
        for size in args.sizes:
            seconds, pairs, clusters, precision = time_linking(size, Path(work))
            rows.append((size, seconds, pairs, clusters, precision))
            print(f"{size:>6} records  {seconds:6.2f} s  {pairs:>5} pairs  {clusters:>5} clusters"
                  f"  {1000 * seconds / size:.2f} ms/record  precision {precision:.3f}",
                  flush=True)
    first, last = rows[0], rows[-1]
    growth = (last[1] / first[1]) / (last[0] / first[0])
    print(f"time grows {growth:.2f}x as fast as the record count ({first[0]} → {last[0]})")
    if args.append:
        append_results(rows, growth)


def append_results(rows: list[tuple], growth: float) -> None:
    """Add a dated table of the figures to bench/RESULTS.md."""
    lines = ["", f"# Linking benchmark ({time.strftime('%Y-%m-%d')}, "
                 f"{platform.machine()}, Python {platform.python_version()})", "",
             "`python bench/bench_linking.py --append`: generated records, one in ten a second "
             "account in another language; time = linking rows written in batches of 500 + "
             "Splink prediction + clustering. A fifth of the initiatives belong to 40 large "
             "organisations that share one domain, so same-organisation pairs are the traps.",
             "",
             "| records | seconds | ms per record | pairs | clusters | pairs that are true |",
             "| --- | --- | --- | --- | --- | --- |"]
    lines += [f"| {size:,} | {seconds:.2f} | {1000 * seconds / size:.2f} | {pairs} | {clusters} "
              f"| {precision:.3f} |" for size, seconds, pairs, clusters, precision in rows]
    lines += ["", f"From {rows[0][0]:,} to {rows[-1][0]:,} records the time grew {growth:.2f}× "
                  "as fast as the record count (1.00 would be exactly linear).", ""]
    path = Path(__file__).parent / "RESULTS.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
