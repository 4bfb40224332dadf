"""Where an untitled description starts and ends on free pages (made-up pages)."""

import pytest

from pipeline.extract.description import CLOSING, heading_field
from pipeline.extract.layout import parse_lines

PROSE = {
    "sv": "Gruppen träffas varje vecka för att prata svenska och laga mat tillsammans med "
          "nyanlända familjer i stadsdelen. Alla är välkomna och deltagandet är gratis.",
    "da": "Gruppen mødes hver uge for at tale dansk og lave mad sammen med nyankomne familier "
          "i bydelen. Alle er velkomne og deltagelsen er gratis.",
    "nb": "Gruppen møtes hver uke for å snakke norsk og lage mat sammen med nyankomne familier "
          "i bydelen. Alle er velkomne og deltakelsen er gratis.",
    "fi": "Ryhmä kokoontuu joka viikko puhumaan suomea ja laittamaan ruokaa yhdessä "
          "maahan muuttaneiden perheiden kanssa. Kaikki ovat tervetulleita.",
    "en": "The group meets every week to speak English and cook together with newly arrived "
          "families in the neighbourhood. Everyone is welcome and taking part is free.",
    "is": "Hópurinn hittist í hverri viku til að tala íslensku og elda saman með nýkomnum "
          "fjölskyldum í hverfinu. Allir eru velkomnir og þátttaka er ókeypis.",
}
MORE = {
    "sv": "Kvällarna leds av frivilliga som själva en gång kom till staden som nyanlända.",
    "da": "Aftenerne ledes af frivillige, som selv engang kom til byen som nyankomne.",
    "nb": "Kveldene ledes av frivillige som selv en gang kom til byen som nyankomne.",
    "fi": "Iltoja vetävät vapaaehtoiset, jotka itse tulivat aikanaan kaupunkiin.",
    "en": "The evenings are led by volunteers who once came to the town as newcomers.",
    "is": "Kvöldunum stýra sjálfboðaliðar sem sjálfir komu einu sinni til bæjarins.",
}
CLOSING_HEADING = {"sv": "Relaterade nyheter", "da": "Læs også", "nb": "Fakta",
                   "fi": "Perustiedot", "en": "Related news", "is": "Tengdar fréttir"}
STORY_HEADING = {"sv": "Maten som bro", "da": "Maden som bro", "nb": "Maten som bro",
                 "fi": "Ruoka siltana", "en": "Food as a bridge", "is": "Matur sem brú"}
TITLE = "Mat och möten"


@pytest.mark.parametrize("lang", sorted(PROSE))
def test_a_closing_heading_ends_the_description(records_of, lang):
    text = (f"{TITLE}\n\n{PROSE[lang]}\n\n{CLOSING_HEADING[lang]}\n\n"
            "Ett annat ämne. Helt andra nyheter om annat här.\n")
    assert records_of(text)[0].description.text == PROSE[lang]


@pytest.mark.parametrize("lang", sorted(PROSE))
def test_a_story_subheading_keeps_the_description_going(records_of, lang):
    text = f"{TITLE}\n\n{PROSE[lang]}\n\n{STORY_HEADING[lang]}\n\n{MORE[lang]}\n"
    description = records_of(text)[0].description.text
    assert description.startswith(PROSE[lang]) and description.endswith(MORE[lang])


@pytest.mark.parametrize("heading", ["Resultat", "• Resultat:", "Aktivitet/tiltak/metode",
                                     "Mål og målgruppe"])
def test_a_heading_naming_another_field_ends_the_description(records_of, heading):
    text = f"{TITLE}\n\n{PROSE['nb']}\n\n{heading}\n\n{MORE['nb']}\n"
    assert records_of(text)[0].description.text == PROSE["nb"]


def test_the_text_after_a_closing_heading_is_still_read(records_of):
    aim = "Målet med prosjektet er å gi flere nyankomne et nettverk i bydelen."
    text = f"{TITLE}\n\n{PROSE['nb']}\n\nFakta\n\n{aim}\n"
    record = records_of(text)[0]
    assert record.description.text == PROSE["nb"]
    assert record.purpose is not None and aim in record.purpose.text


@pytest.mark.parametrize("lang, heading", [("nb", "Beskrivelse av tiltaket"),
                                           ("en", "Project summary"),
                                           ("sv", "Beskrivning av projektet")])
def test_a_description_heading_starts_the_description(records_of, lang, heading):
    text = (f"{TITLE}\n\nKommunen er ansvarlig for dette eksempelet.\nKommune:\nStorby\n\n"
            f"{heading}\n\n{PROSE[lang]}\n")
    assert records_of(text)[0].description.text == PROSE[lang]


