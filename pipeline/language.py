"""Detect the language of a text: langdetect, steadied for short Nordic texts.

langdetect alone confuses Danish, Norwegian and Swedish on short strings and is random
unless seeded. Here its probabilities are combined with the lexicon's cue words and, for
short texts, with a prior (the language of the enclosing submission).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

from pipeline.lexicon import LANGUAGES, load_lexicon

DetectorFactory.seed = 0  # langdetect samples n-grams at random; a fixed seed makes it repeatable

UNDETERMINED = "und"
SHORT_WORDS = 6
LANGDETECT_ALIASES = {"no": "nb"}
SCANDINAVIAN = ("sv", "da", "nb", "nn")
WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*", re.UNICODE)


@dataclass(frozen=True)
class CueSet:
    """One language's cue words: whole words, prefixes (`ud*`) and suffixes (`*hed`)."""

    words: frozenset[str]
    prefixes: tuple[str, ...]
    suffixes: tuple[str, ...]

    def count(self, tokens: list[str]) -> int:
        return sum(1 for token in tokens if self.matches(token))

    def matches(self, token: str) -> bool:
        if token in self.words:
            return True
        if any(token.startswith(p) and len(token) > len(p) + 2 for p in self.prefixes):
            return True
        return any(token.endswith(s) and len(token) > len(s) + 2 for s in self.suffixes)


@lru_cache(maxsize=1)
def load_cues() -> dict[str, CueSet]:
    """Build each language's cue set from its lexicon file."""
    cues = {}
    for lang, lexicon in load_lexicon().languages.items():
        words = {w.casefold() for w in lexicon.cue_words if "*" not in w}
        prefixes = tuple(w[:-1].casefold() for w in lexicon.cue_words if w.endswith("*"))
        suffixes = tuple(w[1:].casefold() for w in lexicon.cue_words if w.startswith("*"))
        cues[lang] = CueSet(frozenset(words), prefixes, suffixes)
    return cues


def tokenize_words(text: str) -> list[str]:
    """Return the casefolded words of a text."""
    return [m.group(0).casefold() for m in WORD.finditer(text)]


def detect_language(text: str, prior: str | None = None) -> tuple[str, float]:
    """Return (ISO 639-1 code, confidence 0-1) for text; `prior` steers short texts."""
    tokens = tokenize_words(text)
    if not tokens:
        return (prior or UNDETERMINED, 0.0)
    probabilities = langdetect_probabilities(text)
    scores = score_languages(tokens, probabilities, prior, short=len(tokens) < SHORT_WORDS)
    ranked = sorted(scores.values(), reverse=True)
    best = max(scores, key=scores.get)
    if ranked[0] <= 0:
        return (best, 0.0)
    # confidence: how clearly the winner beats the runner-up
    margin = (ranked[0] - (ranked[1] if len(ranked) > 1 else 0.0)) / ranked[0]
    return (best, round(max(0.0, min(1.0, margin)), 3))


def langdetect_probabilities(text: str) -> dict[str, float]:
    """Run seeded langdetect; map its codes onto ours (`no` is Bokmål)."""
    try:
        found = detect_langs(text)
    except LangDetectException:
        return {}
    probabilities: dict[str, float] = {}
    for item in found:
        code = LANGDETECT_ALIASES.get(item.lang, item.lang)
        probabilities[code] = probabilities.get(code, 0.0) + item.prob
    return probabilities


def score_languages(
    tokens: list[str], probabilities: dict[str, float], prior: str | None, short: bool
) -> dict[str, float]:
    """Combine langdetect, cue words, letters and the prior into one score per language."""
    cues = load_cues()
    candidates = set(LANGUAGES) | set(probabilities)
    letters = "".join(tokens)
    cue_weight = 0.25 if short else 0.6 / len(tokens) ** 0.5
    scores = {}
    for lang in candidates:
        score = probabilities.get(lang, 0.0) * (0.5 if short else 1.0)
        if lang in cues:
            score += cue_weight * cues[lang].count(tokens)
        score += letter_evidence(lang, letters)
        if prior and lang == _family(prior, lang):
            score += 0.6 if short else 0.1
        scores[lang] = score
    return scores


def letter_evidence(lang: str, letters: str) -> float:
    """Reward or penalise a language for letters its spelling does or does not use."""
    has_ae_oe = any(ch in letters for ch in "æø")
    has_a_o_umlaut = any(ch in letters for ch in "äö")
    if lang in ("da", "nb", "nn"):
        return (0.3 if has_ae_oe else 0.0) - (0.4 if has_a_o_umlaut else 0.0)
    if lang in ("sv", "fi"):
        return (0.3 if has_a_o_umlaut else 0.0) - (0.4 if has_ae_oe else 0.0)
    if lang == "en":
        return -0.4 if (has_ae_oe or has_a_o_umlaut or "å" in letters) else 0.0
    return 0.0


def _family(prior: str, lang: str) -> str:
    """Treat a Norwegian prior as covering both written standards."""
    if prior in ("nb", "nn", "no") and lang in ("nb", "nn"):
        return lang
    return prior
