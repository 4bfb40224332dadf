"""Regular expressions built from word lists: one trie-shaped alternation for many words."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

PART_BREAK = "\x00"  # where one part of a phrase ends and the next begins, inside the trie


def trie_pattern(words: Iterable[str | Sequence[str]], separator: str = "") -> str:
    """One regular expression matching any of the words, longest first, built as a trie.

    A plain alternation of thousands of file names costs a try per name at every position;
    a trie costs one character comparison per step. A word given as a sequence of parts
    (the tokens of a phrase) is matched with the pattern `separator` between its parts.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for char in word if isinstance(word, str) else PART_BREAK.join(word):
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_branch(trie, separator)


def _trie_branch(node: dict, separator: str) -> str:
    """The alternatives that continue from a trie node (its "" key: a word may end there)."""
    parts = [(separator if char == PART_BREAK else re.escape(char))
             + _trie_rest(node[char], separator) for char in sorted(node) if char]
    if len(parts) <= 1:
        return "".join(parts)
    return "(?:" + "|".join(parts) + ")"


def _trie_rest(node: dict, separator: str) -> str:
    rest = _trie_branch(node, separator)
    return f"(?:{rest})?" if rest and "" in node else rest
