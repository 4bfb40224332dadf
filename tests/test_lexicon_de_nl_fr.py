"""German, Dutch and French are read with their own lexicon files: made-up prose pages and forms."""

import pytest

from pipeline.enrich.language import detect_language, lexicon_issues
from pipeline.enrich.normalise import parse_period
from pipeline.extract.domains import home_country
from pipeline.extract.org_mentions import find_typed_organisations
from pipeline.extract.organisations import find_role_mentions
from pipeline.extract.prose_cues import classify_sentence
from pipeline.lexicon import load_lexicon
from pipeline.publish.masking import mask_phones

PROSE = {
    "de": ("Nachbarschaftsküche Lindenhof\n\n"
           "Die Nachbarschaftsküche Lindenhof ist ein Projekt des Vereins Lindenhof in Leipzig. "
           "Ziel des Projekts ist es, Nachbarn und neue Familien über gemeinsames Kochen in "
           "Kontakt zu bringen. Das Angebot richtet sich an geflüchtete Frauen und ihre Kinder "
           "aus dem Stadtteil. Einmal pro Woche organisieren Ehrenamtliche einen Kochabend mit "
           "Kinderbetreuung.\n\nE-Mail: kueche@lindenhof.example.de\n"),
    "nl": ("Taalmaatjes Oost\n\n"
           "Taalmaatjes Oost is een project van Stichting Buurtbrug in Zwolle. Het doel van het "
           "project is om buurtgenoten en nieuwe gezinnen met elkaar in contact te brengen. "
           "Het project is bedoeld voor statushouders en hun kinderen die net in de wijk wonen. "
           "Elke week organiseren vrijwilligers een taalcafé in de bibliotheek.\n\n"
           "E-mail: info@buurtbrug.example.nl\n"),
    "fr": ("Jardins du Partage\n\n"
           "Jardins du Partage est un projet de l’association Terre Commune à Nantes. "
           "L’objectif du projet est de créer des liens entre voisins autour du jardinage. "
           "Le projet s’adresse aux femmes réfugiées et à leurs enfants qui vivent dans le "
           "quartier. Chaque samedi, les bénévoles organisent des ateliers de jardinage.\n\n"
           "Courriel : contact@terrecommune.example.fr\n"),
}
# The sentence of each page that states the field, by its opening words.
PURPOSE = {"de": "Ziel des Projekts ist", "nl": "Het doel van het project is",
           "fr": "L’objectif du projet est"}
TARGET_GROUP = {"de": "geflüchtete Frauen", "nl": "statushouders", "fr": "femmes réfugiées"}
ACTIVITY = {"de": "organisieren Ehrenamtliche", "nl": "organiseren vrijwilligers",
            "fr": "organisent des ateliers"}

FORMS = {
    "de": ("Projektname: Brücken bauen\n"
           "Organisation: Brückenbau e. V., Deutschland\n"
           "Ansprechperson: Anna Beispiel\n"
           "E-Mail: anna@brueckenbau.example.de\n"
           "Projektlaufzeit: von März 2022 bis Dezember 2024\n"
           "Zielgruppe: Geflüchtete Jugendliche\n"
           "Ziel: Jugendliche beim Einstieg in die Ausbildung begleiten.\n"
           "Aktivitäten:\n- Bewerbungstraining\n- Betriebsbesuche\n"),
    "nl": ("Projectnaam: Samen aan de slag\n"
           "Organisatie: Stichting Werkbrug, Nederland\n"
           "Contactpersoon: Sanne Voorbeeld\n"
           "E-mail: sanne@werkbrug.example.nl\n"
           "Looptijd: van maart 2022 tot december 2024\n"
           "Doelgroep: Jonge vluchtelingen\n"
           "Doel: Jongeren begeleiden bij het vinden van een opleiding.\n"
           "Activiteiten:\n- Sollicitatietraining\n- Bedrijfsbezoeken\n"),
    "fr": ("Nom du projet : Cap Emploi Jeunes\n"
           "Structure porteuse : Association Passerelle, France\n"
           "Personne de contact : Claire Exemple\n"
           "Courriel : claire@passerelle.example.fr\n"
           "Durée du projet : à partir de mars 2022 jusqu’en décembre 2024\n"
           "Public cible : Jeunes réfugiés\n"
           "Objectif : Accompagner les jeunes vers une formation.\n"
           "Activités :\n- Ateliers CV\n- Visites d'entreprises\n"),
}
FORM_FACTS = {  # title, organisation, contact, country, purpose opening
    "de": ("Brücken bauen", "Brückenbau e. V.", "Anna Beispiel", "DE", "Jugendliche beim"),
    "nl": ("Samen aan de slag", "Stichting Werkbrug", "Sanne Voorbeeld", "NL", "Jongeren"),
    "fr": ("Cap Emploi Jeunes", "Association Passerelle", "Claire Exemple", "FR", "Accompagner"),
}
LANGS = ["de", "nl", "fr"]


