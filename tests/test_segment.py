from pathlib import Path

import pytest

from pipeline.layout import parse_lines
from pipeline.segment import segment_document

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
