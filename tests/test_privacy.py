import csv
import json
import re
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.config import Settings
from pipeline.publish.privacy import FileContext, make_public, mask_text, write_public_release
from pipeline.publish.public_files import public_file_name
from pipeline.publish.files import CSV_COLUMNS, sha256_file
from pipeline.run import run_pipeline

SEEDS = Path(__file__).resolve().parent.parent / "raw"

# Personal data in every place a record keeps free text: the title, sections, the body.
PERSONAL_FORM = (
    "Organisation: Exempelstaden, Sverige\nNamn: Anna Berg\nMejladress: anna.berg@example.se\n\n"
    "Projektets namn: Språkcafé – ring 070-123 45 67\n\n"
    "Målgrupp\n\nNyanlända vuxna. Frågor till anna.berg@example.se eller tfn 08-123 456 78.\n\n"
    "Syfte\n\nAtt ge fler tillfällen att tala svenska i vardagen. Ring Anna Berg på "
    "+46 70 123 45 67 eller skriv till info [at] sprakcafe.se.\n\n"
    "Beskrivning\n\nVarje vecka träffas deltagare och volontärer på biblioteket. Kontakt: Berg, "
    "telefon 0701234567, e-post kontakt@sprakcafe.se.\n"
)

EMAIL = re.compile(r"[\w.%+-]+\s*@\s*[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")
OBFUSCATED_EMAIL = re.compile(r"\w\s*[\[(]\s*(?:at|ät)\s*[\])]\s*\w", re.IGNORECASE)
PHONE = re.compile(r"(?:\+|\b00)\d[\d ()-]{7,}\d|\b0\d{1,3}[ -]?\d{2,3}[ -]?\d{2,3}[ -]?\d{2}\b"
                   r"|\b\d{2} \d{2} \d{2} \d{2}\b")


@pytest.mark.parametrize("text", [
    "anna.svensson@example.se", "Skriv till ida@frivillighetnorge.no.", "mai-britt@socialtansvar.dk",
    "anna [at] example [dot] se", "bo(at)kommun.fi", "anna @ example.se",
])
def test_email_addresses_are_masked(text):
    masked = mask_text(text)
    assert "@" not in masked and "[e-mail]" in masked and len(masked) == len(text)


@pytest.mark.parametrize("text", [
    "+46 70 123 45 67", "070-123 45 67", "08-123 456 78", "0701234567", "040 123 4567",
    "+358 (0)40 123 4567", "0045 12 34 56 78", "Tlf. 12345678", "12 34 56 78", "puh: 09 123 4567",
])
def test_phone_numbers_are_masked(text):
    masked = mask_text(text)
    assert not re.search(r"\d{2}", masked) and "*" in masked and len(masked) == len(text)


@pytest.mark.parametrize("text", [
    "Projektet pågår 2015-2018 och 2019-01-01.", "Budget: 1 200 000 SEK", "00100 Helsinki",
    "den 01-02-2019", "kl. 08.00-17.00", "SDG 4, 8 och 10", "ini_7e878018d997e088",
    "000_462d581104b897ce.txt", "org.nr 802015-1234", "123 45 Stockholm",
])
def test_dates_years_amounts_and_ids_stay(text):
    assert mask_text(text) == text


def test_make_public_drops_contacts_and_masks_every_free_text(records_of):
    [record] = records_of(PERSONAL_FORM)
    assert record.contacts and "@" in record.purpose.text + record.target_group.text
    public = make_public(record)
    assert public.contacts == []
    dumped = public.model_dump_json(exclude={"source"})  # the test document's sha256 is 0…0
    assert not EMAIL.search(dumped) and not PHONE.search(dumped)
    assert not OBFUSCATED_EMAIL.search(dumped)
    assert "Anna Berg" not in dumped and "Berg," not in public.description.text
    assert public.title.startswith("Språkcafé – ring [phone]")
    for name, field in public.text_fields():
        original = getattr(record, name) if name != "activities" else None
        if original is not None:
            assert field.span == original.span and len(field.text) == len(original.text)
    masked = {issue.field for issue in public.issues if issue.stage == "privacy"}
    assert {"title", "target_group", "purpose", "description"} <= masked
    assert record.contacts, "the input record is left as it was"


def test_make_public_leaves_a_record_without_personal_data_unchanged(records_of):
    [record] = records_of("Projektets namn: Språkvänner\n\nSyfte\n\nAtt tala svenska.\n")
    public = make_public(record)
    kept = {"contacts": True, "source": {"file"}}
    assert public.model_dump(exclude=kept) == record.model_dump(exclude=kept)
    assert public.source.file == public_file_name(record.source.file, record.source.sha256)


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """A real release: the seed inbox plus a form with personal data in its free text."""
    work = tmp_path_factory.mktemp("privacy")
    shutil.copytree(SEEDS, work / "raw")
    (work / "raw" / "personal.txt").write_text(PERSONAL_FORM, encoding="utf-8")
    settings = Settings()
    settings.raw_dir, settings.out_dir, settings.translate = work / "raw", work / "out", False
    run_pipeline(settings)
    release = (work / "out" / "latest").resolve()
    return release, write_public_release(release, work / "public")


