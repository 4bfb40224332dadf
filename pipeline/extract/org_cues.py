"""The organisation cues of the loaded lexicon, built once per lexicon.

Type words, role headings and verbs, list joiners, joint, funding and self-introduction cues
are lexicon data; the finders in org_mentions.py and organisations.py read them for every
sentence, so the sets and compiled patterns made from them are built here once per `Lexicon`
(and language), not on each call.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.extract.patterns import trie_pattern
from pipeline.lexicon import FALLBACK_LANGUAGE, ROLES, UPPER, Lexicon, normalise_label

# Words inside one name ("Röda korset i Exempelby"); list joiners ("och", "og") end a name.
NAME_CONNECTORS = {"i", "for", "för", "of", "af", "av", "de", "der", "des", "du", "la", "le",
                   "für", "van"}
ARTICLES = {"the", "a", "an"}


def cue_language(lexicon: Lexicon, lang: str) -> str:
    """The language whose cues a text is read with: its own file, else the English one."""
    return lang if lang in lexicon.languages else FALLBACK_LANGUAGE


@lru_cache(maxsize=4)
def role_heading_index(lexicon: Lexicon) -> dict[str, str]:
    """Map every language's folded role headings to their role."""
    index: dict[str, str] = {}
    for lang in sorted(lexicon.languages):
        for role in ROLES:
            for heading in lexicon.languages[lang].role_headings[role]:
                index.setdefault(normalise_label(heading), role)
    return index


@lru_cache(maxsize=4)
def headings_by_length(lexicon: Lexicon) -> tuple[tuple[int, frozenset[str]], ...]:
    """Role headings of six or more characters grouped by length, longest first."""
    index = role_heading_index(lexicon)
    sizes = sorted({len(h) for h in index if len(h) >= 6}, reverse=True)
    return tuple((size, frozenset(h for h in index if len(h) == size)) for size in sizes)


@lru_cache(maxsize=4)
def inline_heading_pattern(lexicon: Lexicon) -> re.Pattern[str]:
    """Role headings followed by a colon anywhere in a line (transcribed one-line forms)."""
    alternatives = "|".join(re.escape(h) for h in sorted(role_heading_index(lexicon), key=len,
                                                          reverse=True) if len(h) >= 6)
    return re.compile(rf"(?<![\w/])({alternatives})\s*(?:\([^()]*\))?:\s*", re.IGNORECASE)


@lru_cache(maxsize=4)
def label_pattern(lexicon: Lexicon) -> re.Pattern[str]:
    """Any known label with a colon: where an inline value ends."""
    labels = {normalise_label(p) for language in lexicon.languages.values()
              for phrases in language.labels.values() for p in phrases} | set(
        role_heading_index(lexicon))
    alternatives = "|".join(re.escape(p) for p in sorted(labels, key=len, reverse=True) if p)
    return re.compile(rf"\s(?:{alternatives})\s*(?:\([^()]*\))?:", re.IGNORECASE)


@lru_cache(maxsize=4)
def type_words(lexicon: Lexicon) -> tuple[frozenset[str], frozenset[str], tuple[str, ...]]:
    """Organisation-type words of every language: final words, leading words, compound endings."""
    endings = tuple(sorted(lexicon.all_phrases("org_suffixes"), key=len, reverse=True))
    return lexicon.all_phrases("org_type_words"), lexicon.all_phrases("org_type_heads"), endings


@lru_cache(maxsize=4)
def type_word_probe(lexicon: Lexicon) -> re.Pattern[str]:
    """Any type word, or a word ending in a compound ending (either with a genitive -s), in a
    casefolded text whose spaces are single: a sentence without one holds no name that
    `match_type_word` would read.

    A token's folded form there is a stretch of that text, after a space or punctuation and
    before an "s", punctuation, a space or the end, so the probe never misses one; it only
    spares the word-by-word test of the many sentences without any.
    """
    finals, heads, endings = type_words(lexicon)

    def alternatives(words) -> str:
        spaced = {" ".join(word.casefold().split()) for word in words}
        return trie_pattern(sorted(word for word in spaced if word)) or "(?!)"

    # a type word is a whole token; a compound only has to end in one of the endings
    return re.compile(rf"(?:(?<!\w)(?:{alternatives((*finals, *heads))})"
                      rf"|{alternatives(endings)})s?(?!\w)")


@lru_cache(maxsize=4)
def legal_forms(lexicon: Lexicon) -> frozenset[str]:
    """The final type words without their punctuation ("e. v", "ry"): what closes a name."""
    return frozenset(w.strip(".,;:") for w in type_words(lexicon)[0])


