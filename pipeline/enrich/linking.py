"""Link records that describe the same initiative, across documents and languages.

Each batch of records adds compact rows (normalised titles and acronyms, organisations,
websites, countries, start year, names and numbers of the text) to a Parquet file; after the
last batch, Splink scores candidate pairs on DuckDB with blocking on rare keys, so the work
grows with the number of records rather than with its square. Pairs above the threshold
become each record's `related` list; their connected components, after a steward's
split/merge corrections, become the clusters.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
import unicodedata
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.csvsafe import open_csv
from pipeline.models import Initiative

LINK_SCHEMA = pa.schema([
    ("unique_id", pa.string()), ("parent_id", pa.string()), ("title", pa.string()),
    ("title_norm", pa.string()),
    ("title_keys", pa.list_(pa.string())), ("orgs", pa.list_(pa.string())),
    ("sites", pa.list_(pa.string())), ("domains", pa.list_(pa.string())),
    ("countries", pa.list_(pa.string())), ("start_year", pa.string()),
    ("names", pa.list_(pa.string())), ("words_en", pa.list_(pa.string())),
])
MATCH_THRESHOLD = 0.9
MAX_BLOCK = 40        # a key shared by more records identifies none of them
RARE_NAMES = 4        # each record is also blocked on its rarest names
MAX_TOKENS = 300
# Hosts whose domain alone says nothing about the initiative (the full address still counts).
PLATFORM_HOSTS = ("facebook.com", "instagram.com", "linkedin.com", "twitter.com", "x.com",
                  "youtube.com", "google.com", "docs.google.com", "issuu.com", "wordpress.com",
                  "blogspot.com", "europa.eu", "ec.europa.eu", "bit.ly")
# Words that travel between languages: capitalised names (not a sentence's first word),
# acronyms, numbers of three digits or more, and web addresses. Each starts at a word
# boundary, tested first: inside a word the four alternatives are never tried (2× faster).
NAME_TOKEN = re.compile(r"\b(?:(?<=[\w,;:] )[A-ZÅÄÖÆØ][\w-]{2,}|[A-ZÅÄÖÆØ]{2,}\b|\d{3,}\b|"
                        r"[\w-]+\.(?:se|dk|no|fi|org|com|eu|net)\b)")
FOLD = str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "đ": "d", "ł": "l"})
PUNCTUATION = re.compile(r"[^\w\s]")
BLANKS = re.compile(r"\s+")
ENGLISH_WORD = re.compile(r"[a-z]{5,}")
ENGLISH_STOP = frozenset(
    "about after also among because been being between could every from have having into "
    "more most other over same should some such than that their them then there these they "
    "this those through under very were what when where which while will with within would "
    "your project projects initiative".split())

logging.getLogger("splink").setLevel(logging.WARNING)  # its timings are not for stewards


@dataclass(slots=True)
class Pair:
    """Two records judged the same initiative."""

    left: str
    right: str
    score: float
    evidence: list[str] = field(default_factory=list)


@dataclass
class Cluster:
    """Records that describe one initiative."""

    cluster_id: str
    members: list[str]
    title: str | None


# ---- rows per batch -----------------------------------------------------------------------

@lru_cache(maxsize=1 << 16)  # names, acronyms and titles recur across fields and records
def fold_text(text: str) -> str:
    """Casefold, drop accents and punctuation: "Röda Korset" and "Røde Kors" come closer."""
    text = unicodedata.normalize("NFKD", text.casefold().translate(FOLD))
    if not text.isascii():
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return BLANKS.sub(" ", PUNCTUATION.sub(" ", text)).strip()


def title_keys(title: str | None) -> list[str]:
    """The title, its parts around a dash or colon, its acronym in brackets, its initials."""
    if not title:
        return []
    keys = [fold_text(title)]
    parts = re.split(r"\s[–—-]\s|:\s|\(|\)", title)
    keys += [fold_text(part) for part in parts if len(fold_text(part)) >= 3]
    for part in parts:
        words = re.findall(r"[^\W\d_]+", part)
        capitals = [w for w in words if w[:1].isupper()]
        if len(words) >= 3 and len(capitals) == len(words):
            keys.append(fold_text("".join(w[0] for w in words)))
    return sorted(set(key for key in keys if key))


def site_keys(websites: list[str]) -> tuple[list[str], list[str]]:
    """Addresses as host+path and the hosts that are the initiative's own."""
    sites, domains = set(), set()
    for url in websites:
        parts = urlsplit(url if "//" in url else f"https://{url}")
        host = (parts.hostname or "").removeprefix("www.")
        if not host:
            continue
        path = parts.path.rstrip("/").casefold()
        sites.add(host + path)
        if not any(host == p or host.endswith("." + p) for p in PLATFORM_HOSTS):
            domains.add(host)
    return sorted(sites), sorted(domains)


