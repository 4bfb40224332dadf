"""Prose cue phrases compiled from every language's `prose_cues`, and a sentence's field by them.

A cue is words in order, whole words only: `stem*` takes any ending, `*head` any first part
of a compound ("*hjälp": "läxhjälp"), and `...` stands for up to GAP_WORDS words ("match* ...
with"). The key names the field and the kind: `<field>` (sentence), `<field>_phrase`,
`<field>_preposition`, `<field>_end`, `speech_attribution`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.lexicon import load_lexicon

GAP, GAP_WORDS = "...", 8  # a cue word `...` stands for up to GAP_WORDS words
GAP_PATTERN = r"(?:\s+\S+){0,%d}?\s+" % GAP_WORDS


@dataclass(frozen=True)
class Cue:
    """One cue phrase compiled: the field it names and whether it takes a whole sentence."""

    field: str
    phrase: bool
    pattern: re.Pattern
    preposition: bool = False  # a bare preposition: the keyword must follow at once
    end: bool = False  # after a comma, ends a target-group tail (an infinitive marker)
    speech: bool = False  # after a comma, attributes the sentence to a speaker


def classify_sentence(sentence: str) -> tuple[str | None, int]:
    """The field of the sentence's earliest whole-sentence cue (the longer cue on a tie)."""
    best: tuple[int, int, str] | None = None
    for cue in load_cues():
        if cue.phrase:
            continue
        match = cue.pattern.search(sentence)
        if match:
            rank = (match.start(), -(match.end() - match.start()), cue.field)
            best = rank if best is None or rank < best else best
    return (best[2], best[0]) if best else (None, 0)


def phrase_matches(body: str, field: str) -> list[tuple[int, int, bool]]:
    """Where the field's phrase cues occur in a sentence, earliest (then longest) first."""
    hits = set()
    for cue in load_cues():
        if cue.phrase and cue.field == field and not cue.end:
            hits.update((m.start(), m.end(), cue.preposition) for m in cue.pattern.finditer(body))
    return sorted(hits, key=lambda hit: (hit[0], -hit[1], hit[2]))


@lru_cache(maxsize=1)
def load_cues() -> tuple[Cue, ...]:
    """Compile every language's prose cues once, in a fixed order."""
    cues = []
    for lang, language in sorted(load_lexicon().languages.items()):
        for key, phrases in sorted(language.prose_cues.items()):
            field, kind = read_cue_key(key)
            cues += [Cue(field, kind != "sentence", compile_cue(p), kind == "preposition",
                         kind == "end", kind == "attribution") for p in phrases]
    return tuple(cues)


def read_cue_key(key: str) -> tuple[str, str]:
    """Split a `prose_cues` key into its field and kind: sentence, phrase, preposition, end or
    attribution."""
    for kind in ("phrase", "preposition", "end", "attribution"):
        if key.endswith(f"_{kind}"):
            return key[:-len(kind) - 1], kind
    return key, "sentence"


def compile_cue(phrase: str) -> re.Pattern:
    """A cue phrase as a regex: words in order, whole words only.

    `stem*` takes any ending; `*head` any first part of a compound ("*hjälp": "läxhjälp");
    `...` stands for up to GAP_WORDS words ("match* ... with").
    """
    pattern = ""
    for word in phrase.casefold().split():
        if word == GAP:
            pattern += GAP_PATTERN
            continue
        head, stem = word.startswith("*"), word.endswith("*")
        pattern += (r"\s+" if pattern and not pattern.endswith(GAP_PATTERN) else "") + \
            (r"\w*" if head else "") + escape_word(word.strip("*")) + (r"\w*" if stem else "")
    return re.compile(r"(?<!\w)" + pattern + r"(?!\w)", re.IGNORECASE)


def escape_word(word: str) -> str:
    """A cue word as a regex; its apostrophe also matches the typographic one ("l’objectif")."""
    return "['’]".join(re.escape(part) for part in word.split("'"))
