"""The record-linkage model: Splink's Fellegi-Sunter comparisons on DuckDB, with blocking.

The m and u probabilities are set here rather than trained: a run may hold a handful of
records, too few for expectation maximisation, and fixed weights keep links stable between
runs. A title that disagrees counts heavily against a pair, because one organisation's page
often describes several initiatives under the same address.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
import tempfile
from pathlib import Path

import duckdb
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

PRIOR = 1e-4  # the chance that two records picked at random describe one initiative
# (m, u) per level: how often the level holds for the same initiative, and for two others.
LEVELS = {
    "title": [("title_norm_l = title_norm_r", "same title", 0.5, 0.0005),
              ("len(list_intersect(title_keys_l, title_keys_r)) > 0", "title or acronym",
               0.35, 0.001),
              ("jaro_winkler_similarity(title_norm_l, title_norm_r) >= 0.9", "similar title",
               0.13, 0.003)],
    "orgs": [("len(list_intersect(orgs_l, orgs_r)) > 0", "organisation", 0.7, 0.01)],
    "sites": [("len(list_intersect(sites_l, sites_r)) > 0", "website", 0.4, 0.002),
              ("len(list_intersect(domains_l, domains_r)) > 0", "domain", 0.2, 0.005)],
    "countries": [("len(list_intersect(countries_l, countries_r)) > 0", "country", 0.9, 0.3)],
    "start_year": [("start_year_l = start_year_r", "start year", 0.6, 0.1)],
    "names": [("{jaccard} >= 0.3", "names and numbers in the text", 0.45, 0.001),
              ("{jaccard} >= 0.12", "some names in the text", 0.35, 0.02)],
    "words_en": [("{jaccard} >= 0.3", "English text", 0.3, 0.001),
                 ("{jaccard} >= 0.15", "some English text", 0.3, 0.02)],
}
ELSE = {"title": (0.02, 0.9955), "orgs": (0.3, 0.99), "sites": (0.4, 0.993),
        "countries": (0.1, 0.7), "start_year": (0.4, 0.9), "names": (0.2, 0.979),
        "words_en": (0.4, 0.979)}
NULL_WHEN = {"title": "title_norm", "start_year": "start_year"}  # scalar columns; others lists
JACCARD = ("len(list_intersect({c}_l, {c}_r)) / "
           "greatest(len(list_distinct(list_concat({c}_l, {c}_r))), 1)")


def make_comparison(column: str) -> cl.CustomComparison:
    """One comparison: a null level, the agreeing levels of LEVELS, and the rest."""
    if column in NULL_WHEN:
        name = NULL_WHEN[column]
        null_sql = f"{name}_l IS NULL OR {name}_r IS NULL"
    else:
        null_sql = f"len({column}_l) = 0 OR len({column}_r) = 0"
    levels = [cll.CustomLevel(null_sql).configure(is_null_level=True)]
    for sql, label, m, u in LEVELS[column]:
        sql = sql.format(jaccard=JACCARD.format(c=column))
        levels.append(cll.CustomLevel(sql, label).configure(m_probability=m, u_probability=u))
    m, u = ELSE[column]
    levels.append(cll.ElseLevel().configure(m_probability=m, u_probability=u))
    return cl.CustomComparison(comparison_levels=levels, output_column_name=column)


def level_labels(column: str) -> dict[int, str]:
    """Splink's gamma value of each agreeing level, mapped to its label."""
    count = len(LEVELS[column])
    return {count - n: label for n, (_, label, _, _) in enumerate(LEVELS[column])}


def make_settings() -> SettingsCreator:
    """The Splink settings: one exploded blocking key list, fixed comparisons."""
    return SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("block_keys", arrays_to_explode=["block_keys"])],
        comparisons=[make_comparison(column) for column in LEVELS],
        probability_two_random_records_match=PRIOR,
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=["parent_id"],
    )


BLOCK_KEYS_SQL = """
CREATE TABLE records AS
WITH base AS (
  SELECT * FROM read_parquet(?)
), names AS (
  SELECT unique_id, unnest(names) AS name FROM base
), name_counts AS (
  SELECT name, count(*) AS n FROM names GROUP BY name
), rare AS (
  SELECT unique_id, list(name ORDER BY n, name)[1:{rare}] AS rare_names
  FROM names JOIN name_counts USING (name) WHERE n BETWEEN 2 AND {max_block}
  GROUP BY unique_id
), keys AS (
  SELECT b.unique_id, list_distinct(list_concat(
      list_transform(b.title_keys, lambda k: 't:' || k),
      list_transform(b.sites, lambda k: 's:' || k),
      list_transform(b.domains, lambda k: 'd:' || k), list_transform(b.orgs, lambda k: 'o:' || k),
      list_transform(coalesce(r.rare_names, []), lambda k: 'n:' || k))) AS raw_keys
  FROM base b LEFT JOIN rare r USING (unique_id)
), exploded AS (
  SELECT unique_id, unnest(raw_keys) AS key FROM keys
), key_counts AS (
  SELECT key, count(*) AS n FROM exploded GROUP BY key
), kept AS (
  SELECT unique_id, list(key ORDER BY key) AS block_keys
  FROM exploded JOIN key_counts USING (key) WHERE n BETWEEN 2 AND {max_block}
  GROUP BY unique_id
)
SELECT b.*, coalesce(k.block_keys, []) AS block_keys
FROM base b LEFT JOIN kept k USING (unique_id)
"""


# DuckDB's own default takes 80 % of the machine's memory and keeps what it took; the
# linking tables are small, and a larger join spills to a temporary folder instead.
DUCKDB_MEMORY = "256MB"


def predict_pairs(table: Path, threshold: float, max_block: int, rare: int) -> Iterator[dict]:
    """Score the candidate pairs of a linking table; yield those at or above threshold."""
    logging.getLogger("splink").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix=".linking-spill-", dir=table.parent) as spill:
        connection = duckdb.connect(config={"memory_limit": DUCKDB_MEMORY,
                                            "temp_directory": spill})
        try:
            rows = scored_pairs(connection, table, threshold, max_block, rare)
        finally:
            connection.close()
    return (dict(zip(PAIR_COLUMNS, row)) for row in rows)  # one small dict at a time


PAIR_COLUMNS = ["unique_id_l", "unique_id_r", "match_probability", "parent_id_l", "parent_id_r",
                *(f"gamma_{column}" for column in LEVELS)]


def scored_pairs(connection: duckdb.DuckDBPyConnection, table: Path, threshold: float,
                 max_block: int, rare: int) -> list[tuple]:
    """Block, score and keep the pairs at or above threshold, on an open connection."""
    connection.execute(BLOCK_KEYS_SQL.format(max_block=max_block, rare=rare), [str(table)])
    if connection.execute("SELECT count(*) FROM records").fetchall()[0][0] < 2:
        return []
    linker = Linker("records", make_settings(), db_api=DuckDBAPI(connection=connection))
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    return connection.execute(
        f"SELECT {', '.join(PAIR_COLUMNS)} FROM {predictions.physical_name} "
        "ORDER BY unique_id_l, unique_id_r").fetchall()
