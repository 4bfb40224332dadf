"""The report's clusters and outcomes sections: records linked as one initiative, figures read."""

from __future__ import annotations

from pathlib import Path

from pipeline.streams import read_jsonl

CLUSTERS_SHOWN = 100
OUTCOMES_SHOWN = 60
LINKS_TEMPLATE = """
<h2>Same initiative, several records</h2>
{% if f.clusters %}
<p>{{ f.clusters|length }} cluster(s) of records linked as one initiative (across documents and
languages). Correct a wrong one with a <code>kind: cluster</code> correction (see the README).</p>
<table id="clusters"><tr><th>cluster</th><th>title</th><th>records</th></tr>
  {%- for c in f.clusters %}<tr><td><code>{{ c.cluster_id }}</code></td><td>{{ c.title or "" }}</td>
  <td>{% for m in c.members %}<code>{{ m.id }}</code> {{ m.title or "" }} ({{ m.file }}){% if not loop.last %}<br>{% endif %}{% endfor %}</td></tr>{% endfor %}</table>
{% else %}
<p class="none-here">No two records were linked as the same initiative.</p>
{% endif %}

<h2>Outcomes</h2>
{% if f.outcomes %}
<p>{{ f.outcome_total }} figure(s) read from results sections.
  {% for unit, n in f.outcome_units.most_common() %}{{ unit }}: {{ n }}{% if not loop.last %} · {% endif %}{% endfor %};
  {% for kind, n in f.outcome_kinds.most_common() %}{{ kind }}: {{ n }}{% if not loop.last %} · {% endif %}{% endfor %}.</p>
<table id="outcomes"><tr><th>initiative</th><th>value</th><th>unit</th><th>what</th><th>kind</th><th>year</th><th>sentence</th></tr>
  {%- for o in f.outcomes %}<tr><td>{{ o.title or o.id }}</td><td class="num">{{ o.value }}</td><td>{{ o.unit }}</td>
  <td>{{ o.what or "" }}</td><td>{{ o.kind }}</td><td>{{ o.year or "" }}</td><td>{{ o.text }}</td></tr>{% endfor %}</table>
{% if f.outcome_total > f.outcomes|length %}<p class="none-here">First {{ f.outcomes|length }} of {{ f.outcome_total }}; all are in outcomes.csv.</p>{% endif %}
{% else %}
<p class="none-here">No figures found in results sections.</p>
{% endif %}
"""


def format_value(value: float, upper: float | None) -> str:
    """A figure as a reader writes it: 1125, 2.5, 60–70."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text}–{format_value(upper, None)}" if upper is not None else text


def gather_links(figures, release_dir: Path) -> None:
    """Clusters with their members' titles, and the first outcomes, from a release."""
    path = release_dir / "clusters.jsonl"
    clusters = list(read_jsonl(path))[:CLUSTERS_SHOWN] if path.exists() else []
    wanted = {m for c in clusters for m in c["members"]}
    members: dict[str, dict] = {}
    for record in read_jsonl(release_dir / "initiatives.jsonl"):
        if record["id"] in wanted:
            members[record["id"]] = {"id": record["id"], "title": record.get("title"),
                                     "file": record["source"]["file"]}
        for outcome in record.get("outcomes") or []:
            figures.outcome_total += 1
            figures.outcome_units[outcome["unit"]] += 1
            figures.outcome_kinds[outcome["kind"]] += 1
            if len(figures.outcomes) < OUTCOMES_SHOWN:
                figures.outcomes.append({**outcome, "id": record["id"],
                                         "title": record.get("title"),
                                         "value": format_value(outcome["value"],
                                                               outcome.get("upper"))})
    figures.clusters = [{**c, "members": [members.get(m, {"id": m}) for m in c["members"]]}
                        for c in clusters]