def text_names(record: Initiative) -> tuple[list[str], list[str]]:
    """Names, acronyms, numbers and addresses (language-free), and English content words."""
    names: dict[str, None] = {}
    words: dict[str, None] = {}
    for _, value in record.text_fields():
        for match in NAME_TOKEN.finditer(value.text):
            names.setdefault(fold_text(match.group()), None)
        english = value.text if value.lang == "en" else value.text_en
        for word in ENGLISH_WORD.findall((english or "").casefold()):
            if word not in ENGLISH_STOP:
                words.setdefault(word, None)
    return list(names)[:MAX_TOKENS], list(words)[:MAX_TOKENS]


def linking_row(record: Initiative) -> dict:
    """The compact row the linker compares for one record."""
    sites, domains = site_keys(record.websites)
    names, words = text_names(record)
    orgs = sorted({fold_text(o.name) for o in record.organisations if o.role != "funder"})
    return {"unique_id": record.id, "parent_id": record.parent_id, "title": record.title,
            "title_norm": fold_text(record.title or "") or None,
            "title_keys": title_keys(record.title), "orgs": [o for o in orgs if o],
            "sites": sites, "domains": domains, "countries": sorted(set(record.countries)),
            "start_year": (record.period.start or "")[:4] or None,
            "names": names, "words_en": words}


class LinkTable:
    """A Parquet file of linking rows, appended batch by batch."""

    def __init__(self, path: Path):
        self.path = path
        self._writer: pq.ParquetWriter | None = None

    def add(self, records: list[Initiative]) -> None:
        """Append the linking rows of a batch."""
        if not records:
            return
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.path, LINK_SCHEMA)
        rows = [linking_row(record) for record in records]
        self._writer.write_table(pa.Table.from_pylist(rows, schema=LINK_SCHEMA))

    def close(self) -> Path:
        """Finish the file (an empty one when no record came) and return its path."""
        if self._writer is None:
            pq.write_table(LINK_SCHEMA.empty_table(), self.path)
        else:
            self._writer.close()
            self._writer = None
        return self.path


# ---- pairs and clusters at the end of a run ------------------------------------------------

def link_table(table: Path, corrections: list | None = None,
               threshold: float = MATCH_THRESHOLD) -> tuple[list[Pair], list[Cluster]]:
    """Score, correct and cluster the records of a linking table."""
    from pipeline.enrich.linking_model import LEVELS, level_labels, predict_pairs

    labels = {column: level_labels(column) for column in LEVELS}
    pairs = []
    for row in predict_pairs(table, threshold, MAX_BLOCK, RARE_NAMES):
        left, right = row["unique_id_l"], row["unique_id_r"]
        if row["parent_id_l"] == right or row["parent_id_r"] == left:
            continue  # an example nested in a submission is its part, not a second account
        evidence = [labels[column][row[f"gamma_{column}"]] for column in LEVELS
                    if row[f"gamma_{column}"] in labels[column]]
        left, right = sorted((left, right))
        pairs.append(Pair(left, right, round(float(row["match_probability"]), 4), evidence))
    pairs = apply_cluster_corrections(pairs, corrections or [])
    add_shared_values(pairs, table)
    return pairs, make_clusters(pairs, table)


