"""Where a block's lead ends and its prose begins, and where its prose ends.

Titles, kickers, dates, standfirsts and page furniture stand before the prose; pointers
("Read more here:"), bare headings and sign-up lines after it. Neither is the description.
"""

from __future__ import annotations

from functools import lru_cache

from pipeline.extract.layout import BREADCRUMB, TAG_SEPARATOR, Line, is_date_line, paragraphs
from pipeline.lexicon import Lexicon, load_lexicon
from pipeline.extract.zones import Zone

MAX_TITLE_WORDS = 14
MAX_POINTER_WORDS = 6
TRAILING_HEADING_WORDS = MAX_TITLE_WORDS  # this short without a full stop heads text; alone it ends none


def first_prose_line(lines: list[Line], zone: Zone, subheadings: bool = False) -> int | None:
    """The first line of the zone that begins running text rather than a heading or furniture.

    In a form's answers (`subheadings`) a heading after the first one heads the answer and
    belongs to it; on a page, headings before the prose are titles and standfirsts.
    """
    heading_seen = False
    for first, last in paragraphs(lines, zone.first, zone.last):
        block = lines[first:last + 1]
        if all(line.boilerplate or skippable_lead_line(line) for line in block):
            continue
        if not is_heading_paragraph(block) and not is_more_info_line(block):
            return first
        if subheadings and heading_seen:
            return first
        heading_seen = True
    return None


def is_heading_paragraph(block: list[Line]) -> bool:
    """Lines of a title's length that do not end a sentence are headings, not prose."""
    return all(line.words <= MAX_TITLE_WORDS and not line.text.rstrip().endswith(
        (".", ",", ";", ":", "?", "!")) or line.boilerplate for line in block)


def is_more_info_line(block: list[Line]) -> bool:
    """A short "Read more and sign up." line points elsewhere; it is not the description."""
    text = " ".join(line.text.strip() for line in block).casefold()
    return len(text.split()) <= MAX_POINTER_WORDS and \
        text.startswith(more_info_cues(load_lexicon()))


@lru_cache(maxsize=4)
def more_info_cues(lexicon: Lexicon) -> tuple[str, ...]:
    """Every language's "read more" cues, folded, as str.startswith takes them."""
    return tuple(lexicon.all_phrases("more_info"))


def collect_tags(lines: list[Line], first: int, last: int, tags: list[str]) -> None:
    """Keep tag lines ("Boende • Hälsa") for the categoriser."""
    for line in lines[first:last]:
        if TAG_SEPARATOR.search(line.text) and not line.boilerplate:
            tags.append(line.text)


def skippable_lead_line(line: Line) -> bool:
    """Lines that introduce a page but do not name the initiative."""
    text = line.text.strip().strip("#*").strip()
    folded = text.casefold().rstrip(":")
    lexicon = load_lexicon()
    return (line.boilerplate or is_date_line(text) or folded in lexicon.all_phrases("kickers")
            or folded in lexicon.all_phrases("generic_headings")
            or bool(BREADCRUMB.search(text)) or bool(TAG_SEPARATOR.search(text)))


def end_before_furniture(lines: list[Line], zone: Zone, form: bool = False) -> int:
    """The zone's end, moved back to its last line of prose: past trailing banners, sign-up
    and "read more here:" lines, bare headings with no body, and metadata pairs (on pages;
    in a form's answers a closing lead-in introduces what follows, so it stays)."""
    last = zone.last - 1
    while last > zone.first and (lines[last].blank or lines[last].boilerplate
                                 or (not form and ends_nothing(lines[last]))):
        last -= 1
    return min(zone.end, lines[last].end)


def ends_nothing(line: Line) -> bool:
    """A short line that does not end a sentence, or a lead-in ending in a colon."""
    text = line.text.strip()
    if line.is_list_item:
        return False
    return text.endswith(":") or (line.words <= TRAILING_HEADING_WORDS
                                  and not text.endswith((".", "!", "?", "»", "”", '"', ")")))
