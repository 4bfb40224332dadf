"""Detect the language of a text: langdetect, steadied by the lexicon's cue words and letters.

langdetect alone confuses Danish, Norwegian and Swedish on short strings, names unlikely
languages for short or noisy text, knows no Icelandic or Nynorsk, and is random unless seeded.
Here it is held to the languages that matter (those with a lexicon file and those listed in
`lexicon/detection.yaml`), and its probabilities are combined with each lexicon's cue words and
letters and, for short texts, with a prior (the language of the enclosing submission). A
language langdetect has no profile for is found by its cue words and letters alone.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from pathlib import Path

import numpy as np
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from pipeline.enrich.langdetect_fast import (NgramModel, build_model, clean_text,
                                             extract_ngram_rows, run_trials,
                                             sort_probabilities)
from pipeline.lexicon import Lexicon, load_lexicon
from pipeline.models import Issue

UNDETERMINED = "und"
SHORT_WORDS = 6
SHORT_PRIOR = 0.6      # the prior's weight on a text of under SHORT_WORDS words
LONG_PRIOR = 0.1       # and its floor on long texts
TYPICAL_LETTER = 0.3   # reward when a text has a letter typical of the language
FOREIGN_LETTER = 0.4   # penalty when it has a letter the language does not write
# Share of a long text's words that match another language's cue words by chance (measured on
# real pages: up to 0.10 for French or German text against Nordic cues); only hits above it count.
CUE_NOISE = 0.1
DETECTOR_SEED = 0      # langdetect samples n-grams at random; a fixed seed makes it repeatable
WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*", re.UNICODE)
# Results kept per distinct text (and per distinct langdetect input); cleared when full, so
# memory stays bounded. Every cached result is exactly what a fresh computation returns.
CACHE_ENTRIES = 200_000


@dataclass(frozen=True)
class CueSet:
    """One language's cue words: whole words, prefixes (`ud*`) and suffixes (`*hed`).

    Prefixes and suffixes are held in sets with their lengths, so a token is tested with one
    set look-up per distinct length rather than against every prefix and suffix.
    """

    words: frozenset[str]
    prefixes: frozenset[str]
    suffixes: frozenset[str]
    prefix_lengths: tuple[int, ...]  # ascending
    suffix_lengths: tuple[int, ...]  # ascending

    def count(self, tokens: list[str]) -> int:
        return sum(1 for token in tokens if self.matches(token))

    def matches(self, token: str) -> bool:
        if token in self.words:
            return True
        size = len(token)
        # an affix counts only on a token at least three letters longer than it
        usable = bisect_right(self.prefix_lengths, size - 3)
        if any(token[:n] in self.prefixes for n in self.prefix_lengths[:usable]):
            return True
        usable = bisect_right(self.suffix_lengths, size - 3)
        return any(token[size - n:] in self.suffixes for n in self.suffix_lengths[:usable])


def make_cue_set(cue_words: list[str]) -> CueSet:
    """Index one language's cue words (`word`, `prefix*`, `*suffix`)."""
    words = frozenset(w.casefold() for w in cue_words if "*" not in w)
    prefixes = frozenset(w[:-1].casefold() for w in cue_words if w.endswith("*"))
    suffixes = frozenset(w[1:].casefold() for w in cue_words if w.startswith("*"))
    return CueSet(words, prefixes, suffixes, tuple(sorted({len(p) for p in prefixes})),
                  tuple(sorted({len(p) for p in suffixes})))


@lru_cache(maxsize=4)
def build_cues(lexicon: Lexicon) -> dict[str, CueSet]:
    """Build each language's cue set from its lexicon file."""
    return {lang: make_cue_set(language.cue_words) for lang, language in lexicon.languages.items()}