def only_record(records_of, text):
    records = records_of(text)
    assert len(records) == 1
    return records[0]


@pytest.mark.parametrize("lang", LANGS)
def test_language_has_a_lexicon_file_and_no_lexicon_issue(lang):
    assert lang in load_lexicon().codes
    assert lang not in load_lexicon().also_detect
    assert lexicon_issues(lang) == []


@pytest.mark.parametrize("lang", LANGS)
def test_prose_page_is_detected_and_read_with_its_lexicon(records_of, lang):
    text = PROSE[lang]
    record = only_record(records_of, text)
    assert record.language == lang
    assert record.title == text.split("\n", 1)[0]
    assert [c.email for c in record.contacts] == [w for w in text.split() if "@" in w]
    assert not [issue for issue in record.issues if issue.code == "no_lexicon"]


@pytest.mark.parametrize("lang", LANGS)
def test_prose_aims_sentence_is_the_purpose(records_of, lang):
    record = only_record(records_of, PROSE[lang])
    assert record.purpose is not None
    assert record.purpose.text.startswith(PURPOSE[lang])
    assert record.provenance["purpose"].method.startswith("prose")


@pytest.mark.parametrize("lang", LANGS)
def test_prose_addressee_sentence_is_the_target_group(records_of, lang):
    record = only_record(records_of, PROSE[lang])
    assert record.target_group is not None and TARGET_GROUP[lang] in record.target_group.text
    assert {"refugees", "women", "children"} & set(record.target_group_categories)


@pytest.mark.parametrize("lang", LANGS)
def test_prose_activity_sentence_is_an_activity(records_of, lang):
    record = only_record(records_of, PROSE[lang])
    assert any(ACTIVITY[lang] in item.text for item in record.activities)


@pytest.mark.parametrize("lang", LANGS)
def test_labelled_form_is_read_with_its_labels(records_of, lang):
    record = only_record(records_of, FORMS[lang])
    title, organisation, contact, country, purpose = FORM_FACTS[lang]
    assert record.language == lang
    assert record.title == title
    assert [(o.name, o.role) for o in record.organisations] == [(organisation, "implementing")]
    assert [c.name for c in record.contacts] == [contact]
    assert record.countries == [country]
    assert (record.period.start, record.period.end) == ("2022-03", "2024-12")
    assert record.target_group.method == "form_label"
    assert {"refugees", "youth"} <= set(record.target_group_categories)
    assert record.purpose.text.startswith(purpose)
    assert len(record.activities) == 2


@pytest.mark.parametrize("sentence, lang, period", [
    ("Das Projekt läuft von März 2021 bis Ende 2023.", "de", ("2021-03", "2023-12")),
    ("Seit Januar 2020 treffen sich die Gruppen.", "de", ("2020-01", None)),
    ("Het project loopt van maart 2021 tot eind 2023.", "nl", ("2021-03", "2023-12")),
    ("Sinds januari 2020 komen de groepen samen.", "nl", ("2020-01", None)),
    ("Le projet se déroule depuis mars 2021 jusqu’à fin 2023.", "fr", ("2021-03", "2023-12")),
    ("Le projet a démarré en février 2020.", "fr", ("2020-02", None)),
])
def test_period_words_and_months_of_each_language(sentence, lang, period):
    found = parse_period(sentence, lang)
    assert (found.start, found.end) == period


