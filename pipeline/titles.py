"""Find an initiative's title: a label, the page's own heading, or "X is a project …"."""

from __future__ import annotations

import re

from pipeline.layout import BREADCRUMB, TAG_SEPARATOR, Line, is_date_line, paragraphs, \
    starts_capitalised, trim_span
from pipeline.lexicon import load_lexicon
from pipeline.zones import Zone

MIN_PROSE_WORDS = 8
MAX_TITLE_WORDS = 14


def first_prose_line(lines: list[Line], zone: Zone) -> int | None:
    """The first line of the zone that begins running text rather than a heading."""
    title_seen = False
    for first, last in paragraphs(lines, zone.first, zone.last):
        block = lines[first:last + 1]
        words = sum(line.words for line in block)
        if words >= MIN_PROSE_WORDS or block[-1].text.rstrip().endswith((".", ":")):
            return first
        if title_seen and not all(skippable_lead_line(line) for line in block):
            return first
        title_seen = title_seen or not all(skippable_lead_line(line) for line in block)
    return None


def pick_title(lines: list[Line], first: int, last: int,
               tags: list[str]) -> tuple[int, int] | None:
    """Choose the title among the lead lines: not a date, kicker, breadcrumb or tag line."""
    title = None
    for line in lines[first:last]:
        if line.blank:
            continue
        if TAG_SEPARATOR.search(line.text):
            tags.append(line.text)
            continue
        if title is None and not skippable_lead_line(line) and line.words <= MAX_TITLE_WORDS:
            title = trim_span(line.text, 0, len(line.text))
            title = (line.start + title[0], line.start + title[1])
    return title


def collect_tags(lines: list[Line], first: int, last: int, tags: list[str]) -> None:
    """Keep tag lines ("Boende • Hälsa") for the categoriser."""
    for line in lines[first:last]:
        if TAG_SEPARATOR.search(line.text):
            tags.append(line.text)


def skippable_lead_line(line: Line) -> bool:
    """Lines that introduce a page but do not name the initiative."""
    text = line.text.strip().strip("#*").strip()
    folded = text.casefold().rstrip(":")
    lexicon = load_lexicon()
    return (is_date_line(text) or folded in lexicon.all_phrases("kickers")
            or folded in lexicon.all_phrases("generic_headings")
            or bool(BREADCRUMB.search(text)) or bool(TAG_SEPARATOR.search(text)))


def title_from_self_introduction(text: str, span: tuple[int, int]) -> tuple[int, int] | None:
    """Read the name from an opening like "X är ett forskningsprojekt …"."""
    opening = text[span[0]:span[1]].split("\n", 1)[0]
    lexicon = load_lexicon()
    verbs = "|".join(re.escape(v) for v in sorted(lexicon.all_phrases("self_intro"), key=len,
                                                   reverse=True))
    nouns = "|".join(re.escape(n) for n in lexicon.all_phrases("initiative_nouns"))
    match = re.match(rf"^(.{{3,120}}?)\s+(?:{verbs})\s+(?:\w+\s+){{0,3}}?\w*(?:{nouns})\b",
                     opening, re.IGNORECASE)
    if not match or not starts_capitalised(match.group(1)):
        return None
    return (span[0], span[0] + len(match.group(1)))
