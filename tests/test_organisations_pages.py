"""Organisations on pages written as prose or cards, not forms: tiny documents of each shape."""

import pytest

from pipeline.extract.domains import countries_from_domains, domain_country, home_country
from pipeline.models import Initiative, Organisation, Source
from pipeline.extract.org_forms import attested_base, base_of_type_genitive
from pipeline.extract.org_mentions import (find_heading_organisations, find_joint_organisations,
                                   find_subject_roles, find_typed_organisations)
from pipeline.extract.organisations import find_role_mentions, names_a_kind
from pipeline.publish.review_queue import review_record


def names(organisations):
    return [(o.name, o.role) for o in organisations]


@pytest.mark.parametrize("heading", ["Partners", "Partnere:", "Kumppanit", "Samarbetspartners"])
def test_partner_bullets_with_countries_under_a_heading(heading):
    text = f"{heading}\n\n • Lindholm Institute, Norway\n • Vesta Fundación, Spain\n\nMore\n"
    found = find_heading_organisations(text)
    assert [(o.name, o.role, o.country) for o in found] == [
        ("Lindholm Institute", "partner", "NO"), ("Vesta Fundación", "partner", "ES")]


@pytest.mark.parametrize("line, role, name", [
    ("Promoter: Brightway Asbl, Luxembourg", "implementing", "Brightway Asbl"),
    ("ProjektägareInstitutionen för språk och samhälle", "implementing",
     "Institutionen för språk och samhälle"),
    ("Støttemodtagerens navn: Nordlys Forening", "implementing", "Nordlys Forening"),
    ("Rahoittaja\nKaislaranta-säätiö", "funder", "Kaislaranta-säätiö"),
])
def test_card_labels_inline_glued_or_on_the_next_line(line, role, name):
    assert names(find_heading_organisations(line + "\n")) == [(name, role)]


def test_a_role_heading_inside_a_one_line_transcript():
    line = ("1 Sluttrapport Navn på prosjektet: Ny vei Prosjektansvarlig (etat, avdeling): "
            "Bydel Nordvik, Sosialtjenesten. Beskrivelse av prosjektet: Kurs.")
    assert names(find_heading_organisations(line)) == [("Bydel Nordvik", "implementing")]


@pytest.mark.parametrize("name, kind", [
    ("L’association", True), ("Föreningen", True), ("The organisation", True),
    ("Läsglädje!", False), ("Friends of Harbour", False), ("Sjöstad kommun", False)])
def test_a_self_introduction_by_kind_names_no_organisation(name, kind):
    assert names_a_kind(name) is kind


@pytest.mark.parametrize("sentence, lang, expected", [
    ("Sjöstad kommun driver projektet sedan 2020.", "sv", [("Sjöstad kommun", "implementing")]),
    ("Nordlysfonden har bevilget 2 mio. kr. til caféen.", "da", [("Nordlysfonden", "funder")]),
    ("Boligselskabet ABK har modtaget penge til et projekt.", "da",
     [("Boligselskabet ABK", "implementing")]),
    ("The Harbour Trust has funded the project.", "en", [("Harbour Trust", "funder")]),
    ("Vi driver projektet tillsammans.", "sv", []),
])
def test_the_name_before_a_role_verb_takes_its_role(sentence, lang, expected):
    assert names(find_subject_roles(sentence, lang)) == expected


def test_coordinator_and_partners_in_one_sentence():
    sentence = ("The project is coordinated by Harbour Network in partnership with "
                "Delta Foundation and Mira Institute.")
    assert names(find_role_mentions(sentence, "en")) == [
        ("Harbour Network", "coordinator"), ("Delta Foundation", "partner"),
        ("Mira Institute", "partner")]


@pytest.mark.parametrize("sentence, lang, expected", [
    ("Arbetet sker i samarbete med Sjöstad kommun, Lärkans förening och Ekbacka folkhögskola.",
     "sv", ["Sjöstad kommun", "Lärkans förening", "Ekbacka folkhögskola"]),
    ("Prosjektet gjennomføres i samarbeid med Fjordvik kommune og Havbris Frivilligsentral.",
     "nb", ["Fjordvik kommune", "Havbris Frivilligsentral"]),
])
def test_a_lists_last_item_after_the_joiner_is_kept(sentence, lang, expected):
    assert [o.name for o in find_role_mentions(sentence, lang)] == expected


@pytest.mark.parametrize("sentence, lang, name", [
    ("Prosjektet er finansiert av Integrerings- og mangfoldsdirektoratet (IMDi).", "nb",
     "Integrerings- og mangfoldsdirektoratet (IMDi)"),
    ("Hanketta rahoittaa Sosiaali- ja terveysalan tukikeskus (STK).", "fi",
     "Sosiaali- ja terveysalan tukikeskus (STK)"),
    ("Projektet finansieras av Myndigheten för ungdoms- och civilsamhällesfrågor.", "sv",
     "Myndigheten för ungdoms- och civilsamhällesfrågor"),
    ("Vi får stöd från Europeiska unionens asyl-, migrations- och integrationsfond.", "sv",
     "Europeiska unionens asyl-, migrations- och integrationsfond"),
])
def test_compound_names_with_a_hyphen_and_a_joiner_are_one_organisation(sentence, lang, name):
    assert names(find_role_mentions(sentence, lang)) == [(name, "funder")]


