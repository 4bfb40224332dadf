"""Addresses read near their at-signs are the ones the address patterns find in the whole text."""

import random

import pytest

from pipeline.extract.email_spellings import EMAIL, EMAIL_REST, find_email_rests, find_emails

TEXTS = [
    "Skriv till anna.berg@example.se eller erik@example.fi.",
    "anna.berg at example dot se, vi ses at home at noon",
    "anna.berg [ät] example [punkt] se och anna(snabel-a)example.se",
    "anna.berg\n@example.se, anna.berg@\nexample.se och anna@exam-\nple.se",
    "mailto:anna.berg%40example.se &amp; anna&#64;example.se &#x40;alone",
    "sini.holtta＠example.fi; jo﹫example.org; @handle; user@localhost",
    "Danish: vi håber at se jer, at I kommer, at det går godt.",
    "erik.o'neil@example.se, erik.o’neil@example.se, a.b.c.d@e.f.gh",
    "",
]


def spans(matches):
    return [(match.start(), match.end()) for match in matches]


@pytest.mark.parametrize("text", TEXTS)
def test_addresses_read_near_at_signs_are_those_of_the_pattern(text):
    assert spans(find_emails(text)) == spans(EMAIL.finditer(text))
    assert spans(find_email_rests(text)) == spans(EMAIL_REST.finditer(text))


def test_addresses_agree_with_the_pattern_on_scrambled_text():
    pieces = ["anna", ".", "berg", "@", "＠", " at ", " AT ", " ät ", "example", " dot ", "se",
              "\n", " ", "-", "-\n", "(at)", "[ at ]", "<krøllalfa>", " (dot) ", "%40", "&#64;",
              "&#0064;", "&#x40;", "&commat;", "&#46;", "'", "’", "+", "%", "_", "1", "#", ";",
              "&", "{", "}", "\t", "punkt", "éå", "Sini"]
    rng = random.Random(5)
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 25)))
        assert spans(find_emails(text)) == spans(EMAIL.finditer(text)), text
        assert spans(find_email_rests(text)) == spans(EMAIL_REST.finditer(text)), text
