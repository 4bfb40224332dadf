"""Assign target-group and theme codes to an initiative from per-language keyword lexicons.

The vocabularies themselves (loading, checking, the keyword index) are `vocabulary.py`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from pipeline.enrich.vocabulary import (WORD_RE, Keyword, Lexicon, find_candidates,
                                        load_lexicon, resolve_language, stem_word)
from pipeline.models import Initiative

# How much one keyword hit counts, by where it stands. A title, a page's tag line and a stated
# purpose say what an initiative is about; evaluation text mostly says how it was measured.
THEME_WEIGHTS: dict[str, float] = {
    "title": 2.0, "extra": 2.0, "purpose": 2.0, "target_group": 1.0, "activities": 1.0,
    "description": 1.0, "expected_results": 1.0, "impact": 1.0, "evaluation": 0.5,
    "background": 0.5, "challenges": 0.5, "replicability": 0.5,
}
# Without a target-group section, who an initiative is for is read from what it says it does.
TARGET_GROUP_FALLBACK_WEIGHTS: dict[str, float] = {
    "title": 2.0, "extra": 2.0, "purpose": 2.0, "description": 1.0,
}

# Fields that state what an initiative is for, rather than describe how it runs.
FOCAL_FIELDS = ("title", "extra", "purpose")

# Evidence a code needs: one focal mention in a short text, more as the text grows, so a word
# mentioned once in passing in a long description does not become a theme.
MIN_EVIDENCE = 1.0
MAX_EVIDENCE = 3.0
WORDS_PER_EVIDENCE = 150


@dataclass(frozen=True)
class Source:
    """A piece of initiative text to read codes from, with what is known of its language."""

    field: str
    text: str
    lang: str | None
    text_en: str | None = None
    record_lang: str | None = None


def tokenize_text(text: str) -> list[tuple[int, int, str]]:
    """Split text into lower-case letter runs with their character offsets."""
    return [(m.start(), m.end(), m.group().lower()) for m in WORD_RE.finditer(text)]


def match_part(part: Part, word: str, algorithm: str | None) -> tuple[int, int] | None:
    """Return the span inside `word` that `part` matches, or None."""
    if part.mode == "exact":
        return (0, len(word)) if word == part.core else None
    if part.mode == "stem":
        hit = word == part.core or stem_word(word, algorithm) == part.stem
        return (0, len(word)) if hit else None
    if part.mode == "prefix":
        return (0, len(part.core)) if word.startswith(part.core) else None
    if part.mode == "infix":
        at = word.find(part.core)
        return (at, at + len(part.core)) if at >= 0 else None
    # head: a compound whose last element, inflected, is the keyword
    at = word.find(part.stem, 1)
    while at > 0:
        if stem_word(word[at:], algorithm) == part.stem or word[at:] == part.core:
            return (at, len(word))
        at = word.find(part.stem, at + 1)
    return None


def match_keyword(keyword: Keyword, tokens, index: int, algorithm) -> tuple[int, int] | None:
    """Return the character span of `keyword` starting at token `index`, or None."""
    if index + len(keyword.parts) > len(tokens):
        return None
    spans = []
    for part, (start, _, word) in zip(keyword.parts, tokens[index:]):
        span = match_part(part, word, algorithm)
        if span is None:
            return None
        spans.append((start + span[0], start + span[1]))
    return spans[0][0], spans[-1][1]


def find_matches(text: str, langs: tuple[str, ...],
                 lexicon: Lexicon) -> set[tuple[str, int, int]]:
    """Return (code, start, end) for every keyword of `langs` and their fallbacks in `text`."""
    tokens = tokenize_text(text)
    found: set[tuple[str, int, int]] = set()
    tried = [other for lang in langs for other in (lang, *lexicon.also[lang])]
    for source_lang in dict.fromkeys(tried):
        algorithm = lexicon.stemmers[source_lang]
        keyword_index = lexicon.index[source_lang]
        for position, (_, _, word) in enumerate(tokens):
            for keyword in find_candidates(word, keyword_index, algorithm):
                span = match_keyword(keyword, tokens, position, algorithm)
                if span:
                    found.add((keyword.code, *span))
    return drop_contained(found)


def drop_contained(matches: set[tuple[str, int, int]]) -> set[tuple[str, int, int]]:
    """Drop matches lying strictly inside a longer match: the longer keyword is more specific."""
    contained = contained_spans({(start, end) for _, start, end in matches})
    return {match for match in matches if (match[1], match[2]) not in contained}


def contained_spans(spans: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The spans inside another span, in one sweep by start (not every pair)."""
    by_start: dict[int, list[int]] = defaultdict(list)
    for start, end in spans:
        by_start[start].append(end)
    inside, furthest = set(), -1  # furthest end among spans starting earlier
    for start in sorted(by_start):
        ends = by_start[start]
        longest = max(ends)
        # (start, end) lies in a span starting earlier that reaches it, or in a longer one here
        inside.update((start, end) for end in ends if furthest >= end or longest > end)
        furthest = max(furthest, longest)
    return inside


