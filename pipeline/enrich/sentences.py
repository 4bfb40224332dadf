"""Sentence spans from spaCy's rule-based sentencizer on blank language pipelines."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

from pipeline.lexicon import load_lexicon

MULTILINGUAL = "xx"


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
    spans = []
    nlp = load_pipeline(lang)
    for block_start, block in _split_paragraphs(text):
        doc = nlp(block)
        for sent in doc.sents:
            start, end = sent.start_char, sent.end_char
            chunk = block[start:end]
            stripped = chunk.strip()
            if not stripped:
                continue
            lead = len(chunk) - len(chunk.lstrip())
            spans.append((block_start + start + lead, block_start + start + lead + len(stripped)))
    return spans


def _split_paragraphs(text: str) -> list[tuple[int, str]]:
    """Cut text at line breaks: a line is never joined to the next into one sentence."""
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, line))
        pos += len(line) + 1
    return out
