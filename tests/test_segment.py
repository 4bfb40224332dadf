from pathlib import Path

import pytest

from pipeline.extract.layout import parse_lines
from pipeline.extract.segment import segment_document

DATA = Path(__file__).parent / "data"


def segments_of(text, lexicon):
    return segment_document(parse_lines(text, lexicon))


@pytest.mark.parametrize("name, submissions", [
    ("fi_compilation.txt", 2), ("en_compilation_reordered.txt", 2),
])
def test_compilation_in_any_language_splits_into_one_block_per_submission(lexicon, name,
                                                                          submissions):
    segments = segments_of((DATA / name).read_text(encoding="utf-8"), lexicon)
    assert len(segments) == submissions
    assert all(segment.kind == "submission" for segment in segments)


def test_submissions_in_another_order_segment_the_same(lexicon):
    text = (DATA / "fi_compilation.txt").read_text(encoding="utf-8")
    preamble, rest = text.split("Organisaatio:", 1)
    first, second = ("Organisaatio:" + rest).split("\nOrganisaatio:", 1)
    swapped = preamble + "Organisaatio:" + second.rstrip("\n") + "\n\n" + first
    assert len(segments_of(swapped, lexicon)) == 2


def test_two_organisation_lines_in_a_row_stay_one_submission(lexicon):
    text = ("Organisation: A-föreningen, Sverige\nNamn: Anna\nMejladress: anna@a.se\n\n"
            "Organisation: B-förbundet\nNamn: Bo\nMejladress: bo@b.se\n\n"
            "Målgrupp\n\nNyanlända\n\nSyfte\n\nAtt skapa möten mellan nyanlända och föreningar.\n")
    assert len(segments_of(text, lexicon)) == 1


def test_single_form_or_page_is_one_initiative(lexicon):
    for name in ("da_answers_under_sv_headings.txt", "page_with_scraping_noise.txt"):
        segments = segments_of((DATA / name).read_text(encoding="utf-8"), lexicon)
        assert [s.kind for s in segments] == ["page"]


def test_trailing_contact_block_does_not_become_its_own_submission(lexicon):
    text = ("Organisation: A, Sverige\nNamn: Anna\n\nMålgrupp\n\nUnga vuxna som vill engagera sig i "
            "föreningslivet.\n\nKontaktperson: Bo\nE-post: bo@a.se\n")
    assert len(segments_of(text, lexicon)) == 1


def test_bulleted_titles_over_prose_become_nested_examples(lexicon):
    segments = segments_of((DATA / "nested_examples.txt").read_text(encoding="utf-8"), lexicon)
    assert len(segments) == 1
    assert [child.index for child in segments[0].children] == ["1.1", "1.2"]


def test_bullets_with_text_on_the_same_line_are_not_examples(lexicon):
    text = ("Organisation: A\n\nVi ser fyra nivåer i arbetet med människor som står långt från "
            "arbetsmarknaden:\n\n- **Mobilisera.** Att börja relatera till andra människor igen.\n"
            "- **Rusta.** Att våga börja göra saker och känna tilltro.\n")
    assert segments_of(text, lexicon)[0].children == []


HEADED_COMPILATIONS = {
    "en": ("Our programmes for newcomers",
           [("Language Café", "The Language Café meets on Tuesdays so that newcomers can practise "
             "English with volunteers over coffee."),
            ("Job Buddies", "Job Buddies pairs each jobseeker with a working volunteer who helps "
             "with applications and interviews."),
            ("Family Walks", "Family Walks take parents and children to parks and forests near "
             "the town every other Sunday.")]),
    "sv": ("Våra verksamheter för nyanlända",
           [("Språkcafé Norr", "Språkcafé Norr träffas på tisdagar så att nyanlända kan öva "
             "svenska med volontärer över en kopp kaffe."),
            ("Jobbkompis", "Jobbkompis ger varje arbetssökande en volontär som hjälper till med "
             "ansökningar och intervjuer."),
            ("Familjepromenader", "Familjepromenader tar föräldrar och barn till parker och skogar "
             "nära staden varannan söndag.")]),
    "fi": ("Toimintamme maahan muuttaneille",
           [("Kielikahvila Pohjoinen", "Kielikahvila Pohjoinen kokoontuu tiistaisin, jotta "
             "maahan muuttaneet voivat harjoitella suomea vapaaehtoisten kanssa."),
            ("Työkaveri", "Työkaveri antaa jokaiselle työnhakijalle vapaaehtoisen, joka auttaa "
             "hakemusten ja haastattelujen kanssa."),
            ("Perhekävelyt", "Perhekävelyt vievät vanhemmat ja lapset puistoihin ja metsiin "
             "kaupungin lähelle joka toinen sunnuntai.")]),
}


@pytest.mark.parametrize("lang", sorted(HEADED_COMPILATIONS))
def test_headings_echoed_by_their_prose_split_into_one_record_each(lexicon, lang):
    intro, items = HEADED_COMPILATIONS[lang]
    text = intro + "\n\n" + "".join(f"{name}\n\n{prose}\n\n" for name, prose in items)
    segments = segments_of(text, lexicon)
    assert [s.kind for s in segments] == ["item"] * len(items)
    assert [segments_of(text, lexicon)[n].title_line for n in range(len(items))] == \
        [text.split("\n").index(name) for name, _ in items]


