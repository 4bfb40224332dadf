"""The database's overview table and full-text search, built once the records are in.

`all_initiatives` is one row per initiative with its lists; the FTS5 indexes behind
Datasette's search boxes use trigrams, so a search finds any part of a word.
"""

from __future__ import annotations

import sqlite3

from pipeline.models import SECTION_FIELDS
from pipeline.publish.datasette_metadata import OVERVIEW

# One row per initiative with its lists as JSON arrays: Datasette facets on these columns
# (`{"array": "countries"}`) let a reader filter initiatives by country, category or theme.
# A table, not a view: Datasette lists tables by name before views, and opens its SQL box on
# the first, so the overview is named to come first. `id` links to the record in
# `initiatives` (a foreign key, which Datasette shows as the record's title).
OVERVIEW_SCHEMA = f"""
CREATE TABLE {OVERVIEW} (
  id TEXT PRIMARY KEY REFERENCES initiatives(id), title TEXT, title_en TEXT, language TEXT,
  implementation_level TEXT, countries TEXT, categories TEXT, themes TEXT,
  organisations TEXT, period_start TEXT, period_end TEXT,
  parent_id TEXT REFERENCES initiatives(id), source_file TEXT
);
INSERT INTO {OVERVIEW}
SELECT i.id, i.title, i.title_en, i.language, i.implementation_level,
  (SELECT json_group_array(country) FROM
     (SELECT country FROM countries WHERE initiative_id = i.id ORDER BY position)),
  (SELECT json_group_array(category) FROM
     (SELECT category FROM target_group_categories WHERE initiative_id = i.id
      ORDER BY position)),
  (SELECT json_group_array(theme) FROM
     (SELECT theme FROM themes WHERE initiative_id = i.id ORDER BY position)),
  (SELECT group_concat(name, '; ') FROM
     (SELECT name FROM organisations WHERE initiative_id = i.id ORDER BY position)),
  i.period_start, i.period_end, i.parent_id, i.source_file
FROM initiatives i ORDER BY i.rowid;
CREATE INDEX idx_{OVERVIEW}_language ON {OVERVIEW}(language);
CREATE INDEX idx_{OVERVIEW}_parent_id ON {OVERVIEW}(parent_id);
"""

# Full-text search that Datasette finds by the `content=[table]` option. The trigram
# tokenizer matches any part of a word of three or more letters: "flykting" finds
# "flyktingar" and "flyktingmottagning", which Nordic inflection and compounds need.
TOKENIZER = "trigram"
FTS_TABLES = {
    "initiatives_fts": ("initiatives", ("title", "title_en", *SECTION_FIELDS,
                                        *(f"{name}_en" for name in SECTION_FIELDS))),
    "text_fields_fts": ("text_fields", ("text", "text_en")),
}
# The overview's search: titles, organisations and every section text, in a contentless index
# whose rowids are the overview's (Datasette's `fts_table` metadata points at it).
OVERVIEW_FTS = f"{OVERVIEW}_fts"
OVERVIEW_TEXT = " || ' ' || ".join(f"coalesce(i.{name}, '') || ' ' || coalesce(i.{name}_en, '')"
                                   for name in SECTION_FIELDS)


def add_full_text_search(connection: sqlite3.Connection) -> None:
    """Index titles and texts for Datasette's search box (skipped without FTS5 trigrams)."""
    try:
        connection.execute(f"CREATE VIRTUAL TABLE {OVERVIEW_FTS} USING fts5(title, title_en, "
                           f"organisations, text, content='', tokenize='{TOKENIZER}')")
    except sqlite3.OperationalError:  # an SQLite without FTS5 (or before 3.34): no search
        return
    connection.execute(
        f"INSERT INTO {OVERVIEW_FTS}(rowid, title, title_en, organisations, text) "
        f"SELECT o.rowid, i.title, i.title_en, o.organisations, {OVERVIEW_TEXT} "
        f"FROM {OVERVIEW} o JOIN initiatives i ON i.id = o.id")
    for name, (table, columns) in FTS_TABLES.items():
        connection.execute(f"CREATE VIRTUAL TABLE {name} USING fts5("
                           f"{', '.join(columns)}, content=[{table}], tokenize='{TOKENIZER}')")
        connection.execute(f"INSERT INTO {name}({name}) VALUES ('rebuild')")
