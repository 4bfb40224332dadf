"""Prose cue phrases compiled from every language's `prose_cues`, and a sentence's field by them.

A cue is words in order, whole words only: `stem*` takes any ending, `*head` any first part
of a compound ("*hjälp": "läxhjälp"), and `...` stands for up to GAP_WORDS words ("match* ...
with"). The key names the field and the kind: `<field>` (sentence), `<field>_phrase`,
`<field>_preposition`, `<field>_end`, `speech_attribution`.

A cue's regex is tried only on text holding its longest literal fragment (`fold_case`d):
a thousand regexes per sentence become a few.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from pipeline.lexicon import load_lexicon

GAP, GAP_WORDS = "...", 8  # a cue word `...` stands for up to GAP_WORDS words
GAP_PATTERN = r"(?:\s+\S+){0,%d}?\s+" % GAP_WORDS
APOSTROPHES = "['’]"  # a cue's apostrophe also matches the typographic one ("l’objectif")

try:  # re.IGNORECASE's own folding: its simple lower case, and the pairs it adds (ı i, ſ s …)
    from _sre import unicode_tolower
    from re._casefix import _EXTRA_CASES
except ImportError:  # a Python without them: no fragments, every cue is tried
    unicode_tolower = _EXTRA_CASES = None


@dataclass(frozen=True)
class Cue:
    """One cue phrase compiled: the field it names and whether it takes a whole sentence."""

    field: str
    phrase: bool
    pattern: re.Pattern
    preposition: bool = False  # a bare preposition: the keyword must follow at once
    end: bool = False  # after a comma, ends a target-group tail (an infinitive marker)
    speech: bool = False  # after a comma, attributes the sentence to a speaker
    fragment: str = ""  # folded literal text every match holds ("" when it has none)

    @property
    def kind(self) -> str:
        """The kind of cue: sentence, phrase (a preposition too), end or speech."""
        if not self.phrase:
            return "sentence"
        return "end" if self.end else "speech" if self.speech else "phrase"


class FoldTable(dict):
    """A `str.translate` table taking each character to one that re.IGNORECASE equates it with.

    Two characters a case-insensitive regex matches to each other fold alike, one for one, so
    a literal a regex matches in a text stands folded in the folded text. Filled as characters
    are first seen.
    """

    def __missing__(self, code: int) -> int:
        lower = unicode_tolower(code)
        folded = min((lower, *_EXTRA_CASES.get(lower, ())))
        self[code] = folded
        return folded


FOLD_TABLE = FoldTable()


def fold_case(text: str) -> str:
    """The text folded as re.IGNORECASE compares it, character for character."""
    return text.translate(FOLD_TABLE) if unicode_tolower else text


def matching_cues(text: str, kind: str, field: str | None = None) -> list[Cue]:
    """The cues of a kind (and field) that may match in the text: those whose fragment it
    holds, in their fixed order."""
    index = index_cues(kind, field)
    found = set(index.always)
    if index.finder:
        for match in index.finder.finditer(fold_case(text)):
            found.update(index.prefixes[match.group(1)])
    return [index.cues[n] for n in sorted(found)]


def classify_sentence(sentence: str) -> tuple[str | None, int]:
    """The field of the sentence's earliest whole-sentence cue (the longer cue on a tie)."""
    best: tuple[int, int, str] | None = None
    for cue in matching_cues(sentence, "sentence"):
        match = cue.pattern.search(sentence)
        if match:
            rank = (match.start(), -(match.end() - match.start()), cue.field)
            best = rank if best is None or rank < best else best
    return (best[2], best[0]) if best else (None, 0)


def phrase_matches(body: str, field: str) -> list[tuple[int, int, bool]]:
    """Where the field's phrase cues occur in a sentence, earliest (then longest) first."""
    hits = set()
    for cue in matching_cues(body, "phrase", field):
        hits.update((m.start(), m.end(), cue.preposition) for m in cue.pattern.finditer(body))
    return sorted(hits, key=lambda hit: (hit[0], -hit[1], hit[2]))


