"""Build a SQLite database of a release: initiatives and their parts as tables with keys.

The database is derived data: `build_database` streams `initiatives.jsonl` and
`documents.jsonl` of a release folder into a temporary file and renames it into place, so a
reader never sees half a database. It does so in two steps a release writer holds apart:
`start_database` loads everything but the records' links and builds the indexes and the
full-text search while the records are linked; `finish_database` adds the links, the
clusters and the release row, and moves the file into place. Lists in a record become child tables keyed by
`initiative_id` (a foreign key to `initiatives.id`) and their position in the list; every
foreign key column leads an index. The overview table and the search indexes are built by
`pipeline.publish.overview`; Datasette (`pipeline.publish.serve`) opens the result read-only.
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import closing
from pathlib import Path

from pipeline.models import SECTION_FIELDS
from pipeline.publish.database_links import (BATCH_SIZE, LINKING_SCHEMA, RELATED_INSERT,
                                             insert_clusters, insert_outcomes_and_links)
from pipeline.publish.overview import OVERVIEW_SCHEMA, add_full_text_search
from pipeline.publish.datasette_metadata import write_metadata
from pipeline.publish.labels import country_name
from pipeline.streams import batched, read_jsonl

DEFAULT_NAME = "praxis.sqlite"

_SECTION_COLUMNS = ",\n  ".join(f"{name} TEXT, {name}_en TEXT" for name in SECTION_FIELDS)

SCHEMA = f"""
CREATE TABLE release (
  version TEXT PRIMARY KEY, created TEXT, pipeline_version TEXT, schema_version TEXT,
  documents INTEGER, initiatives INTEGER
);
CREATE TABLE documents (
  id TEXT PRIMARY KEY, file TEXT NOT NULL UNIQUE, sha256 TEXT NOT NULL, format TEXT,
  language TEXT, status TEXT NOT NULL, error TEXT, text TEXT
);
CREATE TABLE country_names (code TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE initiatives (
  id TEXT PRIMARY KEY,
  title TEXT, title_en TEXT, title_lang TEXT,
  language TEXT NOT NULL,
  implementation_level TEXT,
  period_start TEXT, period_end TEXT, period_text TEXT,
  parent_id TEXT REFERENCES initiatives(id),
  {_SECTION_COLUMNS},
  schema_version TEXT NOT NULL,
  document_id TEXT REFERENCES documents(id),
  source_file TEXT NOT NULL, source_sha256 TEXT NOT NULL, source_format TEXT,
  source_segment TEXT, source_span_start INTEGER, source_span_end INTEGER
);
CREATE TABLE organisations (
  id INTEGER PRIMARY KEY,
  initiative_id TEXT NOT NULL REFERENCES initiatives(id), position INTEGER NOT NULL,
  name TEXT NOT NULL, role TEXT NOT NULL, country TEXT REFERENCES country_names(code),
  UNIQUE (initiative_id, position)
);
CREATE TABLE contacts (
  id INTEGER PRIMARY KEY,
  initiative_id TEXT NOT NULL REFERENCES initiatives(id), position INTEGER NOT NULL,
  name TEXT, email TEXT NOT NULL,
  UNIQUE (initiative_id, position)
);
CREATE TABLE text_fields (
  id INTEGER PRIMARY KEY,
  initiative_id TEXT NOT NULL REFERENCES initiatives(id),
  field TEXT NOT NULL, position INTEGER NOT NULL,
  text TEXT NOT NULL, lang TEXT, text_en TEXT, span_start INTEGER, span_end INTEGER,
  confidence REAL, method TEXT, translation_engine TEXT,
  UNIQUE (initiative_id, field, position)
);
CREATE TABLE issues (
  id INTEGER PRIMARY KEY,
  initiative_id TEXT NOT NULL REFERENCES initiatives(id), position INTEGER NOT NULL,
  stage TEXT NOT NULL, code TEXT NOT NULL, field TEXT, message TEXT,
  UNIQUE (initiative_id, position)
);
CREATE TABLE countries (
  initiative_id TEXT NOT NULL REFERENCES initiatives(id), position INTEGER NOT NULL,
  country TEXT NOT NULL REFERENCES country_names(code),
  PRIMARY KEY (initiative_id, position)
);
CREATE TABLE websites (
  initiative_id TEXT NOT NULL REFERENCES initiatives(id), position INTEGER NOT NULL,
  url TEXT NOT NULL,
  PRIMARY KEY (initiative_id, position)
);
CREATE TABLE target_group_categories (
  initiative_id TEXT NOT NULL REFERENCES initiatives(id), position INTEGER NOT NULL,
  category TEXT NOT NULL,
  PRIMARY KEY (initiative_id, position)
);
CREATE TABLE themes (
  initiative_id TEXT NOT NULL REFERENCES initiatives(id), position INTEGER NOT NULL,
  theme TEXT NOT NULL,
  PRIMARY KEY (initiative_id, position)
);
CREATE TABLE funding (
  initiative_id TEXT NOT NULL REFERENCES initiatives(id), position INTEGER NOT NULL,
  funder TEXT NOT NULL,
  PRIMARY KEY (initiative_id, position)
);
CREATE TABLE sdgs (
  initiative_id TEXT NOT NULL REFERENCES initiatives(id), position INTEGER NOT NULL,
  sdg INTEGER NOT NULL,
  PRIMARY KEY (initiative_id, position)
);
"""

# Every foreign key column leads an index. Composite primary keys (initiative_id, position)
# and UNIQUE (initiative_id, ...) constraints already index initiative_id; these add the rest,
# plus the value columns that Datasette facets on.
INDEXES = """
CREATE INDEX idx_initiatives_parent_id ON initiatives(parent_id);
CREATE INDEX idx_initiatives_document_id ON initiatives(document_id);
CREATE INDEX idx_initiatives_language ON initiatives(language);
CREATE INDEX idx_organisations_country ON organisations(country);
CREATE INDEX idx_countries_country ON countries(country);
CREATE INDEX idx_target_group_categories_category ON target_group_categories(category);
CREATE INDEX idx_themes_theme ON themes(theme);
CREATE INDEX idx_text_fields_field ON text_fields(field);
"""

LIST_TABLES = {  # record key → (table, value column)
    "countries": ("countries", "country"),
    "websites": ("websites", "url"),
    "target_group_categories": ("target_group_categories", "category"),
    "themes": ("themes", "theme"),
    "funding": ("funding", "funder"),
    "sdgs": ("sdgs", "sdg"),
}


class DatabaseIntegrityError(ValueError):
    """The release refers to records or documents it does not contain."""


def build_database(release_dir: Path, db_path: Path | None = None) -> Path:
    """Write a SQLite database of a release (default `release_dir/praxis.sqlite`)."""
    release_dir = Path(release_dir)
    building = building_path(release_dir, db_path)
    start_database(release_dir, building, with_links=True)
    return finish_database(release_dir, building, db_path)


def building_path(release_dir: Path, db_path: Path | None = None) -> Path:
    """The temporary file a database is built in, beside where it goes."""
    db_path = Path(db_path) if db_path else Path(release_dir) / DEFAULT_NAME
    return db_path.with_name(f".{db_path.name}.{os.getpid()}.tmp")


def start_database(release_dir: Path, building: Path, with_links: bool = False) -> None:
    """Load a release's documents and records into a new database at `building`, with
    every index and the full-text search; without their links unless `with_links`.

    Linking changes nothing this step reads but the records' `related` lists, so a release
    writer runs it while the records are linked and hands the links to `finish_database`.
    """
    building.parent.mkdir(parents=True, exist_ok=True)
    building.unlink(missing_ok=True)
    try:
        with closing(sqlite3.connect(building)) as connection:
            fill_database(connection, release_dir, with_links)
    except BaseException:
        building.unlink(missing_ok=True)
        raise


def finish_database(release_dir: Path, building: Path, db_path: Path | None = None,
                    related: Path | None = None) -> Path:
    """Add the links (`related`: a JSONL file of `related_rows`, if they were left out; it is
    removed), the clusters and the release row; check the keys; move the database into place."""
    release_dir = Path(release_dir)
    db_path = Path(db_path) if db_path else release_dir / DEFAULT_NAME
    try:
        if not building.exists():  # sqlite3 would start an empty one
            raise FileNotFoundError(f"no database started at {building}")
        with closing(sqlite3.connect(building)) as connection:
            connection.execute("PRAGMA journal_mode = OFF")
            connection.execute("PRAGMA synchronous = OFF")
            with connection:
                if related is not None:
                    for rows in batched(read_jsonl(related), BATCH_SIZE):
                        connection.executemany(RELATED_INSERT, rows)
                insert_clusters(connection, release_dir)
                insert_release(connection, release_dir)
            check_foreign_keys(connection, ("related", "clusters", "cluster_members"))
            connection.execute("ANALYZE")
            connection.commit()
        with building.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(building, db_path)
    except BaseException:
        building.unlink(missing_ok=True)
        raise
    finally:
        if related is not None:
            related.unlink(missing_ok=True)
    write_metadata(db_path)
    return db_path


def fill_database(connection: sqlite3.Connection, release_dir: Path,
                  with_links: bool = True) -> None:
    """Create the tables and load a release's documents and records into them; check their
    keys; build the overview and the full-text search."""
    # A temporary file renamed into place only when complete needs no journal.
    connection.execute("PRAGMA journal_mode = OFF")
    connection.execute("PRAGMA synchronous = OFF")
    connection.executescript(SCHEMA + LINKING_SCHEMA)
    with connection:
        documents = load_documents(connection, release_dir / "documents.jsonl")
        countries: set[str] = set()
        for batch in batched(read_jsonl(release_dir / "initiatives.jsonl"), BATCH_SIZE):
            countries |= insert_records(connection, batch, documents)
            insert_outcomes_and_links(connection, batch, with_links)
        insert_country_names(connection, countries)
    connection.executescript(INDEXES)
    check_foreign_keys(connection)  # before the overview, which repeats the records' keys
    connection.executescript(OVERVIEW_SCHEMA)
    add_full_text_search(connection)
    connection.commit()


def load_documents(connection: sqlite3.Connection, path: Path) -> dict[str, str]:
    """Insert every source document; return file → document id for the records' keys."""
    ids: dict[str, str] = {}
    for batch in batched(read_jsonl(path), BATCH_SIZE):
        rows = [(d["id"], d["file"], d["sha256"], d.get("format"), d.get("language"),
                 d.get("status", "ok"), d.get("error"), d.get("text")) for d in batch]
        connection.executemany("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        ids.update((d["file"], d["id"]) for d in batch)
    return ids


def initiative_row(record: dict, documents: dict[str, str]) -> dict:
    """The `initiatives` row of a record: scalars, period, source, section texts."""
    period = record.get("period") or {}
    source = record["source"]
    span = source.get("span") or (None, None)
    row = {
        "id": record["id"], "title": record.get("title"), "title_en": record.get("title_en"),
        "title_lang": record.get("title_lang"), "language": record["language"],
        "implementation_level": record.get("implementation_level"),
        "period_start": period.get("start"), "period_end": period.get("end"),
        "period_text": period.get("text"), "parent_id": record.get("parent_id"),
        "schema_version": record.get("schema_version", ""),
        "document_id": documents.get(source["file"]),
        "source_file": source["file"], "source_sha256": source["sha256"],
        "source_format": source.get("format"), "source_segment": source.get("segment"),
        "source_span_start": span[0], "source_span_end": span[1],
    }
    for name in SECTION_FIELDS:
        field = record.get(name) or {}
        row[name], row[f"{name}_en"] = field.get("text"), field.get("text_en")
    return row


def text_field_rows(record: dict) -> list[tuple]:
    """One row per text field of a record, activities numbered by their position."""
    fields = [(name, 0, record.get(name)) for name in SECTION_FIELDS]
    fields += [("activities", n, item) for n, item in enumerate(record.get("activities") or [])]
    rows = []
    for name, position, field in fields:
        if not field:
            continue
        span = field.get("span") or (None, None)
        engine = (field.get("translation") or {}).get("engine")
        rows.append((record["id"], name, position, field["text"], field.get("lang"),
                     field.get("text_en"), span[0], span[1], field.get("confidence"),
                     field.get("method"), engine))
    return rows


def insert_records(connection: sqlite3.Connection, records: list[dict],
                   documents: dict[str, str]) -> set[str]:
    """Insert a batch of records into every table; return the country codes they use."""
    rows = [initiative_row(record, documents) for record in records]
    columns = list(rows[0])
    connection.executemany(
        f"INSERT INTO initiatives ({', '.join(columns)}) "
        f"VALUES ({', '.join(':' + c for c in columns)})", rows)
    countries: set[str] = set()
    for record in records:
        rid = record["id"]
        organisations = record.get("organisations") or []
        connection.executemany(
            "INSERT INTO organisations (initiative_id, position, name, role, country) "
            "VALUES (?, ?, ?, ?, ?)",
            [(rid, n, o["name"], o["role"], o.get("country")) for n, o in enumerate(organisations)])
        connection.executemany(
            "INSERT INTO contacts (initiative_id, position, name, email) VALUES (?, ?, ?, ?)",
            [(rid, n, c.get("name"), c["email"])
             for n, c in enumerate(record.get("contacts") or [])])
        connection.executemany(
            "INSERT INTO text_fields (initiative_id, field, position, text, lang, text_en, "
            "span_start, span_end, confidence, method, translation_engine) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", text_field_rows(record))
        connection.executemany(
            "INSERT INTO issues (initiative_id, position, stage, code, field, message) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(rid, n, i["stage"], i["code"], i.get("field"), i.get("message"))
             for n, i in enumerate(record.get("issues") or [])])
        for key, (table, column) in LIST_TABLES.items():
            connection.executemany(
                f"INSERT INTO {table} (initiative_id, position, {column}) VALUES (?, ?, ?)",
                [(rid, n, value) for n, value in enumerate(record.get(key) or [])])
        countries.update(record.get("countries") or [])
        countries.update(o["country"] for o in organisations if o.get("country"))
    return countries


def insert_country_names(connection: sqlite3.Connection, codes: set[str]) -> None:
    connection.executemany("INSERT INTO country_names VALUES (?, ?)",
                           [(code, country_name(code)) for code in sorted(codes)])


def insert_release(connection: sqlite3.Connection, release_dir: Path) -> None:
    """One row describing the release, from its manifest (a folder without one: its name)."""
    manifest_path = release_dir / "manifest.json"
    manifest = (json.loads(manifest_path.read_text(encoding="utf-8"))
                if manifest_path.exists() else {})
    documents = connection.execute("SELECT count(*) FROM documents").fetchone()[0]
    initiatives = connection.execute("SELECT count(*) FROM initiatives").fetchone()[0]
    connection.execute(
        "INSERT INTO release VALUES (?, ?, ?, ?, ?, ?)",
        (manifest.get("version") or release_dir.resolve().name, manifest.get("created"),
         manifest.get("pipeline_version"), manifest.get("schema_version"),
         documents, initiatives))


def check_foreign_keys(connection: sqlite3.Connection, tables: tuple[str, ...] = ()) -> None:
    """Raise when a record (in `tables`, or in any table) points at an initiative or
    document the release lacks."""
    if tables:
        violations = [row for table in tables
                      for row in connection.execute(f"PRAGMA foreign_key_check({table})")]
    else:
        violations = connection.execute("PRAGMA foreign_key_check").fetchall()
    if violations:
        shown = "; ".join(f"{table} row {rowid} → {parent}"
                          for table, rowid, parent, _ in violations[:10])
        raise DatabaseIntegrityError(
            f"{len(violations)} dangling reference(s) in the release: {shown}")
