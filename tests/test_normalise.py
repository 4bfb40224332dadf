import re

import pytest

from pipeline.enrich.normalise import (build_country_pattern, country_alternatives, country_code,
                                       country_table, find_countries, find_emails, find_period,
                                       find_websites, is_placeholder, parse_level, parse_sdgs,
                                       split_trailing_country)
from pipeline.lexicon import LANGUAGES, load_lexicon


@pytest.mark.parametrize("name", ["Sverige", "Sweden", "Ruotsi", "sverige"])
def test_country_names_in_any_language_map_to_one_code(name):
    assert country_code(name) == "SE"


@pytest.mark.parametrize("name, code", [("Danmark", "DK"), ("Norge", "NO"), ("Suomi", "FI"),
                                        ("Bulgarien", "BG"), ("Tanska", "DK"), ("Island", "IS")])
def test_nordic_country_names(name, code):
    assert country_code(name) == code


def test_trailing_country_is_split_from_the_organisation():
    assert split_trailing_country("Stockholms stiftskansli, Svenska kyrkan, Sverige") == (
        "Stockholms stiftskansli, Svenska kyrkan", "SE")
    assert split_trailing_country("Forum") == ("Forum", None)


def test_countries_named_in_running_text_including_genitives_and_finnish_cases():
    assert find_countries("Ett projekt i Finland och Sveriges kommuner.", "sv") == ["FI", "SE"]
    assert find_countries("Hanke toimii Ruotsissa ja Suomessa.", "fi") == ["SE", "FI"]
    assert find_countries("Man får erfarenhet.", "sv") == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_country_pattern_grouped_by_first_letter_matches_as_the_plain_alternation(lang):
    lexicon = load_lexicon()
    alternatives = country_alternatives(lang, lexicon)
    firsts = list(dict.fromkeys(first for first, _ in alternatives))
    # the grouping holds only if no two first letters match each other ignoring case
    assert not [(a, b) for a in firsts for b in firsts
                if a != b and re.fullmatch(re.escape(a), b, re.IGNORECASE)]
    plain = re.compile(r"(?<![\w-])(" + "|".join(re.escape(first) + rest
                                                  for first, rest in alternatives)
                       + r")(?![\w-])", re.IGNORECASE)
    names = sorted(country_table(lang) or country_table("en"))[::5]
    text = " ".join(f"I {name.title()}, {name}s och {name.upper()}n." for name in names)
    found = [m.span() for m in build_country_pattern(lang, lexicon).finditer(text)]
    assert found and found == [m.span() for m in plain.finditer(text)]


@pytest.mark.parametrize("value, urls", [
    ("<https://www.stockholm.se/vida>", ["https://www.stockholm.se/vida"]),
    ("flygtning.dk/frivillig", ["https://flygtning.dk/frivillig"]),
    ("www.a.no och <https://b.no/x/>", ["https://www.a.no", "https://b.no/x/"]),
    ("Nej", []),
])
def test_websites_lose_brackets_and_gain_a_scheme(value, urls):
    assert find_websites(value) == urls


def test_emails_are_validated():
    assert find_emails("Mejl: anna@example.se, fel@, bo@b.org.") == ["anna@example.se", "bo@b.org"]


@pytest.mark.parametrize("value", ["-", "Nej", "nej", "Ingen", "", "  ", "Ei", "None"])
def test_placeholders_mean_nothing(value):
    assert is_placeholder(value)


@pytest.mark.parametrize("sentence, lang, start, end", [
    ("Verksamheten har funnits sedan 2013.", "sv", "2013", None),
    ("Projektet löper under två år från jan 2018.", "sv", "2018-01", None),
    ("Projektet pågår 2019–2022.", "sv", "2019", "2022"),
    ("Projektet som pågår till slutet av år 2025 inleddes i januari 2023.", "sv", "2023-01",
     "2025-12"),
    ("The project started in March 2020.", "en", "2020-03", None),
])
def test_periods_are_read_from_their_sentence(sentence, lang, start, end):
    period = find_period([(sentence, lang)])
    assert (period.start, period.end) == (start, end)
    assert period.text == sentence


def test_sentence_without_period_gives_empty_period():
    assert find_period([("Vi arbetar med 120 deltagare.", "sv")]).start is None


def test_sdgs_and_levels():
    assert parse_sdgs("11, 4 och 17") == [11, 4, 17]
    assert parse_sdgs("18") == []
    assert parse_level("Lokalt") == "local"
    assert parse_level("Nasjonalt") == "national"


@pytest.mark.parametrize("text, email", [
    ("Sähköposti: aino.virtanen(at)kunta.fi", "aino.virtanen@kunta.fi"),
    ("Mejl: sara.lind[at]stad.se", "sara.lind@stad.se"),
    ("Sähköposti: aino.virtanen [ät] kunta.fi", "aino.virtanen@kunta.fi"),
    ("Write to mira at walks dot dk today", "mira@walks.dk"),
    ("Skriv til ola.hansen at kommune.no", "ola.hansen@kommune.no"),
    ("Kontakt: anna＠example．se", "anna@example.se"),
    ("E-postanna.berg@stad.se", "anna.berg@stad.se"),
])
def test_emails_written_as_people_write_them_are_normalised(text, email):
    assert find_emails(text) == [email]


@pytest.mark.parametrize("text", [
    "Sähköposti: aino.virtanen(at)kunta.fi", "Mejl: sara.lind [ät] stad.se",
    "Write to mira at walks dot dk", "Kontakt: ola.hansen@kommune.no",
])
def test_an_email_never_becomes_a_website(text):
    assert find_websites(text) == []


def test_prose_with_at_is_not_an_email():
    assert find_emails("Look at walks.dk for the dates.") == []
    assert find_emails("We meet at 10.30 at cafe.se on Fridays.") == []
    assert find_websites("Look at walks.dk for the dates.") == ["https://walks.dk"]
