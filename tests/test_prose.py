"""Fields from prose: aims, target groups and activities stated in sentences, not labels."""

import pytest

from pipeline.extract.fields import METHOD_CONFIDENCE
from pipeline.lexicon import PROSE_CUE_KEYS
from pipeline.extract.prose import classify_prose
from pipeline.extract.prose_cues import compile_cue
from pipeline.extract.prose_sentences import list_sentences
from pipeline.publish.review_queue import review_record

# Tiny prose pages, one per language: a title, then a paragraph stating aims, group and work.
PAGES = {
    "sv": ("Språkbron\n\nSpråkbron är ett projekt i en liten kommun. Syftet med projektet är att "
           "nyanlända ska lära sig svenska snabbare. Projektet riktar sig till nyanlända kvinnor "
           "i kommunen. Vi erbjuder språkcaféer och läxhjälp varje vecka.\n",
           "Syftet med projektet är", "nyanlända kvinnor", "Vi erbjuder språkcaféer"),
    "da": ("Sprogbroen\n\nSprogbroen er et projekt i en lille kommune. Formålet er at hjælpe "
           "nyankomne med at lære dansk hurtigere. Målgruppen er nyankomne kvinder i kommunen. "
           "Vi tilbyder sprogcaféer og lektiehjælp hver uge.\n",
           "Formålet er", "Målgruppen er nyankomne", "Vi tilbyder sprogcaféer"),
    "nb": ("Språkbroen\n\nSpråkbroen er et prosjekt i en liten kommune. Målet med prosjektet er "
           "at nyankomne skal lære norsk raskere. Prosjektet er rettet mot nyankomne kvinner i "
           "kommunen. Vi tilbyr språkkafeer og leksehjelp hver uke.\n",
           "Målet med prosjektet er", "nyankomne kvinner", "Vi tilbyr språkkafeer"),
    "fi": ("Kielisilta\n\nKielisilta on hanke pienessä kunnassa. Hankkeen tavoitteena on "
           "auttaa maahanmuuttajia oppimaan suomea nopeammin. Hankkeen kohderyhmänä ovat "
           "maahanmuuttajanaiset kunnassa. Hanke järjestää kielikahviloita joka viikko. Toiminta "
           "on maksutonta ja avointa kaikille kunnan asukkaille ja heidän perheilleen.\n",
           "Hankkeen tavoitteena on", "kohderyhmänä ovat", "järjestää kielikahviloita"),
    "en": ("Language Bridge\n\nLanguage Bridge is a project in a small town. The project aims "
           "to help newly arrived people learn English faster. It is a project for newly "
           "arrived women in the town. We offer language cafés and homework help every week.\n",
           "The project aims", "newly arrived women", "We offer language cafés"),
}


def whole(text):
    return [(0, len(text))]


@pytest.mark.parametrize("lang", sorted(PAGES))
def test_prose_aims_group_and_activities_are_classified(lang):
    text, purpose, group, activity = PAGES[lang]
    found = classify_prose(text, whole(text), lang)
    assert purpose in text[slice(*found["purpose"][0])]
    assert group in text[slice(*found["target_group"][0])]
    assert activity in text[slice(*found["activities"][0])]


@pytest.mark.parametrize("lang", sorted(PAGES))
def test_prose_fields_of_a_page_round_trip_into_the_document(records_of, lang):
    text, purpose, group, activity = PAGES[lang]
    [record] = records_of(text)
    doc_text = record_text(text)
    for field in (record.purpose, record.target_group, *record.activities):
        assert field.method == "prose_cue"
        assert doc_text[field.span[0]:field.span[1]] == field.text
        for start, end in field.spans or []:
            assert field.span[0] <= start < end <= field.span[1]
    assert purpose in record.purpose.text and group in record.target_group.text
    assert record.description is not None  # the aims stay part of the description too


def record_text(text):
    from pipeline.ingest.clean import normalise_text

    return normalise_text(text)


def test_purpose_of_several_sentences_carries_each_span(records_of):
    text = ("Bygdeträff\n\nBygdeträff är en verksamhet i en by. Syftet med verksamheten är att "
            "skapa möten mellan gamla och nya invånare. Det långsiktiga syftet är att fler ska "
            "delta i föreningslivet. Träffarna hålls i bygdegården.\n")
    [record] = records_of(text)
    doc_text = record_text(text)
    assert len(record.purpose.spans) == 2
    assert [doc_text[s:e] for s, e in record.purpose.spans] == [
        "Syftet med verksamheten är att skapa möten mellan gamla och nya invånare.",
        "Det långsiktiga syftet är att fler ska delta i föreningslivet."]
    assert record.purpose.span == (record.purpose.spans[0][0], record.purpose.spans[-1][1])


