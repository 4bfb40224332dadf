"""The public variant hides every spelling of an address, phone numbers, contact names, files."""

import json
from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.extract.people import contact_names_in_text, names_from_emails
from pipeline.publish.masking import mask_text, phone_regions
from pipeline.publish.public_files import FileScrubber, public_file_name
from pipeline.run import run_pipeline

# (text, the parts of the address that must be gone)
EMAIL_SPELLINGS = [
    ("anna.berg@example.se", ["anna", "berg", "example"]),
    ("anna.berg at example dot se", ["anna", "berg", "example"]),
    ("anna.berg(at)example.se", ["anna", "berg", "example"]),
    ("anna.berg [at] example.se", ["anna", "berg", "example"]),
    ("anna.berg [ät] example [punkt] se", ["anna", "berg", "example"]),
    ("anna.berg＠example.se", ["anna", "berg", "example"]),
    ('<a href="mailto:anna.berg%40example.se">', ["anna", "berg", "example"]),
    ("anna.berg&#64;example.se", ["anna", "berg", "example"]),
    ("anna.berg@\nexample.se", ["anna", "berg", "example"]),
    ("anna.berg\n@example.se", ["anna", "berg", "example"]),
    ("erik.o'neil@example.se", ["erik", "neil", "example"]),
    ("erik.o’neil@example.se", ["erik", "neil", "example"]),
]


@pytest.mark.parametrize("text, parts", EMAIL_SPELLINGS)
def test_every_spelling_of_an_address_is_masked_whole(text, parts):
    masked = mask_text(f"Skriv till {text} i dag.")
    assert len(masked) == len(text) + len("Skriv till  i dag.")
    assert "[e-mail]" in masked and not [part for part in parts if part in masked], masked
    assert masked.startswith("Skriv till ") and masked.endswith(" i dag.")


@pytest.mark.parametrize("text", ["We meet at the library at noon.", "Vi ses kl. 10 at home."])
def test_the_word_at_in_a_sentence_is_no_address(text):
    assert mask_text(text) == text


# One real-format number per language, written the way that language writes them.
PHONES = {
    "sv": ["070-123 45 67", "08-123 456 78", "+46 70 123 45 67"],
    "da": ["33 12 34 56", "+45 33 12 34 56", "tlf. 12345678"],
    "nb": ["912 34 567", "22 33 44 55", "0047 912 34 567"],
    "fi": ["040 123 4567", "09 123 4567", "+358 (0)40 123 4567"],
    "en": ["+44 20 7946 0958", "+1 202 555 0143", "phone 0701234567"],
}
NOT_PHONES = ["2015-2018", "den 01-02-2019", "kl. 08.00-17.00", "1 200 000 kr", "00100 Helsinki",
              "123 45 Stockholm", "org.nr 802015-1234", "ini_7e878018d997e088", "SDG 4, 8 och 10",
              "13.11.2019 14:00", "klo 9 - 11.45", "14.8. - 20.12.", "2015–21",
              "2015 2016 2017 1",
              "Y-tunnus: 1234567-8", "Postinumero: 94200"]


@pytest.mark.parametrize("lang", sorted(PHONES))
def test_phone_numbers_are_masked_for_the_documents_region(lang):
    for number in PHONES[lang]:
        masked = mask_text(f"Ring {number}.", regions=phone_regions(lang))
        assert len(masked) == len(number) + len("Ring .")
        assert sum(char.isdigit() for char in masked) == 0, (lang, masked)


@pytest.mark.parametrize("lang", sorted(PHONES))
def test_dates_amounts_and_ids_are_no_phone_numbers(lang):
    for text in NOT_PHONES:
        assert mask_text(text, regions=phone_regions(lang)) == text


@pytest.mark.parametrize("lang, region", [("sv", "SE"), ("da", "DK"), ("nb", "NO"), ("nn", "NO"),
                                          ("fi", "FI")])
def test_the_phone_region_follows_the_language_then_the_countries(lang, region):
    assert phone_regions(lang, ["IS"]) == (region, "IS")


CONTACT_LINES = {
    "sv": ("Kontaktperson: Anna Lindqvist, 070-123 45 67", "Anna Lindqvist"),
    "da": ("Kontaktperson: Mette Kjærgaard, tlf. 33 12 34 56", "Mette Kjærgaard"),
    "nb": ("Kontaktperson: Ingrid Haugland (912 34 567)", "Ingrid Haugland"),
    "fi": ("Yhteyshenkilö: Matti Virtanen, puh. 040 123 4567", "Matti Virtanen"),
    "en": ("Contact person: Jonathan Whitfield, phone +44 20 7946 0958", "Jonathan Whitfield"),
}


@pytest.mark.parametrize("lang", sorted(CONTACT_LINES))
def test_a_contact_label_names_its_person_without_an_email(lang):
    line, name = CONTACT_LINES[lang]
    assert contact_names_in_text(f"Intro.\n\n{line}\n") == [name]


@pytest.mark.parametrize("text", [
    "Projektets namn: Språkcafé\n", "Prosjektets navn: Språkkafé\n",
    "Project name: Language Café\n",
    "Virallinen nimi: Esimerkki ry\n", "Modtagerens navn: Eksempel\n",
])
def test_a_longer_label_ending_in_a_name_word_names_no_contact(text):
    assert contact_names_in_text(text) == []


@pytest.mark.parametrize("text", ["Frågor? Kontaktperson: Anna Lindqvist svarar.\n",
                                  "Projekt X Kontaktperson: Anna Lindqvist Tlf: 070\n",
                                  "Yhteyshenkilön nimi: Anna Lindqvist\n"])
def test_a_contact_label_inside_a_line_names_its_person(text):
    assert contact_names_in_text(text) == ["Anna Lindqvist"]


