"""Every input format a steward receives, a generated corpus of bad input, and format parity.

All inputs are generated in temporary folders: DOCX with python-docx, PDF with reportlab
(its bundled Bitstream Vera font covers å, ä, ö, æ, ø and typographic quotes), e-mails with
the stdlib. Nothing binary is committed.
"""

from __future__ import annotations

import codecs
import io
import json
import re
import zipfile
from email.message import EmailMessage
from pathlib import Path

import docx
import pytest
import reportlab
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from pipeline.ingest import detect_format, ingest_file, ingest_path
from pipeline.limits import Limits
from pipeline.ingest.docx import read_docx
from pipeline.ingest.forms import read_csv_form
from pipeline.ingest.pdf import read_pdf
from tests.conftest import GOLD, SEEDS

SEED = SEEDS / "004_1a37639003f076e8.txt"
FONT_DIR = Path(reportlab.__file__).parent / "fonts"
pdfmetrics.registerFont(TTFont("Vera", str(FONT_DIR / "Vera.ttf")))
pdfmetrics.registerFont(TTFont("VeraBd", str(FONT_DIR / "VeraBd.ttf")))
BOLD_RUN = re.compile(r"\*\*(.+?)\*\*")


# ---- generators ---------------------------------------------------------------------------

def add_runs(paragraph, text: str) -> None:
    """Add text to a Word paragraph, `**bold**` spans as bold runs."""
    position = 0
    for match in BOLD_RUN.finditer(text):
        paragraph.add_run(text[position:match.start()])
        paragraph.add_run(match.group(1)).bold = True
        position = match.end()
    paragraph.add_run(text[position:])


def docx_bytes(build) -> bytes:
    """Build a Word document with `build(document)` and return its bytes."""
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_docx(text: str) -> bytes:
    """Lay out a plain-text write-up as a Word author would: styles, bullets, bold."""
    from pipeline.lexicon import load_lexicon

    lexicon = load_lexicon()

    def build(document):
        for n, line in enumerate(line for line in text.strip().split("\n") if line.strip()):
            label = lexicon.match_label(line)
            if n == 0:
                document.add_paragraph(line.strip(), style="Title")
            elif line.startswith("- "):
                add_runs(document.add_paragraph(style="List Bullet"), line[2:])
            elif label and label.value_offset is None:
                document.add_heading(line.strip(), level=2)
            else:
                add_runs(document.add_paragraph(), line)

    return docx_bytes(build)


def word_tokens(line: str) -> list[tuple[str, bool]]:
    """Split a line into (word, bold) pairs."""
    words, position = [], 0
    for match in BOLD_RUN.finditer(line):
        words += [(w, False) for w in line[position:match.start()].split()]
        words += [(w, True) for w in match.group(1).split()]
        position = match.end()
    return words + [(w, False) for w in line[position:].split()]


def text_width(word: str, bold: bool, size: float) -> float:
    return pdfmetrics.stringWidth(word, "VeraBd" if bold else "Vera", size)


def wrap_words(words, width: float, size: float) -> list[list[tuple[str, bool]]]:
    """Fill lines up to `width`, hyphenating long lower-case words at the break."""
    lines, current, used = [], [], 0.0
    space = text_width(" ", False, size)
    for word, bold in words:
        w = text_width(word, bold, size)
        if current and used + space + w > width:
            room = width - used - space - text_width("-", bold, size)
            cut = 0
            if word.isalpha() and word.islower() and len(word) >= 8:
                cut = max((n for n in range(3, len(word) - 2)
                           if text_width(word[:n], bold, size) <= room), default=0)
            if cut:
                current.append((word[:cut] + "-", bold))
                word, w = word[cut:], text_width(word[cut:], bold, size)
            lines.append(current)
            current, used = [], 0.0
        current.append((word, bold))
        used += (space if used else 0.0) + w
    return lines + [current] if current else lines


