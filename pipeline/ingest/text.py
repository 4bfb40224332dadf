"""Plain text and Markdown: decode bytes of any common encoding into text."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from pipeline.limits import add_note

BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
MIN_PRINTABLE_RATIO = 0.95
PREFERRED_ENCODINGS = ("cp1252", "iso8859_15", "latin_1")
# Letters by how often the languages we read use them (Swedish, Danish, Norwegian, Finnish).
LETTER_WEIGHTS = {**dict.fromkeys("åäöæøÅÄÖÆØ", 2.0), **dict.fromkeys("éüÉÜ", 1.5),
                  **dict.fromkeys("èáàóíúôêçëïÈÁÀÓÍÚ", 1.0)}
WESTERN_ENCODINGS = ("cp1252", "cp850", "mac_roman", "iso8859_15")
NON_ASCII = re.compile(r"[^\x00-\x7f]")
# A valid UTF-8 sequence of two to four bytes: in cp1252 text these are all but absent.
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                           rb"|[\xf0-\xf4][\x80-\xbf]{3}")
MIN_MIXED_SEQUENCES = 2
GUESS_MARGIN = 1.0
SAMPLE_BYTES = 256 * 1024


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
    if len(UTF8_SEQUENCE.findall(data[:SAMPLE_BYTES])) >= MIN_MIXED_SEQUENCES:
        add_note("mixed_encoding", "the file mixes UTF-8 with another encoding; the parts "
                 "that are not UTF-8 were read as cp1252 (check its accented letters)")
        return data.decode("utf-8", errors="cp1252-fallback"), "utf-8+cp1252"
    text, encoding = pick_legacy_encoding(data)
    if printable_ratio(text) < MIN_PRINTABLE_RATIO:
        raise UndecodableError("the bytes decode only to unreadable characters")
    return text, encoding


def decode_cp1252_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    """Read the bytes that are not UTF-8 as cp1252 (latin-1 where cp1252 has a hole)."""
    chunk = error.object[error.start:error.end]
    return "".join(chr(b) if (c := try_decode(bytes([b]), "cp1252")) is None else c
                   for b in chunk), error.end


codecs.register_error("cp1252-fallback", decode_cp1252_fallback)


def pick_legacy_encoding(data: bytes) -> tuple[str, str]:
    """Choose among charset-normalizer's guesses and the Western code pages by their letters.

    Short Nordic texts fit several DOS, Mac and Windows code pages equally well by byte
    statistics; which one gives å, ä, ö, æ, ø (and not † or ‰ inside words) decides.
    """
    detected = detected_encoding(data)
    candidates = {}
    for encoding in (detected, *WESTERN_ENCODINGS):
        text = try_decode(data, encoding) if encoding else None
        if text is not None and text not in candidates.values():
            candidates[encoding] = text
    if not candidates:
        raise UndecodableError("no text encoding fits the bytes")
    ranked = sorted(candidates, key=lambda enc: -letter_score(candidates[enc]))
    best = ranked[0]
    if len(ranked) > 1 and letter_score(candidates[ranked[1]]) > letter_score(
            candidates[best]) - GUESS_MARGIN:
        add_note("legacy_encoding_guess", f"the file is not UTF-8; read as {best}, but "
                 f"{ranked[1]} fits nearly as well (check its accented letters)")
    return candidates[best], best


def detected_encoding(data: bytes) -> str | None:
    """charset-normalizer's least chaotic guess; on a tie a Western code page."""
    results = list(from_bytes(data[:SAMPLE_BYTES]))
    if not results:
        return None
    least_chaos = min(result.chaos for result in results)
    tied = [result for result in results if result.chaos <= least_chaos + 0.01]
    for preferred in PREFERRED_ENCODINGS:
        for result in tied:
            if result.encoding == preferred:
                return result.encoding
    return tied[0].encoding


def letter_score(text: str) -> float:
    """How much a decoding reads like words: Nordic letters score, symbols inside words cost."""
    score = 0.0
    for match in NON_ASCII.finditer(text):
        char, at = match.group(), match.start()
        if char in LETTER_WEIGHTS:
            score += LETTER_WEIGHTS[char]
        elif char.isalpha():
            score += 0.5 if ord(char) < 0x250 else 1.5  # other scripts' letters are letters
        elif not char.isprintable() or "\u2500" <= char <= "\u25ff":
            score -= 2  # control characters, box drawing: no text holds these
        elif at and text[at - 1].isalpha() and text[at + 1:at + 2].isalpha():
            score -= 2  # "G”teborg": a symbol inside a word
    return score


def try_decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


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
