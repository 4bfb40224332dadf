"""Turn one segment of a document into an Initiative: title, sections, parties, values."""

from __future__ import annotations

import hashlib
import re

from pipeline.enrich.categorise import categorise
from pipeline.enrich.language import detect_language, lexicon_issues
from pipeline.enrich.normalise import (find_emails, find_websites, is_placeholder, parse_level,
                                       parse_sdgs, split_trailing_country)
from pipeline.extract.description import (describe_listed_item, describe_zone,
                                          drop_organisational_tail, end_section,
                                          example_zones, line_range, take_more_info_link)
from pipeline.extract.layout import Line, split_list_items, trim_span
from pipeline.extract.lead import collect_tags, first_prose_line
from pipeline.extract.org_forms import attested_base, base_forms, base_of_type_genitive
from pipeline.extract.org_mentions import (find_heading_organisations, find_joint_organisations,
                                           find_subject_roles, find_typed_organisations)
from pipeline.extract.organisations import (expand_name, find_funded_compounds,
                                            find_role_mentions,
                                            find_self_introduced_organisation, has_implementer,
                                            merge_organisations, names_a_kind, read_name_list,
                                            same_organisation)
from pipeline.extract.outcomes import record_outcomes
from pipeline.extract.prose import classify_segment_prose
from pipeline.extract.record_values import (Draft, RecordSentences, blank_children,
                                            gather_contacts, gather_countries, gather_period)
from pipeline.extract.segment import Segment
from pipeline.extract.titles import choose_title
from pipeline.extract.zones import Zone, cut_zones
from pipeline.models import (SECTION_FIELDS, Contact, Document, Initiative, Issue, Organisation,
                             Provenance, Source, TextField)

LOWER_CASE_WORD = re.compile(r"(?<![\w-])[^\W\d_A-ZÅÄÖÆØ][\w-]*")
PUBLISHED_SECTIONS = SECTION_FIELDS  # the registry's text fields (pipeline/models.py)
# How far each way of finding a value is trusted; the review queue reads these.
METHOD_CONFIDENCE = {
    "form_label": 0.95, "section_heading": 0.9, "example_title": 0.85, "page_heading": 0.8,
    "more_info_link": 0.8, "header_line": 0.75, "question_heading": 0.75, "untitled_text": 0.7,
    "role_cue": 0.7, "self_introduction": 0.6, "text_mention": 0.6, "text_pattern": 0.6,
    "inherited": 0.5, "web_domain": 0.6, "language_default": 0.4, "prose_cue": 0.55,
    "keywords": 0.7,  # routine: categories are not queued for review on method alone
}


def extract_segment(doc: Document, lines: list[Line], segment: Segment,
                    parent: Initiative | None = None) -> Initiative:
    """Extract every contract field of one segment into an Initiative record."""
    text = doc.text
    skip = [(child.first, child.last) for child in segment.children]
    zones = cut_zones(text, lines, segment.first, segment.last, skip)
    if segment.kind == "example":
        zones = example_zones(text, lines, segment.title_line, zones)
    draft = Draft()
    if segment.kind == "item" and segment.title_span is not None:
        draft.title = segment.title_span
        draft.methods["title"] = "example_title"
    read_labelled_zones(text, lines, zones, draft, page=segment.kind in ("page", "item"))
    read_unlabelled_zones(text, lines, zones, draft, segment)
    if segment.kind == "example":
        draft.methods["title"] = "example_title"
        if "description" in draft.sections:
            draft.sections["description"], urls = take_more_info_link(
                text, draft.sections["description"])
            draft.websites += urls
        draft.methods.setdefault("websites", "more_info_link")
    record = build_record(doc, lines, segment, draft, parent)
    return record


# ---- zones → draft ---------------------------------------------------------------------

