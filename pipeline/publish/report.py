"""A quality report a steward reads in a browser: one self-contained `report.html`.

`write_report` streams a release's `initiatives.jsonl` and `documents.jsonl` (plus its
`quality.json`, `manifest.json` and, when given, the review queue `review.csv`) into figures,
and renders them with Jinja2 (autoescaped) into one HTML file: inline CSS, inline SVG charts,
no scripts, no fonts, nothing fetched from anywhere.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from babel import Locale
from jinja2 import DictLoader, Environment

from pipeline.enrich.normalise import country_code
from pipeline.publish.labels import label
from pipeline.publish.files import COVERAGE_FIELDS
from pipeline.publish.report_links import LINKS_TEMPLATE, gather_links
from pipeline.publish.report_translation import TRANSLATION_TEMPLATE, TranslationCoverage
from pipeline.streams import read_jsonl

REVIEW_ROWS_SHOWN = 30
# "low confidence (0.41)" and "low confidence (0.38)" are one reason in the summary table.
REASON_DETAIL = re.compile(r"\s*\([^()]*\)\s*$")
TOP_COUNTRIES = 20
BAR_HEIGHT, BAR_GAP, LABEL_WIDTH, CHART_WIDTH = 18, 6, 210, 640


@dataclass
class Figures:
    """What the report shows, gathered in one pass over the release."""

    initiatives: int = 0
    children: int = 0
    languages: Counter = field(default_factory=Counter)
    countries: Counter = field(default_factory=Counter)
    categories: Counter = field(default_factory=Counter)
    themes: Counter = field(default_factory=Counter)
    filled: Counter = field(default_factory=Counter)
    documents: Counter = field(default_factory=Counter)
    quarantined: list[dict] = field(default_factory=list)
    review_rows: int | None = None
    review_reasons: Counter = field(default_factory=Counter)
    review_fields: Counter = field(default_factory=Counter)
    review_sample: list[dict] = field(default_factory=list)
    flag_records: Counter = field(default_factory=Counter)  # stage:code → records with it
    flag_times: Counter = field(default_factory=Counter)    # stage:code → times raised
    translation: TranslationCoverage = field(default_factory=TranslationCoverage)
    release: dict = field(default_factory=dict)
    clusters: list[dict] = field(default_factory=list)
    outcomes: list[dict] = field(default_factory=list)
    outcome_total: int = 0
    outcome_units: Counter = field(default_factory=Counter)
    outcome_kinds: Counter = field(default_factory=Counter)

    def coverage(self) -> list[tuple[str, int, float]]:
        """(field, records with it, share) for every field the quality figures cover."""
        total = self.initiatives or 1
        return [(name, self.filled[name], self.filled[name] / total) for name in COVERAGE_FIELDS]


def is_filled(record: dict, name: str) -> bool:
    """Whether a record has a value for a field, as quality.json counts it."""
    value = record.get(name)
    if name == "period":
        return bool(value and (value.get("start") or value.get("text")))
    return bool(value)


def gather_records(figures: Figures, path: Path) -> None:
    for record in read_jsonl(path):
        figures.initiatives += 1
        figures.children += record.get("parent_id") is not None
        figures.languages[record.get("language") or "?"] += 1
        # sorted: a tie in most_common() keeps first-seen order, which a set's would make
        # depend on the hash seed
        figures.countries.update(sorted(record_countries(record)))
        figures.categories.update(sorted(set(record.get("target_group_categories") or [])))
        figures.themes.update(sorted(set(record.get("themes") or [])))
        figures.filled.update(name for name in COVERAGE_FIELDS if is_filled(record, name))
        figures.translation.add(record)
        flags = Counter(f"{i.get('stage')}:{i.get('code')}" for i in record.get("issues") or [])
        figures.flag_times.update(flags)
        figures.flag_records.update(flags.keys())


def record_countries(record: dict) -> set[str]:
    """A record's countries as codes, each once ("Finland" from an old correction is FI)."""
    return {country_code(str(value)) or str(value) for value in record.get("countries") or []}


def gather_documents(figures: Figures, path: Path) -> None:
    for document in read_jsonl(path):
        status = document.get("status", "ok")
        figures.documents[status] += 1
        if status == "quarantined":
            figures.quarantined.append({"file": document.get("file"),
                                        "reason": document.get("error") or "(no reason given)"})


def find_column(columns: list[str], *names: str) -> str | None:
    """The first header among `names` (any case, spaces or underscores) in a CSV header."""
    normal = {column.strip().lower().replace(" ", "_"): column for column in columns}
    return next((normal[name] for name in names if name in normal), None)


