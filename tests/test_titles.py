"""Titles on pages written as prose: page furniture above the name, names the body introduces."""

import pytest

from pipeline.extract.layout import is_boilerplate

PROSE = {
    "sv": "Gruppen träffas varje vecka för att prata svenska och laga mat tillsammans med "
          "nyanlända familjer i stadsdelen. Alla är välkomna och deltagandet är gratis för "
          "både barn och vuxna.",
    "da": "Gruppen mødes hver uge for at tale dansk og lave mad sammen med nyankomne familier "
          "i bydelen. Alle er velkomne og deltagelsen er gratis for både børn og voksne.",
    "nb": "Gruppen møtes hver uke for å snakke norsk og lage mat sammen med nyankomne familier "
          "i bydelen. Alle er velkomne og deltakelsen er gratis for både barn og voksne.",
    "fi": "Ryhmä kokoontuu joka viikko puhumaan suomea ja laittamaan ruokaa yhdessä "
          "maahan muuttaneiden perheiden kanssa. Kaikki ovat tervetulleita ja osallistuminen "
          "on maksutonta sekä lapsille että aikuisille koko vuoden ajan.",
    "en": "The group meets every week to speak English and cook together with newly arrived "
          "families in the neighbourhood. Everyone is welcome and taking part is free for "
          "children and adults.",
}
COOKIE_BANNERS = {
    "sv": "Vi använder kakor (cookies) för att webbplatsen ska fungera bra för dig.",
    "da": "Facebook Twitter Hvis du deler indholdet, sætter udbyderen cookies på din computer.",
    "nb": "Vi bruker informasjonskapsler for å gi deg en bedre opplevelse.",
    "fi": "Käytämme evästeitä parantaaksemme sivuston käyttökokemusta.",
    "en": "This site uses cookies to give you the best experience. Accept all",
}
FURNITURE = {
    "sv": "Skriv ut\n\n12.03.2021\n\nText: Anna Berg",
    "da": "Del\n\n12.03.2021\n\nTekst: Anna Berg",
    "nb": "Skriv ut\n\n12.03.2021\n\nTekst: Anna Berg",
    "fi": "Tulosta\n\n12.03.2021\n\nTeksti: Anna Berg",
    "en": "Print\n\n12.03.2021\n\nBy: Anna Berg",
}
TITLE = "Mat och möten"


@pytest.mark.parametrize("lang", sorted(COOKIE_BANNERS))
def test_cookie_banner_above_the_title_is_not_the_title(records_of, lang):
    [record] = records_of(f"{COOKIE_BANNERS[lang]}\n\n{TITLE}\n\n{PROSE[lang]}\n")
    assert record.title == TITLE
    assert "cookie" not in record.description.text.casefold()


@pytest.mark.parametrize("lang", sorted(FURNITURE))
def test_print_date_and_byline_above_the_title_are_skipped(records_of, lang):
    [record] = records_of(f"{FURNITURE[lang]}\n\n{TITLE}\n\n{PROSE[lang]}\n")
    assert record.title == TITLE


@pytest.mark.parametrize("header", ["1(13)", "Sida 1 av 3", "Side 2 af 5", "Page 1 of 2"])
def test_document_host_page_counter_is_dropped(records_of, make_document, header):
    text = f"{header}\n\n{TITLE}\n\n{PROSE['sv']}\n"
    assert header not in make_document(text).text
    assert records_of(text)[0].title == TITLE


@pytest.mark.parametrize("lang, headline, body, name", [
    ("sv", "Kommunen får pengar till nya möten",
     "Kommunen har fått stöd för projektet Möten i parken, som samlar nyanlända och grannar "
     "varje vecka.", "Möten i parken"),
    ("da", "Kommunen får penge til nye møder",
     "Kommunen har fået støtte til projektet Møder i parken, som samler nyankomne og naboer "
     "hver uge.", "Møder i parken"),
    ("nb", "Kommunen får penger til nye møter",
     "Kommunen har fått støtte til prosjektet Møter i parken, som samler nyankomne og naboer "
     "hver uke.", "Møter i parken"),
    ("en", "Council wins funding for new meetings",
     "The council has received support for the project Park Meetings, which brings newcomers "
     "and neighbours together every week.", "Park Meetings"),
    ("fi", "Kunta saa rahaa uusiin tapaamisiin",
     "Kunta on saanut tukea Puistotreffit-hankkeelle, joka tuo uudet asukkaat ja naapurit yhteen "
     "joka viikko. Puistotreffit-hanke jatkuu ensi vuonna.", "Puistotreffit"),
])
def test_name_after_the_initiative_noun_beats_a_news_headline(records_of, lang, headline, body,
                                                             name):
    [record] = records_of(f"{headline}\n\n{body} {PROSE[lang]}\n")
    assert record.title == name


