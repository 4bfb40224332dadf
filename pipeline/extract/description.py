"""The untitled description: where a block's running text starts and where it ends.

A page's description is its running text after the title, kickers and furniture. It starts
after a heading that names it ("Beskrivelse av eksempelet", a description label opening a
heading), and it ends before a heading that labels another field or page furniture
("Resultat", "Partners", "Related news": labels of other fields, or the per-language
`section_end_headings`). Other headings head paragraphs of the same story and stay in it.
A labelled section of a free page ends the same way, or with the list it opens with.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.enrich.normalise import find_websites
from pipeline.enrich.sentences import split_sentences
from pipeline.extract.layout import (BOLD_ITEM, LIST_ITEM, NUMBER_ONLY, Line, paragraphs,
                                     starts_capitalised, strip_list_marker, trim_span)
from pipeline.extract.lead import end_before_furniture, first_prose_line
from pipeline.extract.organisations import find_role_mentions
from pipeline.extract.zones import Zone
from pipeline.lexicon import Lexicon, load_lexicon, normalise_label

MAX_HEADING_WORDS = 8      # a longer line is prose, not a heading
MAX_HEADING_TAIL_WORDS = 3  # words a label may be followed by and still name the heading
CLOSING = "closing"
# A description heading does not close the description; nor does a "More information" line
# that reads as a website label but holds no address: it unfolds more of the same text.
OPEN_FIELDS = ("description", "website")         # what heading_field calls a heading that ends the description
# "Aktivitet/metode", "Icon text. Results": each part may be the heading's label
BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")
PART_SEPARATOR = re.compile(r"\s*[/|]\s*|(?<=\w)\.\s+")
SENTENCE_ENDS = (".", "!", "?", ":", "…", "»", "”", '"', ")")


def describe_zone(text: str, lines: list[Line], zone: Zone,
                  kind: str) -> tuple[tuple[int, int] | None, list[tuple[int, int]]]:
    """The description in one unlabelled zone (None when it holds no prose), and the zone's
    text before and after it, which other fields may still be read from."""
    first = first_prose_line(lines, zone, subheadings=kind == "submission")
    if first is None:
        return None, []
    lexicon = load_lexicon()
    headed = line_after_description_heading(lines, lexicon, zone.first, zone.last)
    start = headed if headed is not None else first
    stop = closing_heading(lines, lexicon, start, zone.last)
    form = kind == "submission"
    end = end_before_furniture(lines, shorten_zone(lines, zone, stop), form)
    span = trim_span(text, lines[start].start, end)
    rest = [trim_span(text, lines[first].start, lines[start].start) if start > first else None,
            trim_span(text, lines[stop].start, zone.end) if stop < zone.last else None]
    rest = [part for part in rest if part is not None and part[1] > part[0]]
    return (span if span[1] > span[0] else None), rest


def closing_heading(lines: list[Line], lexicon: Lexicon, first: int, last: int) -> int:
    """The first heading after line `first` that labels another field or furniture, else `last`."""
    for index in range(first + 1, last):
        if not stands_alone(lines, index):
            continue
        field = heading_field(lines[index], lexicon)
        if field is not None and field not in OPEN_FIELDS:
            return index
    return last


def section_stop(lines: list[Line], zone: Zone) -> int | None:
    """Where a labelled section of a page stops: at a heading naming another field, or at
    furniture ("Last updated …") once the section has text; None when it runs to its end."""
    lexicon = load_lexicon()
    seen_text = False
    for index in range(zone.first + 1, zone.last):
        line = lines[index]
        if line.blank:
            continue
        if seen_text and line.boilerplate:
            return index
        if stands_alone(lines, index):
            field = heading_field(line, lexicon)
            if field is not None and field not in OPEN_FIELDS + (zone.field,):
                return index
        seen_text = seen_text or not line.boilerplate
    return None


def line_after_description_heading(lines: list[Line], lexicon: Lexicon, first: int,
                                   last: int) -> int | None:
    """The first non-blank line after a heading that names the description, if one stands here."""
    for index in range(first, last):
        if stands_alone(lines, index) and heading_field(lines[index], lexicon) == "description":
            following = next((n for n in range(index + 1, last) if not lines[n].blank), None)
            if following is not None and heading_field(lines[following], lexicon) is None:
                return following
    return None


def stands_alone(lines: list[Line], index: int) -> bool:
    """A line after a blank line, or a capitalised one after a finished sentence or another
    heading: not the wrapped middle of a paragraph."""
    line = lines[index]
    if line.blank:
        return False
    previous = lines[index - 1] if index > 0 else None
    if previous is None or previous.blank or line.is_list_item:
        return True
    before = previous.text.rstrip()
    return starts_capitalised(line.text) and (before.endswith(SENTENCE_ENDS)
                                              or previous.words <= MAX_HEADING_WORDS)


def shorten_zone(lines: list[Line], zone: Zone, stop: int) -> Zone:
    """The zone's lines before line `stop`."""
    if stop >= zone.last:
        return zone
    return Zone(zone.field, zone.first, stop, zone.start, lines[stop - 1].end, zone.label_line)


