"""Regular expressions built from word lists: one trie-shaped alternation for many words."""

from __future__ import annotations

import re
from collections.abc import Iterable


def trie_pattern(words: Iterable[str]) -> str:
    """One regular expression matching any of the words, longest first, built as a trie.

    A plain alternation of thousands of file names costs a try per name at every position;
    a trie costs one character comparison per step.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_branch(trie)


def _trie_branch(node: dict) -> str:
    """The alternatives that continue from a trie node (its "" key: a word may end there)."""
    parts = [re.escape(char) + _trie_rest(node[char]) for char in sorted(node) if char]
    if len(parts) <= 1:
        return "".join(parts)
    return "(?:" + "|".join(parts) + ")"


def _trie_rest(node: dict) -> str:
    rest = _trie_branch(node)
    return f"(?:{rest})?" if rest and "" in node else rest