@pytest.mark.parametrize("line, expected", [
    ("Resultater", CLOSING), ("Partners", "organisations_info"),
    ("icon/arrow Created with Tool. Perustiedot", CLOSING), ("Maten som bro", None),
    ("Beskrivelse av eksempelet", "description"),
    ("Kontakt med familiene er viktig for oss alle sammen", None),
])
def test_heading_field(lexicon, line, expected):
    [parsed] = parse_lines(line, lexicon)
    assert heading_field(parsed, lexicon) == expected


@pytest.mark.parametrize("lang, about, how", [
    ("sv", "Vad handlar projektet om?", "Hur har projektet genomförts?"),
    ("da", "Hvad handler projektet om?", "Hvordan er projektet gennemført?"),
    ("nb", "Hva handler prosjektet om?", "Hvordan ble prosjektet gjennomført?"),
    ("en", "What is the project about?", "How was the project implemented?"),
    ("is", "Um hvað fjallar verkefnið?", "Hvernig var verkefnið framkvæmt?"),
])
def test_a_question_asking_what_it_is_about_heads_the_description(records_of, lang, about, how):
    text = (f"{TITLE}\n\n{MORE[lang]}\n\n{about}\n\n{PROSE[lang]}\n\n{how}\n\n"
            f"{MORE[lang]}\n")
    record = records_of(text)[0]
    assert record.description.text == PROSE[lang]
    assert record.description.method == "question_heading"


@pytest.mark.parametrize("lang, note", [
    ("en", "The project is funded by the Northern Harbour Foundation."),
    ("sv", "Projektet finansieras av Stiftelsen Norra Hamnen."),
])
def test_a_closing_paragraph_naming_only_funders_is_not_description(records_of, lang, note):
    text = f"{TITLE}\n\n{PROSE[lang]}\n\n{MORE[lang]}\n\n{note}\n"
    record = records_of(text)[0]
    assert record.description.text == f"{PROSE[lang]}\n\n{MORE[lang]}"
    assert any(org.role == "funder" for org in record.organisations)


def test_a_description_made_only_of_a_funding_note_keeps_it(records_of):
    note = "The project is funded by the Northern Harbour Foundation."
    record = records_of(f"{TITLE}\n\n{PROSE['en']} {note}\n")[0]
    assert record.description.text.endswith(note)


@pytest.mark.parametrize("lang, heading", [("nb", "Resultat"), ("da", "Resultater"),
                                           ("en", "Results"), ("sv", "Resultat")])
def test_a_results_heading_on_a_page_heads_what_was_achieved(records_of, lang, heading):
    text = f"{TITLE}\n\n{PROSE[lang]}\n\n{heading}\n\n{MORE[lang]}\n"
    record = records_of(text)[0]
    assert record.description.text == PROSE[lang]
    assert record.evaluation is not None and record.evaluation.text == MORE[lang]


def test_a_results_line_with_its_value_is_not_a_heading(lexicon):
    [line] = parse_lines("Resultat: en kokbok om inkludering", lexicon)
    assert line.label is None


def test_bullets_holding_only_a_label_head_sections_of_a_summary_card(records_of):
    text = (f"{TITLE}\n\n{PROSE['nb']}\n\nOppsummering\n\n • Tiltak:\n\n {MORE['nb']}\n\n"
            " • Resultat:\n\n Deltakerne fikk jobb etter ett år.\n")
    record = records_of(text)[0]
    assert [a.text for a in record.activities] == [MORE["nb"]]
    assert record.evaluation.text == "Deltakerne fikk jobb etter ett år."


def test_a_bullet_with_a_label_and_its_value_is_not_a_heading(lexicon):
    [line] = parse_lines(" • Tiltak: leksehjelp to ganger i uken", lexicon)
    assert line.label is None


@pytest.mark.parametrize("after", ["Sist oppdatert: 3. mars 2020", "Mål og målgruppe"])
def test_a_labelled_section_of_a_page_stops_at_furniture_or_another_fields_heading(
        records_of, after):
    text = (f"{TITLE}\n\n{PROSE['nb']}\n\nResultat\n\nDeltakerne fikk jobb etter ett år.\n\n"
            f"{after}\n\n{MORE['nb']}\n")
    assert records_of(text)[0].evaluation.text == "Deltakerne fikk jobb etter ett år."


@pytest.mark.parametrize("question, field", [
    ("Vilka resultat har projektet skapat?", "evaluation"),
    ("Hvilke resultater har prosjektet skapt?", "evaluation"),
    ("Hvilke resultater har projektet skabt?", "evaluation"),
    ("Vilka resultat förväntar ni er?", "expected_results"),
    ("Hvilke resultater forventer dere?", "expected_results"),
])
def test_a_question_about_results_already_made_asks_for_evaluation(lexicon, question, field):
    assert lexicon.match_question(question).field == field
