"""Read the names a text gives its initiative: after an initiative noun, quoted, or CamelCase.

"projektet Vår nya stad", "prosjektet «Ord gir rom»", "Esimerkki-hanke",
"The project Welcome Exampleton"; a name ends at punctuation, at a verb or other stop word,
or before a place ("… i Exempelby"). The title scorer weighs these against the page's headings.
"""

from __future__ import annotations

import re

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


def find_introduced_names(body: str, whole: str, lexicon: Lexicon) -> list[tuple[int, int, bool]]:
    """Spans of names an initiative noun introduces, quoted names beside one, repeated CamelCase."""
    nouns = sorted(lexicon.all_phrases("name_nouns") | lexicon.all_phrases("initiative_nouns"),
                   key=longest_first)
    noun = "|".join(re.escape(n.rstrip(":")) for n in nouns)
    found: list[tuple[int, int, bool]] = []
    for match in QUOTED.finditer(body):
        if quoted_beside_noun(body, match, noun):
            found.append((match.start(1), match.end(1), False))
    stop = lexicon.all_phrases("name_stopwords") | lexicon.all_phrases("initiative_nouns")
    origins = lexicon.all_phrases("origin_words")
    refused = lexicon.all_phrases("placeholders") | lexicon.all_phrases("generic_headings")
    for match in re.finditer(rf"(?<!\w)(?:{noun})[ \t]+(?=\w)", body, re.IGNORECASE):
        span = read_name(body, match.end(), stop, origins)
        if span and body[span[0]:span[1]].casefold() not in refused and not any(s <= span[0] < e for s, e, _ in found):
            found.append((*span, False))
    for match in re.finditer(rf"(?<![\w-])([A-ZÅÄÖÆØÜ][\w]+(?:-[\w]+)*)[ \t]?-(?:{noun})(?!\w)",
                             body, re.IGNORECASE):
        if match.group(1)[:1].isupper() and len(match.group(1)) >= 3 and \
                not any(s <= match.start() < e for s, e, _ in found):
            found.append((match.start(1), match.end(1), False))  # "Esimerkki-hanke"
    for match in CAMEL.finditer(body):
        token = match.group().rstrip("-")
        if len(re.findall(rf"(?<!\w){re.escape(token)}(?!\w)", whole)) >= 2 and \
                not any(s <= match.start() < e for s, e, _ in found):
            found.append((match.start(), match.start() + len(token), True))
    return sorted(found)


def quoted_beside_noun(body: str, match: re.Match, noun: str) -> bool:
    """A quoted name after a noun, before "-noun", or opening a line before a subtitle dash."""
    before = body[max(0, match.start() - 40):match.start()]
    after = body[match.end():match.end() + 30]
    if re.search(rf"\w*(?:{noun})\s*$", before, re.IGNORECASE):
        return True
    if re.match(rf"\s?-?\s?(?:{noun})\b", after, re.IGNORECASE):
        return True
    line_start = before.rfind("\n") + 1 if "\n" in before else (0 if match.start() < 40 else -1)
    return (line_start >= 0 and not before[line_start:].strip()
            and bool(re.match(r"\s+[-–—:]\s", after)))


def read_name(body: str, start: int, stop: set[str], origins: set[str]) -> tuple[int, int] | None:
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
