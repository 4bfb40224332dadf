"""Normalise decoded text before any span is taken: line ends, noise lines, blank runs."""

from __future__ import annotations

import re
import unicodedata

from pipeline.extract.layout import IMAGE_NAME, PAGE_COUNTER
from pipeline.lexicon import load_lexicon
from pipeline.extract.template import is_template_line

ID_LINE = re.compile(
    r"^\s*(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{24,})\s*$",
    re.IGNORECASE,
)
MAX_CREDIT_WORDS = 6
MAX_FOOTER_WORDS = 12
SPACES = re.compile(r"[ \t\u00a0\u2007\u202f]+")


def normalise_text(text: str) -> str:
    """Return the canonical text every span points into."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text = text.replace("\u00ad", "")  # soft hyphens are invisible in the source
    lines = [SPACES.sub(" ", line).rstrip() for line in text.split("\n")]
    lines = [line if line.strip() else "" for line in lines]
    lines = [line for line in lines if not is_template_line(line)]  # a returned blank form's guidance
    lines = drop_noise_lines(lines)
    lines = drop_repeated_lines(lines)
    return collapse_blank_lines(lines).strip("\n") + "\n"


def drop_noise_lines(lines: list[str]) -> list[str]:
    """Drop bare ids (UUIDs, image hashes), image file names, page counters and photo credits."""
    prefixes = tuple(load_lexicon().all_phrases("noise_prefixes"))
    kept = []
    for line in lines:
        if ID_LINE.match(line) or IMAGE_NAME.match(line) or PAGE_COUNTER.match(line):
            continue
        folded = line.strip().casefold()
        if (folded.startswith(prefixes) and ":" in folded
                and len(folded.split()) <= MAX_CREDIT_WORDS + 1):
            head = folded.split(":", 1)[0].strip()
            if head in prefixes:
                continue
        kept.append(line)
    return kept


def drop_repeated_lines(lines: list[str]) -> list[str]:
    """Drop runs of one short line repeated back to back (teasers, footers, menus)."""
    kept: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        run_end = index + 1
        if line and len(line.split()) <= MAX_FOOTER_WORDS:
            while run_end < len(lines) and lines[run_end].strip() == line.strip():
                run_end += 1
        if run_end - index >= 2:
            index = run_end
            continue
        kept.append(line)
        index += 1
    return kept


def collapse_blank_lines(lines: list[str]) -> str:
    """Join lines, keeping at most one blank line between paragraphs."""
    out: list[str] = []
    for line in lines:
        if not line and out and not out[-1]:
            continue
        out.append(line)
    return "\n".join(out)
