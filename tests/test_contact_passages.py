"""Contact names read from a document's contact passages are those a full reading finds."""

import random
import re
from pathlib import Path

import pytest

from pipeline.extract.layout import parse_lines
from pipeline.lexicon import load_lexicon
from pipeline.extract import people
from pipeline.extract.contact_passages import contact_passages, too_long_for_label

DOCUMENTS = [
    "Projektnamn: Språkcafé\nKontaktperson: Anna Berg\nE-post: anna@example.se",
    "Kontaktperson\nAnna Berg\n\nBakgrund\nVi startade 2019.",
    "Kontaktperson:\n\nAnna Berg, tel 070-123 45 67",
    "Kontaktperson:\n\n\nAnna Berg",             # two blank lines: no value
    "Kontaktpreson: Erik Lund",                    # a misspelt label
    "Yhteyshenkilö: Sini Hölttä\nPuhelin: 040 123 4567",
    "- Contact person: Jo Smith\n- Website: example.org",
    "Kontaktperson\nE-post: anna@example.se",      # the next line is a label: no name
    "Bakgrund\n\nEn lång text utan kontakter. " * 5,
    "Ansprechpartner:in: Lea Roth\n\nName: Projekt X",
    "Hur föddes projektet?\nKontaktperson\n\nUr ett behov.",
    "Kontaktperson\n\nHur föddes projektet?\nUr ett behov.",   # the next line is a heading
    "Kontaktperson\n\nHur föddes\nprojektet och\nidén från\nbörjan?\nAnna Berg",
    "Kontaktperson\nVem kan vi kontakta?\nAnna Berg",
    "\n".join([f"Fält {n}: värde {n}" for n in range(8)] + ["Kontaktperson: Lea Roth"]
              + [f"Fält {n}: värde {n}" for n in range(8, 16)]),
    "Nr. Projekt Organisation Kontakt " + " ".join(
        f"{n}. Projekt{n} Förening med ett långt namn i staden Kontaktperson: Anna Berg{n}"
        for n in range(1, 4)),
]


def reference_names(text: str) -> list[str]:
    """contact_names_in_text as it was: every line parsed, the phrases one alternation."""
    lines = parse_lines(text, load_lexicon())
    names = []
    for n, line in enumerate(lines):
        if not line.label or line.label.field != "contact_name":
            continue
        if line.label.value_offset is not None:
            names.append(people.name_part(line.text[line.label.value_offset:]))
            continue
        following = next((later for later in lines[n + 1:n + 3] if not later.blank), None)
        if following is not None and not following.label:
            names.append(people.name_part(following.text))
    phrases = sorted(people.label_phrases("contact_name"), key=len, reverse=True)
    inline = re.compile(r"(?<!\w)(?i:" + "|".join(map(re.escape, phrases)) + r")[ \t]*:[ \t]*"
                        rf"(?P<name>{people.CAPITALISED_NAME})")
    names += [match.group("name") for match in inline.finditer(text)
              if people.labels_a_contact(text, match.start("name"))]
    return sorted({trimmed for trimmed in map(people.drop_trailing_labels, names) if trimmed})


@pytest.mark.parametrize("text", DOCUMENTS)
def test_contact_names_from_the_passages_match_a_full_reading(text):
    assert people.contact_names_in_text(text) == reference_names(text)


def test_contact_names_match_a_full_reading_of_the_seed_inbox_and_test_documents():
    paths = sorted(Path("raw").glob("*.txt")) + sorted(Path("tests/data").rglob("*.txt"))
    found = 0
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        names = reference_names(text)
        assert people.contact_names_in_text(text) == names, path.name
        found += bool(names)
    assert found >= 3  # the documents do name contacts


def test_a_paragraph_without_a_contact_label_is_left_out():
    text = "Bakgrund\nVi startade 2019.\n\nKontaktperson: Anna Berg\n\nResultat\nBra.\n\nSlut"
    passages = contact_passages(text, load_lexicon())
    assert passages == "Kontaktperson: Anna Berg\n\nResultat\nBra."


def test_a_long_form_block_is_cut_to_the_label_and_the_two_lines_after_it():
    block = [f"Fält {n}: värde {n}" for n in range(10)]
    text = "\n".join(block[:5] + ["Kontaktperson: Lea Roth"] + block[5:])
    assert contact_passages(text, load_lexicon()) == "\n".join(
        ["Kontaktperson: Lea Roth", block[5], block[6]])


def test_stretches_left_out_between_passages_read_as_two_blank_lines():
    text = "Kontaktperson\n\nA\n\nB\n\nC\n\nKontaktperson: Erik"
    assert contact_passages(text, load_lexicon()) == "Kontaktperson\n\nA\n\n\nKontaktperson: Erik"


@pytest.mark.parametrize("text, too_long", [
    ("Kontaktperson", False),
    ("**  Kontakt   person  **:", False),
    ("x" * 200, True),
    ("*" * 500 + " " * 500 + "Kontaktperson", False),  # all of that normalising strips
])
def test_a_text_is_too_long_for_a_label_only_when_normalising_must_leave_too_much(text, too_long):
    assert too_long_for_label(text, 20) is too_long


def test_contact_names_match_a_full_reading_of_shuffled_form_lines():
    pool = ["", "", "Kontaktperson", "Kontaktperson:", "Kontaktperson: Anna Berg",
            "Kontaktpreson: Erik Lund", "Namn", "Namn: Projekt X", "Anna Berg",
            "Erik Lund, tel 070-123 45 67", "E-post: anna@example.se", "Hur föddes projektet?",
            "Vem kan vi kontakta?", "Bakgrund", "Vi startade 2019 i Malmö.",
            "- Contact person: Jo Smith", "• Kontaktperson:", "Yhteyshenkilö", "Sini Hölttä",
            "1. Projektet", "Organisation: Röda Korset", "Ansprechpartner:in: Lea Roth", "Name",
            "Cookies och integritet", DOCUMENTS[-1]]
    rng = random.Random(3)
    for _ in range(400):
        text = "\n".join(rng.choice(pool) for _ in range(rng.randint(1, 12)))
        assert people.contact_names_in_text(text) == reference_names(text), text