def heading_field(line: Line, lexicon: Lexicon) -> str | None:
    """The field a short heading line names, CLOSING for a closing heading, else None.

    A heading names a field when it is that field's label, opens with it ("Mål og målgruppe",
    "Beskrivelse av prosjektet"), or one of its "/"-separated parts is one ("Aktivitet/tiltak").
    """
    text = line.text.strip()
    marker = LIST_ITEM.match(line.text)
    if marker:
        text = line.text[marker.end():].strip()
    folded = normalise_label(text.rstrip("…").strip())
    words = folded.split()
    if not words or len(words) > MAX_HEADING_WORDS or text.endswith((".", ",", ";", "?", "!")):
        return None
    for part in [folded] + PART_SEPARATOR.split(folded):
        found = lexicon.lookup_label(part) if part else None
        if found:
            return found[0]
        if part in closing_phrases(lexicon):
            return CLOSING
    return opening_phrase_field(folded, lexicon)


def opening_phrase_field(folded: str, lexicon: Lexicon) -> str | None:
    """The field of a label or closing phrase that opens a heading, followed by a few words."""
    by_letter = heading_phrases_by_letter(lexicon)
    for phrase, field in by_letter.get(folded[:1], ()) + by_letter.get("", ()):
        if folded.startswith(phrase) and (len(folded) == len(phrase)
                                          or not folded[len(phrase)].isalnum()):
            if len(folded[len(phrase):].split()) <= MAX_HEADING_TAIL_WORDS:
                return field
    return None


@lru_cache(maxsize=4)
def closing_phrases(lexicon: Lexicon) -> frozenset[str]:
    """The closing heading phrases, folded as labels are."""
    return frozenset(phrase for phrase, field in heading_phrases(lexicon) if field == CLOSING)


