"""Build a hostile inbox: one case of every class of issue 9 (crashes, hangs, bombs, lost input).

Bombs are built cheaply (zeros compress a thousandfold) and scaled so the whole corpus runs
in well under a minute under the limits `HOSTILE_LIMITS` sets; the shapes are the real ones.
Run as a script to write a corpus for manual probing: `python -m tests.hostile.generate DIR`.
"""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import stat
import sys
import zipfile
import zlib
from email.message import EmailMessage
from pathlib import Path

# Lower limits for the suite, so that "over the limit" cases stay small and fast.
HOSTILE_LIMITS = {"PRAXIS_MAX_PAGES": "20", "PRAXIS_MAX_PARAGRAPHS": "3000",
                  "PRAXIS_MAX_ROWS": "100", "PRAXIS_MAX_XML_BYTES": str(4 << 20),
                  "PRAXIS_MAX_UNPACKED_BYTES": str(32 << 20)}

FORM = ("Organisation: Exempelföreningen, Sverige\nNamn: Anna\nMejladress: anna@example.se\n\n"
        "Projektets namn: {title}\n\nMålgrupp\n\nNyanlända vuxna i {place}\n\nSyfte\n\n"
        "Att ge fler tillfällen att tala svenska i vardagen på {place}, varje vecka.\n")
ORDINARY = FORM.format(title="Språkcafé på biblioteket", place="Göteborg")


