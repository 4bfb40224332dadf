"""Corrections are checked against the vocabularies extraction uses, and say what is allowed."""

from __future__ import annotations

import pytest

from pipeline.models import Initiative, Organisation, Source
from pipeline.steward.corrections import Correction, apply_one


def make_record(**fields) -> Initiative:
    """A small made-up record, as extraction would publish it."""
    source = Source(file="a.txt", sha256="0" * 64, format="txt", segment="0", span=(0, 10))
    values = {"id": "ini-0123456789abcdef", "title": "Språkvänner", "language": "sv",
              "source": source, **fields}
    return Initiative.model_validate(values)


def correct(record: Initiative, field: str, value: object) -> str:
    return apply_one(record, Correction(record.id, field, value, None, "fix.yaml#1"))


@pytest.mark.parametrize(("value", "code"), [
    ("Finland", "FI"), ("Suomi", "FI"), ("Norge", "NO"), ("Sverige", "SE"), ("Danmark", "DK"),
    ("Ísland", "IS"), ("fi", "FI"), ("Tyskland; Noreg", "DE"),
])
def test_a_country_name_in_any_lexicon_language_becomes_its_code(value, code):
    record = make_record()
    assert correct(record, "countries", value) == "applied"
    assert record.countries[0] == code
    assert record.provenance["countries"].method == "steward"


def test_a_country_named_twice_is_kept_once():
    record = make_record()
    assert correct(record, "countries", ["Finland", "FI", "Suomi"]) == "applied"
    assert record.countries == ["FI"]


@pytest.mark.parametrize(("value", "hint"), [
    ("Finlnd", "did you mean 'Finland' (FI)?"), ("Atlantis", "ISO 3166-1 alpha-2"),
])
def test_an_unknown_country_is_refused_with_a_hint(value, hint):
    record = make_record(countries=["SE"])
    outcome = correct(record, "countries", [value])
    assert outcome.startswith("invalid value") and hint in outcome
    assert record.countries == ["SE"]


@pytest.mark.parametrize(("value", "expected"), [(4, [4]), ("SDG 4; 17", [4, 17]), ([1, 1], [1])])
def test_goals_one_to_seventeen_are_applied(value, expected):
    record = make_record()
    assert correct(record, "sdgs", value) == "applied" and record.sdgs == expected


@pytest.mark.parametrize("value", [[42], [0], ["4 and 5"]])
def test_a_goal_outside_one_to_seventeen_is_refused(value):
    record = make_record(sdgs=[3])
    outcome = correct(record, "sdgs", value)
    assert "numbered 1 to 17" in outcome and record.sdgs == [3]


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("target_group_categories", "Asylum seekers", ["asylum_seekers"]),
    ("target_group_categories", ["refugees", "newly-arrived"], ["refugees", "newly_arrived"]),
    ("themes", "Labour market; language", ["labour_market", "language"]),
])
def test_vocabulary_codes_are_read_as_codes_or_words(field, value, expected):
    record = make_record()
    assert correct(record, field, value) == "applied"
    assert getattr(record, field) == expected


@pytest.mark.parametrize(("field", "value", "hint"), [
    ("target_group_categories", "refugess", "did you mean 'refugees'?"),
    ("themes", "housng", "did you mean 'housing'?"),
    ("themes", "astronomy", "allowed: labour_market, language"),
])
def test_an_unknown_vocabulary_code_is_refused_with_did_you_mean(field, value, hint):
    record = make_record()
    outcome = correct(record, field, value)
    assert outcome.startswith("invalid value") and hint in outcome
    assert getattr(record, field) == []


@pytest.mark.parametrize(("value", "level"), [
    ("national", "national"), ("Lokalt", "local"), ("Regional", "regional"),
])
def test_an_implementation_level_is_read_as_a_code_or_a_lexicon_word(value, level):
    record = make_record()
    assert correct(record, "implementation_level", value) == "applied"
    assert record.implementation_level == level


def test_an_unknown_implementation_level_lists_the_allowed_ones():
    outcome = correct(make_record(), "implementation_level", "nationall")
    assert "did you mean 'national'?" in outcome and "allowed: local, regional" in outcome


def test_a_funding_correction_replaces_the_funder_roles():
    record = make_record(
        organisations=[Organisation(name="Språkföreningen", role="implementing", country="SE"),
                       Organisation(name="Fel Fonden", role="funder"),
                       Organisation(name="Rätt Stiftelsen", role="partner", country="SE")],
        funding=["Fel Fonden"])
    assert correct(record, "funding", "Rätt Stiftelsen; Nya Fonden") == "applied"
    assert record.funding == ["Rätt Stiftelsen", "Nya Fonden"]
    roles = [(o.name, o.role, o.country) for o in record.organisations]
    assert roles == [("Språkföreningen", "implementing", "SE"),
                     ("Rätt Stiftelsen", "partner", "SE"),
                     ("Rätt Stiftelsen", "funder", "SE"), ("Nya Fonden", "funder", None)]


def test_an_organisations_correction_updates_the_funding_list():
    record = make_record(organisations=[Organisation(name="Fel Fonden", role="funder")],
                         funding=["Fel Fonden"])
    value = [{"name": "Språkföreningen", "role": "implementing"},
             {"name": "Rätt Stiftelsen", "role": "funder"}]
    assert correct(record, "organisations", value) == "applied"
    assert record.funding == ["Rätt Stiftelsen"]


def test_clearing_the_funding_removes_every_funder_role():
    record = make_record(organisations=[Organisation(name="Fel Fonden", role="funder")],
                         funding=["Fel Fonden"])
    assert correct(record, "funding", "") == "applied"
    assert record.funding == [] and record.organisations == []