@lru_cache(maxsize=4)
def load_detector(lexicon: Lexicon) -> DetectorFactory | None:
    """A seeded langdetect factory holding only the profiles of the languages that matter."""
    wanted = {language.langdetect for language in lexicon.languages.values()
              if language.langdetect} | set(lexicon.also_detect)
    paths = [Path(PROFILES_DIRECTORY) / code for code in sorted(wanted)]
    profiles = [path.read_text(encoding="utf-8") for path in paths if path.is_file()]
    if len(profiles) < 2:  # langdetect needs two profiles to compare
        return None
    factory = DetectorFactory()
    factory.load_json_profile(profiles)
    factory.set_seed(DETECTOR_SEED)
    return factory


@lru_cache(maxsize=4)
def load_model(lexicon: Lexicon) -> NgramModel | None:
    """The seeded detector's n-gram probabilities as arrays, for `run_trials`."""
    factory = load_detector(lexicon)
    return build_model(factory) if factory is not None else None


def tokenize_words(text: str) -> list[str]:
    """Return the casefolded words of a text."""
    return list(map(str.casefold, WORD.findall(text)))


def detect_language(text: str, prior: str | None = None) -> tuple[str, float]:
    """Return (ISO 639-1 code, confidence 0-1) for text; `prior` steers short texts."""
    lexicon = load_lexicon()
    cache = detection_cache(lexicon)
    key = (text_digest(text), prior)
    found = cache.get(key)
    if found is None:
        found = measure_language(text, prior, lexicon)
        store_result(cache, key, found)
    return found


def measure_language(text: str, prior: str | None, lexicon: Lexicon) -> tuple[str, float]:
    """Detect the language of one text, uncached."""
    prior = lexicon.resolve(prior) or prior
    tokens = tokenize_words(text)
    if not tokens:
        return (prior or UNDETERMINED, 0.0)
    probabilities = langdetect_probabilities(text, lexicon)
    scores = score_languages(tokens, probabilities, prior, len(tokens) < SHORT_WORDS, lexicon)
    # a tie goes to the prior, then to the first code alphabetically: never to set or hash order
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0] != prior, item[0]))
    best, top = ranked[0]
    if top <= 0:
        return (best, 0.0)
    # confidence: how clearly the winner beats the runner-up
    margin = (top - (ranked[1][1] if len(ranked) > 1 else 0.0)) / top
    return (best, round(max(0.0, min(1.0, margin)), 3))


@lru_cache(maxsize=4)
def detection_cache(lexicon: Lexicon) -> dict:
    """Results of `detect_language` under one loaded lexicon, by (text digest, prior)."""
    return {}


@lru_cache(maxsize=4)
def langdetect_cache(lexicon: Lexicon) -> dict:
    """langdetect's probabilities under one loaded lexicon, by digest of its n-gram rows."""
    return {}


def store_result(cache: dict, key, value) -> None:
    """Keep a result; start afresh when the cache is full, so memory stays bounded."""
    if len(cache) >= CACHE_ENTRIES:
        cache.clear()
    cache[key] = value


