"""Phone numbers found from a text's digit stretches are the ones PhoneNumberMatcher finds."""

import random

import pytest
from phonenumbers import Leniency, PhoneNumberMatcher, phonenumbermatcher

from pipeline.publish.phones import (NumberText, cannot_be_possible, digit_stretches,
                                     national_floor, pattern_letters)

REGIONS = ["SE", "FI", "NO", "DK", "IS", "DE", "GB", "US", "AR", "MX", "IT", "AT"]
TEXTS = [
    "Ring 070-123 45 67 eller 08-123 456 78.",
    "Tel. +46 8 123 456 78, fax +46 (0)8 123 456 79",
    "Puh. 040 123 4567\nSähköposti: anna@example.fi",
    "Tlf: 22 33 44 55 ext. 12",
    "Telefon 0046 70 123 45 67 anexo 4",
    "Year 2023, 120 participants, 1 200 000 kronor, 2019–2022.",
    "Contact (020) 7946 0958 x123 or 020 7946 0959#",
    "31/10/2023 12:30, 2012-01-02 08:00 and 211-227 (2003)",
    "Ticket ini_7e8780123456 is no number: 1234567\n89",
    "Whole line 0701234567\n\n0701234568 next line",
    "٠٧٠١٢٣٤٥٦٧ arabic-indic digits and ＋４６ ７０ full width",
    "ДОБ 12 and доб. 34 after 8 800 555 35 35",
]


def matcher_matches(text, region):
    return [(m.start, m.end, m.raw_string, m.number)
            for m in PhoneNumberMatcher(text, region, leniency=Leniency.POSSIBLE)]


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("text", TEXTS)
def test_number_text_finds_what_the_matcher_finds(text, region):
    assert list(NumberText(text).matches(region)) == matcher_matches(text, region)


def test_number_text_agrees_with_the_matcher_on_scrambled_digits_and_letters():
    pieces = list("0123456789" * 3 + " -./()+x\n\t,;#~:") + [
        "ext. ", "tel. ", "+46 ", "0046", "00", "anexo", "доб", "ｘ", "＋", "（", "－",
        "\u00a0", "\u2013", "\u30fc", "٣", "²", "İ", "ſ", "K", "Ext", "INT", "word "]
    rng = random.Random(12)
    for _ in range(1500):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        for region in ("SE", "DE", "AR", "US"):
            assert list(NumberText(text).matches(region)) == matcher_matches(text, region), text


def test_digit_stretches_stop_at_line_breaks_and_plain_letters():
    text = "Ring 070-123 45 67\nkl 9 ext 12 tack"
    assert [text[a:b] for a, b in digit_stretches(text)] == [" 070-123 45 67", " 9 ext 12 ta"]


@pytest.mark.parametrize("candidate, region, refused", [
    ("2023", "SE", True),            # four digits: no Swedish number is that short
    ("120", "FI", True),
    ("070-123 45 67", "SE", False),  # enough digits to be parsed
    ("+46 12", "SE", False),         # international: any country's lengths apply
    ("0046 12", "SE", False),        # the international prefix, written out
    ("12 ext 3", "SE", False),       # letters may be an extension or a vanity number
])
def test_a_candidate_too_short_for_its_region_is_refused_unparsed(candidate, region, refused):
    assert cannot_be_possible(candidate, region) is refused


def test_a_region_whose_prefix_rule_adds_digits_has_no_floor():
    assert national_floor("AR") == 0 and national_floor("SE") == 6


def consumed_characters(items, parser, constants) -> list[str]:
    """Every character a parsed pattern can consume; fails on anything but literals, ranges
    of literals and digits (a negated set, any character, a word class…)."""
    found: list[str] = []
    for op, arg in items:
        if op is constants.LITERAL:
            found.append(chr(arg))
        elif op is constants.IN:
            for inner, value in arg:
                if inner is constants.LITERAL:
                    found.append(chr(value))
                elif inner is constants.RANGE:
                    found.extend(map(chr, range(value[0], value[1] + 1)))
                else:
                    assert (inner, value) == (constants.CATEGORY, constants.CATEGORY_DIGIT)
        elif op is constants.CATEGORY:
            assert arg is constants.CATEGORY_DIGIT
        elif op is constants.AT:
            continue  # an anchor consumes nothing
        else:
            parts = arg[-1] if op is constants.BRANCH else arg
            assert isinstance(parts, (list, tuple)), op
            for part in parts:
                if isinstance(part, parser.SubPattern):
                    found += consumed_characters(part, parser, constants)
    return found


def test_the_matcher_pattern_reads_no_line_break_and_no_letter_outside_its_own():
    """What digit_stretches relies on, checked on the stdlib's own parse of the pattern."""
    import re._constants as constants
    import re._parser as parser

    pattern = phonenumbermatcher._PATTERN
    consumed = consumed_characters(parser.parse(pattern.pattern, pattern.flags), parser,
                                   constants)
    assert "\n" not in consumed
    assert {char for char in consumed if char.isalpha()} <= set(pattern_letters())