def pdf_document(pages: list[bytes]) -> bytes:
    """A PDF with one content stream per page (already filtered or plain), with a true xref."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", None,
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for content in pages:
        stream_number = len(objects) + 2
        kids.append(len(objects) + 1)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                       b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>"
                       % stream_number)
        objects.append(content)
    objects[1] = (b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids)
                  + b"] /Count %d >>" % len(kids))
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def text_stream(lines: list[str]) -> bytes:
    """A plain content stream writing the lines top down in Helvetica."""
    ops = b"BT /F1 11 Tf 14 TL 72 420 Td " + b" ".join(
        b"(" + line.encode("latin-1").replace(b"(", b"").replace(b")", b"") + b") '"
        for line in lines) + b" ET"
    return b"<< /Length %d >>\nstream\n" % len(ops) + ops + b"\nendstream"


def zeros_stream(size: int) -> bytes:
    """A FlateDecode content stream of `size` zero bytes (a decompression bomb)."""
    packer, chunk, parts = zlib.compressobj(9), b"\0" * (1 << 20), []
    for _ in range(size >> 20):
        parts.append(packer.compress(chunk))
    data = b"".join(parts) + packer.flush()
    return (b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data
            + b"\nendstream")


def long_pdf(pages: int) -> bytes:
    """A PDF of many short pages of ordinary text."""
    return pdf_document([text_stream([f"Sida {n} av en lang rapport om sprakcafeer",
                                      "Deltagarna traffas varje vecka pa biblioteket."])
                         for n in range(1, pages + 1)])


def docx_with_paragraphs(count: int, filler: int = 0) -> bytes:
    """A minimal Word package whose body holds `count` paragraphs of `filler` extra bytes."""
    pad = "x" * filler
    body = "".join(f"<w:p><w:r><w:t>Stycke {n} om verksamheten {pad}</w:t></w:r></w:p>"
                   for n in range(count))
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
            '.org/package/2006/content-types"><Default Extension="rels" ContentType="applicati'
            'on/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" Conten'
            'tType="application/xml"/><Override PartName="/word/document.xml" ContentType="app'
            'lication/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            '</Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxm'
            'lformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://sch'
            'emas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target='
            '"word/document.xml"/></Relationships>'),
        "word/document.xml": (f'<?xml version="1.0" encoding="UTF-8"?><w:document {ns}>'
                              f'<w:body>{body}</w:body></w:document>'),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, text in parts.items():
            package.writestr(name, text)
    return buffer.getvalue()


def email(attachments: list[tuple[str, bytes]], body: str = ORDINARY) -> bytes:
    message = EmailMessage()
    message["From"] = "Anna <anna@example.se>"
    message["To"] = "inbox@example.org"
    message["Subject"] = "Ansökan"
    message["Date"] = "Wed, 22 May 2019 10:00:00 +0200"
    message.set_content(body)
    for name, data in attachments:
        message.add_attachment(data, maintype="text", subtype="plain", filename=name)
    return message.as_bytes()


def csv_export(rows: int, long_field: int = 0) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Organisation", "Namn", "E-post", "Projektets namn", "Syfte"])
    for n in range(rows):
        purpose = "Att ge fler tillfällen att tala svenska. " + "ord " * (long_field // 4)
        writer.writerow([f"Förening {n}", f"Person {n}", f"p{n}@example.se", f"Projekt {n}",
                         purpose])
    return out.getvalue().encode("utf-8")


def regular_files() -> dict[str, bytes]:
    """Name → bytes of every hostile regular file (names relative to the inbox)."""
    nested_json = b"[" * 100_000 + b"]" * 100_000
    sv = "Föreningen Gröna Vägar ordnar språkcafé för nyanlända på måndagar i Örebro."
    return {
        "ordinary.txt": ORDINARY.encode("utf-8"),
        # crashes: ids and file keys
        "empty-1.txt": b"", "empty-2.txt": b"",
        "junk-1.txt": bytes(range(256)) * 4, "junk-2.txt": bytes(range(256)) * 4,
        "mail.eml": email([("a.txt", b"first"), ("a.txt", b"second"), ("a.txt~2", b"third"),
                           ("x.txt", ORDINARY.replace("Göteborg", "Malmö").encode())]),
        "mail.eml#x.txt": FORM.format(title="Läxhjälp", place="Umeå").encode("utf-8"),
        "deep.txt": nested_json, "deep": nested_json, "deep.json": nested_json,
        os.fsdecode(b"caf\xe9.txt"): FORM.format(title="Café", place="Lund").encode("cp1252"),
        # memory and time
        "bomb-512mb.pdf": pdf_document([zeros_stream(512 << 20)]),
        "long.pdf": long_pdf(30),
        "xml-heavy.docx": docx_with_paragraphs(2_000, filler=3_000),
        "many-paragraphs.docx": docx_with_paragraphs(8_000),
        "million-rows.csv": csv_export(5_000),
        "long-field.csv": csv_export(2, long_field=400_000),
        # good input that was lost or garbled
        "nested-divs.html": ("<html><body>" + "<div>" * 10_000 + f"<p>{sv}</p>"
                             + "</div>" * 10_000 + "</body></html>").encode("utf-8"),
        "unclosed.html": ("<html><body><p>" + sv + "</p>" + "<b>" * 50_000
                          + "<p>Slut.</p></body></html>").encode("utf-8"),
        "cp850.txt": FORM.format(title="Språkvänner", place="Västerås").encode("cp850"),
        "mac_roman.txt": FORM.format(title="Läsglädje", place="Växjö").encode("mac_roman"),
        "mixed.txt": (FORM.format(title="Möten", place="Borås").encode("utf-8")
                      + ("Tack för att ni läser, hälsningar från Åsa.\n").encode("cp1252")),
        "binary.eml": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16,
        "deutsch.txt": ("Der Verein Neue Nachbarn organisiert jede Woche ein Sprachcafé für "
                        "Geflüchtete in Hamburg. Ziel des Projekts ist es, dass Neuankömmlinge "
                        "Deutsch im Alltag üben und neue Kontakte knüpfen.\n").encode("utf-8"),
    }


def write_corpus(inbox: Path) -> dict[str, str]:
    """Write the corpus into `inbox`; return name → what it is, for special entries too."""
    inbox.mkdir(parents=True, exist_ok=True)
    for name, data in regular_files().items():
        (inbox / name).write_bytes(data)
    (inbox / "sub").mkdir()
    (inbox / "sub" / "inner.txt").write_bytes(FORM.format(title="Inne", place="Visby").encode())
    os.symlink("loop-b", inbox / "loop-a")
    os.symlink("loop-a", inbox / "loop-b")
    os.symlink("self", inbox / "self")
    os.symlink(".", inbox / "sub" / "here")             # a link to a folder: not followed
    os.symlink("missing.txt", inbox / "dangling.txt")
    os.symlink("/dev/zero", inbox / "zero.txt")          # a device outside the inbox
    os.symlink("ordinary.txt", inbox / "same-as-ordinary.txt")
    os.mkfifo(inbox / "pipe.txt")
    os.symlink("pipe.txt", inbox / "link-to-pipe.txt")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(inbox / "socket.txt"))
    server.close()
    names = ["loop-a", "loop-b", "self", "sub/here", "dangling.txt", "zero.txt", "pipe.txt",
             "link-to-pipe.txt", "socket.txt"]
    try:  # a character device inside the inbox (like /dev/zero): needs root or CAP_MKNOD
        os.mknod(inbox / "device.txt", stat.S_IFCHR | 0o600, os.makedev(1, 5))
        os.symlink("device.txt", inbox / "link-to-device.txt")
        names += ["device.txt", "link-to-device.txt"]
    except (OSError, AttributeError):
        pass
    return dict.fromkeys(names, "special")


if __name__ == "__main__":
    write_corpus(Path(sys.argv[1]))
    print(json.dumps(HOSTILE_LIMITS))
