"""The prose cue prefilter: a cue's regex is skipped only where it cannot match.

Each fast path is compared with trying every cue, on the seed inbox, the test pages, a text
made from every cue phrase, and variants of them in other cases and with the characters
re.IGNORECASE folds specially (ı İ ſ K ẞ µ ’).
"""

import re
import sys
from pathlib import Path

import pytest

from pipeline.extract.prose_cues import (classify_sentence, compile_cue, fold_case, load_cues,
                                         matching_cues, phrase_matches)
from pipeline.extract.prose_sentences import list_sentences
from pipeline.lexicon import load_lexicon

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("sentence", "phrase", "end", "speech")
# Characters a case-insensitive regex equates beyond plain lower case, and their partners.
SPECIAL = {"i": "ı", "I": "İ", "s": "ſ", "k": "\u212a", "ß": "ẞ", "ss": "ß", "SS": "ẞ",
           "µ": "μ", "'": "’", "’": "'", "ς": "σ", "θ": "ϑ"}


def replace_specials(text):
    """The text with every special character put for its partner."""
    for plain, special in SPECIAL.items():
        text = text.replace(plain, special)
    return text


def make_variants(text):
    """The text in other cases, and with each special character put for its partner."""
    variants = {text, text.upper(), text.lower(), text.title(), text.swapcase()}
    for plain, special in SPECIAL.items():
        variants |= {text.replace(plain, special), text.upper().replace(plain, special)}
    return variants | {replace_specials(text), replace_specials(text.upper())}


def write_cue_text(phrase):
    """A text a cue phrase matches: its stars and gaps filled in with letters and words."""
    words = []
    for word in phrase.lower().split():  # as compile_cue reads it: "maßnahmen" keeps its ß
        if word == "...":
            words.append("two words")
            continue
        words.append(("läx" if word.startswith("*") else "") + word.strip("*") +
                     ("ande" if word.endswith("*") else ""))
    return " ".join(words)


def list_phrases():
    """The cue phrases of every language file, in the order load_cues compiles them."""
    return [phrase for _, language in sorted(load_lexicon().languages.items())
            for _, phrases in sorted(language.prose_cues.items()) for phrase in phrases]


def read_seed_sentences():
    """The sentences of the seed inbox and the test pages."""
    texts = []
    paths = sorted((ROOT / "raw").glob("*.txt")) + sorted((ROOT / "tests/data").glob("*.txt"))
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        texts += [text[s.start:s.end] for s in list_sentences(text, [(0, len(text))], "xx")]
    return sorted(set(texts))


@pytest.fixture(scope="module")
def cue_texts():
    """Every cue phrase written as a text inside a sentence, also in upper case and with the
    special characters."""
    texts = set()
    for phrase in set(list_phrases()):
        text = write_cue_text(phrase)
        for variant in (text, text.upper(), replace_specials(text), replace_specials(text.upper())):
            texts.add(f"Det, {variant} och så vidare.")
    return sorted(texts)


@pytest.fixture(scope="module")
def seed_texts():
    """The seed sentences, also with the special characters."""
    texts = set()
    for text in read_seed_sentences():
        texts |= {text, replace_specials(text)}
    return sorted(texts)


def match_every_cue(text):
    """Every cue tried on the text: each that matches, with its matches."""
    found = [(cue, list(cue.pattern.finditer(text))) for cue in load_cues()]
    return [(cue, matches) for cue, matches in found if matches]


def classify_by_every_cue(found):
    """classify_sentence as it was, from every cue's matches: the earliest, longest cue."""
    ranks = [(m[0].start(), -(m[0].end() - m[0].start()), cue.field)
             for cue, m in found if not cue.phrase]
    return (min(ranks)[2], min(ranks)[0]) if ranks else (None, 0)


def find_phrases_by_every_cue(found, field):
    """phrase_matches as it was, from every cue's matches: the field's phrase cues."""
    hits = {(m.start(), m.end(), cue.preposition) for cue, matches in found
            if cue.phrase and cue.field == field and not cue.end for m in matches}
    return sorted(hits, key=lambda hit: (hit[0], -hit[1], hit[2]))


def assert_fast_paths_are_as_by_every_cue(text):
    """Every cue that matches is kept for the text, and the text is classified as by every cue."""
    found = match_every_cue(text)
    kept = {id(cue) for kind in KINDS for cue in matching_cues(text, kind)}
    assert not [cue.pattern for cue, _ in found if id(cue) not in kept], text
    assert classify_sentence(text) == classify_by_every_cue(found), text
    for field in ("purpose", "target_group"):
        assert phrase_matches(text, field) == find_phrases_by_every_cue(found, field), text


def test_every_cue_is_kept_for_its_own_text_in_every_variant():
    cues, phrases = load_cues(), list_phrases()
    assert len(cues) == len(phrases)
    special_matches = 0
    for cue, phrase in zip(cues, phrases):
        assert cue.pattern == compile_cue(phrase)
        text = write_cue_text(phrase)
        assert cue.pattern.search(text), phrase
        for variant in make_variants(text):
            if cue.pattern.search(variant):
                assert cue in matching_cues(variant, cue.kind, cue.field), (phrase, variant)
                special_matches += variant.lower() != text.lower()
    assert special_matches > 1500  # the special characters do match, and are kept


def test_texts_of_every_cue_phrase_are_classified_as_by_every_cue(cue_texts):
    assert len(cue_texts) > 2000
    assert sum(classify_sentence(text)[0] is not None for text in cue_texts) > 1000
    assert sum(bool(phrase_matches(text, "target_group")) for text in cue_texts) > 100
    for text in cue_texts:
        assert_fast_paths_are_as_by_every_cue(text)


def test_seed_sentences_are_classified_as_by_every_cue(seed_texts):
    assert len(seed_texts) > 500
    assert sum(classify_sentence(text)[0] is not None for text in seed_texts) > 100
    for text in seed_texts:
        assert_fast_paths_are_as_by_every_cue(text)


@pytest.mark.parametrize("text, plain", [
    ("SYFTET", "syftet"), ("ſyftet", "syftet"), ("İNTEGRATİON", "integration"),
    ("ıntegration", "integration"), ("\u212aVINNOR", "kvinnor"), ("Målgruppen", "målgruppen"),
])
def test_fold_case_folds_as_a_case_insensitive_regex(text, plain):
    assert fold_case(text) == fold_case(plain)
    assert len(fold_case(text)) == len(text)
    assert re.fullmatch(re.escape(plain), text, re.IGNORECASE)


def test_fold_case_keeps_a_sharp_s_one_character_as_a_regex_does():
    assert fold_case("ẞ") == fold_case("ß") != fold_case("ss")
    assert not re.fullmatch("ss", "ß", re.IGNORECASE)


def test_every_character_a_fragment_letter_matches_folds_alike():
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    letters = {char for cue in load_cues() for char in cue.fragment}
    letters |= set("abcdefghijklmnopqrstuvwxyzµß")
    for letter in sorted(letters):
        for match in re.finditer(re.escape(letter), everything, re.IGNORECASE):
            assert fold_case(match.group()) == fold_case(letter), (letter, match.group())


def test_a_prose_span_read_twice_gives_the_same_sentences():
    text = "Syftet är att hjälpa. Vi erbjuder läxhjälp i 2023. Oslo kommer sedan."
    first = list_sentences(text, [(0, len(text))], "sv")
    assert list_sentences(text, [(0, len(text))], "sv") == first
    assert [text[s.start:s.end] for s in first] == [
        "Syftet är att hjälpa.", "Vi erbjuder läxhjälp i 2023.", "Oslo kommer sedan."]
