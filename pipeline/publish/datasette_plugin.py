"""A Datasette plugin for `praxis serve`: the overview's lists as readable, clickable text.

The overview keeps its lists as JSON arrays (Datasette's array facets need them); this shows
`["PT","IT"]` as "Portugal, Italy", each name a link that filters the overview by it, and
makes each title a link to the full record in `initiatives`.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from datasette import hookimpl
from datasette.utils import tilde_encode
from markupsafe import Markup, escape

from pipeline.publish.datasette_metadata import OVERVIEW
from pipeline.publish.labels import country_name, label

LIST_COLUMNS = {"countries": "countries", "categories": "target_group_categories",
                "themes": "themes"}


def item_name(column: str, code: str) -> str:
    """A list item as a reader names it: a country's name, a category's label."""
    return country_name(code) if column == "countries" else label(LIST_COLUMNS[column], code)


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """Render the overview's titles and lists of codes as links; leave every other cell alone."""
    if table != OVERVIEW or not isinstance(value, str):
        return None
    if column == "title":
        key = row["id"]["value"] if isinstance(row["id"], dict) else row["id"]  # an expanded key
        record = datasette.urls.row(database, "initiatives", tilde_encode(str(key)))
        return Markup(f'<a href="{record}">{escape(value)}</a>')
    if column not in LIST_COLUMNS:
        return None
    try:
        items = json.loads(value)
    except ValueError:
        return None
    if not isinstance(items, list):
        return None
    base = datasette.urls.table(database, table)
    links = [f'<a href="{base}?{column}__arraycontains={quote(str(code))}" '
             f'title="{escape(code)}">{escape(item_name(column, str(code)))}</a>'
             for code in items]
    return Markup(", ".join(links))
