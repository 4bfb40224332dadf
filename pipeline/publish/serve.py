"""Browse a release's SQLite database in Datasette, with titles, descriptions and facets.

`build_metadata` describes the database that `pipeline.publish.database.build_database` writes;
`serve_database` opens it read-only (Datasette's immutable mode) on loopback by default.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

TITLE = "Praxis: integration initiatives"
DESCRIPTION = (
    "Refugee- and migrant-integration initiatives extracted from multilingual write-ups "
    "(Swedish, Danish, Norwegian, Finnish, English). One row per initiative in `initiatives`; "
    "its lists (organisations, countries, categories, themes, …) are tables keyed by "
    "`initiative_id`. `initiative_overview` shows one row per initiative with its countries, "
    "categories and themes, and facets on all of them."
)

TABLES: dict[str, dict] = {
    "initiative_overview": {
        "description": "One row per initiative with its countries, target-group categories and "
                       "themes as lists: filter by any of them with the facets.",
        "facets": ["language", {"array": "countries"}, {"array": "categories"},
                   {"array": "themes"}, "implementation_level"],
    },
    "initiatives": {
        "description": "One row per initiative: title, language, level, period, source, and "
                       "each section's text with its English version (`…_en`).",
        "facets": ["language", "implementation_level"],
        "label_column": "title",
        "columns": {
            "id": "Stable id: the same source content gives the same id on every run",
            "language": "ISO 639-1 code of the record's body text",
            "parent_id": "The enclosing initiative, for examples nested in another submission",
            "document_id": "The source document in `documents`",
            "source_segment": "Which block of the source document this record came from",
        },
    },
    "organisations": {
        "description": "Organisations per initiative and their role: implementing, "
                       "coordinator, partner or funder.",
        "facets": ["role", "country"],
    },
    "contacts": {
        "description": "Contact people as written in the source. Personal data: not for "
                       "publication (the public variant of a release leaves them out).",
    },
    "countries": {
        "description": "Countries an initiative works in (ISO 3166-1 alpha-2).",
        "facets": ["country"],
    },
    "country_names": {
        "description": "English names of the country codes used in this release.",
        "label_column": "name",
    },
    "websites": {"description": "Websites per initiative (absolute URLs)."},
    "target_group_categories": {
        "description": "Target-group categories per initiative, from the contract's vocabulary.",
        "facets": ["category"],
    },
    "themes": {
        "description": "Themes per initiative, from the contract's vocabulary.",
        "facets": ["theme"],
    },
    "funding": {"description": "Funders named as funding an initiative.", "facets": ["funder"]},
    "sdgs": {"description": "UN Sustainable Development Goals an initiative states.",
             "facets": ["sdg"]},
    "outcomes": {
        "description": "Figures the results sections state: value, unit (percent, count or a "
                       "currency code), what was counted, kind (achieved, target, expected), "
                       "year, and the sentence they stand in.",
        "facets": ["unit", "kind", "year", "field"],
    },
    "clusters": {
        "description": "Records that describe the same initiative (linked across documents "
                       "and languages); members in `cluster_members`.",
        "facets": ["size"], "label_column": "title",
    },
    "cluster_members": {"description": "Which records each cluster holds."},
    "related": {
        "description": "Pairs of records linked as the same initiative, with the score and "
                       "what matched (titles, organisations, websites, names).",
    },
    "text_fields": {
        "description": "Every section text with its language, English version and span "
                       "[span_start, span_end) in the source document's normalised text.",
        "facets": ["field", "lang", "method"],
        "columns": {"confidence": "Extraction confidence, 0–1",
                    "method": "How the text was found (label, heading, steward, …)"},
    },
    "issues": {
        "description": "Problems met while processing a record, as recorded on it.",
        "facets": ["stage", "code"],
    },
    "documents": {
        "description": "Source documents: file, format, language, status (`ok` or "
                       "`quarantined` with the reason in `error`) and the normalised text "
                       "that every span points into.",
        "facets": ["status", "format", "language"],
    },
    "release": {"description": "The release this database was built from."},
}


def read_release(db_path: Path) -> dict:
    """The `release` row of a database, or an empty dict when it has none."""
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        connection.row_factory = sqlite3.Row
        row = connection.execute("SELECT * FROM release LIMIT 1").fetchone()
    except sqlite3.DatabaseError:
        row = None
    finally:
        connection.close()
    return dict(row) if row else {}


def build_metadata(db_path: Path, release: dict | None = None) -> dict:
    """Datasette metadata: a title, a description, per-table descriptions and facets."""
    db_path = Path(db_path)
    release = read_release(db_path) if release is None else release
    description = DESCRIPTION
    if release.get("version"):
        description += (f" Release {release['version']}: {release.get('initiatives', '?')} "
                        f"initiatives from {release.get('documents', '?')} documents.")
    return {
        "title": TITLE,
        "description": description,
        "source": "Praxis pipeline",
        "databases": {db_path.stem: {"title": TITLE, "tables": TABLES}},
    }


def create_datasette(db_path: Path, metadata: dict | None = None):
    """A Datasette instance serving the database read-only with its metadata."""
    from datasette.app import Datasette  # only the serve command needs datasette loaded

    db_path = Path(db_path)
    if not db_path.is_file():
        raise FileNotFoundError(f"no database at {db_path}: build it with build_database first")
    metadata = metadata or build_metadata(db_path)
    return Datasette(immutables=[str(db_path)], metadata=metadata,
                     settings={"facet_time_limit_ms": 1000, "sql_time_limit_ms": 3000})


def serve_database(db_path: Path, host: str = "127.0.0.1", port: int = 8001,
                   metadata: dict | None = None) -> None:
    """Serve the database in Datasette until interrupted (loopback unless told otherwise)."""
    import uvicorn

    datasette = create_datasette(db_path, metadata)
    asyncio.run(datasette.invoke_startup())
    uvicorn.run(datasette.app(), host=host, port=port, log_level="info", lifespan="on")
