"""Phone number candidates as phonenumbers' PhoneNumberMatcher finds them, for less work.

Masking reads every document for every region its language and countries suggest, and the
matcher spends its time on two things: scanning the text for digit groups, and parsing each
group it finds (nearly always a year, an amount or a postcode). Two shortcuts cut both, and
neither changes a match:

- A candidate never crosses a line break or a letter the matcher's pattern cannot spell
  (it spells only extension labels such as "ext", "anexo" or "доб", and the "x" it allows
  as punctuation). The matcher therefore reads only the stretches of text that hold a digit,
  joined by line breaks, and its matches are shifted back. Every candidate, and every try
  counted against the matcher's budget, comes in the same order as in the whole text.
- A candidate with fewer digits than any number of the region has, no plus sign, no
  international prefix and no letters cannot be a possible number: it is refused before
  phonenumbers parses it, which it would have refused too.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator
from functools import lru_cache

import phonenumbers
from phonenumbers import Leniency, PhoneNumber, PhoneNumberMatcher, phonenumbermatcher
from phonenumbers.phonemetadata import PhoneMetadata

PLUS_CHARS = "+\uff0b"  # what phonenumbers reads as a plus sign


def pattern_letters() -> str:
    """Every letter in the matcher's candidate pattern (a superset of those it can read)."""
    source = phonenumbermatcher._PATTERN.pattern  # noqa: SLF001 - read, never changed
    return "".join(sorted({char for char in source if char.isalpha()}))


# A character a candidate may hold: anything but a line break or a letter outside the
# pattern (matched case-insensitively, as the matcher matches them).
READABLE = re.compile(rf"[^\w\n]|[\d_{re.escape(pattern_letters())}]", re.IGNORECASE)
READABLE_RUN = re.compile(rf"(?:{READABLE.pattern})*+", re.IGNORECASE)
DIGIT = re.compile(r"\d")


def digit_stretches(text: str) -> list[tuple[int, int]]:
    """The (start, end) of every run of readable characters that holds a digit."""
    stretches: list[tuple[int, int]] = []
    position = 0
    while digit := DIGIT.search(text, position):
        start = digit.start()
        while start > position and READABLE.match(text, start - 1):
            start -= 1
        position = READABLE_RUN.match(text, digit.start()).end()
        stretches.append((start, position))
    return stretches


@lru_cache(maxsize=None)
def national_floor(region: str) -> int:
    """The fewest digits a possible national number of the region has (0: no shortcut).

    A region whose national prefix rule rewrites numbers may add digits while parsing, so it
    gets no floor.
    """
    metadata = PhoneMetadata.metadata_for_region(region)
    if metadata is None or metadata.national_prefix_transform_rule:
        return 0
    main = phonenumbers.region_code_for_country_code(metadata.country_code)
    general = PhoneMetadata.metadata_for_region_or_calling_code(metadata.country_code,
                                                                main).general_desc
    lengths = [n for n in (*general.possible_length, *(general.possible_length_local_only or ()))
               if n > 0]
    return min(lengths) if lengths else 0


@lru_cache(maxsize=None)
def international_prefix(region: str) -> re.Pattern | None:
    prefix = PhoneMetadata.metadata_for_region(region).international_prefix
    return re.compile(prefix) if prefix else None


def cannot_be_possible(candidate: str, region: str) -> bool:
    """True when parsing the candidate for the region cannot give a possible number.

    Parsing only removes digits (a country code, a national prefix, an extension) unless the
    candidate is international (a plus sign or the region's prefix) or spells letters.
    """
    floor = national_floor(region)
    if not floor:
        return False
    digits = []
    for char in candidate:
        if char.isalpha() or char in PLUS_CHARS:
            return False
        value = unicodedata.digit(char, None)
        if value is not None:
            digits.append(str(value))
    if len(digits) >= floor:
        return False
    prefix = international_prefix(region)
    return not (prefix and prefix.match("".join(digits)))


class QuickMatcher(PhoneNumberMatcher):
    """A PhoneNumberMatcher that refuses hopeless candidates without parsing them."""

    def _parse_and_verify(self, candidate, offset):
        if self.leniency == Leniency.POSSIBLE and cannot_be_possible(candidate,
                                                                     self.preferred_region):
            return None
        return super()._parse_and_verify(candidate, offset)


class NumberText:
    """A text made ready once for finding phone numbers in any number of regions."""

    def __init__(self, text: str):
        self.text = text
        self.stretches = digit_stretches(text)
        self.reduced = "\n".join(text[start:end] for start, end in self.stretches)
        self.reduced_starts: list[int] = []
        position = 0
        for start, end in self.stretches:
            self.reduced_starts.append(position)
            position += end - start + 1

    def matches(self, region: str) -> Iterator[tuple[int, int, str, PhoneNumber]]:
        """(start, end, raw text, number) of each match PhoneNumberMatcher(text, region,
        leniency=POSSIBLE) gives, in its order."""
        for match in QuickMatcher(self.reduced, region, leniency=Leniency.POSSIBLE):
            n = bisect_right(self.reduced_starts, match.start) - 1
            shift = self.stretches[n][0] - self.reduced_starts[n]
            yield match.start + shift, match.end + shift, match.raw_string, match.number
