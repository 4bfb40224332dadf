"""E-mail (.eml): the body is one document, each attachment is handed on as its own file.

The stdlib parser with `policy.default` decodes headers, transfer encodings and charsets.
The body is the plain-text part when there is one, else the HTML part read like a page.
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from pipeline.ingest.html import read_html
from pipeline.ingest.text import decode_bytes

HEADER_LINE = re.compile(rb"^([A-Za-z][A-Za-z0-9-]{0,40}):[ \t]?", re.MULTILINE)
MAIL_HEADERS = {b"from", b"to", b"cc", b"subject", b"date", b"message-id", b"mime-version",
                b"received", b"return-path", b"reply-to", b"content-type", b"delivered-to",
                b"x-mailer", b"user-agent", b"in-reply-to", b"references", b"sender"}
ADDRESS_HEADERS = {b"from", b"received", b"message-id", b"mime-version", b"return-path",
                   b"delivered-to"}
MIN_MAIL_HEADERS = 2
UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\#]+")


@dataclass
class Attachment:
    """One attached file: its name as the sender gave it, and its bytes."""

    name: str
    data: bytes
    content_type: str


@dataclass
class Email:
    """An e-mail split into its body text and its attachments."""

    body: str
    encoding: str
    attachments: list[Attachment] = field(default_factory=list)


def looks_like_email(data: bytes) -> bool:
    """True when the bytes open with a block of mail headers (From:, Date:, Received: …)."""
    head = data[:8192].replace(b"\r\n", b"\n")
    if head.startswith(b"From "):  # an mbox separator line
        head = head.split(b"\n", 1)[-1]
    block = head.split(b"\n\n", 1)[0]
    lines = block.split(b"\n")
    names = set()
    for line in lines:
        if line[:1] in (b" ", b"\t"):
            continue  # a folded header continues
        match = HEADER_LINE.match(line)
        if not match:
            return False
        names.add(match.group(1).lower())
    known = names & MAIL_HEADERS
    return len(known) >= MIN_MAIL_HEADERS and bool(names & ADDRESS_HEADERS)


def split_email(data: bytes) -> Email:
    """Parse an e-mail into its body text and attachments."""
    message = BytesParser(policy=policy.default).parsebytes(data)
    body, encoding = read_body(message)
    attachments = [attachment for n, part in enumerate(message.iter_attachments(), start=1)
                   if (attachment := read_attachment(part, n)) is not None]
    return Email(body=body, encoding=encoding, attachments=attachments)


def read_body(message: EmailMessage) -> tuple[str, str]:
    """The body text: plain text preferred, else the HTML part's main content."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return "", "utf-8"
    if part.get_content_subtype() == "html":
        markup = part_text(part)
        text, _ = read_html(markup.encode("utf-8"))
        return text or "", part.get_content_charset() or "utf-8"
    return part_text(part), part.get_content_charset() or "utf-8"


def part_text(part: EmailMessage) -> str:
    """A text part decoded with its declared charset, or by detection when that fails."""
    try:
        return part.get_content()
    except (LookupError, UnicodeDecodeError):
        payload = part.get_payload(decode=True) or b""
        return decode_bytes(payload)[0]


def read_attachment(part: EmailMessage, number: int) -> Attachment | None:
    """An attachment's name and bytes; images inline in the body are not attachments."""
    content_type = part.get_content_type()
    if part.get_content_maintype() == "image" and (
            part.get_content_disposition() == "inline" or part.get("Content-ID")):
        return None
    if content_type == "message/rfc822":
        inner = part.get_payload(0) if part.is_multipart() else part.get_content()
        data = inner.as_bytes(policy=policy.default) if hasattr(inner, "as_bytes") else b""
        subject = str(inner.get("Subject", "")) if hasattr(inner, "get") else ""
        name = part.get_filename() or f"{subject or f'forwarded-{number}'}.eml"
        return Attachment(safe_name(name, number, ".eml"), data, content_type)
    data = part.get_payload(decode=True)
    if data is None:
        return None
    extension = mimetypes.guess_extension(content_type) or ""
    return Attachment(safe_name(part.get_filename() or "", number, extension), data, content_type)


def safe_name(name: str, number: int, extension: str) -> str:
    """A one-line file name without folders; a made-up one when the sender gave none."""
    name = UNSAFE_NAME.sub(" ", name.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    return name or f"attachment-{number}{extension}"
