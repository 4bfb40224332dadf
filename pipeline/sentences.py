"""Sentence spans from spaCy's rule-based sentencizer on blank language pipelines."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

# spaCy has no separate Nynorsk or generic Norwegian data: Bokmål rules serve both.
SPACY_LANG = {"no": "nb", "nn": "nb"}
SUPPORTED = {"sv", "da", "nb", "fi", "en"}


@lru_cache(maxsize=16)
def load_pipeline(lang: str) -> Language:
    """Return a blank spaCy pipeline with a sentencizer for the language (multilingual fallback)."""
    code = SPACY_LANG.get(lang, lang)
    nlp = spacy.blank(code if code in SUPPORTED else "xx")
    nlp.add_pipe("sentencizer")
    return nlp


def split_sentences(text: str, lang: str) -> list[tuple[int, int]]:
    """Return the [start, end) character spans of the sentences in text, whitespace trimmed."""
    spans = []
    for block_start, block in _split_paragraphs(text):
        doc = load_pipeline(lang)(block)
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