def read_labelled_zones(text: str, lines: list[Line], zones: list[Zone], draft: Draft,
                        page: bool) -> None:
    """Read values and sections from labelled zones."""
    for zone in zones:
        if zone.field is None:
            continue
        value = text[zone.start:zone.end]
        if zone.field in ("organisation", "contact_name", "email", "phone", "country", "period",
                          "level", "funding", "sdgs", "themes"):
            read_header_value(zone.field, value, draft)
        elif zone.field == "title":
            if value.strip() and draft.title is None:
                draft.title = (zone.start, zone.end)
                draft.methods["title"] = "form_label"
        elif zone.field == "website":
            draft.websites += find_websites(value)
            draft.methods.setdefault("websites", "form_label")
        elif zone.field == "organisations_info":
            draft.loose_text.append((zone.start, zone.end))
        elif zone.field == "activities":
            span = end_section(text, lines, zone) if page else (zone.start, zone.end)
            draft.activities += split_list_items(text, lines, *line_range(lines, span))
            draft.methods.setdefault("activities", section_method(lines, zone))
        else:
            span = end_section(text, lines, zone) if page else (zone.start, zone.end)
            if span[1] < zone.end:
                draft.loose_text.append(trim_span(text, span[1], zone.end))
            if zone.field in draft.sections:
                draft.issues.append(Issue(stage="extract", code="repeated_section",
                                          field=zone.field,
                                          message=f"a second '{zone.field}' section was ignored"))
                draft.loose_text.append(span)
                continue
            draft.sections[zone.field] = span
            draft.methods[zone.field] = section_method(lines, zone)


def section_method(lines: list[Line], zone: Zone) -> str:
    """Name how a section was found: a form label, a heading, or a question heading."""
    if zone.label_line is None:
        return "untitled_text"
    line = lines[zone.label_line]
    if line.label.value_offset is not None:
        return "form_label"
    continued = zone.label_line + 1 < len(lines) and lines[zone.label_line + 1].question_part
    return "question_heading" if continued or line.text.rstrip().endswith("?") else \
        "section_heading"


def read_header_value(field_name: str, value: str, draft: Draft) -> None:
    """Store a short labelled value: organisation, contact, country and the like."""
    value = value.strip()
    if not value or is_placeholder(value):
        return
    if field_name == "organisation":
        name, country = split_trailing_country(value)
        draft.organisations.append(Organisation(name=name, role="implementing", country=country))
    elif field_name == "contact_name":
        draft.contacts.append(Contact(name=value, email=""))
    elif field_name == "email":
        for email in find_emails(value):
            if draft.contacts and draft.contacts[-1].email == "":
                draft.contacts[-1].email = email
            else:
                draft.contacts.append(Contact(name=None, email=email))
    else:
        draft.values.setdefault(field_name, []).append(value)


def read_unlabelled_zones(text: str, lines: list[Line], zones: list[Zone], draft: Draft,
                          segment: Segment) -> None:
    """Find the title and the untitled description among the unlabelled lines."""
    if draft.title is None and segment.kind != "example":
        best = choose_title(text, lines, zones)
        if best is not None:
            draft.title = (best.start, best.end)
            draft.methods["title"] = best.method if best.method != "page_heading" else \
                ("page_heading" if segment.kind == "page" else "header_line")
    for zone in zones:
        if zone.field is not None or zone.empty:
            continue
        first_prose = first_prose_line(lines, zone, subheadings=segment.kind == "submission")
        if segment.kind != "example":
            collect_tags(lines, zone.first, first_prose if first_prose is not None else zone.last,
                         draft.tags)
        span, rest = describe_zone(text, lines, zone, segment.kind)
        draft.loose_text += rest
        if span is None:
            continue
        if "description" not in draft.sections:
            draft.sections["description"] = span
            draft.methods["description"] = "untitled_text"
        else:
            draft.loose_text.append(span)
    if segment.kind == "item":
        span = describe_listed_item(text, lines, segment.title_span, segment.title_line,
                                    draft.sections.get("description"))
        if span is not None:
            draft.sections["description"] = span
            draft.methods.setdefault("description", "untitled_text")


# ---- draft → record --------------------------------------------------------------------