@dataclass(frozen=True)
class CueIndex:
    """Cues of one kind by their fragments, and a regex finding the fragments a text holds."""

    cues: tuple[Cue, ...]
    finder: re.Pattern | None  # at each position of folded text, the longest fragment there
    prefixes: dict[str, tuple[int, ...]]  # a fragment: the cues whose fragment begins it
    always: tuple[int, ...]  # the cues without a fragment


@lru_cache(maxsize=None)
def index_cues(kind: str, field: str | None = None) -> CueIndex:
    """Index the cues of one kind (`Cue.kind`), of one field when it is given."""
    cues = tuple(cue for cue in load_cues()
                 if cue.kind == kind and (field is None or cue.field == field))
    fragments = sorted({cue.fragment for cue in cues if cue.fragment})
    # the fragments found at a position are the longest there and those that begin it
    prefixes = {fragment: tuple(n for n, cue in enumerate(cues)
                                if cue.fragment and fragment.startswith(cue.fragment))
                for fragment in fragments}
    finder = re.compile("(?=(%s))" % compile_trie(fragments)) if fragments else None
    return CueIndex(cues, finder, prefixes,
                    tuple(n for n, cue in enumerate(cues) if not cue.fragment))


def compile_trie(words: list[str]) -> str:
    """A regex matching the longest of the words at a position, its alternatives a trie."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here
    return write_trie(trie)


def write_trie(node: dict) -> str:
    """One trie node as a regex: its branches first, then the end of a word, when one ends."""
    branches = [re.escape(char) + write_trie(child) for char, child in sorted(node.items())
                if char]
    if not branches:
        return ""
    pattern = branches[0] if len(branches) == 1 else "(?:%s)" % "|".join(branches)
    return "(?:%s)?" % pattern if "" in node else pattern


@lru_cache(maxsize=1)
def load_cues() -> tuple[Cue, ...]:
    """Compile every language's prose cues once, in a fixed order."""
    cues = []
    for lang, language in sorted(load_lexicon().languages.items()):
        for key, phrases in sorted(language.prose_cues.items()):
            field, kind = read_cue_key(key)
            cues += [Cue(field, kind != "sentence", compile_cue(p), kind == "preposition",
                         kind == "end", kind == "attribution", find_fragment(p))
                     for p in phrases]
    return tuple(cues)


def read_cue_key(key: str) -> tuple[str, str]:
    """Split a `prose_cues` key into its field and kind: sentence, phrase, preposition, end or
    attribution."""
    for kind in ("phrase", "preposition", "end", "attribution"):
        if key.endswith(f"_{kind}"):
            return key[:-len(kind) - 1], kind
    return key, "sentence"


def read_cue_words(phrase: str) -> list[tuple[bool, list[str], bool] | None]:
    """A cue phrase's words: (any head, literal parts between apostrophes, any ending); None
    for a gap. Lower-cased, not case-folded: casefold() spells ß "ss", which re.IGNORECASE
    does not match against ß ("Maßnahmen")."""
    words = []
    for word in phrase.lower().split():
        if word == GAP:
            words.append(None)
            continue
        words.append((word.startswith("*"), word.strip("*").split("'"), word.endswith("*")))
    return words


def compile_cue(phrase: str) -> re.Pattern:
    """A cue phrase as a regex: words in order, whole words only.

    `stem*` takes any ending; `*head` any first part of a compound ("*hjälp": "läxhjälp");
    `...` stands for up to GAP_WORDS words ("match* ... with").
    """
    pattern = ""
    for word in read_cue_words(phrase):
        if word is None:
            pattern += GAP_PATTERN
            continue
        head, parts, stem = word
        pattern += (r"\s+" if pattern and not pattern.endswith(GAP_PATTERN) else "") + \
            (r"\w*" if head else "") + APOSTROPHES.join(map(re.escape, parts)) + \
            (r"\w*" if stem else "")
    return re.compile(r"(?<!\w)" + pattern + r"(?!\w)", re.IGNORECASE)


def find_fragment(phrase: str) -> str:
    """The cue's longest literal part, folded: text without it cannot match the cue."""
    if not unicode_tolower:
        return ""
    parts = [part for word in read_cue_words(phrase) if word for part in word[1]]
    return fold_case(max(parts, key=len, default=""))
