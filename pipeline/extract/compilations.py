"""Find the initiatives a news or funder's page lists, each to become a record of its own.

Three shapes are recognised, from structure and per-language data only:
- the numbered rows of a table flattened into running text (see `layout.split_table_rows`),
  one initiative per row, named by the parenthesised name in it if there is one;
- a list under a lead that names initiatives in the plural ("Rahoitettavat hankkeet:",
  "The projects"), one initiative per bullet;
- repeated stand-alone headings, each followed by prose that takes up the heading's own
  words ("Open house" … "Open House is held …"), one initiative per heading.
A page's preamble (the news about a fund, an intro) belongs to no listed initiative.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.extract.layout import (BOLD_ITEM, LIST_ITEM, Line, is_contact_line, is_date_line,
                                     longest_first, paragraphs, starts_capitalised, trim_span)
from pipeline.extract.lead import MAX_TITLE_WORDS
from pipeline.lexicon import UPPER, Lexicon, load_lexicon
from pipeline.extract.names import find_introduced_names

MIN_ITEMS = 2
MAX_LEAD_WORDS = 15
MAX_ITEM_HEADING_WORDS = 10
MIN_ITEM_PROSE_WORDS = 8
MIN_CONTENT_LETTERS = 3
SEPARATOR = re.compile(r"\s[-–—]\s")
SENTENCE_END = re.compile(r"[.!?](?=\s+" + UPPER + r"|\s*$)")
PARENTHESISED_NAME = re.compile(r"\(([^()]{3,120})\)")
LIST_OPENING = re.compile(r"(?:\s+[^\W\d]+){0,2}?\s+(?=" + UPPER + r")")  # "are", "sind die"
CHUNK = re.compile(r"[^,]+")
WORDS = re.compile(r"\w+")
MIN_ROW_NAME_WORDS = 2


@dataclass
class ListedItem:
    """Lines [first, last) of one listed initiative and where its name stands."""

    first: int
    last: int
    title_line: int | None
    title_span: tuple[int, int] | None


def find_listed_initiatives(lines: list[Line]) -> list[ListedItem]:
    """Return the initiatives a page lists, or nothing when it describes a single one."""
    lexicon = load_lexicon()
    items = items_in_table_rows(lines)
    if len(items) < MIN_ITEMS:
        items = items_under_plural_lead(lines, lexicon)
    if len(items) < MIN_ITEMS:
        items = items_named_in_a_counted_list(lines, lexicon)
    if len(items) < MIN_ITEMS:
        items = items_under_echoed_headings(lines, lexicon)
    return items if len(items) >= MIN_ITEMS else []


def items_in_table_rows(lines: list[Line]) -> list[ListedItem]:
    """The numbered rows of a table flattened into running text, one initiative per row."""
    return [ListedItem(line.index, line.index + 1, line.index, row_title_span(line))
            for line in lines if line.table_row]


def row_title_span(line: Line) -> tuple[int, int] | None:
    """A row's name in parentheses after what it does ("Language courses (Name – NAME)")."""
    for match in PARENTHESISED_NAME.finditer(line.text):
        name = match.group(1)
        if len(name.split()) >= MIN_ROW_NAME_WORDS and starts_capitalised(name):
            return line.start + match.start(1), line.start + match.end(1)
    return None


def items_under_plural_lead(lines: list[Line], lexicon: Lexicon) -> list[ListedItem]:
    """Bullets right after a short line naming initiatives in the plural."""
    lead = plural_lead(lexicon)
    for line in lines:
        if (line.blank or line.is_list_item or line.label or line.boilerplate
                or line.words > MAX_LEAD_WORDS or not lead.search(line.text)):
            continue
        bullets = bullets_after(lines, line.index)
        if len(bullets) >= MIN_ITEMS:
            return [ListedItem(b, bullets[n + 1] if n + 1 < len(bullets) else b + 1, b,
                               item_title_span(lines[b], lexicon))
                    for n, b in enumerate(bullets)]
    return []