def build_record(doc: Document, lines: list[Line], segment: Segment, draft: Draft,
                 parent: Initiative | None) -> Initiative:
    """Assemble the Initiative: languages, parties, countries, period, categories."""
    text = doc.text
    span = (lines[segment.first].start, lines[segment.last - 1].end)
    body = "\n".join(text[s:e] for s, e in list(draft.sections.values()) + draft.activities)
    language, lang_confidence = detect_language(body or text[span[0]:span[1]],
                                                prior=doc.language)
    if draft.methods.get("description") == "untitled_text" and segment.kind == "page":
        draft.sections["description"], tail = drop_organisational_tail(
            text, draft.sections["description"], language)
        draft.loose_text += [tail] if tail else []
    add_prose_fields(text, draft, language, segment.kind)
    fields = {name: make_text_field(text, span_, language, draft.methods.get(name),
                                    draft.section_parts.get(name))
              for name, span_ in draft.sections.items() if name in PUBLISHED_SECTIONS}
    activities = [make_text_field(text, s, language, draft.methods.get("activities"))
                  for s in draft.activities]
    title = text[draft.title[0]:draft.title[1]].strip().strip("*").strip() if draft.title else None
    own_text = blank_children(text, lines, segment, span)
    sentences = RecordSentences(text, language)  # organisations and period read the same spans
    organisations = gather_organisations(text, draft, language, parent, own_text, sentences)
    contacts = gather_contacts(text, draft, lines, segment, span)
    record = Initiative(
        id=make_record_id(doc.file, segment.index, title),
        title=title or None,
        title_lang=detect_language(title, prior=language)[0] if title else None,
        language=language,
        organisations=organisations,
        contacts=contacts,
        countries=gather_countries(text, draft, organisations, language, body, parent,
                                   [c.email for c in contacts]),
        websites=list(dict.fromkeys(draft.websites)),
        activities=[a for a in activities if a is not None],
        implementation_level=next((parse_level(v) for v in draft.values.get("level", [])
                                   if parse_level(v)), None),
        period=gather_period(text, draft, language, sentences),
        funding=list(dict.fromkeys(o.name for o in organisations if o.role == "funder")),
        sdgs=[g for v in draft.values.get("sdgs", []) for g in parse_sdgs(v)],
        parent_id=parent.id if parent else None,
        source=Source(file=doc.file, sha256=doc.sha256, format=doc.format,
                      segment=segment.index, span=span),
        issues=draft.issues + lexicon_issues(language),
        **{name: value for name, value in fields.items() if value is not None},
    )
    extra = [(tag, language) for tag in draft.tags] + [
        (v, language) for v in draft.values.get("themes", [])]
    record.target_group_categories, record.themes = categorise(categorised_view(record, draft),
                                                               extra)
    record.outcomes = record_outcomes(record)
    record.provenance = describe_provenance(record, draft, lang_confidence)
    return record


def describe_provenance(record: Initiative, draft: Draft,
                        lang_confidence: float) -> dict[str, Provenance]:
    """Name the method and confidence behind every filled field."""
    methods = {name: method for name, method in draft.methods.items()
               if (record.period.text if name == "period" else getattr(record, name, None))}
    for name in ("contacts", "implementation_level", "sdgs"):
        if getattr(record, name):
            methods[name] = "form_label"
    for name in ("target_group_categories", "themes"):
        if getattr(record, name):
            methods[name] = "keywords"
    provenance = {name: Provenance(method=method, confidence=METHOD_CONFIDENCE[method])
                  for name, method in methods.items()}
    provenance["language"] = Provenance(method="langdetect_with_cues",
                                        confidence=round(lang_confidence, 3))
    return provenance


def make_text_field(text: str, span: tuple[int, int], record_language: str,
                    method: str | None,
                    parts: list[tuple[int, int]] | None = None) -> TextField | None:
    """A text field for a span, or None when the span holds only a placeholder.

    `parts` are the sentences a field was assembled from; `span` covers them all.
    """
    start, end = trim_span(text, *span)
    value = text[start:end]
    if is_placeholder(value):
        return None
    lang, lang_confidence = detect_language(value, prior=record_language)
    method = method or "untitled_text"
    return TextField(text=value, lang=lang, span=(start, end), lang_confidence=lang_confidence,
                     confidence=METHOD_CONFIDENCE[method], method=method,
                     spans=[tuple(part) for part in parts] if parts else None)


# ---- prose → fields --------------------------------------------------------------------

def add_prose_fields(text: str, draft: Draft, language: str, kind: str) -> None:
    """Fill the fields no label or heading gave from the sentences of unlabelled prose."""
    found = classify_segment_prose(text, draft.sections, draft.methods, draft.loose_text,
                                   kind, language)
    for name, parts in found.items():
        if name == "activities":
            if not draft.activities:
                draft.activities = parts
                draft.methods["activities"] = "prose_cue"
        elif name not in draft.sections:
            draft.sections[name] = (parts[0][0], parts[-1][1])
            draft.section_parts[name] = parts
            draft.methods[name] = "prose_cue"


