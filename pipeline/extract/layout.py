"""Read a normalised text as lines: which are labels, headings, list items or prose.

Every later stage works on these `Line` objects, whose character offsets point into the
document's normalised text, so any span taken from them round-trips exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from pipeline.lexicon import SECTION_FIELDS, UPPER, LabelMatch, Lexicon, normalise_label

LIST_ITEM = re.compile(
    r"^\s*(?:[-*•▪◦–]\s+|\(?\d{1,2}[.)]\s+|\d{1,2}\s+(?=" + UPPER + r")|\(?[a-z][)]\s+)"
)
NUMBER_ONLY = re.compile(r"^\s*\d{1,2}[.)]?\s*$")
BOLD_ITEM = re.compile(r"^\s*[-*•]\s+\*\*(?P<title>[^*]+?)\*\*\s*$")
DATE_LINE = re.compile(r"^\s*(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2})\s*$")
URL = re.compile(r"<?(?:https?://|www\.)[^\s<>]+>?", re.IGNORECASE)
MAX_HEADING_WORDS = 12
TAG_SEPARATOR = re.compile(r"\s[•|·]\s")   # "Boende • Hälsa • Språk" (a tag line)
BREADCRUMB = re.compile(r"\s[/›>»]\s")     # "Goda exempel / Språkcafé"
# Page furniture that is the same in every language: image file names, page counters.
IMAGE_NAME = re.compile(
    r"^\s*(?:[-*•]\s*)?(?:\S+\.(?:jpe?g|png|gif|webp|svg|tiff?|bmp|heic)"
    r"|(?=\S*_)(?=(?:\S*?\d){6})[\w.-]+)\s*$", re.IGNORECASE)
PAGE_COUNTER = re.compile(
    r"^\s*(?:[^\W\d]+\.?\s+)?\d{1,4}\s*(?:\(\s*\d{1,4}\s*\)|/\s*\d{1,4}|\s[^\W\d]{1,3}\s+\d{1,4})\s*$")
SIGNATURE = re.compile(r"^\s*/\s*\w{1,4}\s*$")  # an editor's initials closing a news item: "/sl"
HEALTH_NOTICE = re.compile(r"\b(?:covid|corona|korona)", re.IGNORECASE)
MAX_NOTICE_WORDS = 10
MAX_CONSENT_WORDS = 40
# A flattened table: a line this long, a number column heading, rows numbered 1, 2, … each
# at least this long, the first within a header's length of the column heading.
MIN_FLATTENED_WORDS = 40
MIN_ROW_WORDS = 6
MIN_TABLE_ROWS = 2
MAX_HEADER_WORDS = 30
FURNITURE_MARKS = re.compile(r"^[\s#*•>\-–]+|[\s*.!:|]+$")
SPACES = re.compile(r"\s+")
CONTACT_LINE = re.compile(r"@|\((?:at|ät)\)|\[(?:at|ät)\]|https?://|www\.|(?:\d[ ()./-]?){6,}",
                          re.IGNORECASE)


@dataclass
class Line:
    """One line of the document with its character span and what it was recognised as."""

    index: int
    start: int
    end: int
    text: str
    label: LabelMatch | None = None
    question_part: bool = False  # a later line of a heading that spans lines
    table_row: bool = False      # one numbered row of a table flattened into a long line
    boilerplate: bool = False    # page furniture: banners, menus, bylines, share buttons

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @cached_property
    def words(self) -> int:
        """How many words the line holds (counted once: a line's text does not change)."""
        return len(self.text.split())

    @property
    def is_list_item(self) -> bool:
        return bool(LIST_ITEM.match(self.text)) or bool(NUMBER_ONLY.match(self.text))

    @property
    def is_heading_like(self) -> bool:
        """Short, standalone-looking line that does not end a sentence."""
        text = self.text.strip().strip("*#").strip()
        return (0 < len(text.split()) <= MAX_HEADING_WORDS and not text.endswith((".", ",", ";"))
                and not URL.fullmatch(text))


def parse_lines(text: str, lexicon: Lexicon) -> list[Line]:
    """Split text into lines and mark labels and question headings."""
    lines, position = [], 0
    for raw in text.split("\n"):
        lines += split_table_rows(Line(len(lines), position, position + len(raw), raw), lexicon)
        position += len(raw) + 1
    for line in lines:
        if not line.blank:
            line.boilerplate = is_boilerplate(line.text, lexicon)
            line.label = None if line.boilerplate else (lexicon.match_label(line.text)
                                                        or match_heading_label(line, lexicon))
    mark_question_headings(lines, lexicon)
    return lines


def match_heading_label(line: Line, lexicon: Lexicon) -> LabelMatch | None:
    """A heading that labels a section only as a line of its own ("Results"), never as the
    start of a value ("Results: a cookbook"); or a bullet holding only a section label and
    its colon ("• Activities:"), as summary cards write their headings."""
    marker = LIST_ITEM.match(line.text)
    text = line.text[marker.end():] if marker else line.text
    if ":" in text.rstrip().rstrip(":") or (marker and not text.rstrip().endswith(":")):
        return None
    key = normalise_label(text)
    found = heading_label_index(lexicon).get(key)
    if found is None and marker:
        found = lexicon.lookup_label(key)
        found = found if found and found[0] in SECTION_FIELDS else None
    return LabelMatch(found[0], found[1], None) if found else None


@lru_cache(maxsize=4)
def heading_label_index(lexicon: Lexicon) -> dict[str, tuple[str, str]]:
    """Every language's heading labels, folded, with their field and language."""
    return {normalise_label(phrase): (field, lang)
            for lang, language in lexicon.languages.items()
            for field, phrases in language.heading_labels.items() for phrase in phrases}


def split_table_rows(line: Line, lexicon: Lexicon) -> list[Line]:
    """A table flattened into one line ("… Nr. Project Body Sum 1 Name … 2 Name …") read as
    its lead and one line per numbered row; any other line as itself."""
    if line.words < MIN_FLATTENED_WORDS:
        return [line]
    starts = next((found for header in row_number_header(lexicon).finditer(line.text)
                   if len(found := numbered_rows(line.text, header.end())) >= MIN_TABLE_ROWS),
                  [])
    if not starts:
        return [line]
    bounds = [0] + starts + [len(line.text)]
    pieces = []
    for n, (a, b) in enumerate(zip(bounds, bounds[1:])):
        piece = line.text[a:b].rstrip()
        pieces.append(Line(line.index + n, line.start + a, line.start + a + len(piece), piece,
                           table_row=n > 0))
    return pieces


def numbered_rows(text: str, position: int) -> list[int]:
    """Where rows numbered 1, 2, … start after a number column heading ending at `position`."""
    starts: list[int] = []
    while True:
        row = row_number(len(starts) + 1).search(text, position)
        if row is None:
            return starts
        before = len(text[starts[-1] if starts else position:row.start()].split())
        if (not starts and before > MAX_HEADER_WORDS) or (starts and before < MIN_ROW_WORDS):
            return starts
        starts.append(row.start())
        position = row.end()


@lru_cache(maxsize=64)
def row_number(number: int) -> re.Pattern:
    """The number opening one row of a flattened table ("3 Name", "3. Name")."""
    return re.compile(rf"(?<=\s){number}\.?\s+(?={UPPER})")


@lru_cache(maxsize=4)
def row_number_header(lexicon: Lexicon) -> re.Pattern:
    """A table's number column heading ("Nr.", "No.") from every language's data."""
    words = sorted(lexicon.all_phrases("row_number_headers"), key=longest_first)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?:\.|\s)",
                      re.IGNORECASE)