@pytest.mark.parametrize("lang, body", [
    ("nb", "Foreningen driver prosjektet «Språk i hverdagen» for nyankomne kvinner i bydelen."),
    ("da", "Foreningen står bag projektet ’Sprog i hverdagen’ for nyankomne kvinder i bydelen."),
    ("en", "The association runs the project “Language every day” for newly arrived women."),
])
def test_quoted_name_after_the_initiative_noun_is_the_title(records_of, lang, body):
    [record] = records_of(f"Nye tilbud i bydelen\n\n{body} {PROSE[lang]}\n")
    assert record.title.casefold().startswith(("språk i", "sprog i", "language every"))


def test_bylined_person_under_the_date_is_not_the_title(records_of):
    text = f"12.03.2021\n\nAnna Berg\n\n{TITLE}\n\n{PROSE['sv']}\n"
    assert records_of(text)[0].title == TITLE


def test_title_label_over_a_run_on_block_takes_one_line(records_of):
    text = ("Project Title\nBridges for Newcomers\nProject Topics\nThis project is related with "
            f"these topics: integration of refugees and migrants in small towns.\n{PROSE['en']}\n")
    assert records_of(text)[0].title == "Bridges for Newcomers"


@pytest.mark.parametrize("line", ["Logotyp på utskrifter", "top of page", "Uutislistaukseen",
                                  "Fant du det du lette etter?", "IMG_20190506_104033.jpg",
                                  "Kurssit | Tulosta |"])
def test_page_furniture_lines_are_boilerplate(lexicon, line):
    assert is_boilerplate(line, lexicon)


@pytest.mark.parametrize("line", ["Mat och möten", "Integration Exempelland", "Jobb i sikte"])
def test_names_are_not_boilerplate(lexicon, line):
    assert not is_boilerplate(line, lexicon)


def test_a_project_named_late_in_the_body_does_not_replace_the_heading(records_of):
    paragraphs = "\n\n".join([PROSE["sv"]] * 3)
    text = (f"{TITLE}\n\n{paragraphs}\n\nVi samarbetar också med projektet Grannskap, som "
            "driver läxhjälp i samma stadsdel.\n")
    assert records_of(text)[0].title == TITLE


@pytest.mark.parametrize("opening", [
    "Det är ett projekt som samlar nyanlända och grannar varje vecka i stadsdelen.",
    "This is a project that brings newcomers and neighbours together every week in town.",
])
def test_a_pronoun_opening_a_self_introduction_is_no_title(records_of, opening):
    record = records_of(f"VÄLKOMMEN\n\n{opening} {PROSE['sv']}\n")[0]
    assert record.title not in ("Det", "This")


@pytest.mark.parametrize("lang, tail", [
    ("sv", "Läs mer om vårt arbete här:"), ("da", "/sl"), ("nb", "Fant du det du lette etter?"),
    ("en", "Scroll to Top"), ("fi", '"" ""'),
])
def test_trailing_furniture_stays_out_of_the_description(records_of, lang, tail):
    [record] = records_of(f"{TITLE}\n\n{PROSE[lang]}\n\n{tail}\n")
    assert record.description.text == PROSE[lang]


def test_a_labelled_section_does_not_end_with_share_links(records_of):
    text = f"{TITLE}\n\nSyfte\n\n{PROSE['sv']}\n\nDela\n\nSkriv ut\n"
    assert records_of(text)[0].purpose.text == PROSE["sv"]


def test_a_brand_named_twice_does_not_replace_the_heading(records_of):
    text = (f"{TITLE}\n\nVi delar bilder på LinkedIn varje vecka. {PROSE['sv']}\n\n"
            "Följ oss gärna på LinkedIn.\n")
    assert records_of(text)[0].title == TITLE


def test_a_camelcase_name_the_body_repeats_beats_a_quote_headline(records_of):
    text = ("'Despite the headlines, people care' say the team behind a new befriending scheme\n\n"
            "BridgeFriends, which launched a pilot in the spring, matches volunteers with "
            "refugees. Volunteers who join BridgeFriends meet their match every week. "
            f"{PROSE['en']}\n")
    assert records_of(text)[0].title == "BridgeFriends"