def count_words(sources: Iterable[Source]) -> int:
    """Count the words across sources."""
    return sum(len(WORD_RE.findall(source.text)) for source in sources)


def compute_threshold(words: int) -> float:
    """Return the score a code needs in a text of `words` words."""
    return min(MAX_EVIDENCE, max(MIN_EVIDENCE, math.ceil(words / WORDS_PER_EVIDENCE)))


def collect_hits(sources: list[Source], lexicon: Lexicon) -> list[tuple[str, str]]:
    """Return (field, code) for every keyword match in the sources."""
    hits = []
    for source in sources:
        reading = choose_reading(source, lexicon)
        if reading:
            hits += [(source.field, code) for code, _, _ in find_matches(*reading, lexicon)]
    return hits


def score_hits(hits: list[tuple[str, str]], weights: dict[str, float]) -> dict[str, float]:
    """Sum the weight of each hit's field per code; fields without a weight do not count."""
    scores: dict[str, float] = defaultdict(float)
    for field, code in hits:
        scores[code] += weights.get(field, 0.0)
    return scores


def choose_reading(source: Source, lexicon: Lexicon) -> tuple[str, tuple[str, ...]] | None:
    """Pick the text and languages to match: own, else English translation, else the record's."""
    lang = resolve_language(source.lang, lexicon)
    record_lang = resolve_language(source.record_lang, lexicon)
    if lang:
        # Short Nordic sections are easily mis-detected, so the record's language is tried too.
        return source.text, tuple(dict.fromkeys(code for code in (lang, record_lang) if code))
    english = resolve_language("en", lexicon)
    if source.text_en and english:
        return source.text_en, (english,)
    return (source.text, (record_lang,)) if record_lang else None


def select_codes(scores: dict[str, float], threshold: float, lexicon: Lexicon) -> list[str]:
    """Return codes scoring at least `threshold`, strongest first, then in vocabulary order."""
    chosen = [code for code in lexicon.codes if scores.get(code, 0.0) >= threshold]
    return sorted(chosen, key=lambda code: (-scores[code], lexicon.codes.index(code)))


def collect_sources(initiative: Initiative, extra_text: Iterable[tuple[str, str]]) -> list[Source]:
    """Gather the title, every section and any extra (text, lang) pairs as sources."""
    record_lang = initiative.language
    sources = []
    if initiative.title:
        title_lang = initiative.title_lang or record_lang
        sources.append(Source("title", initiative.title, title_lang, initiative.title_en,
                              record_lang))
    for name, field in initiative.text_fields():
        sources.append(Source(name, field.text, field.lang, field.text_en, record_lang))
    sources += [Source("extra", text, lang, None, record_lang) for text, lang in extra_text if text]
    return sources


def assign_target_groups(sources: list[Source]) -> list[str]:
    """Read target groups from the target-group section, else from title, purpose, description."""
    lexicon = load_lexicon("target_groups")
    if any(source.field == "target_group" for source in sources):
        stated = [s for s in sources if s.field in ("target_group", "extra")]
        scores = score_hits(collect_hits(stated, lexicon), {"target_group": 1.0, "extra": 1.0})
        return select_codes(scores, MIN_EVIDENCE, lexicon)
    used = [s for s in sources if s.field in TARGET_GROUP_FALLBACK_WEIGHTS]
    hits = collect_hits(used, lexicon)
    scores = score_hits(hits, TARGET_GROUP_FALLBACK_WEIGHTS)
    # Organisations and staff named in a description mostly run or partner in the initiative.
    focal = score_hits(hits, {f: TARGET_GROUP_FALLBACK_WEIGHTS[f] for f in FOCAL_FIELDS})
    for code in lexicon.actor_codes:
        scores[code] = focal.get(code, 0.0)
    return select_codes(scores, compute_threshold(count_words(used)), lexicon)


def assign_themes(sources: list[Source]) -> list[str]:
    """Read themes from every section, weighted by where each keyword stands."""
    lexicon = load_lexicon("themes")
    scores = score_hits(collect_hits(sources, lexicon), THEME_WEIGHTS)
    return select_codes(scores, compute_threshold(count_words(sources)), lexicon)


def categorise(initiative: Initiative,
               extra_text: Iterable[tuple[str, str]] = ()) -> tuple[list[str], list[str]]:
    """Return (target_group_categories, themes) for an initiative, strongest evidence first."""
    sources = collect_sources(initiative, extra_text)
    return assign_target_groups(sources), assign_themes(sources)
