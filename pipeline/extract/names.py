"""Read the names a text gives its initiative: after an initiative noun, quoted, or CamelCase.

"projektet Vår nya stad", "prosjektet «Ord gir rom»", "Esimerkki-hanke",
"The project Welcome Exampleton"; a name ends at punctuation, at a verb or other stop word,
or before a place ("… i Exempelby"). The title scorer weighs these against the page's headings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.extract.layout import longest_first, starts_capitalised
from pipeline.lexicon import Lexicon

MAX_NAME_WORDS = 8        # a name the body introduces
MAX_LOWER_NAME_WORDS = 5  # a sentence-case name must end by punctuation within this many words
OPEN_QUOTES, CLOSE_QUOTES = "“\"„«‘’‚'`", "”\"“»’‘'`"
QUOTED = re.compile(rf"(?:(?<=^)|(?<=[\s(]))[{OPEN_QUOTES}]([^\n{CLOSE_QUOTES}]{{2,80}}?)"
                    rf"[{CLOSE_QUOTES}](?=$|[\s.,;:!?)\-–])")
CAMEL = re.compile(r"\b[A-ZÅÄÖÆØÜ][a-zåäöæøéü]+[A-ZÅÄÖÆØÜ][\w-]*")
NATURAL_END = re.compile(r"[,.;:!?()\[\]\"”»«“]|\s[-–—]\s")
WORD = re.compile(r"[^\s,.;:!?()\[\]\"”»«“]+")
SUBTITLE_DASH = re.compile(r"\s+[-–—:]\s")


@dataclass(frozen=True)
class NameCues:
    """What the lexicon says about introduced names, compiled once per lexicon."""

    after_noun: re.Pattern[str]   # "projektet " before a name
    noun_suffix: re.Pattern[str]  # "Esimerkki-hanke": the name before "-noun"
    noun_before: re.Pattern[str]  # a noun ending the text before a quoted name
    noun_after: re.Pattern[str]   # a noun or "-noun" right after a quoted name
    stop: frozenset[str]          # words that end a name
    origins: frozenset[str]       # "i", "in": a place may follow
    refused: frozenset[str]       # placeholders and generic headings are never names


@lru_cache(maxsize=4)
def name_cues(lexicon: Lexicon) -> NameCues:
    """Compile the initiative nouns and read the word lists names are found with."""
    nouns = sorted(lexicon.all_phrases("name_nouns") | lexicon.all_phrases("initiative_nouns"),
                   key=longest_first)
    noun = "|".join(re.escape(n.rstrip(":")) for n in nouns)
    return NameCues(
        after_noun=re.compile(rf"(?<!\w)(?:{noun})[ \t]+(?=\w)", re.IGNORECASE),
        noun_suffix=re.compile(rf"(?<![\w-])([A-ZÅÄÖÆØÜ][\w]+(?:-[\w]+)*)[ \t]?-(?:{noun})(?!\w)",
                               re.IGNORECASE),
        noun_before=re.compile(rf"\w*(?:{noun})\s*$", re.IGNORECASE),
        noun_after=re.compile(rf"\s?-?\s?(?:{noun})\b", re.IGNORECASE),
        stop=lexicon.all_phrases("name_stopwords") | lexicon.all_phrases("initiative_nouns"),
        origins=lexicon.all_phrases("origin_words"),
        refused=lexicon.all_phrases("placeholders") | lexicon.all_phrases("generic_headings"),
    )


def find_introduced_names(body: str, whole: str, lexicon: Lexicon) -> list[tuple[int, int, bool]]:
    """Spans of names an initiative noun introduces, quoted names beside one, repeated CamelCase."""
    cues = name_cues(lexicon)
    found: list[tuple[int, int, bool]] = []
    for match in QUOTED.finditer(body):
        if quoted_beside_noun(body, match, cues):
            found.append((match.start(1), match.end(1), False))
    for match in cues.after_noun.finditer(body):
        span = read_name(body, match.end(), cues.stop, cues.origins)
        if span and body[span[0]:span[1]].casefold() not in cues.refused and not any(s <= span[0] < e for s, e, _ in found):
            found.append((*span, False))
    for match in cues.noun_suffix.finditer(body):
        if match.group(1)[:1].isupper() and len(match.group(1)) >= 3 and \
                not any(s <= match.start() < e for s, e, _ in found):
            found.append((match.start(1), match.end(1), False))  # "Esimerkki-hanke"
    for match in CAMEL.finditer(body):
        token = match.group().rstrip("-")
        if count_whole_words(token, whole, 2) >= 2 and \
                not any(s <= match.start() < e for s, e, _ in found):
            found.append((match.start(), match.start() + len(token), True))
    return sorted(found)


def count_whole_words(token: str, text: str, enough: int) -> int:
    """How often the text writes the token as a whole word (as regex (?<!\\w)token(?!\\w) finds
    it, without overlaps), counting up to `enough`."""
    count, at = 0, text.find(token)
    while at >= 0 and count < enough:
        end = at + len(token)
        if not is_word_char(text[at - 1:at]) and not is_word_char(text[end:end + 1]):
            count += 1
            at = text.find(token, end)
        else:
            at = text.find(token, at + 1)
    return count


def is_word_char(char: str) -> bool:
    """True for a character regex `\\w` matches (letters, digits, underscore); False for ""."""
    return char.isalnum() or char == "_"


def quoted_beside_noun(body: str, match: re.Match, cues: NameCues) -> bool:
    """A quoted name after a noun, before "-noun", or opening a line before a subtitle dash."""
    before = body[max(0, match.start() - 40):match.start()]
    after = body[match.end():match.end() + 30]
    if cues.noun_before.search(before):
        return True
    if cues.noun_after.match(after):
        return True
    line_start = before.rfind("\n") + 1 if "\n" in before else (0 if match.start() < 40 else -1)
    return (line_start >= 0 and not before[line_start:].strip()
            and bool(SUBTITLE_DASH.match(after)))


def read_name(body: str, start: int, stop: frozenset[str],
              origins: frozenset[str]) -> tuple[int, int] | None:
    """Read a name from `start`: capitalised words, or a sentence-case run to a natural end."""
    words = []
    position = start
    ended = False
    for match in WORD.finditer(body, start):
        gap = body[position:match.start()]
        if match.start() > start and (NATURAL_END.search(gap) or "\n" in gap):
            ended = True
            break
        folded = match.group().casefold()
        if words and folded in origins and before_place(body, match.end()):
            ended = True
            break  # "Vinir og virkni í Dæmibæ": the place is not part of the name
        if folded in stop or len(words) == MAX_NAME_WORDS:
            break
        words.append(match)
        position = match.end()
    else:
        ended = True
    if not words or not words[0].group()[:1].isupper():
        return None
    capitalised = 0
    for match in words:
        if not starts_capitalised(match.group()) and not match.group()[:1].isdigit():
            break
        capitalised += 1
    if not ended or len(words) > MAX_LOWER_NAME_WORDS:
        words = words[:capitalised]
    if not words or (len(words) == 1 and len(words[0].group()) < 3):
        return None
    return words[0].start(), words[-1].end()


def before_place(body: str, position: int) -> bool:
    """True when the next word is capitalised, as a place name after "i"/"in" is."""
    following = WORD.search(body, position)
    return bool(following) and following.start() - position <= 2 and \
        following.group()[:1].isupper()