@pytest.mark.parametrize("lead, bullets", [
    ("Rahoitettavat hankkeet:", ["Kotiin – Helsingin kaupunki", "Puistotreffit – Espoon seurakunta"]),
    ("Projekterne i år:", ["Sprog i hverdagen - Aarhus Kommune", "Madklubben - Dansk Røde Kors"]),
    ("The projects funded this year:", ["Bridges - Leeds City Council", "Open Doors - Refugee Action"]),
])
def test_bullets_under_a_plural_initiative_noun_are_one_initiative_each(records_of, lead,
                                                                        bullets):
    preamble = ("The fund received many applications this spring and chose the following "
                "after a careful review by the board and the advisory group.")
    text = preamble + "\n\n" + lead + "\n\n" + "".join(f" • {b}\n" for b in bullets)
    records = records_of(text)
    assert [r.title for r in records] == [b.split(" – ")[0].split(" - ")[0] for b in bullets]
    assert all(r.parent_id is None for r in records)


def test_subheadings_of_one_project_do_not_split_it(lexicon):
    text = ("Mat och möten\n\nGruppen träffas varje vecka för att laga mat med nyanlända "
            "familjer i stadsdelen.\n\nHur det började\n\nIdén kom från en förening som ville "
            "skapa fler mötesplatser i området.\n\nVad vi har lärt oss\n\nDeltagarna vill "
            "gärna fortsätta träffas även efter projektets slut.\n")
    assert [s.kind for s in segments_of(text, lexicon)] == ["page"]


@pytest.mark.parametrize("lang", sorted(HEADED_COMPILATIONS))
def test_each_listed_initiative_is_titled_by_its_heading(records_of, lang):
    intro, items = HEADED_COMPILATIONS[lang]
    text = intro + "\n\n" + "".join(f"{name}\n\n{prose}\n\n" for name, prose in items)
    records = records_of(text)
    assert [r.title for r in records] == [name for name, _ in items]
    assert [r.description.text for r in records] == [prose for _, prose in items]


def test_a_phone_line_among_address_lines_does_not_start_a_new_submission(lexicon):
    text = ("Hankkeen nimi: Kielipolku\n\nToimintalinja: Sosiaalinen osallisuus ja köyhyyden "
            "torjunta koko maakunnassa\n\nPuhelinnumero: 0401234567\n\nPostinumero: 94100\n\n"
            "Postitoimipaikka: Kemi\n\nYhteyshenkilön nimi: Anna Berg\n")
    assert [s.kind for s in segments_of(text, lexicon)] == ["page"]


TABLE_LEAD = ("Answer of the ministry to a written question about the support given to "
              "integration measures in the years past, listed by year and recipient of the "
              "grant, with the amounts paid out so far and the bodies that carry them out. ")


@pytest.mark.parametrize("header", ["No. Project Recipient Amount 2020 2021",
                                    "Nr. Projekt Mottagare Belopp 2020 2021"])
def test_a_flattened_table_splits_into_one_record_per_numbered_row(records_of, header):
    text = (TABLE_LEAD + header + " 1 Evening classes for adult newcomers (Language Bridge – "
            "LB) Adult Education Association 1.2 m 2.0 m 2 Welcome courses for asylum seekers "
            "in the reception centres Red Circle Society 0.5 m 0.7 m\n")
    records = records_of(text)
    assert [r.title for r in records][:1] == ["Language Bridge – LB"]
    assert len(records) == 2
    assert records[1].description.text.startswith("Welcome courses for asylum seekers")


def test_numbers_in_a_long_line_without_a_number_column_do_not_split_it(lexicon):
    text = (TABLE_LEAD + "In 2020 we had 1 Course for parents and later 2 Courses for "
            "children, and in every one of them volunteers helped with homework.\n")
    lines = parse_lines(text, lexicon)
    assert len(lines) == 2 and not any(line.table_row for line in lines)
    assert len(segment_document(lines)) == 1


@pytest.mark.parametrize("announce, first, listed, names", [
    ( "Three projects now share the grant for new ideas in integration work.",
     "One of the recipients is the housing company Homestead, whose tenants will run the "
     "gardens of their block together with newly arrived refugees.",
     "The two other recipients are Open Doors and Friends of the Harbour Library.",
     ["Open Doors", "Friends of the Harbour Library"]),
    ( "Tre projekter modtager nu tilsammen en bevilling til nye idéer i integrationen.",
     "En af modtagerne er boligselskabet Hjemstavn, hvis beboere skal passe de grønne "
     "områder sammen med nyankomne flygtninge.",
     "De to øvrige modtagere er Åbne Døre og Havnebibliotekets Venner.",
     ["Åbne Døre", "Havnebibliotekets Venner"]),
])
def test_initiatives_named_in_a_counted_list_are_one_record_each(records_of, announce, first,
                                                                  listed, names):
    text = f"Grants for integration\n\n{announce}\n\n{first}\n\n{listed}\n"
    records = records_of(text)
    assert len(records) == 3
    assert records[0].description.text == first
    assert [r.title for r in records[1:]] == names


def test_a_list_whose_count_does_not_match_its_names_is_not_split(lexicon):
    text = ("Grants for integration\n\nThe three recipients are Open Doors and Friends of the "
            "Harbour Library, who work with newcomers in the old town every week.\n")
    assert len(segment_document(parse_lines(text, lexicon))) == 1
