import codecs
from pathlib import Path

import pytest

from pipeline.ingest import detect_format, discover_files, ingest_file
from pipeline.limits import Limits
from pipeline.ingest.clean import normalise_text
from pipeline.ingest.html import read_html

SWEDISH = "Målgrupp\n\nNyanlända flyktingar och asylsökande i Östersund, även föräldrar.\n"


@pytest.mark.parametrize("encoding, prefix", [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16", b""), ("utf-16-le", b""),
    ("cp1252", b""), ("latin-1", b""),
])
def test_text_in_any_common_encoding_decodes_to_the_same_text(tmp_path, encoding, prefix):
    path = tmp_path / f"doc-{encoding}.txt"
    path.write_bytes(prefix + SWEDISH.encode(encoding))
    document = ingest_file(path, tmp_path)
    assert document.status == "ok"
    assert document.text == SWEDISH


def test_noise_lines_are_dropped_before_spans_exist():
    text = ("Titel\n\n3f1c2b9e-7d4a-4c1e-9a2b-1234567890ab\n\nFotograf: Anna A\n\nBrödtext här.\n\n"
            "Läs fler nyheter\nLäs fler nyheter\n")
    clean = normalise_text(text)
    assert "3f1c2b9e" not in clean and "Fotograf" not in clean and "Läs fler" not in clean
    assert clean == "Titel\n\nBrödtext här.\n"


def test_normalise_text_keeps_one_blank_line_between_paragraphs():
    assert normalise_text("a\r\n\r\n\r\n\r\nb  \n   \n") == "a\n\nb\n"


def test_html_keeps_main_content_and_headings_without_scripts_or_navigation():
    page = b"""<!doctype html><html><head><script>var tracking = 1;</script></head><body>
    <nav><a href="/">Hem</a> <a href="/om">Om oss</a></nav>
    <div class="cookie-banner">Vi anv\xc3\xa4nder cookies</div>
    <main><article><h1>Spr\xc3\xa5kcaf\xc3\xa9 i Lund</h1>
    <p>Ett spr\xc3\xa5kcaf\xc3\xa9 d\xc3\xa4r nyanl\xc3\xa4nda och etablerade svenskar m\xc3\xb6ts varje vecka f\xc3\xb6r att prata svenska tillsammans.</p>
    <h2>M\xc3\xa5lgrupp</h2><p>Nyanl\xc3\xa4nda vuxna som vill \xc3\xb6va svenska med andra i staden.</p>
    </article></main><footer>Kontakta oss</footer></body></html>"""
    text, _ = read_html(page)
    lines = [line.strip("# ").strip() for line in text.splitlines() if line.strip()]
    assert "Språkcafé i Lund" in lines and "Målgrupp" in lines
    assert "tracking" not in text and "cookies" not in text and "Om oss" not in text


def test_format_is_detected_from_content_before_extension(tmp_path):
    assert detect_format(Path("page.txt"), b"<!DOCTYPE html><html><body>x</body></html>") == "html"
    assert detect_format(Path("scan.txt"), b"%PDF-1.7\n") == "pdf"
    assert detect_format(Path("notes.md"), b"# Rubrik\n") == "md"


@pytest.mark.parametrize("content, code", [
    (b"", "empty"), (b"   \n\t\n", "empty"), (b"\x00\x01\x02\xff" * 64, "undecodable"),
    (b"%PDF-1.4 binary", "corrupt"), (b"\xd0\xcf\x11\xe0" + b"\x00" * 64, "unsupported_format"),
])
def test_bad_files_are_quarantined_with_a_reason_naming_the_file(tmp_path, content, code):
    path = tmp_path / "bad input.txt"
    path.write_bytes(content)
    document = ingest_file(path, tmp_path)
    assert document.status == "quarantined"
    assert document.issues[-1].code == code
    assert "bad input.txt" in document.error


def test_file_over_the_size_limit_is_quarantined(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("ord " * 1000, encoding="utf-8")
    document = ingest_file(path, tmp_path, Limits(max_bytes=100))
    assert document.status == "quarantined" and "size limit" in document.error


def test_link_pointing_outside_the_inbox_is_not_followed(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("hemligt", encoding="utf-8")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "link.txt").symlink_to(outside)
    document = ingest_file(inbox / "link.txt", inbox)
    assert document.status == "quarantined" and "outside the inbox" in document.error


def test_discovery_skips_hidden_files_and_readmes(tmp_path):
    for name in ("a.txt", ".hidden.txt", "README.md", "b.html"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.name for p in discover_files(tmp_path)] == ["a.txt", "b.html"]


def test_same_content_gives_the_same_document_id(tmp_path):
    (tmp_path / "one.txt").write_text(SWEDISH, encoding="utf-8")
    (tmp_path / "two.txt").write_text(SWEDISH, encoding="utf-8")
    first, second = (ingest_file(tmp_path / n, tmp_path) for n in ("one.txt", "two.txt"))
    assert first.id == second.id and first.sha256 == second.sha256