@lru_cache(maxsize=4)
def plural_lead(lexicon: Lexicon) -> re.Pattern:
    """A word ending in an initiative plural ("Rahoitettavat hankkeet", "Projects")."""
    plurals = sorted(lexicon.all_phrases("initiative_plurals"), key=longest_first)
    return re.compile(r"(?<!\w)\w*(?:" + "|".join(re.escape(p) for p in plurals) + r")(?!\w)",
                      re.IGNORECASE)


def bullets_after(lines: list[Line], index: int) -> list[int]:
    """Indexes of the run of list items that follows a line, blank lines between allowed."""
    bullets = []
    for line in lines[index + 1:]:
        if line.blank:
            continue
        if not (LIST_ITEM.match(line.text) or BOLD_ITEM.match(line.text)) or line.boilerplate:
            break
        bullets.append(line.index)
    return bullets


def item_title_span(line: Line, lexicon: Lexicon) -> tuple[int, int] | None:
    """The name in a bullet: a quoted or introduced name, else the part before a dash."""
    marker = LIST_ITEM.match(line.text)
    offset = marker.end() if marker else 0
    body = line.text[offset:]
    named = [(s, e) for s, e, camel in find_introduced_names(body, body, lexicon) if not camel]
    if named:
        s, e = named[0]
        return line.start + offset + s, line.start + offset + e
    separator = SEPARATOR.search(body)
    head = body[:separator.start()] if separator else body
    if not head.strip() or len(head.split()) > MAX_TITLE_WORDS:
        return None
    start, end = trim_span(line.text, offset, offset + len(head))
    return line.start + start, line.start + end


def items_named_in_a_counted_list(lines: list[Line], lexicon: Lexicon) -> list[ListedItem]:
    """Initiatives named in one sentence that counts them ("The four other projects are A, B,
    C and D."), one per name; when the page announced more ("five projects"), the paragraphs
    just before the list describe the others, one each."""
    counted = counted_plurals(lexicon)
    announced = 0
    runs = paragraphs(lines)
    for n, (first, last) in enumerate(runs):
        for line in lines[first:last + 1]:
            if line.blank or line.boilerplate or line.is_list_item:
                continue
            for match in counted.finditer(line.text):
                names = names_after_count(line, match, lexicon)
                if len(names) != number_of(match.group("number"), lexicon) or \
                        len(names) < MIN_ITEMS:
                    announced = announced or number_of(match.group("number"), lexicon)
                    continue
                described = runs[max(0, n - (announced - len(names))):n] \
                    if announced > len(names) else []
                if announced > len(names) and len(described) < announced - len(names):
                    return []
                return ([ListedItem(a, b + 1, None, None) for a, b in described]
                        + [ListedItem(line.index, line.index + 1, line.index, span)
                           for span in names])
    return []


@lru_cache(maxsize=4)
def counted_plurals(lexicon: Lexicon) -> re.Pattern:
    """A number (in words or digits) before an initiative plural, one word between allowed."""
    numbers = sorted(number_words(lexicon), key=longest_first)
    plurals = sorted(lexicon.all_phrases("initiative_plurals"), key=longest_first)
    return re.compile(r"(?<!\w)(?P<number>\d{1,2}|" + "|".join(map(re.escape, numbers))
                      + r")\s+(?:\w+\s+)?(?:" + "|".join(map(re.escape, plurals)) + r")(?!\w)",
                      re.IGNORECASE)


@lru_cache(maxsize=4)
def number_words(lexicon: Lexicon) -> dict[str, int]:
    """Every language's number words, folded."""
    return {word.casefold(): value for language in lexicon.languages.values()
            for word, value in language.outcomes.number_words.items()}


def number_of(word: str, lexicon: Lexicon) -> int:
    """The value of a counted number: digits or a number word."""
    return int(word) if word.isdigit() else number_words(lexicon).get(word.casefold(), 0)


