"""Sentences of prose: spaCy's sentencizer, mended where real pages trip it.

A quoted name or an abbreviation ending in a full stop does not end a sentence, and a year's
full stop before a capital does (Danish and Norwegian rules read "2023." as an ordinal).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.enrich.sentences import split_sentences
from pipeline.lexicon import UPPER

SPLIT_CACHE = 256  # prose spans whose sentences are kept
QUOTES = (("“", "”"), ("«", "»"))  # opening and closing marks
LETTER_ITEM = re.compile(r"^[a-z]\)\s")
YEAR_END = re.compile(r"(?<=\b(?:19|20)\d\d)\.[ \t]+(?=" + UPPER + ")")


@dataclass
class Sentence:
    """A sentence of prose: its span, the zone it stands in, and the field its cues name."""

    start: int
    end: int
    zone: int
    field: str | None = None
    cue: int = 0  # where the field's cue starts, relative to start
    carried: bool = False  # the field came from the heading above


def list_sentences(text: str, spans: list[tuple[int, int]], lang: str) -> list[Sentence]:
    """Split each prose span into sentences, in document order."""
    sentences = []
    for zone, (start, end) in enumerate(sorted(spans)):
        for s, e in split_prose(text[start:end], lang):
            sentences.append(Sentence(start + s, start + e, zone))
    return sentences


@lru_cache(maxsize=SPLIT_CACHE)
def split_prose(chunk: str, lang: str) -> tuple[tuple[int, int], ...]:
    """The sentence spans of one prose span, kept: segments of one document share spans."""
    return tuple(join_quoted(chunk, split_at_years(chunk, split_sentences(chunk, lang))))


def split_at_years(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Cut sentences after a year's full stop before a capital ("… i 2023. Oslo …").

    Danish and Norwegian rules read "2023." as an ordinal and run two sentences together.
    """
    cut = []
    for start, end in spans:
        for match in YEAR_END.finditer(text, start, end):
            cut.append((start, match.start() + 1))
            start = match.end()
        cut.append((start, end))
    return cut


def join_quoted(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join a sentence to the next on its line while a quotation it opened is still open.

    A quoted name ends in a full stop or "!" often enough ("“Open doors. Open minds!” tours"),
    as do abbreviations ("nivå A.1. enligt"): what follows in lower case goes on the same
    sentence, unless it opens a lettered item ("b) Målgrupp: …").
    """
    joined: list[tuple[int, int]] = []
    for start, end in spans:
        before = text[joined[-1][0]:joined[-1][1]] if joined else ""
        lower = text[start].islower() and not LETTER_ITEM.match(text[start:end])
        if joined and (open_quote(before) or lower) and "\n" not in text[joined[-1][1]:start]:
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def open_quote(body: str) -> bool:
    """True when the text opens a quotation it does not close."""
    if any(body.count(left) > body.count(right) for left, right in QUOTES):
        return True
    same = ('"', "”") if "“" not in body else ('"',)  # ”Namn” in Swedish and Finnish
    return any(body.count(mark) % 2 == 1 for mark in same)