def test_labelled_section_wins_over_prose(records_of):
    text = ("Språkbron\n\nSpråkbron är ett projekt i en liten kommun. Syftet med projektet är att "
            "nyanlända ska lära sig svenska snabbare, och vi arbetar med det varje vecka i "
            "kommunens bibliotek.\n\nSyfte\n\nAtt ge nyanlända ett språk att leva på.\n")
    [record] = records_of(text)
    assert record.purpose.text == "Att ge nyanlända ett språk att leva på."
    assert record.purpose.method != "prose_cue"


def test_prose_fields_are_queued_for_review_by_their_confidence(records_of):
    text, *_ = PAGES["sv"]
    [record] = records_of(text)
    assert record.provenance["purpose"].method == "prose_cue"
    assert record.provenance["purpose"].confidence == METHOD_CONFIDENCE["prose_cue"]
    reviewed = {row["field"] for row in review_record(record, record_text(text))}
    assert {"purpose", "target_group", "activities"} <= reviewed


@pytest.mark.parametrize("cue, sentence", [
    ("tavoit*", "Tavoitteena on tukea perheitä."),
    ("tavoit*", "Hankkeen tavoitteet ovat selkeät."),
    ("kohderyhmä*", "Kohderyhmänä ovat nuoret."),
    ("syft*", "Projektet syftar till att stödja familjer."),
])
def test_cue_stems_match_inflected_words(cue, sentence):
    assert compile_cue(cue).search(sentence)


def test_cue_without_a_star_matches_whole_words_only():
    assert not compile_cue("mål").search("Målgruppen är unga.")


def test_target_group_phrase_needs_a_group_keyword_after_the_cue():
    text = "Caféet är en mötesplats för samtal om böcker. Det är öppet varje dag."
    assert "target_group" not in classify_prose(text, whole(text), "sv")


def test_aims_in_a_sentence_about_something_else_start_at_their_cue():
    text = "Kommunen har sedan 2017 drivit projektet Bron, med syftet att utveckla arbetet."
    [(start, end)] = classify_prose(text, whole(text), "sv")["purpose"]
    assert text[start:end] == "med syftet att utveckla arbetet."


def test_list_after_an_aims_line_belongs_to_the_purpose():
    text = "Målen är:\n• Fler ska lära sig språket.\n• Fler ska få arbete.\n\nVi ses i parken."
    found = classify_prose(text, whole(text), "sv")
    assert [text[s:e] for s, e in found["purpose"]] == [
        "Målen är:", "• Fler ska lära sig språket.", "• Fler ska få arbete."]


def test_form_submission_adds_only_aims_from_prose(records_of):
    text = ("Organisation: Föreningen Bron\nKontaktperson: Anna Berg\nE-post: anna@bron.se\n"
            "Projektets namn: Bron\n\nBeskrivning\n\nBron är en verksamhet för nyanlända "
            "kvinnor. Syftet med verksamheten är att bryta isolering. Vi erbjuder promenader."
            "\n\nMålgrupp\n\nNyanlända kvinnor.\n\nFörväntat resultat\n\nFärre känner sig "
            "ensamma.\n")
    [record] = records_of(text)
    assert record.purpose.method == "prose_cue"
    assert record.target_group.text == "Nyanlända kvinnor."
    assert record.activities == []


def test_every_language_file_defines_every_prose_cue_key(lexicon):
    for lang, language in lexicon.languages.items():
        assert set(language.prose_cues) == set(PROSE_CUE_KEYS), lang
        assert all(language.prose_cues[key] for key in ("purpose", "target_group")), lang


@pytest.mark.parametrize("lang, text, group", [
    ("sv", "Varje vecka ger föreningen läxhjälp till alla nyanlända barn i staden.",
     "alla nyanlända barn i staden."),
    ("nb", "To ganger i uka gir biblioteket leksehjelp til enslige mindreårige i byen.",
     "enslige mindreårige i byen."),
    ("en", "Every week the library offers homework help to refugee children in the town.",
     "refugee children in the town."),
])
def test_target_group_after_a_help_noun_and_preposition_needs_the_group_at_once(lang, text, group):
    [(start, end)] = classify_prose(text, whole(text), lang)["target_group"]
    assert text[start:end] == group


@pytest.mark.parametrize("lang, text", [
    ("sv", "Det kan vara en utmaning för nyanlända att hitta en bostad i staden."),
    ("sv", "Kursen hålls på dagtid för att kvinnor ska kunna delta med sina barn."),
    ("da", "Næste år udvides arbejdet til fire asylcentre i regionen."),
    ("en", "The network improves the quality of the work with refugees in the region."),
])
def test_a_bare_preposition_names_no_target_group(lang, text):
    assert "target_group" not in classify_prose(text, whole(text), lang)


