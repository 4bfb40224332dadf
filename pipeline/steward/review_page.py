"""One record beside its source text, every extracted value highlighted (the review view).

`render_record_page` is a pure function of a published record, its document's text and its
review rows; `pipeline/steward/review_server.py` serves it. Each field has its own colour; hovering a
highlight shows the field, the method that found it and its confidence. Values without a
span (organisations, contacts, websites, the title, the period) are highlighted where they
stand in the record's source text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import yaml
from jinja2 import Environment

from pipeline.models import Initiative

CONTEXT_CHARS = 0
# One colour per field, readable behind dark text; unknown fields fall back to grey.
FIELD_COLOURS = {
    "title": "#ffd166", "organisations": "#f4a6a6", "contacts": "#c7b8ea",
    "websites": "#a0d8ef", "period": "#ffe0b3", "target_group": "#b8e0b8",
    "purpose": "#9fd3c7", "description": "#e3e8f0", "activities": "#f7c8e0",
    "expected_results": "#d4e7a1", "evaluation": "#f9d8a7", "background": "#dcd3c3",
    "challenges": "#f2b5a0", "impact": "#c4d7f2", "replicability": "#e0c8f7",
    "funding": "#f6b26b",
}
DEFAULT_COLOUR = "#e6e6e6"


@dataclass(frozen=True)
class Highlight:
    """A stretch [start, end) of the document text that holds one field's value."""

    start: int
    end: int
    field: str
    method: str
    confidence: float | None

    @property
    def length(self) -> int:
        return self.end - self.start


def find_highlights(record: Initiative, text: str) -> list[Highlight]:
    """Every value of the record that can be pointed at in its document's text."""
    low, high = record.source.span
    found: list[Highlight] = []
    for name, field in record.text_fields():
        for start, end in field_spans(field):
            found.append(Highlight(start, end, name, field.method or "", field.confidence))
    for name, value in located_values(record):
        provenance = record.provenance.get(name)
        for start in occurrences(text, value, low, high):
            found.append(Highlight(start, start + len(value), name,
                                   provenance.method if provenance else "",
                                   provenance.confidence if provenance else None))
    return sorted(found, key=lambda h: (h.start, -h.length, h.field))


def field_spans(field) -> list[tuple[int, int]]:
    """A text field's spans: several when it was put together from sentences of prose."""
    spans = getattr(field, "spans", None) or ([field.span] if field.span else [])
    return [tuple(span) for span in spans]


def located_values(record: Initiative) -> list[tuple[str, str]]:
    """(field, text) pairs of the values that carry no span of their own."""
    values = [("title", record.title)] if record.title else []
    values += [("organisations", o.name) for o in record.organisations]
    values += [("funding", name) for name in record.funding]
    values += [("contacts", c.name) for c in record.contacts if c.name]
    values += [("contacts", c.email) for c in record.contacts if c.email]
    values += [("websites", url.split("://", 1)[-1].rstrip("/")) for url in record.websites]
    if record.period.text:
        values.append(("period", record.period.text))
    return [(name, value) for name, value in values if value and len(value) >= 2]


def occurrences(text: str, value: str, low: int, high: int) -> list[int]:
    """Start offsets of value inside text[low:high]."""
    starts, position = [], text.find(value, low, high)
    while position != -1:
        starts.append(position)
        position = text.find(value, position + len(value), high)
    return starts


def paint_text(text: str, low: int, high: int, highlights: list[Highlight]) -> list[dict]:
    """Cut text[low:high] into pieces, each with the highlights covering it (narrowest first)."""
    cuts = sorted({low, high} | {h.start for h in highlights if low <= h.start <= high}
                  | {h.end for h in highlights if low <= h.end <= high})
    pieces = []
    for start, end in zip(cuts, cuts[1:]):
        covering = sorted((h for h in highlights if h.start <= start and end <= h.end),
                          key=lambda h: (h.length, h.field))
        pieces.append({"text": text[start:end], "marks": covering,
                       "colour": FIELD_COLOURS.get(covering[0].field, DEFAULT_COLOUR)
                       if covering else None})
    return pieces


