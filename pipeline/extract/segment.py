"""Split a document into initiative blocks: one per form submission, nested examples kept.

Works from structure only: a submission starts where the contact block of a form
(organisation, name, e-mail, project name) begins again after a body of answers. A
document with fewer than two such submissions is a single initiative, unless it lists
initiatives the way news and funders' pages do (see `pipeline.extract.compilations`): then each
listed initiative is a block of its own and the page's preamble is none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice

from pipeline.extract.compilations import find_listed_initiatives
from pipeline.extract.layout import BOLD_ITEM, LIST_ITEM, Line, starts_capitalised
from pipeline.lexicon import SECTION_FIELDS

# Labels that can open a submission's contact block.
OPENING_FIELDS = ("organisation", "contact_name", "email", "phone", "title")
MIN_BODY_WORDS = 8        # a line this long is an answer, not part of a contact block
MIN_EXAMPLE_WORDS = 15    # prose under a nested example's title
MAX_EXAMPLE_TITLE_WORDS = 8
MIN_EXAMPLES = 2
CONTACT_BLOCK_LINES = 3   # a new submission's contact block shows within this many lines


@dataclass
class Segment:
    """A run of lines [first, last) forming one initiative, with nested examples."""

    first: int
    last: int
    kind: str  # "page", "submission", "item" (one of a page's listed initiatives) or "example"
    index: str
    title_line: int | None = None  # for examples: the bullet line holding the title
    children: list[Segment] = field(default_factory=list)
    title_span: tuple[int, int] | None = None  # for items: where the listed name stands


def segment_document(lines: list[Line]) -> list[Segment]:
    """Return the top-level segments of a document, each with its nested examples."""
    blocks = find_submissions(lines)
    listed = find_listed_initiatives(lines) if len(blocks) < 2 else []
    if listed:
        return [Segment(item.first, item.last, "item", str(n + 1), title_line=item.title_line,
                        title_span=item.title_span) for n, item in enumerate(listed)]
    if len(blocks) < 2:
        segments = [Segment(0, len(lines), "page", "1")]
    else:
        segments = [Segment(first, last, "submission", str(n + 1))
                    for n, (first, last) in enumerate(blocks)]
    for segment in segments:
        segment.children = find_examples(lines, segment)
    return segments


def find_submissions(lines: list[Line]) -> list[tuple[int, int]]:
    """Find form submissions: a contact block after a body of answers starts a new one."""
    starts: list[int] = []
    has_body = False
    for line in lines:
        label = line.label
        if label and label.field in OPENING_FIELDS:
            if not starts or (has_body and opens_contact_block(lines, line.index)):
                starts.append(line.index)
                has_body = False
        elif label and label.field in SECTION_FIELDS:
            has_body = True
        elif starts and not line.blank and not label and line.words >= MIN_BODY_WORDS:
            has_body = True
    blocks = [(start, starts[n + 1] if n + 1 < len(starts) else len(lines))
              for n, start in enumerate(starts)]
    return merge_bodiless_blocks(lines, blocks)


def opens_contact_block(lines: list[Line], index: int) -> bool:
    """A contact block names two things in a row (organisation and name, name and e-mail);
    a lone phone number among a form's address lines does not start a new submission."""
    fields = set()
    following = (line for line in islice(lines, index, None) if not line.blank)
    for line in islice(following, CONTACT_BLOCK_LINES):  # lazily: exports have 10,000s of rows
        if line.label and line.label.field in OPENING_FIELDS:
            fields.add(line.label.field)
    return len(fields) >= 2


def merge_bodiless_blocks(lines: list[Line], blocks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A trailing contact block with no answers belongs to the submission before it."""
    merged: list[tuple[int, int]] = []
    for first, last in blocks:
        if merged and not block_has_body(lines, first, last):
            merged[-1] = (merged[-1][0], last)
        else:
            merged.append((first, last))
    return merged


def block_has_body(lines: list[Line], first: int, last: int) -> bool:
    """True when the block holds a section label or a line of prose."""
    for line in lines[first:last]:
        if line.label and line.label.field in SECTION_FIELDS:
            return True
        if not line.label and not line.blank and line.words >= MIN_BODY_WORDS:
            return True
    return False


def find_examples(lines: list[Line], segment: Segment) -> list[Segment]:
    """Find examples nested in a block: list items that are a title over prose of their own."""
    candidates = [i for i in range(segment.first, segment.last)
                  if is_example_title(lines[i]) and prose_words_after(lines, i, segment.last)
                  >= MIN_EXAMPLE_WORDS]
    if len(candidates) < MIN_EXAMPLES:
        return []
    examples = []
    for n, start in enumerate(candidates):
        end = candidates[n + 1] if n + 1 < len(candidates) else example_end(lines, start, segment.last)
        examples.append(Segment(start, end, "example", f"{segment.index}.{n + 1}", title_line=start))
    return examples


def is_example_title(line: Line) -> bool:
    """A bullet whose whole content is a (bold or short) title."""
    if BOLD_ITEM.match(line.text):
        return True
    match = LIST_ITEM.match(line.text)
    if not match or line.text.lstrip()[:1].isdigit():
        return False
    title = line.text[match.end():].strip()
    return (0 < len(title.split()) <= MAX_EXAMPLE_TITLE_WORDS and starts_capitalised(title)
            and not re.search(r"[.,;:]$", title))


def prose_words_after(lines: list[Line], index: int, limit: int) -> int:
    """Count the words of plain lines following a list item, up to the next item or label."""
    words = 0
    for line in lines[index + 1:limit]:
        if line.label or LIST_ITEM.match(line.text):
            break
        words += line.words
    return words


def example_end(lines: list[Line], start: int, limit: int) -> int:
    """The last example runs to the next label or to the end of its block."""
    for i in range(start + 1, limit):
        if lines[i].label:
            return i
    return limit
