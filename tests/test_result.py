"""Stages take a DocumentResult and return a new one; the one they were given stays as it was."""

from pipeline.extract.document import extract_document
from pipeline.limits import Limits
from pipeline.models import Document
from pipeline.result import DocumentResult, add_figures

FORM = ("Organisation: Aföreningen, Sverige\n\nProjektets namn: Språkvänner\n\nSyfte\n\n"
        "Att ge fler tillfällen att tala svenska i vardagen.\n")


def result_of(text: str) -> DocumentResult:
    document = Document(id="doc_" + "0" * 16, file="a.txt", sha256="0" * 64, format="txt",
                        language="sv", text=text)
    return DocumentResult.from_document(document)


def test_extraction_returns_records_and_leaves_its_input_untouched():
    given = result_of(FORM)
    snapshot = given.model_dump()
    extracted = extract_document(given)
    assert given.model_dump() == snapshot
    assert [record.title for record in extracted.records] == ["Språkvänner"]
    assert extracted.figures == {"extracted": 1}


def test_extraction_over_its_time_limit_quarantines_a_copy():
    given = result_of(FORM)
    extracted = extract_document(given, Limits(max_seconds=0))
    assert extracted.status == "quarantined" and given.status == "ok"
    assert extracted.issues[-1].code == "time_limit" and given.issues == []
    assert extracted.published_document().status == "quarantined"
    assert given.document.status == "ok"


def test_figures_add_up_over_results():
    results = [result_of(FORM).counted(extracted=1), result_of(FORM).counted(reused=1, extracted=1)]
    assert add_figures(results) == {"extracted": 2, "reused": 1}


def test_a_result_travels_between_processes_with_its_records_equal():
    import pickle

    extracted = extract_document(result_of(FORM))
    assert extracted.records
    copy = pickle.loads(pickle.dumps(extracted, protocol=pickle.HIGHEST_PROTOCOL))
    assert copy == extracted
    assert copy.records[0].source.span == extracted.records[0].source.span  # a tuple again


def test_a_record_json_cannot_hold_still_travels():
    import pickle

    extracted = extract_document(result_of(FORM))
    odd = extracted.records[0].model_copy(update={"title": "Spr\ud800k"})  # a lone surrogate
    given = extracted.with_records([odd])
    assert pickle.loads(pickle.dumps(given)).records[0].title == "Spr\ud800k"