def apply_cluster_corrections(pairs: list[Pair], corrections: list) -> list[Pair]:
    """A split keeps the named records apart from the rest; a merge links them together."""
    for correction in corrections:
        group = set(correction.ids)
        if correction.action == "split":
            pairs = [p for p in pairs if (p.left in group) == (p.right in group)]
        else:
            ids = sorted(group)
            known = {(p.left, p.right) for p in pairs}
            pairs += [Pair(a, b, 1.0, ["steward merge"]) for a, b in zip(ids, ids[1:])
                      if (a, b) not in known]
    return sorted(pairs, key=lambda p: (p.left, p.right))


def add_shared_values(pairs: list[Pair], table: Path) -> None:
    """Name what two linked records share: titles, organisations, addresses, names."""
    if not pairs:
        return
    wanted = sorted({p.left for p in pairs} | {p.right for p in pairs})
    rows = {row["unique_id"]: row for row in read_rows(table, wanted)}
    for pair in pairs:
        left, right = rows.get(pair.left), rows.get(pair.right)
        if not left or not right:
            continue
        for column, label in (("title_keys", "title"), ("orgs", "organisation"),
                              ("sites", "website"), ("names", "name")):
            shared = sorted(set(left[column]) & set(right[column]))[:5]
            pair.evidence += [f"{label}: {value}" for value in shared]


def read_rows(table: Path, ids: list[str]) -> list[dict]:
    """The linking rows of the given records, read from the Parquet file with a filter."""
    return pq.read_table(table, filters=[("unique_id", "in", ids)]).to_pylist() if ids else []


def make_clusters(pairs: list[Pair], table: Path) -> list[Cluster]:
    """Connected components of the links; the id comes from the smallest member id."""
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for pair in pairs:
        a, b = find(pair.left), find(pair.right)
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = {}
    for node in sorted(parent):
        groups.setdefault(find(node), []).append(node)
    titles = {row["unique_id"]: row["title"] for row in read_rows(table, sorted(parent))}
    return [Cluster(cluster_id(members), members, representative_title(members, titles))
            for members in sorted(groups.values())]


def cluster_id(members: list[str]) -> str:
    """Stable as long as the smallest member stays: 'clu_' and that record's hash."""
    return "clu_" + min(members).removeprefix("ini_")


def representative_title(members: list[str], titles: dict[str, str | None]) -> str | None:
    """The longest title among the members (the acronym alone says least)."""
    named = sorted((t for t in (titles.get(m) for m in members) if t), key=lambda t: (-len(t), t))
    return named[0] if named else None


# ---- into the release ----------------------------------------------------------------------

CLUSTER_COLUMNS = ("cluster_id", "size", "title", "members")


def link_release(staging: Path, table: Path, corrections: list | None = None,
                 on_record: Callable[[dict], None] | None = None, workers: int = 1) -> dict:
    """Link a staged release; a failure leaves the records unlinked and says why.

    `on_record` is handed each linked record as it is written, so what is made of the
    final records needs no second read of them; after a failure it may have seen some.
    """
    try:
        return publish_links(staging, table, corrections, on_record, workers)
    except Exception as exc:  # noqa: BLE001 - linking is an addition; the release still stands
        table.unlink(missing_ok=True)
        return {"error": f"linking failed ({type(exc).__name__}: {exc})"}


def score_links(table: Path, corrections: list | None, staging: Path, links: Path) -> dict:
    """Score and cluster the records; write the clusters tables and each record's links.

    The links go to a small SQLite file (`links`) rather than back to the caller, so what the
    run holds while it rewrites the records does not grow with the number of pairs.
    """
    pairs, clusters = link_table(table, corrections)
    write_clusters(staging, clusters)
    write_links(links, pairs, clusters)
    return {"pairs": len(pairs), "clusters": len(clusters),
            "linked_records": sum(len(cluster.members) for cluster in clusters)}


