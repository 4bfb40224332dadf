"""The organisation finders skip a sentence when a cheap probe finds no cue in it; the probe
must never skip one the full reading would find something in."""

import re
from dataclasses import replace
from pathlib import Path

import pytest

import pipeline.extract.org_mentions as org_mentions
import pipeline.extract.organisations as organisations
from pipeline.extract.org_cues import type_words
from pipeline.extract.patterns import trie_pattern
from pipeline.lexicon import ROLES, load_lexicon

MATCH_ALL = re.compile("")
DATA = Path(__file__).parent / "data"


def corpus_sentences() -> list[str]:
    """Sentences of the test documents: real shapes, most of them without any cue."""
    text = "\n".join(path.read_text(encoding="utf-8") for path in sorted(DATA.glob("*.txt")))
    return [part for line in text.splitlines() for part in re.split(r"(?<=[.!?])\s+", line)
            if part.strip()]


def type_word_sentences() -> list[str]:
    """Every type word of the lexicon as a name's end, head, genitive, compound and case form."""
    finals, heads, endings = type_words(load_lexicon())
    sentences = []
    for word in sorted({*finals, *heads, *endings}):
        title = word[:1].upper() + word[1:]
        sentences += [f"Projektet drivs av Exempelby {word}.", f"{title} Exempelby driver det.",
                      f"Hela Exempelby {word}s arbete", f"Det är Exempel{word}:n hanke.",
                      f"Med {word} Exempel och ({title}), «Exempel{word}»",
                      f"Exempelby  {word.upper()}  ja  Muu {word}"]
    return sentences



def read_all(sentences: list[str], cued: list[tuple[str, str]]) -> list:
    typed = [org_mentions.find_typed_organisations(s) for s in sentences]
    roles = [organisations.find_role_mentions(s, lang) for s, lang in cued]
    return [typed, [[(o.name, o.role, o.country) for o in found] for found in roles]]


def role_sentences() -> list[tuple[str, str]]:
    """Every role cue of every language in a sentence of its language, in three spellings."""
    lexicon = load_lexicon()
    return [(form, lang) for lang in sorted(lexicon.languages) for role in ROLES
            for phrase in lexicon.languages[lang].roles[role] for form in (
                f"Projektet {phrase} Exempelby kommun och Röda Korset.",
                f"{phrase.upper()}  Exempel Ry, Muu Säätiö.",
                f"Det\n{phrase.title()}:\nExempel AB.")]


def test_probes_skip_no_sentence_the_finders_read_something_in():
    sentences = corpus_sentences()
    typed = sentences + type_word_sentences()
    cued = [(s, lang) for s in sentences for lang in ("sv", "en", "fi")] + role_sentences()
    probed = read_all(typed, cued)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(org_mentions, "type_word_probe", lambda lexicon: MATCH_ALL)
        real = organisations.load_role_matcher
        patch.setattr(organisations, "load_role_matcher",
                      lambda lang: replace(real(lang), probe=MATCH_ALL))
        assert read_all(typed, cued) == probed
    assert sum(map(bool, probed[0])) > 100 and sum(map(bool, probed[1])) > 100  # names found


def test_probes_do_skip_sentences_without_cues():
    sentence = "Deltagarna träffas varje vecka och lagar mat tillsammans."
    assert not org_mentions.type_word_probe(load_lexicon()).search(sentence.casefold())
    assert not organisations.load_role_matcher("sv").probe.search("vi lagar mat varje vecka.")


def test_a_trie_of_phrases_allows_spaces_between_their_parts():
    pattern = re.compile(trie_pattern([("co", "-", "funded"), ("funded", "by")], r"\s*"))
    assert pattern.fullmatch("co-funded") and pattern.fullmatch("funded  by")
    assert pattern.fullmatch("funded\nby") and not pattern.search("fundedy")
    assert trie_pattern(["ab", "ac"]) == "a(?:b|c)"  # words as strings: one part each