def correction_snippet(record: Initiative, field: str) -> str:
    """A `corrections/` entry for one field, prefilled with today's value."""
    entry = {"record_id": record.id, "field": field, "value": editable_value(record, field),
             "note": "why the value was changed"}
    return yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=100).strip()


def editable_value(record: Initiative, field: str):
    """A field's value as a steward would write it in a correction."""
    value = getattr(record, field, None)
    if field == "period":
        return record.period.text
    if field == "activities":
        return [a.text for a in record.activities]
    if hasattr(value, "text"):
        return value.text
    if isinstance(value, list):
        return [item.model_dump(exclude_none=True) if hasattr(item, "model_dump") else item
                for item in value]
    return value


def field_rows(record: Initiative) -> list[dict]:
    """The side panel: every field with a value, its method, confidence and colour."""
    rows = []
    for name in ("title", "organisations", "funding", "contacts", "websites", "countries",
                 "period", *(n for n, _ in record.text_fields() if n != "activities"),
                 "activities", "target_group_categories", "themes", "implementation_level",
                 "sdgs", "language"):
        value = editable_value(record, name)
        if value in (None, [], "") or any(row["field"] == name for row in rows):
            continue
        provenance = record.provenance.get(name)
        rows.append({"field": name, "colour": FIELD_COLOURS.get(name, DEFAULT_COLOUR),
                     "value": value if isinstance(value, str)
                     else json.dumps(value, ensure_ascii=False),
                     "method": provenance.method if provenance else "",
                     "confidence": provenance.confidence if provenance else None,
                     "snippet": correction_snippet(record, name)})
    return rows


def render_record_page(record: Initiative, text: str, review_rows: list[dict],
                       correctable: list[str], message: str | None = None) -> str:
    """The HTML page of one record beside its source text."""
    low, high = record.source.span
    low, high = max(0, low - CONTEXT_CHARS), min(len(text), high + CONTEXT_CHARS)
    highlights = find_highlights(record, text)
    return PAGE.render(record=record, pieces=paint_text(text, low, high, highlights),
                       fields=field_rows(record), review_rows=review_rows,
                       correctable=correctable, message=message,
                       legend=sorted({h.field for h in highlights}),
                       colours=FIELD_COLOURS, default_colour=DEFAULT_COLOUR)


def render_index_page(rows: list[dict], query: str, total: int) -> str:
    """The list of records, those with review rows first."""
    return INDEX.render(rows=rows, query=query, total=total)


STYLE = """
  body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2430;
         margin: 0; background: #fbfbfd; }
  header { padding: 14px 28px; border-bottom: 1px solid #dde1ea; background: #fff; }
  header h1 { font-size: 21px; margin: 0; }
  header .meta { color: #5b6475; font-size: 13px; }
  main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(320px, 2fr); gap: 24px;
         padding: 18px 28px; }
  .source { background: #fff; border: 1px solid #dde1ea; border-radius: 8px; padding: 16px 20px;
            white-space: pre-wrap; overflow-wrap: anywhere; }
  mark { border-radius: 3px; padding: 0 1px; color: inherit; }
  .fields table { border-collapse: collapse; width: 100%; background: #fff;
                  table-layout: fixed; overflow-wrap: anywhere; }
  .fields th:first-child { width: 9em; } .fields th:last-child { width: 8em; }
  .fields td, .fields th { border: 1px solid #dde1ea; padding: 4px 8px; vertical-align: top;
                           text-align: left; font-size: 14px; }
  .swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px;
            margin-right: 6px; vertical-align: baseline; }
  details pre { background: #f4f5f9; padding: 6px; white-space: pre-wrap; font-size: 12px; }
  .reasons li { color: #7a2e0e; }
  .legend span { margin-right: 12px; font-size: 13px; white-space: nowrap; }
  .message { padding: 8px 12px; border-radius: 6px; background: #eef6ee; }
  .message.error { background: #fbeaea; color: #7a1f1f; }
  form label { display: block; margin-top: 6px; font-size: 13px; }
  form textarea, form select, form input { width: 100%; box-sizing: border-box; }
"""

_ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)

PAGE = _ENV.from_string("""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{{ record.title or record.id }} · Praxis review</title>
<style>""" + STYLE + """</style></head>
<body>
<header>
  <h1 id="record-title">{{ record.title or "(no title)" }}</h1>
  <div class="meta"><a href="/">all records</a> · {{ record.id }} · {{ record.source.file }}
    · segment {{ record.source.segment }} · language {{ record.language }}
    {% if record.parent_id %}· part of <a href="/record/{{ record.parent_id }}">{{ record.parent_id }}</a>{% endif %}</div>
</header>
<main>
<section>
  <div class="legend">{% for name in legend %}<span><i class="swatch" style="background: {{ colours.get(name, default_colour) }}"></i>{{ name }}</span>{% endfor %}</div>
  <div class="source" id="source">{% for piece in pieces %}{% if piece.marks %}<mark style="background: {{ piece.colour }}" data-fields="{{ piece.marks|map(attribute='field')|join(' ') }}" title="{% for m in piece.marks %}{{ m.field }} · {{ m.method or 'found in text' }}{% if m.confidence is not none %} · {{ '%.2f'|format(m.confidence) }}{% endif %}{% if not loop.last %}&#10;{% endif %}{% endfor %}">{{ piece.text }}</mark>{% else %}{{ piece.text }}{% endif %}{% endfor %}</div>
</section>
<section class="fields">
  {% if message %}<p class="message{% if message.startswith('not saved') %} error{% endif %}" id="message">{{ message }}</p>{% endif %}
  {% if review_rows %}
  <h2>To review</h2>
  <ul class="reasons" id="reasons">{% for row in review_rows %}<li><b>{{ row.field }}</b>: {{ row.reason }}</li>{% endfor %}</ul>
  {% endif %}
  <h2>Fields</h2>
  <table>
  <tr><th>field</th><th>value</th><th>method</th></tr>
  {% for row in fields %}
  <tr id="field-{{ row.field }}"><td><i class="swatch" style="background: {{ row.colour }}"></i>{{ row.field }}</td>
    <td>{{ row.value|truncate(160) }}<details><summary>copy as correction</summary><pre>{{ row.snippet }}</pre></details></td>
    <td>{{ row.method }}{% if row.confidence is not none %} · {{ '%.2f'|format(row.confidence) }}{% endif %}</td></tr>
  {% endfor %}
  </table>
  <h2>Correct a field</h2>
  <form method="post" action="/record/{{ record.id }}/correct" id="correct">
    <label>field <select name="field">{% for name in correctable %}<option>{{ name }}</option>{% endfor %}</select></label>
    <label>value (lists: one per line, or <code>a; b</code>)<textarea name="value" rows="4"></textarea></label>
    <label>note<input name="note"></label>
    <p><button type="submit">Save to corrections/</button> — applied on the next run.</p>
  </form>
</section>
</main></body></html>
""")

INDEX = _ENV.from_string("""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Praxis review</title>
<style>""" + STYLE + """
  table.records { border-collapse: collapse; background: #fff; margin: 18px 28px; }
  table.records td, table.records th { border: 1px solid #dde1ea; padding: 4px 10px; }
</style></head>
<body>
<header><h1>Praxis review</h1>
  <div class="meta">{{ total }} records · those with fields to review first ·
    <a href="/report">quality report</a></div>
  <form method="get" action="/"><input name="q" value="{{ query }}" placeholder="title, file or id"></form>
</header>
<table class="records" id="records">
<tr><th>record</th><th>file</th><th>to review</th></tr>
{% for row in rows %}
<tr><td><a href="/record/{{ row.id }}">{{ row.title or row.id }}</a></td><td>{{ row.file }}</td>
  <td>{{ row.reasons|join("; ") }}</td></tr>
{% endfor %}
</table></body></html>
""")