def is_boilerplate(text: str, lexicon: Lexicon) -> bool:
    """True for page furniture: consent banners, share and print links, bylines, file names."""
    if IMAGE_NAME.match(text) or PAGE_COUNTER.match(text) or SIGNATURE.match(text) or \
            not any(ch.isalnum() for ch in text):
        return True
    parts = [fold_furniture(part) for part in text.split("|")]
    phrases, words = furniture_patterns(lexicon)
    if any(part and phrases.fullmatch(part) for part in parts):
        return True
    folded = parts[0] if len(parts) == 1 else fold_furniture(text)  # no "|": folded already
    count = len(folded.split())
    if count <= MAX_NOTICE_WORDS and HEALTH_NOTICE.search(folded):
        return True
    return count <= MAX_CONSENT_WORDS and bool(words.search(folded))


def fold_furniture(text: str) -> str:
    """Fold a line for furniture lookup: case, bullets, emphasis and end punctuation gone."""
    text = FURNITURE_MARKS.sub("", text)
    return SPACES.sub(" ", text).casefold()


@lru_cache(maxsize=4)
def furniture_patterns(lexicon: Lexicon) -> tuple[re.Pattern, re.Pattern]:
    """Compile the lexicon's boilerplate lines ("*" is any text) and consent words."""
    lines = sorted(lexicon.all_phrases("boilerplate_lines"), key=longest_first)
    alternatives = [".*".join(re.escape(piece) for piece in phrase.split("*")) for phrase in lines]
    words = sorted(lexicon.all_phrases("boilerplate_words"), key=longest_first)
    return (re.compile("(?:" + "|".join(alternatives) + ")"),
            re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")", re.IGNORECASE))