def categorised_view(record: Initiative, draft: Draft) -> Initiative:
    """The record as categorised: a target group from prose is a phrase, not a section."""
    if draft.methods.get("target_group") != "prose_cue":
        return record
    return record.model_copy(update={"target_group": None})


def gather_organisations(text: str, draft: Draft, language: str, parent: Initiative | None,
                         own_text: str = "",
                         sentences: RecordSentences | None = None) -> list[Organisation]:
    """Labelled organisations, then role headings, role cues, type words, self-introductions."""
    labelled = list(draft.organisations) + labelled_funders(draft, language)
    headed = find_heading_organisations(own_text)
    mentioned: list[Organisation] = []
    typed: list[str] = []
    spans = list(draft.sections.values()) + draft.activities + draft.loose_text
    vocabulary = set(LOWER_CASE_WORD.findall(own_text))
    sentences = sentences or RecordSentences(text, language)
    for start, end in spans:
        for s, e in sentences.of(start, end):
            sentence = text[start + s:start + e]
            mentioned += find_role_mentions(sentence, language)
            mentioned += find_subject_roles(sentence, language)
            mentioned += [Organisation(name=name, role="implementing")
                          for name in find_joint_organisations(sentence)]
            typed += find_typed_organisations(sentence, vocabulary)
    # "ESF-stöd", "AMIF-rahastosta": an acronym glued to a funding word names a funder
    # wherever it stands, a label line of a project bank included
    covered = {org.name for org in mentioned}
    mentioned += [org for line in own_text.splitlines()
                  for org in find_funded_compounds(line, language) if org.name not in covered]
    context = "\n".join(text[s:e] for s, e in spans)
    for org in mentioned:
        org.name = expand_name(org.name, context)
        if labelled and org.role == "implementing":
            org.role = "partner"  # the form names the implementer; others running it are partners
    found = labelled + headed + mentioned
    draft.methods["organisations"] = "form_label" if labelled or headed else "role_cue"
    if not has_implementer(found):
        introduced = self_introduced(text, draft, language)
        if introduced or parent:
            draft.methods["organisations"] = "self_introduction" if introduced else "inherited"
            found = (introduced or [o for o in parent.organisations if o.role == "implementing"]
                     ) + found
    if not labelled and not parent:  # forms and their examples name their organisations
        named = [Organisation(name=name, role="partner") for name in typed
                 if not names_a_kind(name)]
        named = [o for o in named if not any(same_organisation(o, other) for other in found)]
        if named and not has_implementer(found):
            named[0].role = "implementing"  # the first organisation a page names is its own
            draft.methods["organisations"] = "text_mention"
        found += named
    page = own_text or context
    bases = base_forms([o.name for o in found])
    for org in found:
        org.name = base_of_type_genitive(
            attested_base(bases.get(org.name, org.name), page, language), language)
    draft.methods["funding"] = "role_cue"
    # runners first, so a later partner mention of the same body merges into its runner
    found.sort(key=lambda org: not has_implementer([org]))
    return merge_organisations(found)


def labelled_funders(draft: Draft, language: str) -> list[Organisation]:
    """A `Finansiering:` value names the funders: "ESF och Region Skåne" is two."""
    return [Organisation(name=name, role="funder", country=country)
            for value in draft.values.get("funding", [])
            for name, country in read_name_list(value, language)]


def self_introduced(text: str, draft: Draft, language: str) -> list[Organisation]:
    """An example that opens "X är en ideell förening" is run by X."""
    if "description" not in draft.sections:
        return []
    start, end = draft.sections["description"]
    name = find_self_introduced_organisation(text[start:end], language)
    return [Organisation(name=name, role="implementing")] if name else []


def make_record_id(file: str, segment: str, title: str | None) -> str:
    """A stable id from the record's identity: its source file, its place there and its name.

    Not the document's content: an edit to one submission of a compilation leaves the ids of
    the others as they were. Case and spacing of the title do not count.
    """
    name = " ".join((title or "").split()).casefold()
    digest = hashlib.sha256(f"{file}\x00{segment}\x00{name}".encode()).hexdigest()
    return f"ini_{digest[:16]}"
