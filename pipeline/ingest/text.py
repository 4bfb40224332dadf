"""Plain text and Markdown: decode bytes of any common encoding into text."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
MIN_PRINTABLE_RATIO = 0.95
PREFERRED_ENCODINGS = ("cp1252", "iso8859_15", "latin_1")
NORDIC_LETTERS = set("åäöæøüéèáàóíúšžÅÄÖÆØÜÉÈÁÀÓÍÚŠŽ")


class UndecodableError(ValueError):
    """The bytes are not text in any encoding we can recognise."""


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding): BOM first, then strict UTF-8, then charset detection."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return data.decode(encoding), encoding
    if _looks_like_utf16(data):
        encoding = "utf-16-le" if data[1::2].count(0) > len(data) // 4 else "utf-16-be"
        return data.decode(encoding, errors="strict"), encoding
    if b"\x00" in data:
        raise UndecodableError("the file holds binary data (NUL bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    text, encoding = pick_legacy_encoding(data)
    if printable_ratio(text) < MIN_PRINTABLE_RATIO:
        raise UndecodableError("the bytes decode only to unreadable characters")
    return text, encoding


def pick_legacy_encoding(data: bytes) -> tuple[str, str]:
    """Choose among charset-normalizer's guesses; on a tie prefer the Western code pages.

    Short Nordic texts from Windows (cp1252) fit several DOS and Central-European code
    pages equally well by byte statistics; the sources we read are Western European.
    """
    results = list(from_bytes(data))
    if not results:
        raise UndecodableError("no text encoding fits the bytes")
    least_chaos = min(result.chaos for result in results)
    tied = [result for result in results if result.chaos <= least_chaos + 0.01]
    for preferred in PREFERRED_ENCODINGS:
        for result in tied:
            if result.encoding == preferred:
                return str(result), result.encoding
    western = try_decode(data, "cp1252")
    if western is not None and nordic_letter_share(western) >= nordic_letter_share(str(tied[0])):
        return western, "cp1252"
    return str(tied[0]), tied[0].encoding


def try_decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def nordic_letter_share(text: str) -> float:
    """Share of letters that belong to the alphabets we read (Latin with Nordic letters)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if ch.isascii() or ch in NORDIC_LETTERS) / len(letters)


def printable_ratio(text: str) -> float:
    """Share of characters that are printable or ordinary whitespace."""
    if not text:
        return 1.0
    good = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t")
    return good / len(text)


def read_text(data: bytes) -> tuple[str, str]:
    """Decode a .txt or .md file; Markdown stays as written (its markers carry structure)."""
    text, encoding = decode_bytes(data)
    if printable_ratio(text) < MIN_PRINTABLE_RATIO:
        raise UndecodableError("the file is mostly unprintable characters, not text")
    return text, encoding


def _looks_like_utf16(data: bytes) -> bool:
    """UTF-16 without a BOM: every other byte of ASCII-heavy text is NUL."""
    if len(data) < 4 or len(data) % 2:
        return False
    even, odd = data[0::2], data[1::2]
    return max(even.count(0), odd.count(0)) > 0.4 * (len(data) // 2) and min(
        even.count(0), odd.count(0)
    ) < 0.05 * (len(data) // 2)
