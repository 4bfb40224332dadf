from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


def read(name):
    return (DATA / name).read_text(encoding="utf-8")


def test_danish_answers_under_swedish_headings_are_danish(records_of):
    [record] = records_of(read("da_answers_under_sv_headings.txt"))
    assert record.language == "da"
    assert {field.lang for _, field in record.text_fields()} == {"da"}
    assert record.websites == []  # "Hemsida: Nej" is a placeholder, not a site


def test_form_with_navn_and_prosjektets_navn_labels(records_of):
    [record] = records_of(read("nb_form_navn_prosjektets_navn.txt"))
    assert record.title == "Språkvenn"
    assert record.language == "nb"
    assert record.contacts[0].name == "Ola Nordmann"
    assert record.contacts[0].email == "ola@eksempel.kommune.no"
    assert record.organisations[0].name == "Eksempel kommune"
    assert record.organisations[0].country == "NO"
    assert record.websites == ["https://eksempel.kommune.no/sprakvenn",
                               "https://www.facebook.com/sprakvenn/"]
    assert record.evaluation is None  # "Nei"
    partners = {o.name for o in record.organisations if o.role == "partner"}
    assert partners == {"Frivilligsentralen", "Røde Kors"}


@pytest.mark.parametrize("name", ["fi_compilation.txt", "en_compilation_reordered.txt"])
def test_compilation_records_carry_every_section(records_of, name):
    records = records_of(read(name))
    assert len(records) == 2
    for record in records:
        assert record.title and record.contacts and record.organisations
        assert record.target_group and record.purpose and record.description
        assert record.expected_results


def test_finnish_compilation_fields(records_of):
    first, second = records_of(read("fi_compilation.txt"))
    assert (first.title, first.language, first.countries) == ("Kielikahvila", "fi", ["FI"])
    assert first.websites == ["https://www.example.fi/kielikahvila"]
    assert second.websites == [] and second.evaluation is None


def test_page_with_scraping_noise(records_of):
    [record] = records_of(read("page_with_scraping_noise.txt"))
    assert record.title == "Sommarläger för nyanlända barn"
    assert record.description.text.startswith("Lägret samlar barn")
    assert "Läs också" not in record.description.text
    assert record.funding == ["Allmänna arvsfonden"]
    assert record.period.start == "2018"
    assert record.purpose.text.startswith("1. Barnen lär sig")
    assert record.countries == ["SE"]


def test_nested_examples_point_to_their_parent(records_of):
    parent, first, second = records_of(read("nested_examples.txt"))
    assert parent.title == "Goda exempel från våra medlemmar"
    assert first.parent_id == parent.id and second.parent_id == parent.id
    assert first.title == "Läxhjälpen" and first.websites == ["http://www.example.se/laxhjalp"]
    assert "Mer info" not in first.description.text
    assert [o.name for o in first.organisations] == ["Läxhjälpen"]
    assert second.organisations[0].name == "Paraplyorganisationen"  # inherited


def test_activities_are_split_into_one_field_per_numbered_item(records_of):
    text = ("Bra praxis\n\nHemspråk i skolan\n\nHuvudsakliga aktiviteter\n\n"
            "1 Läxhjälp på modersmål för nyanlända elever.\n\n2 Föräldramöten med tolk.\n"
            "3 Fortbildning för lärare.\n")
    [record] = records_of(text)
    assert [a.text for a in record.activities] == [
        "Läxhjälp på modersmål för nyanlända elever.", "Föräldramöten med tolk.",
        "Fortbildning för lärare."]


def test_every_span_points_at_its_text(records_of, make_document):
    from pipeline.extract.document import extract_records

    for name in sorted(p.name for p in DATA.glob("*.txt")):
        document = make_document(read(name))
        for record in extract_records(document):
            start, end = record.source.span
            assert document.text[start:end]
            for _, field in record.text_fields():
                assert document.text[field.span[0]:field.span[1]] == field.text


def test_record_ids_are_stable_across_runs(records_of):
    text = read("fi_compilation.txt")
    assert [r.id for r in records_of(text)] == [r.id for r in records_of(text)]


def test_title_from_a_self_introduction_when_the_heading_is_generic(records_of):
    text = ("OM OSS\n\nKompisbyrån – vänskap över gränser är ett projekt som matchar nyanlända "
            "med etablerade svenskar. Paren träffas varannan vecka under ett halvår och gör "
            "saker tillsammans som de båda tycker om.\n")
    [record] = records_of(text)
    assert record.title == "Kompisbyrån – vänskap över gränser"


def test_a_short_note_without_labels_describes_no_initiative(make_document):
    from pipeline.extract.document import extract_document
    from pipeline.result import DocumentResult

    document = make_document("Hej! Här kommer vår ansökan till expertmötet.\n\nMvh Anna\n")
    result = extract_document(DocumentResult.from_document(document))
    assert result.records == [] and result.ok
    assert result.issues[-1].code == "no_initiative" and document.issues == []


def test_prose_after_a_partner_list_is_the_description(records_of):
    text = ("Facebook Twitter Hvis du deler indholdet, sætter udbyderen cookies på din computer.\n\n"
            "Partnere:\n\n • Aarhus Kommune\n • Dansk Røde Kors\n\nProjektresumé\n\n"
            "Projekt Sprogbroen hjælper nyankomne familier med at lære dansk gennem ugentlige "
            "møder med frivillige i bydelen.\n")
    [record] = records_of(text)
    assert record.title == "Sprogbroen"
    assert record.description.text.startswith("Projekt Sprogbroen hjælper")
