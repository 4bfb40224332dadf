"""E-mail addresses in every spelling people use to fool harvesters.

`anna@…`, `anna [at] …`, `anna at example dot se`, a full-width `＠`, `%40`, `&#64;`, an
address broken over a line: the public variant masks them all, and the names in an address
of the first.last kind are a person's (`pipeline.extract.people`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# How an '@' and a '.' are written to fool harvesters, in the inbox's languages.
AT_WORDS = ("at", "ät", "snabel-a", "snabela", "krøllalfa", "miukumauku")
DOT_WORDS = ("dot", "punkt", "punktum", "piste", "prik")
SPACE = r"[ \t]*\n?[ \t]*"  # blanks, and at most one line break (an address broken over a line)
AT_MARK = r"(?:@|＠|﹫|%40|&\#0*64;|&\#x0*40;|&commat;)"
AT_WORD = r"[\[({<]" + SPACE + "(?:" + "|".join(AT_WORDS) + r")"  # "(snabel-a", "[at"
AT = (r"(?:" + SPACE + AT_MARK + SPACE + r"|" + SPACE + AT_WORD + SPACE + r"[\])}>]" + SPACE
      + r"|[ \t]+(?:at|ät)[ \t]+)")
DOT = (r"(?:\.|&\#0*46;|" + SPACE + r"[\[({<]" + SPACE + "(?:" + "|".join(DOT_WORDS) + r")"
       + SPACE + r"[\])}>]" + SPACE + r"|[ \t]+(?:" + "|".join(DOT_WORDS) + r")[ \t]+)")
LOCAL = r"\w(?:[\w%+'’-]|\.(?=\w)|&\#0*46;)*"
LABEL = r"\w(?:[\w-]|-\n)*"
EMAIL = re.compile(rf"(?<![\w%+'’.-]){LOCAL}{AT}{LABEL}(?:{DOT}{LABEL})*{DOT}[^\W\d_]{{2,24}}"
                   rf"(?!\w)", re.IGNORECASE)
# What is left of an address the pattern above could not read whole ("anna@example.\nse").
EMAIL_REST = re.compile(r"[\w.%+'’-]*(?:[@＠﹫]|%40|&\#0*64;|&\#x0*40;)[\w.-]*", re.IGNORECASE)
# The parts every match of the two must hold, and the characters that may stand before them:
# an AT's mark, its bracketed word or its blank-" at "-blank, after blanks and a local part.
AT_CORE = re.compile(rf"{AT_MARK}|{AT_WORD}|[ \t](?:at|ät)[ \t]", re.IGNORECASE)
BLANK_CHAR = re.compile(r"[ \t\n]")
LOCAL_CHAR = re.compile(r"[\w%+'’.&\#;-]")
REST_CORE = re.compile(r"[@＠﹫]|%40|&\#0*64;|&\#x0*40;", re.IGNORECASE)
REST_CHAR = re.compile(r"[\w.%+'’-]")


def find_emails(text: str) -> Iterator[re.Match]:
    """The matches of EMAIL in the text, as `EMAIL.finditer` gives them, read near at-signs.

    Every address holds the core of an AT, and only blanks and its local part (LOCAL_CHARs)
    stand between its start and that core. The first match after `position` therefore starts
    where those characters, read back from the next core, begin, or after that core: the
    pattern is tried at those few places only, as scanning a whole document with it is slow.
    """
    position = 0
    while core := AT_CORE.search(text, position):
        start = back_over(text, LOCAL_CHAR,
                          back_over(text, BLANK_CHAR, core.start(), position), position)
        match = next(filter(None, (EMAIL.match(text, p) for p in range(start, core.start() + 1))),
                     None)
        if match is None:
            position = core.start() + 1
            continue
        yield match
        position = match.end()


def find_email_rests(text: str) -> Iterator[re.Match]:
    """The matches of EMAIL_REST in the text, as `EMAIL_REST.finditer` gives them."""
    position = 0
    while core := REST_CORE.search(text, position):
        match = EMAIL_REST.match(text, back_over(text, REST_CHAR, core.start(), position))
        yield match  # from there its characters reach the core: it matches
        position = match.end()


def back_over(text: str, chars: re.Pattern, start: int, limit: int) -> int:
    """Where a run of `chars` ending at `start` begins (never before `limit`)."""
    while start > limit and chars.match(text, start - 1):
        start -= 1
    return start