def text_digest(text: str) -> bytes:
    """A 128-bit digest of a text: the cache key, so the cache holds no texts."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def langdetect_probabilities(text: str, lexicon: Lexicon | None = None) -> dict[str, float]:
    """Run the seeded detector; map its codes onto the lexicon's (`no` is Bokmål).

    langdetect samples the n-grams it extracts with a fixed seed, so its answer depends on
    that n-gram sequence alone: texts that differ only in what it ignores (digits, e-mail
    addresses, links, punctuation) share one cached answer.
    """
    lexicon = lexicon or load_lexicon()
    model = load_model(lexicon)
    if model is None:
        return {}
    cleaned = clean_text(text, model.probe.max_text_length)
    ngram_rows = np.array(extract_ngram_rows(cleaned, model), dtype=np.intp)
    if not len(ngram_rows):  # langdetect would raise "No features in text"
        return {}
    cache = langdetect_cache(lexicon)
    key = hashlib.blake2b(ngram_rows.tobytes(), digest_size=16).digest()
    found = cache.get(key)
    if found is None:
        found = run_langdetect(model, ngram_rows, lexicon)
        store_result(cache, key, found)
    return dict(found)


def run_langdetect(model: NgramModel, ngram_rows: np.ndarray,
                   lexicon: Lexicon) -> dict[str, float]:
    """langdetect's probabilities for a text's n-gram rows, on lexicon codes."""
    try:
        found = sort_probabilities(model, run_trials(model, ngram_rows))
    except (LangDetectException, ZeroDivisionError):
        return {}
    probabilities: dict[str, float] = {}
    for item in found:
        code = lexicon.resolve(item.lang) or item.lang
        probabilities[code] = probabilities.get(code, 0.0) + item.prob
    return probabilities


def score_languages(tokens: list[str], probabilities: dict[str, float], prior: str | None,
                    short: bool, lexicon: Lexicon | None = None) -> dict[str, float]:
    """Combine langdetect, cue words, letters and the prior into one score per language."""
    lexicon = lexicon or load_lexicon()
    cues = build_cues(lexicon)
    hits_by_lang = count_cue_hits(tokens, lexicon)
    letters = "".join(tokens)
    cue_weight = 0.25 if short else 0.6 / len(tokens) ** 0.5
    scores = {}
    for lang in sorted(set(lexicon.codes) | set(probabilities)):
        score = probabilities.get(lang, 0.0) * (0.5 if short else 1.0)
        if lang in cues:
            hits = hits_by_lang.get(lang, 0)
            score += cue_weight * (hits if short else max(0.0, hits - CUE_NOISE * len(tokens)))
        score += letter_evidence(lang, letters, lexicon)
        if prior and shares_prior(lang, prior, lexicon):
            score += prior_weight(len(tokens))
        scores[lang] = score
    return scores


def count_cue_hits(tokens: list[str], lexicon: Lexicon) -> dict[str, int]:
    """How many tokens match each language's cue words (each distinct token tested once)."""
    cues = build_cues(lexicon)
    known = token_cue_cache(lexicon)
    found = list(map(known.get, tokens))
    if None in found:
        missing = {token for token, langs in zip(tokens, found) if langs is None}
        fresh = {token: tuple(lang for lang, cue_set in cues.items() if cue_set.matches(token))
                 for token in missing}
        if len(known) + len(fresh) > CACHE_ENTRIES:
            known.clear()
        known.update(fresh)
        found = [fresh[token] if langs is None else langs for token, langs in zip(tokens, found)]
    return Counter(chain.from_iterable(found))


@lru_cache(maxsize=4)
def token_cue_cache(lexicon: Lexicon) -> dict[str, tuple[str, ...]]:
    """The languages whose cue words each token seen so far matches, under one lexicon."""
    return {}


def prior_weight(words: int) -> float:
    """How much the enclosing text's language counts: fully for short texts, fading with length."""
    return max(LONG_PRIOR, SHORT_PRIOR * min(1.0, SHORT_WORDS / words))


def letter_evidence(lang: str, letters: str, lexicon: Lexicon | None = None) -> float:
    """Reward or penalise a language for letters its spelling does or does not use."""
    language = (lexicon or load_lexicon()).get(lang)
    if language is None:
        return 0.0
    typical = any(ch in letters for ch in language.letters.typical)
    foreign = any(ch in letters for ch in language.letters.foreign)
    return (TYPICAL_LETTER if typical else 0.0) - (FOREIGN_LETTER if foreign else 0.0)


def shares_prior(lang: str, prior: str, lexicon: Lexicon) -> bool:
    """True when lang is the prior or another written standard of it (nb and nn)."""
    language = lexicon.get(prior)
    return lang == prior or (language is not None and lang in language.variants)


def lexicon_issues(lang: str) -> list[Issue]:
    """The Issue of a record whose language has no lexicon file (read with the generic one)."""
    if lang == UNDETERMINED or load_lexicon().get(lang) is not None:
        return []
    return [Issue(stage="extract", code="no_lexicon", field="language",
                  message=f"no lexicon for language '{lang}' (pipeline/lexicon/{lang}.yaml): "
                          "labels, headings and cue phrases were read with the generic lexicon")]