@lru_cache(maxsize=4)
def heading_phrases_by_letter(lexicon: Lexicon) -> dict[str, tuple[tuple[str, str], ...]]:
    """`heading_phrases` grouped by first letter, longest first in each: only the group of a
    heading's first letter can open it (an empty phrase, which opens any, keys "")."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for phrase, field in heading_phrases(lexicon):
        groups.setdefault(phrase[:1], []).append((phrase, field))
    return {letter: tuple(pairs) for letter, pairs in groups.items()}


@lru_cache(maxsize=4)
def heading_phrases(lexicon: Lexicon) -> tuple[tuple[str, str], ...]:
    """Every label and closing heading phrase with the field it names, longest first."""
    pairs = {key: field for key, (field, _) in lexicon.label_index.items()}
    for phrase in lexicon.all_phrases("section_end_headings"):
        pairs.setdefault(normalise_label(phrase), CLOSING)
    return tuple(sorted(pairs.items(), key=lambda item: (-len(item[0]), item[0])))


def drop_organisational_tail(text: str, span: tuple[int, int],
                             language: str) -> tuple[tuple[int, int], tuple[int, int] | None]:
    """A description does not end with paragraphs that only say who funds or partners it
    ("Funded by X.", "In cooperation with Y and Z."): return it without them, and them."""
    start, end = span
    paragraph_starts = [start] + [start + m.end() for m in BLANK_LINES.finditer(text[start:end])]
    cut = end
    for first in reversed(paragraph_starts[1:]):
        if not names_parties_only(text[first:cut], language):
            break
        cut = first
    if cut == end:
        return span, None
    return trim_span(text, start, cut), trim_span(text, cut, end)


def names_parties_only(paragraph: str, language: str) -> bool:
    """True when every sentence of a paragraph names an organisation after a role cue."""
    sentences = split_sentences(paragraph, language)
    return bool(sentences) and all(find_role_mentions(paragraph[s:e], language)
                                   for s, e in sentences)


def end_section(text: str, lines: list[Line], zone: Zone) -> tuple[int, int]:
    """A labelled section of a free page: ended by its list, or by a heading naming another
    field or by page furniture after its text."""
    start, end = end_with_list(text, lines, zone)
    stop = section_stop(lines, zone)
    if stop is not None and lines[stop].start < end:
        end = lines[stop].start
    return trim_span(text, start, end)


def end_with_list(text: str, lines: list[Line], zone: Zone) -> tuple[int, int]:
    """On free pages a section that opens with a list ends with it; later prose is not its body."""
    first_line, last_line = line_range(lines, (zone.start, zone.end))
    runs = paragraphs(lines, first_line, last_line)
    if not runs or not lines[runs[0][0]].is_list_item:
        return (zone.start, zone.end)
    end = zone.end
    for first, last in runs[1:]:
        head = lines[first]
        if head.is_list_item or not starts_capitalised(head.text):
            continue
        previous = lines[first - 2] if first >= 2 else None
        if previous is not None and NUMBER_ONLY.match(previous.text):
            continue
        end = lines[first].start
        break
    return trim_span(text, zone.start, end)


def line_range(lines: list[Line], span: tuple[int, int]) -> tuple[int, int]:
    """The indexes [first, last) of the lines a character span covers."""
    first = next((line.index for line in lines if line.end > span[0]), len(lines))
    last = next((line.index for line in lines if line.start >= span[1]), len(lines))
    return first, last


def describe_listed_item(text: str, lines: list[Line], title_span: tuple[int, int] | None,
                         title_line: int | None,
                         description: tuple[int, int] | None) -> tuple[int, int] | None:
    """A listed initiative's bullet: without its marker; what follows its name describes it."""
    if description is not None:
        return strip_list_marker(text, *description)
    if title_span is None:
        return None
    start, end = trim_span(text, title_span[1], lines[title_line].end)
    while start < end and text[start] in "-–—:, ":
        start += 1
    return (start, end) if end > start else None


def example_zones(text: str, lines: list[Line], title_index: int, zones: list[Zone]) -> list[Zone]:
    """An example's first line is its title; the rest is its description."""
    title_line = lines[title_index]
    match = BOLD_ITEM.match(title_line.text) or LIST_ITEM.match(title_line.text)
    title_text = match.group("title") if "title" in (match.groupdict() or {}) else \
        title_line.text[match.end():]
    offset = title_line.text.index(title_text.strip())
    title = Zone("title", title_index, title_index + 1,
                 title_line.start + offset, title_line.start + offset + len(title_text.strip()))
    body = []
    for zone in zones:
        if zone.field is None and zone.first <= title_index < zone.last:
            if zone.last > title_index + 1:
                start, end = trim_span(text, lines[title_index + 1].start, zone.end)
                body.append(Zone("description", title_index + 1, zone.last, start, end))
        else:
            body.append(zone)
    return [title] + body


def take_more_info_link(text: str, span: tuple[int, int]) -> tuple[tuple[int, int], list[str]]:
    """Move a closing "Mer info här <url>" out of a description; return the span and its URLs."""
    start, end = span
    match = closing_more_info(load_lexicon()).search(text[start:end])
    if not match:
        return span, []
    urls = find_websites(match.group(0))
    if urls:
        return trim_span(text, start, start + match.start()), urls
    return span, urls


@lru_cache(maxsize=4)
def closing_more_info(lexicon: Lexicon) -> re.Pattern[str]:
    """A last line opening with a "more information" cue ("Mer info här …")."""
    cues = "|".join(re.escape(c) for c in sorted(lexicon.all_phrases("more_info"),
                                                    key=len, reverse=True))
    return re.compile(rf"(?:^|(?<=[.!?]\s)|(?<=\n))(?:{cues})\b[^\n]*$", re.IGNORECASE)
