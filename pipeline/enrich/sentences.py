"""Sentence spans from spaCy's rule-based sentencizer on blank language pipelines."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from pipeline.enrich.nlp import Language, spacy
from pipeline.lexicon import load_lexicon

MULTILINGUAL = "xx"
# Sentence spans kept per distinct line (the same text is cut for organisations, outcomes,
# periods and prose); emptied when full, so memory stays bounded.
CACHE_LINES = 50_000
_LINE_SPANS: dict[tuple[str, bytes], tuple[tuple[int, int], ...]] = {}


def load_pipeline(lang: str) -> Language:
    """Return a blank spaCy pipeline with a sentencizer for the language (multilingual fallback)."""
    language = load_lexicon().get(lang)
    code = (language.spacy_language or MULTILINGUAL) if language else lang
    return build_pipeline(code)


@lru_cache(maxsize=16)
def build_pipeline(code: str) -> Language:
    """Build a blank pipeline for a spaCy language code, multilingual when spaCy lacks it."""
    try:
        nlp = spacy.blank(code)
    except (ImportError, KeyError, ValueError):  # spaCy has no rules for this code
        nlp = spacy.blank(MULTILINGUAL)
    nlp.add_pipe("sentencizer")
    return nlp


def split_sentences(text: str, lang: str) -> list[tuple[int, int]]:
    """Return the [start, end) character spans of the sentences in text, whitespace trimmed."""
    nlp = load_pipeline(lang)
    return [(block_start + start, block_start + end)
            for block_start, block in _split_paragraphs(text)
            for start, end in line_sentences(block, nlp)]


def line_sentences(line: str, nlp: Language) -> tuple[tuple[int, int], ...]:
    """The trimmed sentence spans of one line, cached by the pipeline's language and the line."""
    key = (nlp.lang, hashlib.blake2b(line.encode("utf-8", "surrogatepass"),
                                     digest_size=16).digest())
    found = _LINE_SPANS.get(key)
    if found is None:
        found = tuple(cut_line(line, nlp))
        if len(_LINE_SPANS) >= CACHE_LINES:
            _LINE_SPANS.clear()
        _LINE_SPANS[key] = found
    return found


def cut_line(line: str, nlp: Language) -> list[tuple[int, int]]:
    """Run the sentencizer on one line; spans trimmed of surrounding whitespace."""
    spans = []
    for sent in nlp(line).sents:
        start, end = sent.start_char, sent.end_char
        chunk = line[start:end]
        stripped = chunk.strip()
        if not stripped:
            continue
        lead = len(chunk) - len(chunk.lstrip())
        spans.append((start + lead, start + lead + len(stripped)))
    return spans


def _split_paragraphs(text: str) -> list[tuple[int, str]]:
    """Cut text at line breaks: a line is never joined to the next into one sentence."""
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, line))
        pos += len(line) + 1
    return out
