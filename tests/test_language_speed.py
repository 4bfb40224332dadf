"""The fast langdetect path gives langdetect's own answer, float for float.

The reference is langdetect itself: a detector from the same seeded factory, run with
`Detector.get_probabilities()`. Texts: the seed inbox and the test pages, whole and split into
paragraphs, lines and sentences, and random strings over many scripts.
"""

import random
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from langdetect.lang_detect_exception import LangDetectException

from pipeline.enrich import langdetect_fast
from pipeline.enrich.langdetect_fast import (Draws, WordStream, clean_text, extract_ngram_rows,
                                             run_trials, sort_probabilities)
from pipeline.enrich.language import langdetect_probabilities, load_detector, load_model
from pipeline.lexicon import load_lexicon

ROOT = Path(__file__).parent.parent
ALPHABET = ("abcdefghijklmnopqrstuvwxyzåäöæøéüßñçABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖÆØÉ"
            "абвгдежзийклмнопрстуфхцчшщыэюяАБВГД αβγδεζΑΒΓ ابتثجحخ 中文日本語かなカナ한국어"
            "0123456789   ..,;:!?-'\"()\n\t\u00a0\u2013\u0301\u0300ăâđêôơư\u1ea0\u1ec3Șșț")
EDGE_CASES = ["", " ", "a", "A", "AB", "ABC abc", "ö", "Ö", "ÖÄ", "аб", "中", "I", "é",
              "Привет всем друзьям ok", "see https://example.org/a?b=c or mail me@example.com",
              "a" * 12_000, "Målgruppen är nyanlända. " * 500, "ÅÄÖ ÅÄÖ ÅÄÖ"]


def split_text(text: str) -> list[str]:
    """A text whole and cut into paragraphs, lines and sentences."""
    parts = [text] + re.split(r"\n\s*\n", text) + text.splitlines()
    parts += re.split(r"(?<=[.!?])\s+", text)
    return [part for part in parts if part.strip()]


def sample_texts() -> list[str]:
    """The distinct texts compared: inbox and test pages, random strings, edge cases."""
    paths = sorted((ROOT / "raw").glob("*.txt")) + sorted((ROOT / "tests" / "data").rglob("*.txt"))
    parts = [part for path in paths for part in split_text(path.read_text(encoding="utf-8"))]
    texts = list(dict.fromkeys(parts))[::2]  # every other one keeps the test to a few seconds
    rng = random.Random(7)
    for _ in range(200):
        size = rng.choice([1, 2, 3, 5, 8, 20, 60, 150])
        texts.append("".join(rng.choice(ALPHABET) for _ in range(size)))
    return list(dict.fromkeys(texts + EDGE_CASES))


def reference(text: str):
    """langdetect's own detector on the text: (cleaned text, n-grams, langprob, answer)."""
    detector = load_detector(load_lexicon()).create()
    detector.append(text)
    try:
        answer = [(item.lang, item.prob) for item in detector.get_probabilities()]
    except LangDetectException:  # no n-grams
        answer = None
    return detector.text, detector._extract_ngrams(), detector.langprob, answer


def test_fast_path_gives_langdetects_probabilities_bit_for_bit():
    lexicon = load_lexicon()
    model = load_model(lexicon)
    texts = sample_texts()
    assert len(texts) > 600
    for text in texts:
        cleaned, ngrams, langprob, answer = reference(text)
        assert clean_text(text, model.probe.max_text_length) == cleaned, text
        rows = extract_ngram_rows(cleaned, model)
        assert [model.grams[row] for row in rows] == ngrams, text
        if not rows:
            assert answer is None
            continue
        found = run_trials(model, np.array(rows, dtype=np.intp))
        assert found == langprob, text  # every float equal, not approximately
        assert [(item.lang, item.prob) for item in sort_probabilities(model, found)] == answer


def test_probabilities_on_lexicon_codes_are_langdetects():
    lexicon = load_lexicon()
    for text in sample_texts()[::5]:
        answer = reference(text)[3] or []
        expected: dict[str, float] = {}
        for lang, prob in answer:
            code = lexicon.resolve(lang) or lang
            expected[code] = expected.get(code, 0.0) + prob
        found = langdetect_probabilities(text)
        assert found == expected and list(found) == list(expected), text


@pytest.mark.parametrize("n", [1, 2, 3, 5, 7, 8, 9, 255, 256, 257, 1000, 30_000])
def test_draws_read_the_stream_as_random_gauss_and_choice_would(n, monkeypatch):
    monkeypatch.setattr(langdetect_fast, "STREAM_CHUNK", 64)  # the stream grows many times
    generator = random.Random(0)
    draws = Draws(WordStream(0), n)
    for used in (1, 6, 501, 1001, 11, 3, 1):  # trials of different lengths
        assert draws.gauss() == generator.gauss(0.0, 1.0)
        expected = [generator.choice(range(n)) for _ in range(used)]
        assert draws.choices(used).tolist() == expected
        draws.settle(used)
    assert draws.random() == generator.random()  # and it is left where random would be


def test_words_are_cut_into_ngrams_the_same_wherever_they_stand():
    model = load_model(load_lexicon())
    alone = [extract_ngram_rows(word, model) for word in ("Målgruppen ", "är ", "NYANLÄNDA")]
    assert extract_ngram_rows("Målgruppen är NYANLÄNDA", model) == sum(alone, [])


def test_threads_sharing_the_model_get_the_same_answers():
    model = load_model(load_lexicon())
    texts = sample_texts()[::4]
    prepared = [np.array(extract_ngram_rows(clean_text(text, 10_000), model), dtype=np.intp)
                for text in texts]
    prepared = [rows for rows in prepared if len(rows)]
    alone = [run_trials(model, rows) for rows in prepared]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(lambda rows: run_trials(model, rows), prepared)) == alone
