import pytest

from pipeline.extract.organisations import find_role_mentions, merge_organisations, read_name_list
from pipeline.models import Organisation


@pytest.mark.parametrize("sentence, lang, expected", [
    ("Projektet drivs i samarbete med Arbetsförmedlingen och Hela Människan.", "sv",
     [("Arbetsförmedlingen", "partner"), ("Hela Människan", "partner")]),
    ("Prosjektet gjennomføres i samarbeid med Røde Kors og NAV.", "nb",
     [("Røde Kors", "partner"), ("NAV", "partner")]),
    ("Projektet drives i samarbejde med Dansk Flygtningehjælp og lokale foreninger.", "da",
     [("Dansk Flygtningehjælp", "partner")]),
    ("Projektet finansieras av Europeiska unionen.", "sv", [("Europeiska unionen", "funder")]),
    ("The project is funded by the Nordic Council of Ministers.", "en",
     [("Nordic Council of Ministers", "funder")]),
    ("Hanketta toteutetaan yhteistyössä Suomen Punaisen Ristin kanssa.", "fi",
     [("Suomen Punaisen Ristin", "partner")]),
    ("Ett EU-finansierat projekt.", "sv", [("EU", "funder")]),
])
def test_role_cues_name_the_organisations_that_follow(sentence, lang, expected):
    found = [(o.name, o.role) for o in find_role_mentions(sentence, lang)]
    assert found == expected


def test_list_reading_keeps_origins_and_drops_descriptors():
    names = read_name_list("andra fyra organisationer - Arci Catania och Programma Integra från "
                           "Italien, Östersunds Kommun från Sverige.", "sv")
    assert names == [("Arci Catania", None), ("Programma Integra", "IT"),
                     ("Östersunds Kommun", "SE")]


def test_apposition_keeps_the_proper_name():
    assert read_name_list("Sveriges innovationsmyndighet Vinnova, för att samverka", "sv") == [
        ("Vinnova", None)]


def test_a_partner_that_is_the_implementer_is_dropped():
    merged = merge_organisations([
        Organisation(name="Stiftelsen Kirkens Bymisjon Aust-Agder", role="implementing"),
        Organisation(name="Kirkens Bymisjon", role="partner"),
        Organisation(name="NAV", role="partner")])
    assert [o.name for o in merged] == ["Stiftelsen Kirkens Bymisjon Aust-Agder", "NAV"]