def render_pdf(text: str, header: str = "Expertmöte Integration Norden – Sammanställning") -> bytes:
    """Typeset a write-up on A4 pages: wrapped and hyphenated lines, bullets with hanging
    indents, bold runs, a larger first line, a running header and "Sida N av M" footers."""
    page_width, page_height = A4
    margin, size, leading = 60, 10, 13
    pages, ops, y = [], [], page_height - margin
    first = True
    for block in re.split(r"\n\s*\n", text.strip()):
        for line in block.split("\n"):
            item = line.startswith("- ")
            line_size, first = (16 if first else size), False
            indent = 14 if item else 0
            wrapped = wrap_words(word_tokens(line[2:] if item else line),
                                 page_width - 2 * margin - indent, line_size)
            for n, words in enumerate(wrapped):
                if y < margin + leading:
                    pages.append(ops)
                    ops, y = [], page_height - margin
                if item and n == 0:
                    ops.append((margin, y, [("•", False)], line_size))
                ops.append((margin + indent, y, words, line_size))
                y -= leading * line_size / size
        y -= 8
    pages.append(ops)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for number, page_ops in enumerate(pages, start=1):
        pdf.setFont("Vera", 8)
        pdf.drawString(margin, page_height - 35, header)
        pdf.drawCentredString(page_width / 2, 30, f"Sida {number} av {len(pages)}")
        for x, y, words, line_size in page_ops:
            for word, bold in words:
                pdf.setFont("VeraBd" if bold else "Vera", line_size)
                pdf.drawString(x, y, word)
                x += text_width(word, bold, line_size) + text_width(" ", False, line_size)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def pdf_bytes(draw, **options) -> bytes:
    """A one-page PDF drawn by `draw(canvas)`."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, **options)
    draw(pdf)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def scanned_pdf() -> bytes:
    """A page that is only an image, as a scanner makes it: no text operators at all."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (400, 200), 255)
    ImageDraw.Draw(image).rectangle((40, 40, 360, 60), fill=0)
    return pdf_bytes(lambda pdf: pdf.drawImage(ImageReader(image), 60, 500, 400, 200))


def zip_bomb_docx(filler_bytes: int) -> bytes:
    """A valid small Word document with one extra part of `filler_bytes` zeros."""
    original = zipfile.ZipFile(io.BytesIO(docx_bytes(lambda d: d.add_paragraph("Hej"))))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as bomb:
        for member in original.infolist():
            bomb.writestr(member, original.read(member))
        with bomb.open("word/media/image1.png", "w", force_zip64=True) as filler:
            chunk = b"\0" * (1 << 20)
            for _ in range(filler_bytes >> 20):
                filler.write(chunk)
    return buffer.getvalue()


def email_bytes(body: str | None = "Hej! Här kommer vår ansökan.", html: str | None = None,
                attachments: list[tuple[str, bytes, str]] = ()) -> bytes:
    """An e-mail with a plain and/or HTML body and (name, bytes, mime type) attachments."""
    message = EmailMessage()
    message["From"] = "Anna Andersson <anna@example.se>"
    message["To"] = "praxis@example.org"
    message["Subject"] = "Ansökan: Språkcafé"
    message["Date"] = "Wed, 22 May 2019 10:00:00 +0200"
    if body is not None:
        message.set_content(body)
    if html is not None:
        if body is None:
            message.set_content(html, subtype="html")
        else:
            message.add_alternative(html, subtype="html")
    for name, data, mime in attachments:
        maintype, subtype = mime.split("/")
        if maintype == "text":
            message.add_attachment(data.decode("utf-8"), subtype=subtype, filename=name)
        else:
            message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


SV_FORM = ("Organisation: Röda Korset, Sverige\nNamn: Anna Berg\nMejladress: anna@rk.se\n\n"
           "Projektets namn: Cykelskola\n\nMålgrupp\n\nNyanlända kvinnor som vill lära sig cykla "
           "för att kunna ta sig till jobb och praktik.\n")


# ---- DOCX ---------------------------------------------------------------------------------

