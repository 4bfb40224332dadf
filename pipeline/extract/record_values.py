"""What extraction gathers for one segment (a Draft), and the record values read from it and
from the segment's whole text: contacts, countries, period."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.enrich.normalise import find_countries, find_email_spans, find_period
from pipeline.enrich.sentences import split_sentences
from pipeline.extract.domains import (countries_from_domains, home_country, prefer_home_country,
                                      states_wide_scope)
from pipeline.extract.layout import Line
from pipeline.extract.segment import Segment
from pipeline.models import Contact, Issue, Organisation, Period, Initiative


@dataclass
class RecordSentences:
    """The sentences of a record's spans, split once however many fields read them."""

    text: str
    language: str
    split: dict[tuple[int, int], list[tuple[int, int]]] = field(default_factory=dict)

    def of(self, start: int, end: int) -> list[tuple[int, int]]:
        """The sentence spans of text[start:end], relative to `start`."""
        if (start, end) not in self.split:
            self.split[(start, end)] = split_sentences(self.text[start:end], self.language)
        return self.split[(start, end)]


@dataclass
class Draft:
    """What extraction gathers for one segment before it becomes an Initiative."""

    title: tuple[int, int] | None = None
    sections: dict[str, tuple[int, int]] = field(default_factory=dict)
    section_parts: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    activities: list[tuple[int, int]] = field(default_factory=list)
    values: dict[str, list[str]] = field(default_factory=dict)
    loose_text: list[tuple[int, int]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    websites: list[str] = field(default_factory=list)
    methods: dict[str, str] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)


def blank_children(text: str, lines: list[Line], segment: Segment, span: tuple[int, int]) -> str:
    """The segment's own text: its nested examples blanked out, so their parties stay theirs."""
    own = text[span[0]:span[1]]
    for child in segment.children:
        start, end = lines[child.first].start - span[0], lines[child.last - 1].end - span[0]
        own = own[:start] + re.sub(r"[^\n]", " ", own[start:end]) + own[end:]
    return own


def gather_contacts(text: str, draft: Draft, lines: list[Line], segment: Segment,
                    span: tuple[int, int]) -> list[Contact]:
    """Labelled contacts, then the e-mails written anywhere else in the segment."""
    contacts = [c for c in draft.contacts if c.email]
    known = {c.email.casefold() for c in contacts}
    children = [(lines[c.first].start, lines[c.last - 1].end) for c in segment.children]
    for start, _, email in find_email_spans(text[span[0]:span[1]]):
        if email.casefold() in known or any(a <= span[0] + start < b for a, b in children):
            continue
        known.add(email.casefold())
        contacts.append(Contact(name=None, email=email))
    return contacts


def gather_countries(text: str, draft: Draft, organisations: list[Organisation], language: str,
                     body: str, parent: Initiative | None,
                     emails: list[str] | None = None) -> list[str]:
    """Countries by the strongest evidence: label, organisations, text, domains, language."""
    countries: list[str] = []
    for value in draft.values.get("country", []):
        countries += find_countries(value, language) or []
    countries += [o.country for o in organisations if o.country]
    draft.methods["countries"] = "form_label"
    loose = "\n".join(text[s:e] for s, e in draft.loose_text)
    if not countries:
        countries = prefer_home_country(find_countries(body + "\n" + loose, language), language)
        draft.methods["countries"] = "text_mention"
    if not countries and parent:
        countries = list(parent.countries)
        draft.methods["countries"] = "inherited"
    if not countries:
        countries = countries_from_domains(draft.websites, emails or [])
        draft.methods["countries"] = "web_domain"
    if not countries and home_country(language) and not states_wide_scope(body + "\n" + loose):
        countries = [home_country(language)]
        draft.methods["countries"] = "language_default"
    return list(dict.fromkeys(countries))


def gather_period(text: str, draft: Draft, language: str,
                  sentences: RecordSentences | None = None) -> Period:
    """A labelled period wins; otherwise the first dated sentence of the narrative."""
    for value in draft.values.get("period", []):
        draft.methods["period"] = "form_label"
        found = find_period([(value, language)])
        return found if found.text else Period(text=value.strip())
    draft.methods["period"] = "text_pattern"
    narrative = [draft.sections[n] for n in ("description", "background", "purpose")
                 if n in draft.sections] + draft.loose_text
    sentences = sentences or RecordSentences(text, language)
    dated = []
    for start, end in narrative:
        dated += [(text[start + s:start + e], language) for s, e in sentences.of(start, end)]
    return find_period(dated)
