"""Find personal data in free text and cover it with masks of the same length.

E-mail addresses in every common spelling (`anna@…`, `anna [at] …`, `anna at example dot se`,
a full-width `＠`, `%40`, `&#64;`, broken over a line), phone numbers (found by the
`phonenumbers` library for the regions the document's language and countries suggest), and
the names of contact people. Each mask is as long as what it covers, so spans stay valid.
Finding the e-mail spellings and the names is `pipeline.extract`'s (`email_spellings`,
`people`); masking them is this module's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import phonenumbers
from babel.core import get_global

from pipeline.extract.email_spellings import find_email_rests, find_emails
from pipeline.extract.patterns import trie_pattern
from pipeline.extract.people import NAME_PART, label_phrases
from pipeline.lexicon import load_lexicon
from pipeline.publish.phones import DIGIT, NumberText

EMAIL_LABEL, PHONE_LABEL, NAME_LABEL = "[e-mail]", "[phone]", "[name]"

# A match that is really a date, a time, a span of years or a business id, not a number to hide.
NOT_A_PHONE = re.compile(r"(?<!\d)[0-3]?\d[./-][01]?\d[./-](?:19|20)?\d\d(?!\d)"
                         r"|(?:19|20)\d\d-[01]\d-[0-3]\d|^(?:19|20)\d\d(?!\d)"
                         r"|\d[.:]\d|\d ?[-–] ?\d{1,2}[.:]|[-–] ?\d$")
MIN_NATIONAL_DIGITS = 7  # shorter digit runs are postcodes, amounts and extension numbers
PHONE_GROUPS = re.compile(r"\d+")
CUE_WINDOW = 12  # characters before a number in which a phone cue ("tlf.", "puh:") counts


def cover(text: str, label: str) -> str:
    """A mask as long as `text`: the label padded with '*', or only '*' when it is short."""
    if len(text) < len(label):
        return "*" * len(text)
    return label + "*" * (len(text) - len(label))


def mask_emails(text: str) -> str:
    text = substitute(text, find_emails(text), lambda m: cover(m.group(), EMAIL_LABEL))
    return substitute(text, find_email_rests(text), lambda m: cover(m.group(), EMAIL_LABEL)
                      if re.search(r"\w", m.group()) else m.group())



def substitute(text: str, matches: Iterable[re.Match], replace) -> str:
    """The text with each match replaced, as `re.sub` would."""
    parts, last = [], 0
    for match in matches:
        parts += [text[last:match.start()], replace(match)]
        last = match.end()
    return "".join(parts) + text[last:] if parts else text


@lru_cache(maxsize=64)
def region_of_language(lang: str | None) -> str | None:
    """The country a language is most likely written in (CLDR likely subtags: sv → SE)."""
    if not lang:
        return None
    subtags = get_global("likely_subtags").get(lang.split("-")[0].lower())
    return subtags.split("_")[-1] if subtags else None


def phone_regions(lang: str | None, countries: Iterable[str] = ()) -> tuple[str, ...]:
    """Regions to read national numbers for: the language's country, then the record's."""
    regions = [region_of_language(lang), *countries]
    known = phonenumbers.SUPPORTED_REGIONS
    unique = dict.fromkeys(r.upper() for r in regions if r and r.upper() in known)
    return tuple(unique) or ("SE",)


def phone_cues() -> re.Pattern:
    """Words that announce a phone number: every language's `phone` labels and `phone_cues`."""
    return phone_cue_pattern(load_lexicon())


@lru_cache(maxsize=2)
def phone_cue_pattern(lexicon) -> re.Pattern:
    words = label_phrases("phone") | lexicon.all_phrases("phone_cues")
    words = sorted(words, key=lambda word: (-len(word), word))
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")\.?:?\s*$",
                      re.IGNORECASE)


def looks_like_phone(text: str, start: int, raw: str, number) -> bool:
    """A valid number; or a possible one written internationally, after a cue, or in groups."""
    raw = raw.strip()
    if raw.startswith(("+", "00")):
        return phonenumbers.is_possible_number(number)
    if phone_cues().search(text[max(0, start - CUE_WINDOW):start]):
        return phonenumbers.is_possible_number(number)
    if sum(char.isdigit() for char in raw) < MIN_NATIONAL_DIGITS or NOT_A_PHONE.search(raw):
        return False
    if phonenumbers.is_valid_number(number):
        return True
    if not phonenumbers.is_possible_number(number):
        return False
    groups = PHONE_GROUPS.findall(raw)
    return len(groups) >= 4 and len(groups[-1]) == 2  # "12 34 56 78", never "1 200 000"


def inside_word(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return before.isalnum() or before == "_" or after.isalnum() or after == "_"


def find_phones(text: str, regions: tuple[str, ...]) -> list[tuple[int, int]]:
    """Spans of phone numbers in the text, read for each region in turn."""
    spans = []
    numbers = NumberText(text)
    for region in regions:
        for start, end, raw, number in numbers.matches(region):
            if inside_word(text, start, end):  # digits of an id like ini_7e8780…
                continue
            if looks_like_phone(text, start, raw, number):
                spans.append((start, end))
    return spans


def mask_phones(text: str, regions: tuple[str, ...] = ("SE",)) -> str:
    if not DIGIT.search(text):  # a number is read from decimal digits only
        return text
    chars = list(text)
    for start, end in find_phones(text, regions):
        chars[start:end] = cover(text[start:end], PHONE_LABEL)
    return "".join(chars)


def compile_names(names: Iterable[str | None]) -> re.Pattern | None:
    """One pattern for contact names: each full name and each capitalised part of 3+ letters.

    Built as a trie, so a form export with thousands of contacts costs no more per character.
    """
    words: set[str] = set()
    for name in names:
        if not name or not name.strip():
            continue
        words.add(" ".join(name.split()))
        words.update(part for part in NAME_PART.findall(name)
                     if len(part) >= 3 and part[0].isupper())
    if not words:
        return None
    # a name's words may stand with any spaces or a line break between them
    alternatives = trie_pattern(sorted(tuple(word.split()) for word in words), r"\s+")
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def mask_text(text: str | None, names: re.Pattern | None = None,
              regions: tuple[str, ...] = ("SE",)) -> str | None:
    """Mask e-mail addresses, phone numbers and (given a pattern) names; keep the length."""
    if not text:
        return text
    masked = mask_phones(mask_emails(text), regions)
    if names is not None:
        masked = names.sub(lambda m: cover(m.group(), NAME_LABEL), masked)
    return masked