def score_links_apart(workers: int, *arguments) -> dict:
    """`score_links`, in a worker process when the run has more than one.

    Splink, DuckDB and DuckDB's working memory (up to its limit) then live in a process that
    ends with the scoring, not in the run's, which goes on to write the release. With one
    worker everything stays in this process.
    """
    if workers <= 1:
        return score_links(*arguments)
    from pipeline.workers import WorkerPool

    with WorkerPool(1) as pool:
        return pool.call(score_links, *arguments)


def publish_links(staging: Path, table: Path, corrections: list | None = None,
                  on_record: Callable[[dict], None] | None = None, workers: int = 1) -> dict:
    """Link the staged records, write the clusters table and `related` into each record."""
    links = staging / ".links.sqlite"
    try:
        counts = score_links_apart(workers, table, corrections, staging, links)
        with RecordLinks(links) as record_links:
            rewrite_records(staging / "initiatives.jsonl", record_links, on_record)
    finally:
        links.unlink(missing_ok=True)
        table.unlink(missing_ok=True)
    return counts


def write_links(path: Path, pairs: list[Pair], clusters: list[Cluster]) -> None:
    """Each record's links (both ways) and its cluster, keyed by record id."""
    path.unlink(missing_ok=True)
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("CREATE TABLE related (id TEXT, other TEXT, score REAL, evidence TEXT)")
        db.execute("CREATE TABLE member (id TEXT PRIMARY KEY, cluster_id TEXT)")
        db.executemany("INSERT INTO related VALUES (?, ?, ?, ?)",
                       ((this, other, pair.score, json.dumps(pair.evidence, ensure_ascii=False))
                        for pair in pairs
                        for this, other in ((pair.left, pair.right), (pair.right, pair.left))))
        db.executemany("INSERT INTO member VALUES (?, ?)",
                       ((member, cluster.cluster_id) for cluster in clusters
                        for member in cluster.members))
        db.execute("CREATE INDEX related_id ON related (id)")


class RecordLinks:
    """Read one record's links and cluster from the file `write_links` made."""

    def __init__(self, path: Path):
        self.db = sqlite3.connect(path)

    def __enter__(self) -> RecordLinks:
        return self

    def __exit__(self, *exc) -> None:
        self.db.close()

    def related(self, record_id: str) -> list[dict]:
        """The records linked to this one, best first (ties by id)."""
        rows = self.db.execute("SELECT other, score, evidence FROM related WHERE id = ?",
                               (record_id,)).fetchall()
        return [{"id": other, "score": score, "evidence": json.loads(evidence)}
                for other, score, evidence in sorted(rows, key=lambda r: (-r[1], r[0]))]

    def cluster_id(self, record_id: str) -> str | None:
        row = self.db.execute("SELECT cluster_id FROM member WHERE id = ?",
                              (record_id,)).fetchone()
        return row[0] if row else None


def write_clusters(staging: Path, clusters: list[Cluster]) -> None:
    """clusters.jsonl and clusters.csv: one row per cluster of two or more records."""
    flat, writer = open_csv(staging / "clusters.csv", CLUSTER_COLUMNS)
    with open(staging / "clusters.jsonl", "w", encoding="utf-8") as jsonl, flat:
        for cluster in clusters:
            row = {"cluster_id": cluster.cluster_id, "size": len(cluster.members),
                   "title": cluster.title, "members": cluster.members}
            jsonl.write(json.dumps(row, ensure_ascii=False) + "\n")
            writer.writerow({**row, "members": "; ".join(cluster.members)})


def rewrite_records(path: Path, links: RecordLinks,
                    on_record: Callable[[dict], None] | None = None) -> None:
    """Stream the JSONL through a temporary file, filling `related` (other id, score,
    evidence; best first) and `cluster_id` (and handing each record so filled to
    `on_record`)."""
    temporary = path.with_name(f".{path.name}.linking")
    with open(path, encoding="utf-8") as source, open(temporary, "w", encoding="utf-8") as out:
        for line in source:
            record = json.loads(line)
            record["related"] = links.related(record["id"])
            record["cluster_id"] = links.cluster_id(record["id"])
            out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
            if on_record is not None:
                on_record(record)
    os.replace(temporary, path)
