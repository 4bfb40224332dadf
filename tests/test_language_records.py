"""Records for pages in any language: with a lexicon file (is, nl, de) and without one (it, es, pl)."""

from pathlib import Path

import pytest

from pipeline.enrich.normalise import country_table, find_countries

DATA = Path(__file__).parent / "data" / "languages"


def only_record(records_of, name):
    records = records_of((DATA / name).read_text(encoding="utf-8"))
    assert len(records) == 1
    return records[0]


def first_line(name):
    return (DATA / name).read_text(encoding="utf-8").splitlines()[0]


WITHOUT_LEXICON = [
    ("it_page_without_lexicon.txt", "it", ["Italia", "Francia", "Svizzera"]),
    ("es_page_without_lexicon.txt", "es", ["España", "Portugal", "Francia"]),
    ("pl_page_without_lexicon.txt", "pl", ["Polska", "Niemcy", "Litwa"]),
]
WITH_LEXICON = [
    ("nl_prose_page.txt", "nl", ["Nederland", "België", "Duitsland"]),
    ("de_prose_page.txt", "de", ["Deutschland", "Österreich", "Schweiz"]),
]


@pytest.mark.parametrize("name, lang, country_names", WITHOUT_LEXICON + WITH_LEXICON)
def test_page_gets_a_record_with_its_facts_with_or_without_a_lexicon(records_of, name, lang,
                                                                     country_names):
    record = only_record(records_of, name)
    text = (DATA / name).read_text(encoding="utf-8")
    assert record.title == first_line(name)
    assert record.language == lang
    named = [country_table(lang)[n.casefold()] for n in country_names]
    assert find_countries(text, lang) == named  # every name read from CLDR's data
    assert record.countries == named[:1]  # partners' countries are not where it runs
    assert [c.email for c in record.contacts] == [w for w in text.split() if "@" in w]
    assert record.websites and record.websites[0].endswith(".example." + lang)
    assert record.description is not None and country_names[0] in record.description.text
    assert record.period.start and record.period.end


@pytest.mark.parametrize("name", [name for name, _, _ in WITHOUT_LEXICON])
def test_page_without_a_lexicon_names_the_missing_lexicon(records_of, name):
    record = only_record(records_of, name)
    issues = [issue for issue in record.issues if issue.code == "no_lexicon"]
    assert len(issues) == 1
    assert f"{record.language}.yaml" in issues[0].message


@pytest.mark.parametrize("name", [name for name, _, _ in WITH_LEXICON])
def test_page_in_a_language_with_a_lexicon_has_no_lexicon_issue(records_of, name):
    record = only_record(records_of, name)
    assert not [issue for issue in record.issues if issue.code == "no_lexicon"]


def test_country_names_come_from_cldr_in_a_language_without_a_lexicon():
    assert country_table("it")["germania"] == "DE"
    assert country_table("pl")["niemcy"] == "DE"
    assert country_table("nl")["duitsland"] == "DE"  # and in one with a lexicon
    assert country_table("de")["niederlande"] == "NL"


def test_unknown_locale_has_no_country_names():
    assert country_table("qaa") == {}


def test_icelandic_form_is_read_with_the_icelandic_lexicon(records_of):
    record = only_record(records_of, "is_form.txt")
    assert record.title == first_line("is_form.txt").split(": ", 1)[1]
    assert record.language == "is"
    assert [(o.name, o.role, o.country) for o in record.organisations] == [
        ("Félagið Brú", "implementing", "IS")]
    assert [(c.name, c.email) for c in record.contacts] == [
        ("Jóna Jónsdóttir", "jona@bru.example.is")]
    assert record.target_group.method == "form_label"
    assert record.target_group.lang == "is"
    assert record.purpose.text.startswith("Að styrkja")
    assert (record.period.start, record.period.end) == ("2023-01", "2024-12")
    assert {"refugees", "immigrants"} <= set(record.target_group_categories)
    assert not [issue for issue in record.issues if issue.code == "no_lexicon"]


def test_icelandic_prose_page_is_read_with_the_icelandic_lexicon(records_of):
    record = only_record(records_of, "is_prose_page.txt")
    assert record.title == first_line("is_prose_page.txt")
    assert record.language == "is"
    assert record.countries == ["IS"]  # "á Íslandi": the dative of a CLDR name
    assert record.period.start == "2019"
    assert [o.role for o in record.organisations] == ["funder"]
    assert "volunteering" in record.themes
    assert not [issue for issue in record.issues if issue.code == "no_lexicon"]