def gather_review(figures: Figures, path: Path) -> None:
    """Size of the review queue, its reasons and fields, and the first rows of it."""
    figures.review_rows = 0
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        reason = find_column(columns, "reason")
        name = find_column(columns, "field")
        record = find_column(columns, "record_id", "id", "record")
        for row in reader:
            figures.review_rows += 1
            if reason:
                figures.review_reasons[REASON_DETAIL.sub("", row.get(reason) or "") or "?"] += 1
            if name:
                figures.review_fields[row.get(name) or "?"] += 1
            if len(figures.review_sample) < REVIEW_ROWS_SHOWN:
                figures.review_sample.append({
                    "record": row.get(record, "") if record else "",
                    "field": row.get(name, "") if name else "",
                    "reason": row.get(reason, "") if reason else "",
                    "title": row.get("title") or "",
                    "value": row.get("value") or "",
                    "snippet": row.get("source_snippet") or "",
                })


def gather_figures(release_dir: Path, review_csv: Path | None = None) -> Figures:
    """Read a release (and optionally its review queue) into the report's figures."""
    figures = Figures()
    gather_records(figures, release_dir / "initiatives.jsonl")
    gather_documents(figures, release_dir / "documents.jsonl")
    quality_path = release_dir / "quality.json"
    quality = json.loads(quality_path.read_text(encoding="utf-8")) if quality_path.exists() else {}
    translation = quality.get("translation") or {}
    figures.translation.ran = bool(translation)
    figures.translation.missing_pairs = list(translation.get("missing_pairs") or [])
    if not figures.quarantined:  # a release without documents.jsonl still lists them here
        figures.quarantined = [{"file": q.get("file"), "reason": q.get("reason")}
                               for q in quality.get("quarantined") or []]
    manifest_path = release_dir / "manifest.json"
    if manifest_path.exists():
        figures.release = json.loads(manifest_path.read_text(encoding="utf-8"))
    if review_csv is not None and Path(review_csv).exists():
        gather_review(figures, Path(review_csv))
    gather_links(figures, release_dir)
    return figures


def language_name(code: str) -> str:
    name = Locale("en").languages.get(code)
    return f"{code} · {name}" if name else code


def country_name(code: str) -> str:
    name = Locale("en").territories.get(code)
    return f"{code} · {name}" if name else code


def bar_rows(counts: list[tuple[str, float]], label=str) -> list[dict]:
    """Geometry of a horizontal bar chart: one dict per bar, scaled to the largest value."""
    top = max((value for _, value in counts), default=0) or 1
    span = CHART_WIDTH - LABEL_WIDTH - 60
    return [{"label": label(key), "value": value, "y": n * (BAR_HEIGHT + BAR_GAP),
             "width": max(1.0, span * value / top) if value else 0, "tone": ""}
            for n, (key, value) in enumerate(counts)]


def coverage_rows(figures: Figures) -> list[dict]:
    """Coverage bars on an absolute 0–100 % scale, orange under half, red at nothing."""
    span = CHART_WIDTH - LABEL_WIDTH - 60
    rows = bar_rows([(name, share) for name, _, share in figures.coverage()])
    for row in rows:
        row["width"] = span * row["value"]
        row["tone"] = "none" if row["value"] == 0 else "low" if row["value"] < 0.5 else ""
    return rows


TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Praxis quality report{% if release.version %} · {{ release.version }}{% endif %}</title>
<style>
  body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2430;
         margin: 0 auto; max-width: 1080px; padding: 24px 32px 48px; background: #fbfbfd; }
  h1 { font-size: 26px; margin: 0 0 4px; }
  h2 { font-size: 19px; margin: 36px 0 10px; border-bottom: 1px solid #dde1ea;
       padding-bottom: 4px; }
  .meta { color: #5b6475; margin: 0 0 20px; }
  .cards { display: flex; flex-wrap: wrap; gap: 12px; }
  .card { background: #fff; border: 1px solid #dde1ea; border-radius: 8px; padding: 12px 16px;
          min-width: 150px; }
  .card .value { font-size: 28px; font-weight: 600; }
  .card .label { color: #5b6475; font-size: 13px; }
  .card.warn .value { color: #b4540a; }
  .columns { display: flex; flex-wrap: wrap; gap: 32px; align-items: flex-start; }
  table { border-collapse: collapse; background: #fff; margin: 6px 0; }
  th, td { border: 1px solid #dde1ea; padding: 4px 10px; text-align: left;
           vertical-align: top; }
  th { background: #f0f2f7; font-weight: 600; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  svg text { font: 12px system-ui, sans-serif; fill: #1d2430; }
  svg .bar { fill: #3a6ea5; }
  svg .bar.low { fill: #d9822b; }
  svg .bar.none { fill: #c23b3b; }
  .none-here { color: #5b6475; font-style: italic; }
  .reason { color: #7a2e0e; }
</style>
</head>
<body>
{% macro bar_chart(rows, title, percent=false) -%}
<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{{ chart_width }}"
     height="{{ rows|length * (bar_height + bar_gap) + 4 }}"
     viewBox="0 0 {{ chart_width }} {{ rows|length * (bar_height + bar_gap) + 4 }}">
  <title>{{ title }}</title>
  {%- for row in rows %}
  <g transform="translate(0,{{ row.y }})">
    <text x="{{ label_width - 8 }}" y="{{ bar_height - 5 }}" text-anchor="end">{{ row.label }}</text>
    <rect class="bar {{ row.tone }}" x="{{ label_width }}" y="0" rx="2"
          width="{{ '%.1f'|format(row.width) }}" height="{{ bar_height }}"></rect>
    <text x="{{ label_width + row.width + 6 }}" y="{{ bar_height - 5 }}">
      {%- if percent %}{{ '%.0f'|format(row.value * 100) }} %{% else %}{{ row.value }}{% endif %}</text>
  </g>
  {%- endfor %}
</svg>
{%- endmacro %}

<h1>Praxis quality report</h1>
<p class="meta">
  {% if release.version %}Release <strong>{{ release.version }}</strong>{% if release.created %}, published {{ release.created }}{% endif %} · {% endif %}
  pipeline {{ release.pipeline_version or "?" }} · schema {{ release.schema_version or "?" }} ·
  report written {{ generated }}
</p>

<div class="cards">
  {%- for card in cards %}
  <div class="card{% if card.warn %} warn{% endif %}">
    <div class="value" id="count-{{ card.id }}">{{ card.value }}</div>
    <div class="label">{{ card.label }}</div>
  </div>
  {%- endfor %}
</div>

<h2>Languages</h2>
<div class="columns">
  {% if languages %}{{ bar_chart(languages, "Initiatives per language") }}{% else %}<p class="none-here">No initiatives.</p>{% endif %}
  <table id="languages">
    <tr><th>language</th><th>initiatives</th></tr>
    {%- for code, count in f.languages.most_common() %}
    <tr><td>{{ language_name(code) }}</td><td class="num">{{ count }}</td></tr>
    {%- endfor %}
  </table>
</div>

<h2>Countries</h2>
<div class="columns">
  {% if countries %}{{ bar_chart(countries, "Initiatives per country") }}{% else %}<p class="none-here">No countries recorded.</p>{% endif %}
  <table id="countries">
    <tr><th>country</th><th>initiatives</th></tr>
    {%- for code, count in f.countries.most_common() %}
    <tr><td>{{ country_name(code) }}</td><td class="num">{{ count }}</td></tr>
    {%- endfor %}
  </table>
</div>

<h2>Field coverage</h2>
<p>Share of the {{ f.initiatives }} initiatives that have a value for each field
   (orange: under half, red: none).</p>
<div class="columns">
  {{ bar_chart(coverage_bars, "Field coverage", percent=true) }}
  <table id="coverage">
    <tr><th>field</th><th>records</th><th>share</th></tr>
    {%- for name, filled, share in coverage %}
    <tr><td>{{ name }}</td><td class="num">{{ filled }}</td><td class="num">{{ '%.0f'|format(share * 100) }} %</td></tr>
    {%- endfor %}
  </table>
</div>

<h2>Review queue</h2>
{% if f.review_rows is none %}
<p class="none-here">No review queue was given for this report.</p>
{% elif f.review_rows == 0 %}
<p>The review queue is empty.</p>
{% else %}
<p><strong>{{ f.review_rows }}</strong> rows wait for a steward.</p>
<div class="columns">
  {% if f.review_reasons %}<table id="review-reasons"><tr><th>reason</th><th>rows</th></tr>
    {%- for reason, count in f.review_reasons.most_common() %}<tr><td>{{ reason }}</td><td class="num">{{ count }}</td></tr>{% endfor %}</table>{% endif %}
  {% if f.review_fields %}<table id="review-fields"><tr><th>field</th><th>rows</th></tr>
    {%- for name, count in f.review_fields.most_common() %}<tr><td>{{ name }}</td><td class="num">{{ count }}</td></tr>{% endfor %}</table>{% endif %}
</div>
<p class="none-here">Each record links to its review view: open this report through
<code>praxis review</code> (http://127.0.0.1:8002/report) to see the record beside its source
text, every value highlighted, and correct it there.</p>
<table id="review-sample">
  <tr><th>record</th><th>field</th><th>value</th><th>reason</th><th>source</th></tr>
  {%- for row in f.review_sample %}
  <tr><td><a href="record/{{ row.record|urlencode }}">{{ row.title or row.record }}</a></td><td>{{ row.field }}</td>
    <td>{{ row.value|truncate(80) }}</td><td>{{ row.reason }}</td><td>{{ row.snippet|truncate(100) }}</td></tr>
  {%- endfor %}
</table>
{% if f.review_rows > f.review_sample|length %}<p class="none-here">First {{ f.review_sample|length }} of {{ f.review_rows }} rows.</p>{% endif %}
{% endif %}

<h2>Quarantined files</h2>
{% if f.quarantined %}
<table id="quarantined">
  <tr><th>file</th><th>reason</th></tr>
  {%- for item in f.quarantined %}
  <tr><td>{{ item.file }}</td><td class="reason">{{ item.reason }}</td></tr>
  {%- endfor %}
</table>
{% else %}
<p class="none-here">No file was quarantined.</p>
{% endif %}

<h2>Target groups and themes</h2>
<div class="columns">
  <table id="categories"><tr><th>target-group category</th><th>initiatives</th></tr>
    {%- for code, count in f.categories.most_common() %}<tr><td title="{{ code }}">{{ label("target_group_categories", code) }}</td><td class="num">{{ count }}</td></tr>{% endfor %}</table>
  <table id="themes"><tr><th>theme</th><th>initiatives</th></tr>
    {%- for code, count in f.themes.most_common() %}<tr><td title="{{ code }}">{{ label("themes", code) }}</td><td class="num">{{ count }}</td></tr>{% endfor %}</table>
</div>

{% include "translation" %}

{% include "links" %}

{% if f.flag_records %}
<h2>Flags raised while processing</h2>
<p>Issues recorded on the published records: how many records carry each, and how often it
was raised in all (once per field for a field's issue).</p>
<table id="flags"><tr><th>stage:code</th><th>times raised</th><th>records</th></tr>
  {%- for name, count in f.flag_records|dictsort %}<tr><td>{{ name }}</td><td class="num">{{ f.flag_times[name] }}</td><td class="num">{{ count }}</td></tr>{% endfor %}</table>
{% endif %}
</body>
</html>
"""


def summary_cards(figures: Figures) -> list[dict]:
    """The figures at the top of the report; `warn` ones ask for a steward's attention."""
    review = "–" if figures.review_rows is None else figures.review_rows
    return [
        {"id": "documents", "value": sum(figures.documents.values()), "label": "documents"},
        {"id": "initiatives", "value": figures.initiatives,
         "label": f"initiatives ({figures.children} nested)"},
        {"id": "quarantined", "value": len(figures.quarantined), "label": "quarantined files",
         "warn": bool(figures.quarantined)},
        {"id": "review", "value": review, "label": "rows in the review queue",
         "warn": bool(figures.review_rows)},
        {"id": "languages", "value": len(figures.languages), "label": "languages"},
        {"id": "countries", "value": len(figures.countries), "label": "countries"},
    ]


def render_report(figures: Figures) -> str:
    """The report's HTML for a set of figures."""
    environment = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True,
                              loader=DictLoader({"links": LINKS_TEMPLATE,
                                                 "translation": TRANSLATION_TEMPLATE}))
    template = environment.from_string(TEMPLATE)
    return template.render(
        f=figures, release=figures.release, cards=summary_cards(figures),
        generated=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        languages=bar_rows(figures.languages.most_common(), language_name),
        countries=bar_rows(figures.countries.most_common(TOP_COUNTRIES), country_name),
        coverage=figures.coverage(),
        coverage_bars=coverage_rows(figures),
        language_name=language_name, country_name=country_name, label=label,
        chart_width=CHART_WIDTH, label_width=LABEL_WIDTH, bar_height=BAR_HEIGHT,
        bar_gap=BAR_GAP,
    )


def write_report(release_dir: Path, review_csv: Path | None = None,
                 out_path: Path | None = None) -> Path:
    """Write `report.html` for a release (default inside the release folder); return its path."""
    release_dir = Path(release_dir)
    out_path = Path(out_path) if out_path else release_dir / "report.html"
    html = render_report(gather_figures(release_dir, review_csv))
    temporary = out_path.with_name(f".{out_path.name}.{os.getpid()}.tmp")
    temporary.write_text(html, encoding="utf-8")
    os.replace(temporary, out_path)
    return out_path
