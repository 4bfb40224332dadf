"""Cut a segment's lines into zones: a labelled value, a labelled section, or unlabelled text."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.extract.layout import URL, Line, paragraphs, trim_span
from pipeline.lexicon import HEADER_FIELDS, VALUE_FIELDS
from pipeline.enrich.normalise import find_websites

SHORT_VALUE_FIELDS = set(HEADER_FIELDS) | set(VALUE_FIELDS)
LIST_ONLY_FIELDS = ("organisations_info",)  # a partner list: it ends where its bullets end
MAX_WEBSITE_VALUE_WORDS = 12
MAX_VALUE_LINES = 2        # a title value may wrap onto a second line, not more
MAX_TITLE_VALUE_WORDS = 20


@dataclass
class Zone:
    """Lines [first, last) holding one field's value, or unlabelled text when field is None."""

    field: str | None
    first: int
    last: int
    start: int
    end: int
    label_line: int | None = None

    @property
    def empty(self) -> bool:
        return self.end <= self.start


def cut_zones(text: str, lines: list[Line], first: int, last: int,
              skip: list[tuple[int, int]] = ()) -> list[Zone]:
    """Walk lines [first, last) and return their zones in order; `skip` ranges are left out."""
    zones: list[Zone] = []
    open_zone: Zone | None = None
    i = first
    while i < last:
        skipped = next((end for start, end in skip if start == i), None)
        if skipped is not None:
            open_zone = _close(zones, open_zone)
            i = skipped
            continue
        line = lines[i]
        label = line.label
        if label and label.field == "website" and not website_label_holds(lines, i, last):
            label = None
        if line.question_part:
            i += 1
            continue
        if label is None:
            if open_zone is not None and list_has_ended(lines, open_zone, line):
                open_zone = _close(zones, open_zone)  # prose after a partner list is not in it
            if open_zone is None:
                open_zone = Zone(None, i, i + 1, line.start, line.end)
            _extend(open_zone, line)
            i += 1
            continue
        open_zone = _close(zones, open_zone)
        if label.field in SHORT_VALUE_FIELDS:
            zone, i = read_value(text, lines, i, last)
            zones.append(zone)
            continue
        open_zone = start_section(lines, i)
        i += 1
    _close(zones, open_zone)
    for zone in zones:
        if zone.field is not None and zone.field not in SHORT_VALUE_FIELDS:
            drop_trailing_furniture(lines, zone)
        zone.start, zone.end = trim_span(text, zone.start, zone.end)
    return zones


def drop_trailing_furniture(lines: list[Line], zone: Zone) -> None:
    """A section does not end with a page's share links, banners or sign-up lines."""
    last = zone.last - 1
    while last > zone.first and (lines[last].blank or lines[last].boilerplate):
        last -= 1
    if last < zone.last - 1 and lines[last].end >= zone.start:
        zone.end = min(zone.end, lines[last].end)


def list_has_ended(lines: list[Line], zone: Zone, line: Line) -> bool:
    """True at the first plain line after the list that makes up a list-only section."""
    if zone.field not in LIST_ONLY_FIELDS or line.blank or line.is_list_item:
        return False
    body = [lines[i] for i in range(zone.first + 1, line.index) if not lines[i].blank]
    return bool(body) and all(item.is_list_item for item in body)


def start_section(lines: list[Line], index: int) -> Zone:
    """Open a section zone after its label line (or after the label's colon)."""
    line = lines[index]
    if line.label.value_offset is not None:
        return Zone(line.label.field, index, index + 1, line.start + line.label.value_offset,
                    line.end, label_line=index)
    end_of_heading = index
    while end_of_heading + 1 < len(lines) and lines[end_of_heading + 1].question_part:
        end_of_heading += 1
    position = lines[end_of_heading].end
    return Zone(line.label.field, index, end_of_heading + 1, position, position, label_line=index)


def read_value(text: str, lines: list[Line], index: int, last: int) -> tuple[Zone, int]:
    """Read a short labelled value: the rest of the line, or the next paragraph."""
    line = lines[index]
    field = line.label.field
    if line.label.value_offset is not None:
        end = index + 1
        while field == "website" and end < last and not lines[end].blank and not lines[end].label:
            end += 1  # an address list may run on: "<a> och\nfacebook: <b>"
        zone = Zone(field, index, end, line.start + line.label.value_offset, lines[end - 1].end,
                    label_line=index)
        return zone, end
    following = next_paragraph(lines, index + 1, last)
    if following is None:
        return Zone(field, index, index + 1, line.end, line.end, label_line=index), index + 1
    first, final = following
    if field == "title" and runs_on(lines, first, final):
        final = first  # a title is a line; the rest of a glued block is not its value
    zone = Zone(field, index, final + 1, lines[first].start, lines[final].end, label_line=index)
    return zone, final + 1


def runs_on(lines: list[Line], first: int, final: int) -> bool:
    """True when a paragraph is too long to be one short value wrapped over lines."""
    words = sum(lines[i].words for i in range(first, final + 1))
    return final - first >= MAX_VALUE_LINES or words > MAX_TITLE_VALUE_WORDS


def next_paragraph(lines: list[Line], start: int, last: int) -> tuple[int, int] | None:
    """The paragraph after a label, if one follows before another label."""
    runs = paragraphs(lines, start, last)
    if not runs:
        return None
    first, final = runs[0]
    if lines[first].label or first - start > 1:
        return None
    for i in range(first, final + 1):
        if lines[i].label:
            return (first, i - 1)
    return first, final


def website_label_holds(lines: list[Line], index: int, last: int) -> bool:
    """A website label is a label only with an address or nothing after it, not prose."""
    line = lines[index]
    if line.label.value_offset is not None:
        return bool(find_websites(line.text[line.label.value_offset:]))
    following = next_paragraph(lines, index + 1, last)
    if following is None:
        return True
    value = " ".join(lines[i].text for i in range(following[0], following[1] + 1))
    return bool(find_websites(value)) and (len(value.split()) <= MAX_WEBSITE_VALUE_WORDS
                                           or bool(URL.search(value)))


def _extend(zone: Zone, line: Line) -> None:
    zone.last = line.index + 1
    zone.end = line.end


def _close(zones: list[Zone], zone: Zone | None) -> None:
    if zone is not None:
        zones.append(zone)
    return None
