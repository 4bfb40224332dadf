"""Datasette metadata for a release's database: titles, descriptions, facets, search.

`build_metadata` describes the database that `pipeline.publish.database.build_database` writes,
and `write_metadata` saves it beside the database (`praxis.metadata.json`), so that plain
`datasette praxis.sqlite -m praxis.metadata.json` shows the same titles, facets and search.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

# The overview table (pipeline.publish.database): named to sort before every other table.
OVERVIEW = "all_initiatives"

TITLE = "Praxis: integration initiatives"
DESCRIPTION = (
    "Refugee- and migrant-integration initiatives extracted from multilingual write-ups "
    "(Swedish, Danish, Norwegian, Finnish, English). One row per initiative in `initiatives`; "
    "its lists (organisations, countries, categories, themes, …) are tables keyed by "
    "`initiative_id`. Start with `all_initiatives`: one row per initiative with its "
    "countries, categories and themes, facets on all of them, and a search box that finds any "
    "part of a word of three or more letters in titles, organisations and texts."
)

TABLES: dict[str, dict] = {
    OVERVIEW: {
        "title": "All initiatives",
        "description": "Start here: one row per initiative with its countries, target-group "
                       "categories and themes; filter by any of them with the facets, search "
                       "titles, organisations and texts with the box. The id opens the full "
                       "record.",
        "facets": ["language", {"array": "countries"}, {"array": "categories"},
                   {"array": "themes"}, "implementation_level"],
        "sort": "title",
        "fts_table": f"{OVERVIEW}_fts",
        "fts_pk": "rowid",
        "columns": {"id": "The record in `initiatives`",
                    "parent_id": "The enclosing initiative, for a nested example"},
    },
    "initiatives": {
        "description": "One row per initiative: title, language, level, period, source, and "
                       "each section's text with its English version (`…_en`).",
        "facets": ["language", "implementation_level"],
        "label_column": "title",
        "sort": "title",
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
        "label_column": "file",
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
        "databases": {db_path.stem: {"title": TITLE, "description": description,
                                     "tables": TABLES}},
    }


def metadata_path(db_path: Path) -> Path:
    """Where a database's metadata file lives: `praxis.sqlite` → `praxis.metadata.json`."""
    return Path(db_path).with_name(f"{Path(db_path).stem}.metadata.json")


def write_metadata(db_path: Path) -> Path:
    """Save the database's metadata beside it for `datasette … -m` (no release stamp in it)."""
    path = metadata_path(db_path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    text = json.dumps(build_metadata(db_path, release={}), ensure_ascii=False, indent=2)
    temporary.write_text(text + "\n", encoding="utf-8")
    os.replace(temporary, path)
    return path