def longest_first(phrase: str) -> tuple[int, str]:
    """Sort key for regex alternatives: longer phrases first, ties in a fixed order."""
    return -len(phrase), phrase


def is_contact_line(text: str) -> bool:
    """True for a line holding an e-mail address, a web address or a phone number."""
    return bool(CONTACT_LINE.search(text))


def mark_question_headings(lines: list[Line], lexicon: Lexicon) -> None:
    """Recognise short question paragraphs ("Hur föddes projektet?") as section headings."""
    for first, last in paragraphs(lines):
        if last - first > 2 or lines[first].label or lines[first].is_list_item:
            continue
        joined = " ".join(lines[i].text.strip() for i in range(first, last + 1))
        match = lexicon.match_question(joined)
        if match:
            lines[first].label = match
            for i in range(first + 1, last + 1):
                lines[i].question_part = True


def paragraphs(lines: list[Line], lo: int = 0, hi: int | None = None) -> list[tuple[int, int]]:
    """Return (first, last) line indexes of each run of non-blank lines in [lo, hi)."""
    hi = len(lines) if hi is None else hi
    runs, start = [], None
    for i in range(lo, hi):
        if lines[i].blank:
            if start is not None:
                runs.append((start, i - 1))
                start = None
        elif start is None:
            start = i
    if start is not None:
        runs.append((start, hi - 1))
    return runs


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) to exclude surrounding whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def strip_list_marker(text: str, start: int, end: int) -> tuple[int, int]:
    """Move start past a list marker ("- ", "1. ", "01\\n") at the beginning of the span."""
    match = LIST_ITEM.match(text[start:end])
    if match:
        return trim_span(text, start + match.end(), end)
    number = re.match(r"\s*\d{1,2}[.)]?[ \t]*\n", text[start:end])
    if number:
        return trim_span(text, start + number.end(), end)
    return start, end


def split_list_items(text: str, lines: list[Line], lo: int, hi: int) -> list[tuple[int, int]]:
    """Split the lines [lo, hi) into list items; unmarked lists split at capitalised paragraphs."""
    marked = [i for i in range(lo, hi) if not lines[i].blank and lines[i].is_list_item]
    if marked:
        starts = marked
    else:
        starts = [first for first, _ in paragraphs(lines, lo, hi)
                  if starts_capitalised(lines[first].text)]
        if not starts:
            return []
    items = []
    for n, first in enumerate(starts):
        last_line = (starts[n + 1] if n + 1 < len(starts) else hi) - 1
        span = trim_span(text, lines[first].start, lines[last_line].end)
        span = strip_list_marker(text, *span)
        if span[1] > span[0]:
            items.append(span)
    return items


def starts_capitalised(text: str) -> bool:
    """True when the first letter of the text is upper case."""
    for ch in text.strip():
        if ch.isalpha():
            return ch.isupper()
    return False


def is_date_line(text: str) -> bool:
    return bool(DATE_LINE.match(text))
