"""The few lines of a document in which a contact-name label and its value can stand.

Finding the names under contact labels (`pipeline.extract.people.contact_names_in_text`)
means reading the document's lines as extraction does (`parse_lines`), which costs far more
than masking the text. But `parse_lines` reads each line alone (its table rows, boilerplate
and label) and each paragraph alone (a question heading, which only a paragraph of at most
three lines can be, on its first line), and a contact label's value is on its own line or
one of the next two. So `contact_passages` keeps each line that may be a contact label, the
two after it, and the first four lines of a paragraph one of those two begins; it keeps
them with the lines between as they were, and puts two blank lines where it leaves lines
out. `parse_lines` then labels the lines that matter as it would in the whole text.

A line may be a contact label when its text, the part before its colon or the part after a
list marker reads, once normalised, as a contact-name label or as one within the edits
`Lexicon.lookup_label` forgives; that test is cheap, and reading a label is not.
"""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from pipeline.extract.layout import LIST_ITEM, Line, heading_label_index, split_table_rows
from pipeline.lexicon import (FUZZY_MIN_LENGTH, LONG_LABEL, SECTION_FIELDS, Lexicon,
                              normalise_label)

CONTACT_FIELD = "contact_name"
MAX_HEAD = 60  # Lexicon.match_label reads a label before a colon this close to the start
GAP = "\n\n\n"  # two blank lines: no label's value is looked for across them
STRIPPED_MARKS = "#>*_:?.!"  # all normalise_label removes besides blanks


@lru_cache(maxsize=4)
def contact_label_keys(lexicon: Lexicon) -> dict[int, frozenset[str]] | None:
    """Every normalised contact-name label and heading, by length; None when any line may be
    one.

    A question heading ("Who can we contact?") can only name a field the lexicon has
    question words for; should that ever be the contact's name, no line can be ruled out.
    """
    if CONTACT_FIELD in SECTION_FIELDS or any(
            CONTACT_FIELD in language.question_keywords
            for language in lexicon.languages.values()):
        return None
    keys = {key for key, (field, _) in lexicon.label_index.items() if field == CONTACT_FIELD}
    keys |= {key for key, (field, _) in heading_label_index(lexicon).items()
             if field == CONTACT_FIELD}
    return {size: frozenset(key for key in keys if len(key) == size)
            for size in {len(key) for key in keys}}


@lru_cache(maxsize=16384)  # labels repeat from line to line and from form to form
def reads_as_contact_label(text: str, lexicon: Lexicon) -> bool:
    """Whether `Lexicon.lookup_label` could read the text as a contact-name label."""
    keys = contact_label_keys(lexicon) or {}
    if too_long_for_label(text, max(keys, default=0) + 2):
        return False
    key = normalise_label(text)
    if not key:
        return False
    if key in keys.get(len(key), ()):
        return True
    if len(key) < FUZZY_MIN_LENGTH:
        return False
    allowed = 2 if len(key) >= LONG_LABEL else 1  # the edits lookup_label forgives
    return any(Levenshtein.distance(key, label, score_cutoff=allowed) <= allowed
               for size in range(len(key) - allowed, len(key) + allowed + 1)
               for label in keys.get(size, ()))


def too_long_for_label(text: str, longest: int) -> bool:
    """Whether `normalise_label` must leave more than `longest` characters of the text.

    It drops blanks and the marks it strips (heading and quote marks, emphasis, end
    punctuation), casefolding never shortens, and Unicode composition (NFC) joins at most
    four characters into one: at least a quarter of the other characters is left. Counting
    them costs less than normalising a long line.
    """
    kept = len("".join(text.split())) - sum(map(text.count, STRIPPED_MARKS))
    return kept > 4 * longest


def may_be_contact_label(raw: str, lexicon: Lexicon) -> bool:
    """Whether a line (or a table row cut from it) may be labelled a contact's name."""
    for piece in split_table_rows(Line(0, 0, len(raw), raw), lexicon):
        text = piece.text
        stripped = text.strip()
        if not stripped:
            continue
        colon = stripped.find(":")
        marker = LIST_ITEM.match(text)
        parts = (stripped, stripped[:colon] if 0 < colon <= MAX_HEAD else "",
                 text[marker.end():] if marker else "")
        if any(part and reads_as_contact_label(part, lexicon) for part in parts):
            return True
    return False


def keep_window(lines: list[str], label: int, kept: list[bool]) -> None:
    """Mark the lines that decide what a label on line `label` names: that line, the two
    after it, and the first four lines of a paragraph one of those begins (enough to tell
    whether it is a question heading: at most three lines)."""
    for n in range(label, min(label + 3, len(lines))):
        kept[n] = True
    for start in (label + 1, label + 2):
        if start < len(lines) and lines[start].strip() and not lines[start - 1].strip():
            for n in range(start, min(start + 4, len(lines))):
                if not lines[n].strip():
                    break
                kept[n] = True


def contact_passages(text: str, lexicon: Lexicon) -> str:
    """The lines around every line that may be a contact label, as said above."""
    if contact_label_keys(lexicon) is None:
        return text
    lines = text.split("\n")
    kept = [False] * len(lines)
    for n, line in enumerate(lines):
        if line.strip() and may_be_contact_label(line, lexicon):
            keep_window(lines, n, kept)
    passages, current = [], []
    for line, keep in zip(lines, kept):
        if keep:
            current.append(line)
        elif current:
            passages.append("\n".join(current))
            current = []
    if current:
        passages.append("\n".join(current))
    return GAP.join(passages)
