"""Extraction names the people a text gives, once per content; the public variant masks them."""

import json

import pytest

from pipeline.extract import document
from pipeline.extract.people import people_in_text
from pipeline.models import Document
from pipeline.publish import contexts, derived, privacy
from pipeline.result import DocumentResult
from pipeline.run import run_pipeline
from pipeline.run_batches import Done
from pipeline.store import ExtractionStore
from tests.test_robustness import make_settings

TEXT = ("Projektets namn: Språkcafé i Kvarnby\n\nSyfte\n\nAtt ge nyanlända vuxna fler tillfällen "
        "att tala svenska i vardagen, varje vecka under hela året.\n\n"
        "Kontaktperson: Lea Roth, 070-123 45 67\nE-post: sini.holtta@example.se\n"
        "Sini Hölttä svarar på frågor.\n")


def result_of(text: str, file: str = "cafe.txt") -> DocumentResult:
    doc = Document(id="doc_1", file=file, sha256="a" * 64, format="txt", language="sv", text=text)
    return DocumentResult.from_document(doc)


def test_extraction_names_the_people_of_the_whole_text():
    extracted = document.extract_document(result_of(TEXT))
    assert extracted.records
    assert extracted.people == people_in_text(TEXT) == ["Lea Roth", "Hölttä", "Sini"]


def test_a_document_in_shares_names_its_people_once_from_the_first_share():
    whole = result_of(TEXT)
    shares = [document.extract_share(document.Share(whole, k, 2)) for k in range(2)]
    assert shares[0].people == people_in_text(TEXT) and shares[1].people is None
    assert document.join_shares(whole, shares).people == people_in_text(TEXT)


def test_the_store_keeps_the_people_beside_the_records(tmp_path):
    store = ExtractionStore(tmp_path, "f" * 16)
    extracted = document.extract_document(result_of(TEXT))
    store.save(extracted, [])
    assert store.load(result_of(TEXT, "again.txt")).people == extracted.people
    path = store.path_for("a" * 64)
    entry = json.loads(path.read_text(encoding="utf-8"))
    del entry["people"]  # stored by a version that did not look: publishing looks instead
    path.write_text(json.dumps(entry), encoding="utf-8")
    assert store.load(result_of(TEXT)).people is None
    entry["people"] = "Lea Roth"  # damaged: the entry is not trusted, the document re-extracted
    path.write_text(json.dumps(entry), encoding="utf-8")
    assert store.load(result_of(TEXT)) is None


def texts_of(folder) -> str:
    return (folder / "documents.jsonl").read_text(encoding="utf-8")


@pytest.mark.parametrize("workers", [1, 2])
def test_publishing_masks_the_people_extraction_found_without_reading_again(
        tmp_path, monkeypatch, workers):
    settings = make_settings(tmp_path, {"cafe.txt": TEXT})
    settings.workers = workers

    def refuse(text):
        raise AssertionError("publishing read the text for people again")

    monkeypatch.setattr(contexts, "people_in_text", refuse)
    # with two workers the public documents are masked in a worker, where no patch reaches:
    # here the same calls run in this process, so the people handed over are what is seen
    monkeypatch.setattr(derived, "WorkerPool", InProcessPool)
    run_pipeline(settings)
    public = texts_of(settings.out_dir / "latest" / "public")
    assert "Lea Roth" in texts_of(settings.out_dir / "latest")
    assert "Lea Roth" not in public and "Hölttä" not in public and "[name]" in public


class InProcessPool:
    """A stand-in for derived files' one-worker pool that runs what it is given here."""

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def start(self) -> "InProcessPool":
        return self

    def submit(self, stage, *arguments) -> Done:
        return Done(stage(*arguments))

    def close(self) -> None:
        pass


def test_a_release_without_the_people_is_read_for_them(tmp_path):
    settings = make_settings(tmp_path, {"cafe.txt": TEXT})
    run_pipeline(settings)
    release = settings.out_dir / "latest"
    privacy.write_public_release(release, tmp_path / "again")  # no people given: found here
    assert texts_of(tmp_path / "again") == texts_of(release / "public")