@pytest.mark.parametrize("sentence, expected", [
    ("Hanke toimii Kaislarannassa, ja sen taustalla on Kaislarannan Setlementti ry:n työ.",
     ["Kaislarannan Setlementti ry"]),
    ("Sedan våren driver Sjöstad kommun en språkcafé.", ["Sjöstad kommun"]),
    ("Vi tok kontakt med Havbris Sanitetsforening for å høre.", ["Havbris Sanitetsforening"]),
    ("Midlerne kom fra Nordlysfonden, og arbejdet gik i gang.", ["Nordlysfonden"]),
    ("Pengene gik til boligselskabet ABK og beboerne.", ["ABK"]),
    ("Tilskudd ble gitt av Velferdsdirektoratet (VFD) i fjor.", ["Velferdsdirektoratet (VFD)"]),
    ("Der Landesverband der Lernhäuser Nordheide e. V. erhielt Mittel.",
     ["Landesverband der Lernhäuser Nordheide e. V."]),
    ("Het project liep samen met de Gemeente Sterrenburg.", ["Gemeente Sterrenburg"]),
    ("The municipality helps.", []),
])
def test_names_made_by_an_organisation_type_word(sentence, expected):
    assert find_typed_organisations(sentence) == expected


def test_finnish_joint_project_names_both_organisations_in_their_base_form():
    text = ("Kaislarannan seurakunta järjestää kahvilan. Kahvila on Kaislarannan seurakunnan "
            "ja Itä-Lahden SPR:n yhteinen hanke.")
    joint = find_joint_organisations(text.split(". ")[1])
    assert joint == ["Kaislarannan seurakunnan", "Itä-Lahden SPR"]
    assert [attested_base(name, text, "fi") for name in joint] == [
        "Kaislarannan seurakunta", "Itä-Lahden SPR"]


@pytest.mark.parametrize("name, lang, base", [
    ("Itälän kaupungin", "fi", "Itälän kaupunki"), ("Kotikulma ry", "fi", "Kotikulma ry"),
    ("Norrby kommuns", "sv", "Norrby kommun"), ("Fjordby kommunes", "nb", "Fjordby kommune"),
])
def test_a_closing_type_word_loses_its_genitive(name, lang, base):
    assert base_of_type_genitive(name, lang) == base


def test_a_genitive_without_an_attested_base_stays_as_written():
    assert attested_base("Suomen Punaisen Ristin", "yhteistyössä Suomen Punaisen Ristin kanssa",
                         "fi") == "Suomen Punaisen Ristin"


def test_an_implementer_named_twice_is_not_its_own_partner(records_of):
    [record] = records_of(
        "Projektets namn: Grannar emellan\n\nOrganisation: Bulgariska Röda korset\n\n"
        "Beskrivning\n\nSedan 2019 arbetar Sofia kommun i samarbete med bulgariska Röda korset "
        "och Lärkans förening med nyanlända familjer.\n")
    assert names(record.organisations)[0] == ("Bulgariska Röda korset", "implementing")
    partners = [o.name for o in record.organisations if o.role == "partner"]
    assert "Röda korset" not in partners and "Lärkans förening" in partners


def test_a_prose_page_names_its_implementer_and_funder(records_of):
    [record] = records_of(
        "Språkvänner i Sjöstad\n\nSjöstad kommun driver sedan 2020 ett språkcafé för "
        "nyanlända kvinnor. Arbetet sker i samarbete med Lärkans förening. Projektet "
        "finansieras av "
        "Allmänna arvsfonden.\n")
    assert ("Sjöstad kommun", "implementing") in names(record.organisations)
    assert ("Lärkans förening", "partner") in names(record.organisations)
    assert record.funding == ["Allmänna arvsfonden"]


@pytest.mark.parametrize("host, code", [
    ("kunta.fi", "FI"), ("www.kommune.dk", "DK"), ("example.co.uk", "GB"), ("verein.de", "DE"),
    ("network.eu", None), ("project.org", None), ("startup.io", None),
])
def test_country_code_domains_name_a_country(host, code):
    assert domain_country(host) == code


def test_countries_from_websites_and_e_mails_in_order():
    assert countries_from_domains(["https://www.hanke.fi/x"], ["anna@kommune.no",
                                                               "bo@site.org"]) == ["FI", "NO"]


def test_country_from_an_e_mail_domain_when_the_text_names_none(records_of):
    [record] = records_of(
        "Welcome Walks\n\nWelcome Walks brings newcomers and neighbours together on weekly walks "
        "through the city parks, with a volunteer guide for each group.\n\n"
        "Contact: mira.holm(at)walks.dk\n")
    assert record.countries == ["DK"]
    assert record.provenance["countries"].method == "web_domain"


@pytest.mark.parametrize("lang, code", [("sv", "SE"), ("fi", "FI"), ("nb", "NO"), ("en", None),
                                        ("nl", "NL")])
def test_a_language_implies_its_home_country_except_english(lang, code):
    assert home_country(lang) == code


def test_a_record_without_an_implementer_gets_a_review_row():
    record = Initiative(id="ini_x", language="sv", title="Grannar",
                        organisations=[Organisation(name="Lärkans förening", role="partner")],
                        source=Source(file="x.txt", sha256="0" * 64, format="txt", segment="1",
                                      span=(0, 1)))
    reasons = {row["reason"] for row in review_record(record, "x")}
    assert "no implementing organisation" in reasons
    record.organisations[0].role = "implementing"
    assert "no implementing organisation" not in {
        row["reason"] for row in review_record(record, "x")}


@pytest.mark.parametrize("line", ["Beviljat EUF-stöd: 1 200 000 kr", "EUF-finansierat projekt"])
def test_an_acronym_glued_to_a_funding_word_is_a_funder_even_on_a_label_line(records_of, line):
    [record] = records_of(
        "Språkvänner i Sjöstad\n\n" + line + "\n\nSjöstad kommun driver sedan 2020 ett "
        "språkcafé för nyanlända kvinnor och deras barn, varje vecka i stadsdelens bibliotek, "
        "med samtal, läxhjälp och utflykter i närområdet.\n")
    assert ("EUF", "funder") in names(record.organisations)
