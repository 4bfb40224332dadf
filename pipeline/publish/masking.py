"""Find personal data in free text and cover it with masks of the same length.

E-mail addresses in every common spelling (`anna@…`, `anna [at] …`, `anna at example dot se`,
a full-width `＠`, `%40`, `&#64;`, broken over a line), phone numbers (found by the
`phonenumbers` library for the regions the document's language and countries suggest), and
the names of contact people. Each mask is as long as what it covers, so spans stay valid.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache

import phonenumbers
from babel.core import get_global

from pipeline.extract.layout import parse_lines
from pipeline.lexicon import load_lexicon
from pipeline.publish.contact_passages import contact_passages
from pipeline.publish.phones import DIGIT, NumberText
from pipeline.publish.public_files import trie_pattern

EMAIL_LABEL, PHONE_LABEL, NAME_LABEL = "[e-mail]", "[phone]", "[name]"

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

# A match that is really a date, a time, a span of years or a business id, not a number to hide.
NOT_A_PHONE = re.compile(r"(?<!\d)[0-3]?\d[./-][01]?\d[./-](?:19|20)?\d\d(?!\d)"
                         r"|(?:19|20)\d\d-[01]\d-[0-3]\d|^(?:19|20)\d\d(?!\d)"
                         r"|\d[.:]\d|\d ?[-–] ?\d{1,2}[.:]|[-–] ?\d$")
MIN_NATIONAL_DIGITS = 7  # shorter digit runs are postcodes, amounts and extension numbers
PHONE_GROUPS = re.compile(r"\d+")
CUE_WINDOW = 12  # characters before a number in which a phone cue ("tlf.", "puh:") counts
NAME_PART = re.compile(r"[^\W\d_][\w'’-]*")
NAME_END = re.compile(r"[,;(|/@<\d]| [-–] ")
CAPITALISED_NAME = r"[^\W\d_a-zß-ÿ][\w'’-]+(?:[ \t]+[^\W\d_a-zß-ÿ][\w'’-]+){0,3}"
MAX_NAME_WORDS = 6
SPECIFIC_LABEL_CHARS = 8  # "kontaktperson" names a person anywhere; "namn" only at a line start


def cover(text: str, label: str) -> str:
    """A mask as long as `text`: the label padded with '*', or only '*' when it is short."""
    if len(text) < len(label):
        return "*" * len(text)
    return label + "*" * (len(text) - len(label))


def mask_emails(text: str) -> str:
    text = substitute(text, find_emails(text), lambda m: cover(m.group(), EMAIL_LABEL))
    return substitute(text, find_email_rests(text), lambda m: cover(m.group(), EMAIL_LABEL)
                      if re.search(r"\w", m.group()) else m.group())


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


def label_phrases(field: str) -> set[str]:
    """Every language's phrases for one form label, casefolded."""
    return {phrase.casefold() for language in load_lexicon().languages.values()
            for phrase in language.labels.get(field, [])}


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
    alternatives = trie_pattern(sorted(words)).replace(r"\ ", r"\s+")
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


def name_part(value: str) -> str:
    """The name at the start of a contact value ("Anna Berg, tel 070-…" → "Anna Berg")."""
    match = NAME_END.search(value)
    name = (value[:match.start()] if match else value).strip(" \t:-–")
    return name if 0 < len(name.split()) <= MAX_NAME_WORDS else ""


@lru_cache(maxsize=1)
def inline_contact_label() -> re.Pattern:
    """A contact-name label with a colon anywhere in a line, followed by a capitalised name."""
    # A trie of the phrases reads each position once; like longest-first alternatives, it
    # prefers the longer of two phrases where one begins the other.
    phrases = trie_pattern(sorted(label_phrases("contact_name")))
    return re.compile(r"(?<!\w)(?i:" + phrases + r")[ \t]*:[ \t]*"
                      rf"(?P<name>{CAPITALISED_NAME})")


def contact_names_in_text(text: str) -> list[str]:
    """Names a document gives under contact labels, whether or not an e-mail follows."""
    names = []
    lexicon = load_lexicon()
    lines = parse_lines(contact_passages(text, lexicon), lexicon)  # the lines that can matter
    for n, line in enumerate(lines):
        if not line.label or line.label.field != "contact_name":
            continue
        if line.label.value_offset is not None:
            names.append(name_part(line.text[line.label.value_offset:]))
            continue
        following = next((later for later in lines[n + 1:n + 3] if not later.blank), None)
        if following is not None and not following.label:
            names.append(name_part(following.text))
    names += [match.group("name") for match in inline_contact_label().finditer(text)
              if labels_a_contact(text, match.start("name"))]
    return sorted({trimmed for trimmed in map(drop_trailing_labels, names) if trimmed})


def names_from_emails(text: str) -> list[str]:
    """Words of the text that spell an address's person ("Sini Hölttä" for sini.holtta@…).

    Only addresses of the first.last kind count: `info@` or `kontakt@` name no one.
    """
    tokens: set[str] = set()
    for match in find_emails(text):
        local = re.split(AT, match.group(), maxsplit=1)[0]
        parts = [part for part in re.split(r"[._'’+-]+", local) if part]
        if len(parts) >= 2:
            tokens.update(fold(part) for part in parts if len(part) >= 3 and part.isalpha())
    if not tokens:
        return []
    capitalised = {word for word in NAME_PART.findall(text) if word[0].isupper()}
    return sorted(word for word in capitalised if fold(word) in tokens)


def fold(word: str) -> str:
    """Case and accents folded, as addresses spell names ("Hölttä" → "holtta")."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def drop_trailing_labels(name: str) -> str:
    """The name without the label words that follow it ("Anna Berg Tlf" → "Anna Berg")."""
    words = name.split()
    while words and load_lexicon().lookup_label(words[-1]):
        words.pop()
    return " ".join(words)


def labels_a_contact(text: str, value_start: int) -> bool:
    """True when a contact label stands before the colon: not "Virallinen nimi: …".

    The longest label ending there must be a contact's ("Projektets namn" names a project).
    A short one ("namn", "nimi") must also open its line or sentence, or follow a word
    built on a longer contact label ("Yhteyshenkilön nimi"): alone it may name anything.
    """
    line_start = text.rfind("\n", 0, value_start) + 1
    head = text[line_start:value_start].rstrip().rstrip(":").split()
    lexicon = load_lexicon()
    for size in range(min(len(head), 5), 0, -1):
        phrase = " ".join(head[-size:])
        found = lexicon.lookup_label(phrase)
        if not found:
            continue
        if found[0] != "contact_name":
            return False
        if len(phrase) >= SPECIFIC_LABEL_CHARS or size == len(head):
            return True
        before = head[-size - 1]
        return before.endswith((".", "?", "!", ";", ")")) or before.casefold().startswith(
            tuple(p for p in label_phrases("contact_name") if len(p) >= SPECIFIC_LABEL_CHARS))
    return False