def all_text(path: Path) -> str:
    """Every string a public file holds (Parquet read through pyarrow)."""
    if path.suffix == ".parquet":
        return json.dumps(pq.read_table(path).to_pylist(), ensure_ascii=False)
    return path.read_text(encoding="utf-8")


def test_full_release_does_hold_personal_data(release):
    full, _ = release
    text = "".join(all_text(path) for path in full.iterdir()
                   if path.suffix in (".jsonl", ".csv", ".parquet"))
    assert EMAIL.search(text) and PHONE.search(text)


def test_no_public_file_holds_an_email_address_or_phone_number(release):
    _, public = release
    files = sorted(path.name for path in public.iterdir())
    assert files == ["changes.jsonl", "clusters.csv", "clusters.jsonl", "datapackage.json",
                     "document.schema.json", "documents.jsonl", "id_map.jsonl",
                     "initiative.schema.json", "initiatives.csv", "initiatives.jsonl",
                     "initiatives.parquet", "manifest.json", "organisations.csv",
                     "organisations.parquet", "outcomes.csv", "outcomes.parquet",
                     "quality.json", "text_fields.csv", "text_fields.parquet"]
    for path in public.iterdir():
        text = all_text(path)
        assert not EMAIL.search(text), (path.name, EMAIL.search(text))
        assert not OBFUSCATED_EMAIL.search(text), path.name
        assert not PHONE.search(text), (path.name, PHONE.search(text))


def test_public_documents_hide_contact_names(release):
    full, public = release
    names = [contact["name"] for line in (full / "initiatives.jsonl").open(encoding="utf-8")
             for contact in json.loads(line)["contacts"] if contact["name"]]
    assert "Alexandra Fritzson" in names
    text = (public / "documents.jsonl").read_text(encoding="utf-8")
    assert not [name for name in names if name in text]


def test_public_spans_still_point_into_public_documents(release):
    _, public = release
    documents = {}
    for line in (public / "documents.jsonl").open(encoding="utf-8"):
        document = json.loads(line)
        documents[document["file"]] = document["text"]
    checked = 0
    for line in (public / "initiatives.jsonl").open(encoding="utf-8"):
        record = json.loads(line)
        text = documents[record["source"]["file"]]
        fields = [record[name] for name in ("target_group", "purpose", "description",
                                            "expected_results", "evaluation") if record[name]]
        for field in fields + record["activities"]:
            start, end = field["span"]
            assert text[start:end] == field["text"]
            checked += 1
    assert checked > 50


def test_public_release_keeps_every_record_column_and_checksum(release):
    full, public = release
    count = len((full / "initiatives.jsonl").read_text(encoding="utf-8").splitlines())
    rows = list(csv.DictReader((public / "initiatives.csv").open(encoding="utf-8-sig")))
    assert len(rows) == count == pq.read_table(public / "initiatives.parquet").num_rows
    assert tuple(rows[0]) == CSV_COLUMNS and all(row["contacts"] == "" for row in rows)
    manifest = json.loads((public / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["variant"] == "public"
    assert all(manifest["files"][name] == sha256_file(public / name) for name in manifest["files"])
    quality = json.loads((public / "quality.json").read_text(encoding="utf-8"))
    assert quality["coverage"]["contacts"] == 0.0 and quality["initiatives"] == count


def test_writing_the_public_variant_again_replaces_it(release, tmp_path):
    full, public = release
    target = tmp_path / "public"
    write_public_release(full, target)
    (target / "stray.txt").write_text("old", encoding="utf-8")
    write_public_release(full, target)
    assert not (target / "stray.txt").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["public"]
    assert (target / "initiatives.jsonl").read_bytes() == (
        public / "initiatives.jsonl").read_bytes()


def test_a_file_context_finished_again_keeps_its_countries_and_takes_new_names():
    context = FileContext(language="sv")
    context.names.update(["Anna Berg", "Anna Berg"])
    context.countries.update(["FI", "FI"])
    context.finish()
    first = (context.regions, context.pattern.pattern)
    context.finish()
    assert (context.regions, context.pattern.pattern) == first and "FI" in context.regions
    context.names.add("Karl Lind")
    assert context.pattern.pattern == first[1]  # until it is finished again
    context.finish()
    assert context.pattern.search("ring Karl Lind") and context.pattern.search("Anna Berg")