def test_cue_head_star_matches_the_last_part_of_a_compound():
    assert compile_cue("*hjälp till").search("Vi ger läxhjälp till barn.")
    assert compile_cue("*hjälp till").search("Vi ger hjälp till barn.")
    assert not compile_cue("*hjälp till").search("Vi ger hjälpen till barn.")


def test_target_group_starts_after_the_cue_nearest_the_group():
    text = "The charity runs a support programme for asylum seekers in the region."
    [(start, end)] = classify_prose(text, whole(text), "en")["target_group"]
    assert text[start:end] == "asylum seekers in the region."


def test_a_preposition_in_an_aims_sentence_names_no_target_group():
    text = "Syftet med projektet är att främja integrationen i samhället för nyanlända."
    assert "target_group" not in classify_prose(text, whole(text), "sv")


def test_a_question_states_no_field():
    text = "Vad är syftet med projektet?\n\nVi ses i parken varje tisdag."
    assert "purpose" not in classify_prose(text, whole(text), "sv")


@pytest.mark.parametrize("lang, text, group", [
    ("en", "We run a project for newly arrived women, to help them find work.", "newly arrived women"),
    ("sv", "Vi driver ett projekt för nyanlända kvinnor, att stärka dem i arbetslivet.", "nyanlända kvinnor"),
])
def test_target_group_tail_ends_at_comma_and_infinitive(lang, text, group):
    found = classify_prose(text, [(0, len(text))], lang)
    (start, end), = found["target_group"]
    assert text[start:end] == group


@pytest.mark.parametrize("lang, text, group", [
    ("en", "The club will pair students who like to cook, with refugees new to the city.",
     "refugees new to the city."),
    ("sv", "Föreningen matchar svenska familjer med nyanlända familjer i kommunen.",
     "nyanlända familjer i kommunen."),
])
def test_target_group_after_a_match_verb_and_its_preposition(lang, text, group):
    [(start, end)] = classify_prose(text, whole(text), lang)["target_group"]
    assert text[start:end] == group


def test_a_quoted_name_is_one_sentence_and_names_no_group():
    text = "The project “Open for migrants. Europe for all!” tours schools this spring."
    assert "target_group" not in classify_prose(text, whole(text), "en")
    assert len(list_sentences(text, whole(text), "en")) == 1


def test_activities_stop_at_the_end_of_their_paragraph():
    text = ("Vi erbjuder läxhjälp varje tisdag. Vi anordnar också utflykter.\n\n"
            "Föreningen arbetar med frågor om boende. Styrelsen väljs varje år.")
    found = classify_prose(text, whole(text), "sv")
    assert [text[s:e] for s, e in found["activities"]] == [
        "Vi erbjuder läxhjälp varje tisdag.", "Vi anordnar också utflykter."]


def test_activities_are_the_run_with_the_most_activity_cues():
    text = ("The town hall offers parking. It is open on weekdays.\n\n"
            "We offer language cafés, organise walks and run a homework club. "
            "Activities include cooking and sports.")
    found = classify_prose(text, whole(text), "en")
    assert text[slice(*found["activities"][0])].startswith("We offer language cafés")


@pytest.mark.parametrize("sentence", [
    "Toimintalinja 5: sosiaalinen osallisuus.",
    "Järjestölähtöinen hanke alkoi vuonna 2020.",
])
def test_finnish_activity_stems_leave_programme_lines_and_organisations(sentence):
    assert "activities" not in classify_prose(sentence, whole(sentence), "fi")


def test_a_sentence_cut_after_an_abbreviation_runs_on_in_lower_case():
    text = "Tavoitteena on taso A.1. mukainen kielitaito. Ryhmä kokoontuu maanantaisin."
    [(start, end)] = classify_prose(text, whole(text), "fi")["purpose"]
    assert text[start:end] == "Tavoitteena on taso A.1. mukainen kielitaito."


def test_a_lettered_item_after_a_sentence_stands_alone():
    text = "Rapporten har tre deler. b) Målgruppe: Målgruppen er unge innvandrere i bydelen."
    [(start, end)] = classify_prose(text, whole(text), "nb")["target_group"]
    assert text[start:end].startswith("b) Målgruppe")


def test_activities_run_on_over_later_activity_sentences_of_their_line():
    text = ("Foreningen vil tilbyde lektiehjælp. Frivillige kommer hver uge. Alle er velkomne. "
            "Der afholdes også udflugter.\nBestyrelsen vælges hvert år.")
    found = classify_prose(text, whole(text), "da")
    assert [text[s:e] for s, e in found["activities"]] == [
        "Foreningen vil tilbyde lektiehjælp.", "Frivillige kommer hver uge.",
        "Alle er velkomne.", "Der afholdes også udflugter."]