def test_a_contact_label_on_its_own_line_names_the_next_line():
    assert contact_names_in_text("Kontaktperson\nAnna Lindqvist\n\nMer text.\n") == \
        ["Anna Lindqvist"]


@pytest.mark.parametrize("text, names", [
    ("Sini Hölttä\nsini.holtta@example.fi\n", ["Hölttä", "Sini"]),
    ("Skriv till Erik O'Neil, erik.o'neil@example.se.\n", ["Erik"]),
    ("Kontakt\nkontakt@example.se\n", []),
])
def test_an_address_of_the_first_last_kind_names_its_person(text, names):
    assert names_from_emails(text) == names


BODY = {
    "sv": "Syfte\n\nAtt ge nyanlända fler tillfällen att tala svenska i vardagen. {name} leder "
          "träffarna varje vecka på biblioteket.\n",
    "da": "Formål\n\nAt give nyankomne flere muligheder for at tale dansk i hverdagen. {name} "
          "leder møderne hver uge på biblioteket.\n",
    "nb": "Formål\n\nÅ gi nyankomne flere muligheter til å snakke norsk i hverdagen. {name} "
          "leder møtene hver uke på biblioteket.\n",
    "fi": "Tavoite\n\nAntaa maahanmuuttajille enemmän tilaisuuksia puhua suomea arjessa. "
          "{name} vetää tapaamisia joka viikko kirjastossa.\n",
    "en": "Purpose\n\nTo give newcomers more chances to speak English in everyday life. {name} "
          "runs the meetings every week at the library.\n",
}


@pytest.fixture(scope="module")
def public(tmp_path_factory) -> tuple[Path, Path]:
    """A release of one form per language whose contact has a phone but no e-mail."""
    work = tmp_path_factory.mktemp("publicvariant")
    raw = work / "raw"
    raw.mkdir()
    for lang, (line, name) in CONTACT_LINES.items():
        text = f"Projektets namn: Projekt {lang}\n{line}\n\n" + BODY[lang].format(name=name)
        (raw / f"ansökan {name}.txt").write_text(text, encoding="utf-8")
    (raw / "Erik Olsson.txt").write_bytes(b"")  # quarantined: its name and path are in the error
    settings = Settings()
    settings.raw_dir, settings.out_dir, settings.translate = raw, work / "out", False
    settings.corrections_dir = work / "corrections"
    run_pipeline(settings)
    release = (work / "out" / "latest").resolve()
    return release, release / "public", raw


def public_text(folder: Path) -> str:
    return "".join(path.read_text(encoding="utf-8") for path in sorted(folder.iterdir())
                   if path.suffix in (".jsonl", ".json", ".csv"))


def test_the_full_release_holds_the_names_the_public_one_hides(public):
    full, _, _ = public
    text = (full / "documents.jsonl").read_text(encoding="utf-8")
    assert all(name in text for _, name in CONTACT_LINES.values())


@pytest.mark.parametrize("lang", sorted(CONTACT_LINES))
def test_public_files_hide_a_contact_with_a_phone_and_no_email(public, lang):
    _, folder, _ = public
    text = public_text(folder)
    line, name = CONTACT_LINES[lang]
    number = line.split(name)[1]
    assert not [part for part in name.split() if part in text], name
    digits = "".join(char for char in number if char.isdigit())
    assert digits not in "".join(char for char in text if char.isdigit() or char == "\n")


def test_public_files_name_no_source_file_and_no_absolute_path(public):
    _, folder, raw = public
    text = public_text(folder)
    assert "ansökan" not in text and "Erik" not in text and "Olsson" not in text
    assert all(f"Projekt {lang}" in text for lang in CONTACT_LINES)  # titles are no names
    assert str(raw) not in text and str(raw.parent) not in text
    documents = [json.loads(line) for line in (folder / "documents.jsonl").open(encoding="utf-8")]
    assert all(doc["file"].startswith("doc_") and doc["file"].endswith(".txt")
               for doc in documents)
    assert len({doc["file"] for doc in documents}) == len(documents) == 6
    quarantined = [doc for doc in documents if doc["status"] == "quarantined"]
    assert quarantined and quarantined[0]["file"] in quarantined[0]["error"]


def test_public_spans_hold_in_the_masked_documents(public):
    _, folder, _ = public
    texts = {doc["file"]: doc["text"] for doc in map(json.loads, (folder / "documents.jsonl")
                                                      .open(encoding="utf-8"))}
    checked = 0
    for record in map(json.loads, (folder / "initiatives.jsonl").open(encoding="utf-8")):
        for name in ("purpose", "description", "target_group"):
            if record[name]:
                start, end = record[name]["span"]
                assert texts[record["source"]["file"]][start:end] == record[name]["text"]
                checked += 1
    assert checked >= 5


def test_a_public_file_name_is_stable_distinct_and_keeps_the_extension():
    name = public_file_name("mail.eml#Anna Berg.docx", "ab" * 32)
    assert name == public_file_name("mail.eml#Anna Berg.docx", "ab" * 32)
    assert name.endswith(".docx") and "Anna" not in name
    assert name != public_file_name("mail.eml#Anna Berg.docx~2", "ab" * 32)


def test_messages_lose_file_names_and_absolute_paths():
    scrubber = FileScrubber({"Anna Berg.txt": "doc_1.txt", "a.txt": "doc_2.txt"})
    assert scrubber.scrub("/srv/inbox/Anna Berg.txt: empty file") == "[path]: empty file"
    assert scrubber.scrub("same content as a.txt") == "same content as doc_2.txt"
    assert scrubber.scrub("link to /etc/passwd refused") == "link to [path] refused"
    assert scrubber.scrub("see https://example.se/a/b") == "see https://example.se/a/b"