def names_after_count(line: Line, match: re.Match, lexicon: Lexicon) -> list[tuple[int, int]]:
    """The capitalised names listed after a counted plural and its verb, up to the sentence end:
    split at commas and at the list's last joiner ("A, B og C" is three)."""
    tail = line.text[match.end():]
    opening = LIST_OPENING.match(tail)
    if opening is None or any(starts_capitalised(word) for word in opening.group(0).split()):
        return []
    begin = match.end() + opening.end()
    end = SENTENCE_END.search(line.text, begin)
    end = end.start() if end else len(line.text.rstrip())
    chunks = [(m.start() + begin, m.end() + begin)
              for m in CHUNK.finditer(line.text[begin:end])]
    if len(chunks) < 1:
        return []
    last_start, last_end = chunks[-1]
    joined = list(spaced_joiner(lexicon).finditer(line.text[last_start:last_end]))
    if not joined:
        return []
    split = joined[-1]
    chunks[-1:] = [(last_start, last_start + split.start()),
                   (last_start + split.end(), last_end)]
    names = [trim_span(line.text, a, b) for a, b in chunks]
    if not all(b > a and starts_capitalised(line.text[a:b]) for a, b in names):
        return []
    return [(line.start + a, line.start + b) for a, b in names]


@lru_cache(maxsize=4)
def spaced_joiner(lexicon: Lexicon) -> re.Pattern:
    """Any language's list joiner between spaces (" og ", " and ")."""
    joiners = sorted(lexicon.all_phrases("list_joiners"), key=longest_first)
    return re.compile(r"\s(?:" + "|".join(map(re.escape, joiners)) + r")\s")


def items_under_echoed_headings(lines: list[Line], lexicon: Lexicon) -> list[ListedItem]:
    """Stand-alone headings whose following prose repeats the heading's own words."""
    heads = [line.index for line in lines if is_item_heading(lines, line)]
    function_words = function_words_of(lexicon)
    kept = []
    for n, head in enumerate(heads):
        end = heads[n + 1] if n + 1 < len(heads) else len(lines)
        prose = " ".join(line.text for line in lines[head + 1:end] if not line.blank)
        if len(prose.split()) >= MIN_ITEM_PROSE_WORDS and \
                echoes(lines[head].text, prose, function_words):
            kept.append(head)
    return [ListedItem(head, kept[n + 1] if n + 1 < len(kept) else len(lines), head, None)
            for n, head in enumerate(kept)]


def is_item_heading(lines: list[Line], line: Line) -> bool:
    """A short capitalised line standing alone between blank lines, not a label or furniture."""
    text = line.text.strip()
    alone = (line.index == 0 or lines[line.index - 1].blank) and \
        (line.index + 1 == len(lines) or lines[line.index + 1].blank)
    return (alone and not line.blank and not line.label and not line.boilerplate
            and not line.is_list_item and not line.question_part
            and 0 < line.words <= MAX_ITEM_HEADING_WORDS and starts_capitalised(text)
            and not text.endswith((".", ",", ";", ":", "?", "!"))
            and not is_date_line(text) and not is_contact_line(text))


@lru_cache(maxsize=4)
def function_words_of(lexicon: Lexicon) -> frozenset[str]:
    """Words that say nothing of a heading's subject: cue words, stop words, initiative nouns."""
    words = set()
    for key in ("cue_words", "name_stopwords", "initiative_nouns", "name_nouns",
                "origin_words", "list_joiners"):
        words |= {w for w in lexicon.all_phrases(key) if "*" not in w}
    return frozenset(words)


def echoes(heading: str, prose: str, function_words: frozenset[str]) -> bool:
    """True when the prose uses the heading's first two content words."""
    content = [w for w in WORDS.findall(heading.casefold())
               if w not in function_words and len(w) >= MIN_CONTENT_LETTERS]
    if not content:
        return False
    said = set(WORDS.findall(prose.casefold()))
    return all(word in said for word in content[:2])