@pytest.mark.parametrize("lang, sentence", [
    ("nb", "Kartlegging, individuell plan og tett oppfølging er sentrale elementer."),
    ("sv", "Samtal, studiebesök och praktik är centrala delar i arbetet."),
])
def test_the_elements_of_the_work_are_activities(lang, sentence):
    assert "activities" in classify_prose(sentence, whole(sentence), lang)


@pytest.mark.parametrize("lang, sentence", [
    ("fi", "Tavoitteiden saavuttamiseksi kehitetään uusi malli, jota kokeillaan kunnissa."),
    ("en", "To achieve these goals, the club runs weekly walks and a homework café."),
    ("sv", "För att nå målen anordnar föreningen kvällskurser i svenska."),
])
def test_the_means_to_an_aim_are_activities_not_purpose(lang, sentence):
    found = classify_prose(sentence, whole(sentence), lang)
    assert "activities" in found and "purpose" not in found


@pytest.mark.parametrize("lang, text, activity", [
    ("nb", "Vi ønsker flere aktiviteter for barna, forteller leder Kari Nordmann. Laget arrangerer "
     "turer hver søndag.", "Laget arrangerer turer hver søndag."),
    ("en", "We would love to offer more, says the chair of the club. The club organises walks on "
     "Sundays.", "The club organises walks on Sundays."),
])
def test_a_sentence_attributed_to_a_speaker_states_no_activity(lang, text, activity):
    found = classify_prose(text, whole(text), lang)
    assert [text[s:e] for s, e in found["activities"]] == [activity]


def test_a_year_ends_a_sentence_before_a_capital_in_norwegian():
    text = "Mange kom hit i 2023. Foreningen vil tilby et trygt møtested for alle."
    [(start, end)] = classify_prose(text, whole(text), "nb")["purpose"]
    assert text[start:end] == "Foreningen vil tilby et trygt møtested for alle."


def test_evaluation_runs_on_over_the_sentences_that_back_it():
    text = ("Prosjektet ga gode resultater. Åtte av ti deltakere har fått jobb. Kommunen bruker "
            "metoden videre.\nStyret møtes i mai.")
    found = classify_prose(text, whole(text), "nb")
    assert [text[s:e] for s, e in found["evaluation"]] == [
        "Prosjektet ga gode resultater.", "Åtte av ti deltakere har fått jobb.",
        "Kommunen bruker metoden videre."]


@pytest.mark.parametrize("lang, heading", [
    ("sv", "Hur har projektet genomförts?"),
    ("nb", "Hvordan ble prosjektet gjennomført?"),
    ("da", "Hvordan er projektet gennemført?"),
    ("fi", "Miten hanke toteutettiin?"),
    ("en", "How was the project implemented?"),
])
def test_a_question_how_the_work_was_carried_out_heads_the_activities(lexicon, lang, heading):
    assert lexicon.match_question(heading).field == "activities"


def test_a_label_list_item_heads_the_lines_below_it():
    text = ("Oppsummering\n • Utfordring:\n  Mange står langt fra arbeidslivet.\n • Tiltak:\n"
            "  Deltakerne fikk jobb fra første dag. Hver deltaker hadde en fadder.\n"
            " • Resultat:\n  Åtte av ti er i jobb i dag.\n")
    found = classify_prose(text, whole(text), "nb")
    assert [text[s:e] for s, e in found["activities"]] == [
        "Deltakerne fikk jobb fra første dag.", "Hver deltaker hadde en fadder."]


def test_a_finnish_adjective_of_results_states_no_expected_result():
    sentence = "Kerhossa on kehitetty tuloksellinen malli vapaaehtoistyöhön."
    assert "expected_results" not in classify_prose(sentence, whole(sentence), "fi")
    sentence = "Hankkeen tuloksena syntyy uusi toimintamalli."
    assert "expected_results" in classify_prose(sentence, whole(sentence), "fi")


@pytest.mark.parametrize("lang, sentence", [
    ("en", "The main task of the project is to train local guides."),
    ("sv", "Projektets uppgift är att fler ska hitta en förening."),
    ("nb", "Prosjektets oppgave er å samle naboer rundt et felles kjøkken."),
])
def test_aims_stated_as_the_task_of_the_project(lang, sentence):
    assert "purpose" in classify_prose(sentence, whole(sentence), lang)


def test_a_cue_spelled_with_sharp_s_matches_text_spelled_with_it():
    from pipeline.extract.prose_cues import classify_sentence

    assert classify_sentence("Zu den Maßnahmen gehören Kurse für Frauen.")[0] == "activities"
