"""The report's translation coverage: which records and fields have English, and what is missing.

Counted from the published records themselves, so fields and records are never mixed: a
field is English as written, translated (it has `text_en`), or left untranslated; a record is
translated when every non-English field of it is.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from pipeline.models import SECTION_FIELDS

TARGET = "en"


@dataclass
class TranslationCoverage:
    """Fields and records by translation state, and the languages left without English."""

    fields: Counter = field(default_factory=Counter)   # english / translated / untranslated
    records: Counter = field(default_factory=Counter)  # english / translated / partly / none
    missing_fields: Counter = field(default_factory=Counter)   # language → fields untranslated
    missing_records: Counter = field(default_factory=Counter)  # language → records with one
    missing_pairs: list[str] = field(default_factory=list)     # from quality.json: `fi→en`
    ran: bool = False  # whether this release's run translated at all

    def add(self, record: dict) -> None:
        """Count one published record's text fields."""
        states = field_states(record)
        self.fields.update(state for _, state in states)
        self.records[record_state([state for _, state in states])] += 1
        untranslated = Counter(lang for lang, state in states if state == "untranslated")
        self.missing_fields.update(untranslated)
        self.missing_records.update(untranslated.keys())

    def rows(self) -> list[dict]:
        """One row per language left untranslated: fields, records, and how to fix it."""
        pairs = set(self.missing_pairs)
        return [{"lang": lang, "fields": count, "records": self.missing_records[lang],
                 "no_model": f"{lang}→{TARGET}" in pairs}
                for lang, count in sorted(self.missing_fields.items(),
                                          key=lambda item: (-item[1], item[0]))]


def field_states(record: dict) -> list[tuple[str, str]]:
    """(language, english | translated | untranslated) for the title and every text field."""
    states = []
    if record.get("title"):
        states.append(state_of(record.get("title_lang") or record.get("language") or "",
                               record.get("title_en")))
    texts = [record.get(name) for name in SECTION_FIELDS] + list(record.get("activities") or [])
    for text in texts:
        if text and text.get("text"):
            states.append(state_of(text.get("lang") or "", text.get("text_en")))
    return states


def state_of(lang: str, english: str | None) -> tuple[str, str]:
    if lang == TARGET:
        return lang, "english"
    return lang, "translated" if english else "untranslated"


def record_state(states: list[str]) -> str:
    """A record is `english` (nothing to translate), `translated`, `partly` or `none`."""
    foreign = [state for state in states if state != "english"]
    if not foreign:
        return "english"
    done = sum(state == "translated" for state in foreign)
    return "translated" if done == len(foreign) else "partly" if done else "none"


TRANSLATION_TEMPLATE = """
<h2>Translation to English</h2>
{% set t = f.translation %}
{% if not t.ran %}<p class="none-here">This release was published without translation
(<code>--no-translate</code> or <code>PRAXIS_TRANSLATE=0</code>).</p>{% endif %}
<div class="columns">
<table id="translation-records"><tr><th>records</th><th>count</th></tr>
  <tr><td>translated (every non-English field)</td><td class="num">{{ t.records.translated }}</td></tr>
  <tr><td>partly translated</td><td class="num">{{ t.records.partly }}</td></tr>
  <tr><td>not translated</td><td class="num">{{ t.records.none }}</td></tr>
  <tr><td>in English already</td><td class="num">{{ t.records.english }}</td></tr></table>
<table id="translation-fields"><tr><th>text fields (title, sections, activities)</th><th>count</th></tr>
  <tr><td>translated</td><td class="num">{{ t.fields.translated }}</td></tr>
  <tr><td>not translated</td><td class="num">{{ t.fields.untranslated }}</td></tr>
  <tr><td>in English already</td><td class="num">{{ t.fields.english }}</td></tr></table>
</div>
{% if t.rows() %}
<table id="translation-missing"><tr><th>language</th><th>fields not translated</th><th>records</th><th>what to do</th></tr>
  {%- for row in t.rows() %}<tr><td>{{ language_name(row.lang) if row.lang else "undetermined" }}</td>
  <td class="num">{{ row.fields }}</td><td class="num">{{ row.records }}</td>
  <td>{% if row.no_model %}no {{ row.lang }}→en model:
      <code>praxis models download {{ row.lang }}</code>
    {%- elif not row.lang or row.lang == "und" %}language not determined
    {%- elif not t.ran %}run with translation
    {%- else %}see the record's issues{% endif %}</td></tr>{% endfor %}</table>
{% endif %}
"""
