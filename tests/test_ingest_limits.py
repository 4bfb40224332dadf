"""Limits per document, the guard around each file, and encodings that are not UTF-8."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.ingest import ingest_path
from pipeline.ingest.files import discover_files
from pipeline.limits import Limits
from pipeline.ingest.text import decode_bytes
from pipeline.models import Organisation
from pipeline.extract.organisations import merge_organisations
from pipeline.result import DocumentResult
from pipeline.run import extract_batch
from pipeline.run_ledger import RunBook
from tests.hostile.generate import (FORM, csv_export, docx_with_paragraphs, email, long_pdf,
                                    pdf_document, zeros_stream)

SENTENCES = {"sv": "Föreningen i Västerås ordnar språkcafé för nyanlända på måndagar.",
             "da": "Foreningen i Århus hjælper nye flygtninge, og vi mødes på biblioteket.",
             "fi": "Yhdistys järjestää kielikahvilan Hämeenlinnassa ja Jyväskylässä.",
             "nb": "Foreningen i Tromsø møter nye flyktninger på biblioteket hver uke."}


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def codes(document) -> list[str]:
    return [issue.code for issue in document.issues]


def read(tmp_path, name, data, **limits):
    return ingest_path(write(tmp_path, name, data), tmp_path, Limits(**limits))


@pytest.mark.parametrize("lang", sorted(SENTENCES))
@pytest.mark.parametrize("encoding", ["cp1252", "cp850", "mac_roman"])
def test_legacy_code_page_is_read_without_mojibake(lang, encoding):
    text, used = decode_bytes((SENTENCES[lang] + "\n").encode(encoding))
    assert text.strip() == SENTENCES[lang] and used != "utf-8"


@pytest.mark.parametrize("lang", sorted(SENTENCES))
def test_utf8_mixed_with_cp1252_is_read_and_flagged(tmp_path, lang):
    lines = [SENTENCES[lang], "Åter: " + SENTENCES[lang]]
    data = (lines[0] + "\n").encode("utf-8") + (lines[1] + "\n").encode("cp1252")
    document = read(tmp_path, "mixed.txt", data)[0]
    assert document.text == "\n".join(lines) + "\n"
    assert "mixed_encoding" in codes(document)


def test_two_empty_files_and_two_identical_junk_files_get_their_own_ids(tmp_path):
    documents = [read(tmp_path, name, data)[0] for name, data in [
        ("a.txt", b""), ("b.txt", b""), ("c.bin", bytes(range(256))), ("d.bin", bytes(range(256)))]]
    assert all(d.status == "quarantined" for d in documents)
    assert len({d.id for d in documents}) == 4


def test_attachment_names_and_a_file_named_like_one_stay_unique(tmp_path):
    mail = email([("a.txt", b"ett"), ("a.txt", b"tva"), ("a.txt~2", b"tre"), ("x.txt", b"fyra")])
    documents = read(tmp_path, "mail.eml", mail) + read(tmp_path, "mail.eml#x.txt", b"fem")
    results = RunBook([]).admit([DocumentResult.from_document(d) for d in documents])
    documents = [result.published_document() for result in results]
    files = [d.file for d in documents]
    assert len(set(files)) == len(files) == 6 and "mail.eml#a.txt~2~2" in files
    assert len({d.id for d in documents}) == 6


def test_a_file_name_that_is_not_utf8_is_published_with_its_bytes_escaped(tmp_path):
    name = os.fsdecode(b"caf\xe9.txt")
    write(tmp_path, name, FORM.format(title="Café", place="Lund").encode("cp1252"))
    [path] = discover_files(tmp_path)
    document = ingest_path(path, tmp_path)[0]
    assert document.file == "caf\\xe9.txt" and document.status == "ok"
    document.file.encode("utf-8")


def test_a_fifo_is_skipped_without_being_opened(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    os.symlink("pipe.txt", tmp_path / "link.txt")
    for name in ("pipe.txt", "link.txt"):
        document = ingest_path(tmp_path / name, tmp_path)[0]  # would block if opened
        assert document.status == "quarantined" and codes(document) == ["special_file"]


def test_a_symlink_loop_is_quarantined_not_raised(tmp_path):
    os.symlink("b", tmp_path / "a")
    os.symlink("a", tmp_path / "b")
    assert [d.issues[-1].code for p in discover_files(tmp_path)
            for d in ingest_path(p, tmp_path)] == ["link_loop", "link_loop"]


@pytest.mark.parametrize("name", ["deep.txt", "deep", "deep.json"])
def test_deeply_nested_json_never_escapes_the_guard(tmp_path, name):
    [document] = read(tmp_path, name, b"[" * 50_000 + b"]" * 50_000)
    assert document.status in ("ok", "quarantined") and document.file == name


def test_json_export_nested_past_the_depth_limit_is_quarantined(tmp_path):
    nested = "[" + '{"a": ' * 30 + '"x"' + "}" * 30 + "]"
    [document] = read(tmp_path, "export.json", nested.encode(), max_depth=10)
    assert document.status == "quarantined" and codes(document) == ["too_deep"]


@pytest.mark.parametrize("markup", [
    "<div>" * 2_000 + "<p>{s}</p>" + "</div>" * 2_000,
    "<p>{s}</p>" + "<b>" * 5_000 + "<p>Slut.</p>",
])
def test_html_nested_past_the_tree_limit_keeps_its_text(tmp_path, markup):
    page = "<html><body>" + markup.format(s=SENTENCES["sv"]) + "</body></html>"
    [document] = read(tmp_path, "page.html", page.encode())
    assert document.status == "ok" and SENTENCES["sv"] in document.text
    assert "deeply_nested" in codes(document)


def test_pdf_streams_inflating_past_the_limit_are_refused(tmp_path):
    [document] = read(tmp_path, "bomb.pdf", pdf_document([zeros_stream(8 << 20)]),
                      max_unpacked_bytes=4 << 20)
    assert document.status == "quarantined" and codes(document) == ["zip_bomb"]


def test_pdf_over_the_page_limit_is_read_to_the_limit_with_an_issue(tmp_path):
    [document] = read(tmp_path, "long.pdf", long_pdf(6), max_pages=4)
    assert document.status == "ok" and "truncated" in codes(document)
    assert "Sida 4 " in document.text and "Sida 5 " not in document.text


def test_docx_over_the_paragraph_limit_is_read_to_the_limit(tmp_path):
    [document] = read(tmp_path, "many.docx", docx_with_paragraphs(50), max_paragraphs=20)
    assert document.status == "ok" and "truncated" in codes(document)
    assert "Stycke 19 " in document.text and "Stycke 20 " not in document.text


def test_docx_with_too_much_xml_is_not_opened(tmp_path):
    [document] = read(tmp_path, "big.docx", docx_with_paragraphs(200, filler=100),
                      max_xml_bytes=10_000)
    assert document.status == "quarantined" and codes(document) == ["too_large"]


def test_form_export_over_the_row_limit_keeps_the_first_rows(tmp_path):
    [document] = read(tmp_path, "export.csv", csv_export(30), max_rows=10)
    assert document.status == "ok" and "truncated" in codes(document)
    assert "Projekt 9" in document.text and "Projekt 10" not in document.text


def test_text_over_the_character_limit_is_cut_and_long_lines_wrapped(tmp_path):
    [document] = read(tmp_path, "long.txt", ("ord " * 5_000).encode(), max_chars=12_000,
                      max_line_chars=1_000)
    assert document.status == "ok" and {"truncated", "long_line_wrapped"} <= set(codes(document))
    assert len(document.text) <= 12_001
    assert max(len(line) for line in document.text.split("\n")) <= 1_000


def test_a_document_over_its_time_limit_is_quarantined(tmp_path):
    [document] = read(tmp_path, "slow.txt", FORM.format(title="T", place="Lund").encode(),
                      max_seconds=0)
    assert document.status == "quarantined" and codes(document) == ["time_limit"]


def test_extraction_over_its_time_limit_quarantines_only_that_document(tmp_path):
    [document] = read(tmp_path, "form.txt", FORM.format(title="T", place="Lund").encode())
    [result] = extract_batch([DocumentResult.from_document(document)], Limits(max_seconds=0))
    assert result.records == [] and document.status == "ok"
    assert result.status == "quarantined" and codes(result)[-1] == "time_limit"


def test_binary_file_named_eml_is_not_an_email(tmp_path):
    [document] = read(tmp_path, "scan.eml", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert document.status == "quarantined" and document.format != "eml"


def test_merging_many_organisations_keeps_the_small_list_semantics():
    names = [f"Förening {word}" for word in ("Alfa", "Beta", "Gamma")]
    organisations = [Organisation(name=name, role="partner") for name in names * 3]
    organisations += [Organisation(name=f"Verein {n:05d} Extra", role="funder")
                      for n in range(3_000)]
    merged = merge_organisations(organisations)
    assert [o.name for o in merged[:3]] == names
    assert len({(o.name, o.role) for o in merged}) == len(merged)


def test_run_length_and_lzw_streams_count_against_the_unpacked_limit():
    from pdfminer import pdftypes

    from pipeline.limits import LimitExceeded, document_budget

    with document_budget(Limits(max_unpacked_bytes=1_000)):
        with pytest.raises(LimitExceeded):
            pdftypes.rldecode(bytes([129, 0]) * 20)  # 20 runs of 128 zeros
    with document_budget(Limits()):
        assert pdftypes.rldecode(bytes([129, 0, 128])) == b"\0" * 128


def test_one_initiative_longer_than_the_segment_limit_is_read_from_its_opening(tmp_path):
    prose = "\n\n".join(f"Stycke {n}: " + SENTENCES["sv"] for n in range(400))
    [document] = read(tmp_path, "report.txt", (FORM.format(title="T", place="Lund")
                                               + prose).encode())
    [result] = extract_batch([DocumentResult.from_document(document)],
                             Limits(max_segment_chars=3_000))
    [record] = result.records
    assert result.ok and "segment_truncated" in codes(result)
    assert record.source.span[1] - record.source.span[0] <= 3_200


def test_restarting_the_clock_outside_a_guard_starts_no_clock(monkeypatch):
    import contextvars

    from pipeline import limits

    def outside_any_guard():
        limits.restart_clock()
        clock = limits.time.monotonic() + 10 * limits.Limits().max_seconds
        monkeypatch.setattr(limits.time, "monotonic", lambda: clock)  # long after the call
        limits.check_deadline()  # raises if the restart had started a clock
        return limits.current_budget().deadline

    assert contextvars.copy_context().run(outside_any_guard) == float("inf")