@lru_cache(maxsize=4)
def spaced_type_words(lexicon: Lexicon) -> tuple[re.Pattern[str] | None,
                                                 tuple[re.Pattern[str], ...]]:
    """Type words written with spaces ("e. v.", "ek. för."), longest first, as patterns, and
    one pattern finding any of them (None when there are none)."""
    spaced = sorted((w for w in type_words(lexicon)[0] if " " in w), key=len, reverse=True)
    bodies = [r"\s+".join(re.escape(part) for part in words.split()) for words in spaced]
    patterns = tuple(re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE) for body in bodies)
    any_of = re.compile(rf"(?<!\w)(?:{'|'.join(bodies)})(?!\w)", re.IGNORECASE) if bodies \
        else None
    return any_of, patterns


@lru_cache(maxsize=4)
def common_words(lexicon: Lexicon) -> frozenset[str]:
    """Words that open a sentence but never a name: function words, initiative nouns."""
    words = set(NAME_CONNECTORS) | ARTICLES
    for key in ("name_stopwords", "origin_words", "kickers", "initiative_nouns",
                "list_joiners"):
        words |= lexicon.all_phrases(key)
    return frozenset(words)


@lru_cache(maxsize=4)
def compound_break(lexicon: Lexicon) -> re.Pattern[str]:
    """A hyphen that leaves a compound open, with the space and list joiner after it."""
    joiners = "|".join(sorted((re.escape(j) for j in lexicon.all_phrases("list_joiners")
                               if " " not in j), key=len, reverse=True))
    return re.compile(rf"(?<=\w)-(,?)\s+(?:({joiners})\s+)?(?=\w)")


@lru_cache(maxsize=4)
def joint_cue(lexicon: Lexicon) -> re.Pattern[str]:
    """Any language's cue that the names before it run something together ("yhteinen")."""
    cues = "|".join(sorted(map(re.escape, lexicon.all_phrases("joint_cues")), key=len,
                           reverse=True))
    return re.compile(rf"(?<!\w)(?:{cues})(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=4)
def list_separator(lexicon: Lexicon) -> re.Pattern[str]:
    """A comma or any language's list joiner between two names."""
    joiners = "|".join(sorted((re.escape(j) for j in lexicon.all_phrases("list_joiners")),
                              key=len, reverse=True))
    return re.compile(rf",\s*|\s+(?:{joiners})\s+")


@lru_cache(maxsize=16)
def role_verbs(lexicon: Lexicon, lang: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each role with the pattern of its verbs after a name, in a language and English."""
    languages = lexicon.languages
    patterns = []
    for role in ROLES:
        cues = {c.casefold() for code in sorted({lang, FALLBACK_LANGUAGE})
                for c in languages[code].roles_after[role]}
        alternatives = "|".join(sorted(map(re.escape, cues), key=len, reverse=True))
        patterns.append((role, re.compile(rf"(?<=\s)(?:{alternatives})(?!\w)", re.IGNORECASE)))
    return tuple(patterns)


@lru_cache(maxsize=16)
def funded_compound(lexicon: Lexicon, lang: str) -> re.Pattern[str]:
    """A capitalised word before one of a language's funding words ("-finansierat")."""
    suffixes = lexicon.languages[lang].funded_suffixes
    alternatives = "|".join(re.escape(s) for s in sorted(suffixes, key=len, reverse=True))
    # "ESF-stöd4 356 kr": a glued amount may follow the compound, a letter may not
    return re.compile(rf"\b({UPPER}[^\W\d_]*)(?:-|\s)(?:{alternatives})(?![^\W\d_])")


@lru_cache(maxsize=16)
def name_separator(lexicon: Lexicon, lang: str) -> re.Pattern[str]:
    """A comma or one of a language's list joiners between two names of a list."""
    joiners = sorted(lexicon.languages[lang].list_joiners, key=len, reverse=True)
    return re.compile(r",|\s(?:" + "|".join(re.escape(j) for j in joiners) + r")\s")


@lru_cache(maxsize=16)
def self_introduction(lexicon: Lexicon, lang: str) -> re.Pattern[str]:
    """A name opening a sentence before "är en ideell förening" (a language's verbs and nouns)."""
    language = lexicon.languages[lang]
    verbs = "|".join(re.escape(v) for v in language.self_intro)
    nouns = "|".join(re.escape(n) for n in sorted(language.organisation_nouns, key=len,
                                                   reverse=True))
    return re.compile(rf"^(.{{2,80}}?)\s+(?:{verbs})\s+(?:\w+\s+){{0,2}}?(?:{nouns})\b",
                      re.IGNORECASE)