@pytest.mark.parametrize("sentence, lang, expected", [
    ("Das Projekt wird gefördert durch die Stiftung Beispielhaus.", "de",
     [("Stiftung Beispielhaus", "funder")]),
    ("Das Projekt wird in Kooperation mit dem Verein Nachbarn e. V. umgesetzt.", "de",
     [("Verein Nachbarn e. V.", "partner")]),
    ("Het project wordt gefinancierd door het Fonds Voorbeeld.", "nl",
     [("Fonds Voorbeeld", "funder")]),
    ("Het project wordt uitgevoerd door Stichting Buurtbrug.", "nl",
     [("Stichting Buurtbrug", "implementing")]),
    ("Het loopt in samenwerking met Gemeente Voorbeeld het ‘Taalcafé’ voor buren.", "nl",
     [("Gemeente Voorbeeld", "partner")]),  # the quoted name and the article are not the partner
    ("Le projet est financé par la Fondation Exemple.", "fr", [("Fondation Exemple", "funder")]),
    ("Le projet est porté par l'association Terre Commune.", "fr",
     [("Terre Commune", "implementing")]),
])
def test_role_cues_of_each_language_find_organisations(sentence, lang, expected):
    found = find_role_mentions(sentence, lang)
    assert [(o.name, o.role) for o in found] == expected


@pytest.mark.parametrize("sentence, name", [
    ("Unterstützt wird das Vorhaben vom Verein Brückenbau in Hamburg.", "Verein Brückenbau"),
    ("Mitmachen kann jeder beim Beispielverein vor Ort.", "Beispielverein"),
    ("Die Kurse gibt der Verein Nachbarn e. V. in der Stadt.", "Verein Nachbarn e. V."),
    ("De activiteiten vinden plaats bij Gemeente Voorbeeldstad.", "Gemeente Voorbeeldstad"),
    ("De lessen worden gegeven door Buurtbrug vzw.", "Buurtbrug vzw"),
    ("Les ateliers ont lieu avec la Fondation Terre Neuve.", "Fondation Terre Neuve"),
    ("Les cours sont donnés par Pont Neuf asbl.", "Pont Neuf asbl"),
])
def test_organisation_type_words_of_each_language_make_names(sentence, name):
    assert name in find_typed_organisations(sentence)


@pytest.mark.parametrize("lang, code", [("de", "DE"), ("nl", "NL"), ("fr", "FR")])
def test_home_country_is_cldrs_likely_country(lang, code):
    assert home_country(lang) == code


@pytest.mark.parametrize("line", ["Tel. 0123 456789", "Telefoon 0123 456789",
                                  "Tél. 01 23 45 67 89"])
def test_phone_cues_of_each_language_mask_a_number(line):
    assert "456" not in mask_phones(line) and "45 67" not in mask_phones(line)


@pytest.mark.parametrize("sentence, field", [
    ("Das Projekt richtet sich an junge Geflüchtete in der Stadt.", "target_group"),
    ("Hauptzielgruppe sind Familien, die neu in der Stadt sind.", "target_group"),
    ("Das Hauptziel ist, Familien beim Ankommen zu begleiten.", "purpose"),
    ("Die Evaluation zeigt, dass die Teilnehmenden mehr Kontakte haben.", "evaluation"),
    ("Het project is bedoeld voor jongeren die net in Nederland zijn.", "target_group"),
    ("Uit de evaluatie blijkt dat de deelnemers vaker Nederlands spreken.", "evaluation"),
    ("Le projet s’adresse aux familles récemment arrivées.", "target_group"),
    ("L’évaluation montre que les participants se sentent moins isolés.", "evaluation"),
])
def test_prose_cues_of_each_language_classify_sentences(sentence, field):
    assert classify_sentence(sentence)[0] == field


@pytest.mark.parametrize("line", [
    "Diese Website verwendet Cookies, um Ihnen den besten Service zu bieten.",
    "Deze website maakt gebruik van cookies om uw ervaring te verbeteren.",
    "Ce site utilise des cookies pour améliorer votre expérience.",
])
def test_cookie_banner_above_the_title_is_never_the_title(records_of, line):
    lang = detect_language(line)[0]
    text = line + "\n\n" + PROSE[lang]
    assert only_record(records_of, text).title == PROSE[lang].split("\n", 1)[0]


@pytest.mark.parametrize("lang, heading", [("de", "Warum"), ("nl", "Waarom"), ("fr", "Pourquoi")])
def test_an_empty_label_closing_a_page_does_not_make_it_a_form(records_of, lang, heading):
    record = only_record(records_of, PROSE[lang] + "\n" + heading + "\n")
    assert any(ACTIVITY[lang] in item.text for item in record.activities)