def test_docx_keeps_headings_lists_bold_runs_and_tables_as_lines():
    def build(document):
        document.add_heading("Språkcafé i Lund", level=1)
        paragraph = document.add_paragraph()
        paragraph.add_run("Organisation:").bold = True
        paragraph.add_run(" Röda Korset")
        document.add_paragraph("Målgrupp")
        document.add_paragraph("Nyanlända vuxna som vill öva svenska.")
        for item in ("språk", "nätverk"):
            document.add_paragraph(item, style="List Bullet")
        for item in ("först", "sedan"):
            document.add_paragraph(item, style="List Number")
        add_runs(document.add_paragraph(style="List Bullet"), "**NAD**")
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = "Hemsida", "www.example.se"
        table.cell(1, 0).text, table.cell(1, 1).text = "Syfte", "Att mötas. " * 20

    text, _ = read_docx(docx_bytes(build))
    lines = text.split("\n")
    assert lines[0] == "# Språkcafé i Lund"
    assert "**Organisation**: Röda Korset" in lines
    assert "- språk\n- nätverk\n1. först\n2. sedan\n- **NAD**" in text
    assert "Hemsida: www.example.se" in lines
    assert "Syfte\n\nAtt mötas." in text


def test_docx_reads_text_inside_content_controls_and_tracked_insertions():
    def build(document):
        paragraph = document.add_paragraph("Namn: ")
        paragraph._p.append(docx.oxml.parse_xml(
            '<w:sdt xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:sdtContent><w:r><w:t>Anna Berg</w:t></w:r></w:sdtContent></w:sdt>"))
        inserted = document.add_paragraph("Syfte: ")
        inserted._p.append(docx.oxml.parse_xml(
            '<w:ins xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
            'w:id="1" w:author="a"><w:r><w:t>mötas</w:t></w:r></w:ins>'))
        inserted._p.append(docx.oxml.parse_xml(
            '<w:del xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
            'w:id="2" w:author="a"><w:r><w:delText>struket</w:delText></w:r></w:del>'))

    text, _ = read_docx(docx_bytes(build))
    assert "Namn: Anna Berg" in text and "Syfte: mötas" in text and "struket" not in text


def test_truncated_docx_is_quarantined_as_damaged(tmp_path):
    data = docx_bytes(lambda d: d.add_paragraph("Målgrupp: nyanlända"))
    document = ingest_file(write(tmp_path, "form.docx", data[: len(data) // 2]), tmp_path)
    assert document.status == "quarantined" and document.format == "docx"
    assert document.issues[-1].code == "corrupt"
    assert document.error.startswith("form.docx: ") and "damaged or truncated" in document.error


@pytest.mark.parametrize("filler_mb", [300, 20])
def test_docx_zip_bomb_is_refused_before_it_is_parsed(tmp_path, monkeypatch, filler_mb):
    import pipeline.ingest.docx as docx_module

    def never(*_args, **_kwargs):
        raise AssertionError("the parser must not see a zip bomb")

    path = write(tmp_path, "bomb.docx", zip_bomb_docx(filler_mb << 20))
    monkeypatch.setattr(docx_module.docx, "Document", never)
    document = ingest_file(path, tmp_path)
    assert document.status == "quarantined" and document.issues[-1].code == "zip_bomb"
    assert "bomb.docx: " in document.error and "zip bomb" in document.error


def test_docx_named_txt_is_read_as_a_word_document(tmp_path):
    data = docx_bytes(lambda d: d.add_paragraph("Målgrupp: nyanlända kvinnor i Malmö"))
    document = ingest_file(write(tmp_path, "form.txt", data), tmp_path)
    assert document.status == "ok" and document.format == "docx"
    assert document.text == "Målgrupp: nyanlända kvinnor i Malmö\n"


# ---- PDF ----------------------------------------------------------------------------------

PROSE = ["Projektet erbjuder språkträning och mentorskap för nyanlända kvinnor.",
         "Deltagarna möter arbetsgivare i kommunen och regionen varje månad.",
         "Volontärer leder samtalsgrupper på biblioteket om vardagsliv och arbetsmarknaden.",
         "Efter ett år har många fått praktik, anställning eller börjat studera vidare."]


def test_pdf_drops_running_heads_and_page_numbers_and_repairs_hyphenation():
    paragraphs = [" ".join(PROSE[(n + k) % 4] for k in range(12)) for n in range(14)]
    text = "Kielikahvila\n\nOrganisation: Forum\nNamn: Heidi\n\nMålgrupp\n\n" + \
        "\n\n".join(paragraphs)
    pdf = render_pdf(text, header="Praxis rapport 2019")
    result, _, notes = read_pdf(pdf)
    assert len(re.findall(rb"/Type /Page\b", pdf)) >= 3 and notes == []
    assert "Praxis rapport" not in result and "Sida" not in result
    assert result.startswith("# Kielikahvila\n\nOrganisation: Forum\nNamn: Heidi\n\nMålgrupp\n\n")
    assert result.split("\n\n")[3:] == paragraphs  # hyphenated words whole, lines joined


def test_pdf_keeps_bullets_and_bold_titles_as_list_lines():
    text = ("Forums förslag\n\n- **NAD**\nEn verksamhet som drivs av Nätverket Idéburen Skåne "
            "med föreningar och kommuner i hela regionen.\n- **Hej Främling**\n")
    result, _, _ = read_pdf(render_pdf(text, header=""))
    assert re.search(r"\n- \*\*NAD\*\*\n+En verksamhet som drivs", result)
    assert result.endswith("\n- **Hej Främling**")


def test_encrypted_pdf_is_quarantined_with_a_clear_reason(tmp_path):
    data = pdf_bytes(lambda pdf: pdf.drawString(72, 700, "Hemligt"), encrypt="lösen")
    document = ingest_file(write(tmp_path, "secret.pdf", data), tmp_path)
    assert document.status == "quarantined" and document.issues[-1].code == "encrypted"
    assert document.error == ("secret.pdf: the PDF is password-protected; ask the sender for a "
                              "copy without a password")


def test_pdf_locked_only_against_copying_is_still_read():
    from reportlab.lib.pdfencrypt import StandardEncryption

    def draw(pdf):
        pdf.setFont("Vera", 10)
        pdf.drawString(72, 700, "Målgrupp: nyanlända")

    locked = StandardEncryption("", ownerPassword="ägare", canCopy=0)
    assert read_pdf(pdf_bytes(draw, encrypt=locked))[0] == "Målgrupp: nyanlända"


def test_scanned_pdf_is_quarantined_for_having_no_text_layer(tmp_path):
    document = ingest_file(write(tmp_path, "scan.pdf", scanned_pdf()), tmp_path)
    assert document.status == "quarantined" and document.issues[-1].code == "no_text_layer"
    assert document.error.startswith("scan.pdf: no text layer")


def test_damaged_pdf_is_quarantined_not_raised(tmp_path):
    data = pdf_bytes(lambda pdf: pdf.drawString(72, 700, "Text"))
    document = ingest_file(write(tmp_path, "cut.pdf", data[:200]), tmp_path)
    assert document.status == "quarantined" and document.error.startswith("cut.pdf: ")


# ---- e-mail -------------------------------------------------------------------------------

def test_email_gives_its_body_and_each_supported_attachment_as_documents(tmp_path):
    form = docx_bytes(lambda d: [d.add_paragraph(line) for line in SV_FORM.split("\n") if line])
    data = email_bytes(attachments=[("ansökan.docx", form, "application/vnd.openxmlformats-"
                                     "officedocument.wordprocessingml.document"),
                                    ("anteckningar.txt", SV_FORM.encode(), "text/plain"),
                                    ("bild.jpg", b"\xff\xd8\xff\xe0 not text", "image/jpeg")])
    documents = ingest_path(write(tmp_path, "inbox.eml", data), tmp_path)
    assert [d.file for d in documents] == ["inbox.eml", "inbox.eml#ansökan.docx",
                                           "inbox.eml#anteckningar.txt", "inbox.eml#bild.jpg"]
    body, word, notes, image = documents
    assert body.format == "eml" and body.text == "Hej! Här kommer vår ansökan.\n"
    assert word.status == "ok" and word.format == "docx"
    assert "Projektets namn: Cykelskola" in word.text
    assert notes.status == "ok" and notes.text == SV_FORM
    assert image.status == "quarantined" and image.issues[-1].code == "unsupported_format"
    assert ingest_file(tmp_path / "inbox.eml", tmp_path).file == "inbox.eml"


def test_email_with_only_an_html_body_reads_it_as_a_page(tmp_path):
    html = ("<html><body><script>track()</script><h1>Språkcafé</h1><p>Ett språkcafé där "
            "nyanlända och etablerade möts varje vecka för att prata svenska.</p></body></html>")
    documents = ingest_path(write(tmp_path, "page.eml", email_bytes(body=None, html=html)),
                            tmp_path)
    assert len(documents) == 1 and documents[0].status == "ok"
    assert "Ett språkcafé där nyanlända" in documents[0].text and "track" not in documents[0].text


def test_email_without_text_but_with_an_attachment_gives_the_attachment(tmp_path):
    data = email_bytes(body="", attachments=[("form.txt", SV_FORM.encode(), "text/plain")])
    documents = ingest_path(write(tmp_path, "fwd.eml", data), tmp_path)
    assert [(d.file, d.status) for d in documents] == [("fwd.eml#form.txt", "ok")]


# ---- form exports -------------------------------------------------------------------------

FI_EN_COLUMNS = ["Organisaatio", "Yhteyshenkilö", "Sähköposti", "Project name", "Kohderyhmä",
                 "Tarkoitus", "Description", "Submitted at"]
FI_EN_ROWS = [
    ["Suomen Punainen Risti", "Liisa Virtanen", "liisa@example.fi", "Kielikahvila",
     "Maahanmuuttajat ja turvapaikanhakijat Helsingissä.",
     "Tarkoitus on tarjota paikka, jossa maahanmuuttajat voivat harjoitella suomen kieltä "
     "vapaaehtoisten kanssa joka viikko.",
     "Volunteers meet newcomers every Tuesday at the city library to practise Finnish in "
     "small groups, with games, reading and conversation about daily life.",
     "2019-05-22 10:14"],
    ["Helsinki City", "John Smith", "john@example.org", "Job Buddies",
     "Unemployed refugees aged 18-29.",
     "The purpose is to match young refugees with mentors from local companies so that they "
     "find work or an apprenticeship.",
     "Mentors and mentees meet twice a month for a year; the programme also runs workshops "
     "on writing a CV and on job interviews.",
     "2019-05-23 08:01"],
]


def csv_export(delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerows([FI_EN_COLUMNS] + FI_EN_ROWS)
    return buffer.getvalue().encode(encoding)


def json_export() -> bytes:
    return json.dumps({"submissions": [dict(zip(FI_EN_COLUMNS, row)) for row in FI_EN_ROWS]},
                      ensure_ascii=False).encode("utf-8")


def test_csv_form_export_renders_each_row_as_a_labelled_block():
    text, _ = read_csv_form(csv_export())
    first = text.split("\n\n")[:5]
    assert first == ["Organisaatio: Suomen Punainen Risti\nYhteyshenkilö: Liisa Virtanen\n"
                     "Sähköposti: liisa@example.fi\nProject name: Kielikahvila",
                     "Submitted at: 2019-05-22 10:14",
                     "Kohderyhmä: Maahanmuuttajat ja turvapaikanhakijat Helsingissä.",
                     "Tarkoitus", FI_EN_ROWS[0][5]]


@pytest.mark.parametrize("name, data", [
    ("export.csv", csv_export()), ("export.tsv", csv_export("\t")),
    ("semicolons.txt", csv_export(";", "utf-8-sig")), ("export.json", json_export()),
    ("export.txt", json_export()),
])
def test_form_export_rows_become_one_initiative_each(tmp_path, name, data):
    from pipeline.extract.document import extract_records

    documents = ingest_path(write(tmp_path, name, data), tmp_path)
    assert len(documents) == 1 and documents[0].status == "ok"
    assert documents[0].format in ("csv", "json")
    records = extract_records(documents[0])
    assert [r.title for r in records] == ["Kielikahvila", "Job Buddies"]
    assert [r.contacts[0].email for r in records] == ["liisa@example.fi", "john@example.org"]
    assert records[0].purpose.text == FI_EN_ROWS[0][5]
    assert records[1].description.text == FI_EN_ROWS[1][6]
    assert "Submitted at: 2019-05-23 08:01" in documents[0].text


def test_form_export_without_a_title_column_keeps_unknown_columns_out_of_the_title():
    from pipeline.ingest.forms import render_submission
    from pipeline.lexicon import load_lexicon

    row = [(name, value) for name, value in zip(FI_EN_COLUMNS, FI_EN_ROWS[0])
           if name != "Project name"]
    text = render_submission(row, load_lexicon())
    assert text.startswith("Organisaatio: Suomen Punainen Risti\nYhteyshenkilö: Liisa")
    assert text.endswith("\n\nSubmitted at: 2019-05-22 10:14")


def test_json_that_is_not_a_list_of_submissions_is_quarantined(tmp_path):
    document = ingest_file(write(tmp_path, "data.json", b'[1, 2, 3]'), tmp_path)
    assert document.status == "quarantined" and document.issues[-1].code == "unsupported_format"
    assert "not a list of form submissions" in document.error


# ---- detection and the bad-input corpus ---------------------------------------------------

@pytest.mark.parametrize("name, data, expected", [
    ("report.txt", b"%PDF-1.7\n", "pdf"),
    ("form.pdf", docx_bytes(lambda d: d.add_paragraph("x")), "docx"),
    ("notes.txt", email_bytes(), "eml"),
    ("export.dat", json_export(), "json"),
    ("export.dat", csv_export(";"), "csv"),
    ("page.txt", b"<!doctype html><html><body>x</body></html>", "html"),
    ("archive.docx", b"PK\x05\x06" + b"\0" * 18, "zip"),
    ("old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "ole"),
    ("notes.md", "Organisation: Forum, Namn: Anna\nEtt stycke, med komman.\n".encode(), "md"),
])
def test_format_is_detected_from_content_before_extension(name, data, expected):
    assert detect_format(Path(name), data) == expected


def bad_inputs() -> list[tuple[str, bytes | None, str]]:
    """(file name, bytes, expected quarantine code) of the generated bad-input corpus."""
    return [
        ("empty.txt", b"", "empty"),
        ("whitespace only.txt", b"  \n\t \r\n", "empty"),
        ("garbage.txt", bytes(range(256)) * 8, "undecodable"),
        ("truncated.docx", docx_bytes(lambda d: d.add_paragraph("x"))[:900], "corrupt"),
        ("bomb.docx", zip_bomb_docx(300 << 20), "zip_bomb"),
        ("secret.pdf", pdf_bytes(lambda p: p.drawString(72, 700, "x"), encrypt="pw"), "encrypted"),
        ("scan.pdf", scanned_pdf(), "no_text_layer"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "unsupported_format"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 64, "unsupported_format"),
        ("-leading dash ñame\n.txt", b"", "empty"),
        ("big.txt", b"ord " * 600_000, "too_large"),
    ]


def test_every_bad_input_is_quarantined_naming_the_file_and_left_untouched(tmp_path):
    for name, data, code in bad_inputs():
        path = write(tmp_path, name, data)
        before = (path.read_bytes(), path.stat().st_mtime_ns)
        documents = ingest_path(path, tmp_path, Limits(max_bytes=2_000_000))
        assert [d.status for d in documents] == ["quarantined"], name
        assert documents[0].issues[-1].code == code, (name, documents[0].error)
        assert documents[0].error.startswith(f"{name}: "), documents[0].error
        assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_missing_files_folders_and_links_out_of_the_inbox_are_quarantined(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "folder.txt").mkdir(parents=True)
    outside = write(tmp_path, "outside.txt", b"hemligt")
    (inbox / "link.txt").symlink_to(outside)
    for name in ("folder.txt", "link.txt", "vanished.txt"):
        documents = ingest_path(inbox / name, inbox)
        assert documents[0].status == "quarantined" and documents[0].error.startswith(name)


@pytest.mark.parametrize("encoding, prefix", [
    ("utf-16", b""), ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", b""), ("utf-16-le", b""),
])
def test_utf16_text_with_or_without_bom_decodes(tmp_path, encoding, prefix):
    text = "Målgrupp\n\nNyanlända familjer i Östersund, även föräldrar.\n"
    document = ingest_file(write(tmp_path, "old.txt", prefix + text.encode(encoding)), tmp_path)
    assert document.status == "ok" and document.text == text


@pytest.mark.parametrize("name, data", [
    ("plain.txt", "Målgrupp\n\nNyanlända familjer i Östersund, även föräldrar.\n".encode("cp1252")),
    ("quotes.txt", "Målgrupp\n\nNyanlända familjer i Östersund – “välkomna”.\n".encode("cp1252")),
    ("excel.csv", csv_export(";", "cp1252")),
])
def test_cp1252_text_and_form_exports_decode(tmp_path, name, data):
    document = ingest_file(write(tmp_path, name, data), tmp_path)
    assert "Målgrupp" in document.text or "Sähköposti" in document.text


def test_html_full_of_scripts_and_iframes_keeps_only_the_article(tmp_path):
    noise = "<script>document.write('annons')</script><iframe src='https://ads.example'>" \
            "Köp nu</iframe>" * 30
    page = (f"<!doctype html><html><head>{noise}</head><body>{noise}<main><article>"
            "<h1>Läxhjälp i Malmö</h1><p>Frivilliga hjälper barn med läxor två kvällar i veckan "
            "på stadsbiblioteket, på svenska, arabiska och somaliska.</p></article></main>"
            f"{noise}</body></html>").encode()
    document = ingest_file(write(tmp_path, "page.html", page), tmp_path)
    assert document.status == "ok" and "Frivilliga hjälper barn med läxor" in document.text
    assert "annons" not in document.text and "Köp nu" not in document.text


# ---- parity: the seed compilation as DOCX and as PDF ---------------------------------------

@pytest.fixture(scope="module")
def seed_gold(gold):
    from pipeline.steward.gold import load_gold

    return [record for record in load_gold(GOLD) if record.file == SEED.name]


@pytest.mark.parametrize("suffix, render", [(".docx", render_docx), (".pdf", render_pdf)])
def test_seed_compilation_gives_the_same_initiatives_as_docx_and_pdf(tmp_path, seed_gold,
                                                                     suffix, render):
    from pipeline.steward.evaluate import SCORED_SECTIONS, score
    from pipeline.extract.document import extract_records

    path = write(tmp_path, SEED.stem + suffix, render(SEED.read_text(encoding="utf-8")))
    documents = ingest_path(path, tmp_path)
    assert [(d.status, d.format) for d in documents] == [("ok", suffix[1:])]
    records = extract_records(documents[0])
    gold = [record.model_copy(update={"file": path.name}) for record in seed_gold]
    report = score(gold, records)
    assert len(records) == len(gold) == 23
    assert report.fields["segmentation"].score == 1.0
    assert report.fields["title"].score == 1.0
    sections = {name: report.fields[name].score for name in SCORED_SECTIONS}
    assert all(value >= 0.95 for value in sections.values()), sections
