"""langdetect's probabilities for a text, bit for bit, computed faster.

langdetect (`Detector.get_probabilities`) cleans the text, extracts its known n-grams, then runs
seven trials that multiply per-language probabilities by those of n-grams drawn at random until
one language passes 0.99999. Here the same steps give the same floats, done faster:

- the text is cleaned with regular expressions instead of character loops;
- n-grams are looked up per word: langdetect's state machine starts afresh after every space,
  so a word's n-grams (with its trailing space) are the same wherever it stands, and are cached;
- langdetect reseeds its generator for every text, so all texts read one stream of the
  Mersenne Twister's 32-bit words: it is made once, and each trial's draws are taken from it in
  bulk, word for word as `random.gauss` and `random.choice` would take them one by one;
- the probabilities are float64 vectors: numpy's elementwise add, multiply and divide are the
  same IEEE operations as Python's, and the sums stay Python's left-to-right `sum`.
"""

from __future__ import annotations

import math
import random
import re
import threading
from dataclasses import dataclass, field
from itertools import chain

import numpy as np
from langdetect.detector import Detector
from langdetect.detector_factory import DetectorFactory
from langdetect.language import Language
from langdetect.utils.ngram import NGram

# Words whose n-grams are kept; cleared when full, so memory stays bounded.
WORD_CACHE_ENTRIES = 200_000
# Steps a trial is first given draws for (most converge before), and how that grows.
FIRST_STEPS = 126
GROWTH = 4
# While the last leader's normalised share is this many times (1 - threshold), no other
# language can pass the threshold (the shares add up to 1 give or take a few ulps), so the
# largest share is sought only when the leader's falls below it.
LEADER_MARGIN = 100
SPACE_RUN = re.compile(" {2,}")
LATIN = re.compile("[A-z]")             # langdetect's `'A' <= ch <= 'z'`
NON_LATIN = re.compile("[^\x00-\u02ff]")  # its `ch >= '\u0300'` (its block test never excludes)
WORD_BITS = 32                          # `getrandbits(k)` for k <= 32 takes one 32-bit word
STREAM_CHUNK = 1 << 16                  # words the shared stream grows by at least


@dataclass(eq=False)
class NgramModel:
    """A factory's profiles as arrays: one row of per-language probabilities per known n-gram."""

    probe: Detector            # a fresh detector: langdetect's settings and its sort
    grams: list[str]           # row -> n-gram
    rows: dict[str, int]       # n-gram -> row
    matrix: np.ndarray         # float64, one row per n-gram, one column per language
    stream: WordStream         # the seeded generator's words
    word_rows: dict[str, tuple[int, ...]] = field(default_factory=dict)


def build_model(factory: DetectorFactory) -> NgramModel:
    """Index a loaded, seeded factory's n-grams and stack their probabilities into one matrix."""
    if factory.seed is None:  # unseeded, langdetect draws a new stream for every text
        raise ValueError("langdetect_fast needs a seeded factory")
    table = factory.word_lang_prob_map
    grams = list(table)
    matrix = np.array([table[gram] for gram in grams], dtype=np.float64)
    return NgramModel(factory.create(), grams, {gram: i for i, gram in enumerate(grams)}, matrix,
                      WordStream(factory.seed))


def clean_text(text: str, max_length: int) -> str:
    """The text `Detector.append` then `Detector.cleaning_text` leave for a fresh detector."""
    if "http" in text:  # no link without it: skip the scan
        text = Detector.URL_RE.sub(" ", text)
    if "@" in text:  # nor an e-mail address without an @
        text = Detector.MAIL_RE.sub(" ", text)
    text = NGram.normalize_vi(text)
    text = SPACE_RUN.sub(" ", text[:max_length])  # append keeps one space of each run
    # Latin letters are dropped from a text mostly in another script (none without it)
    if NON_LATIN.search(text) and len(LATIN.findall(text)) * 2 < len(NON_LATIN.findall(text)):
        text = LATIN.sub("", text)
    return text


class NormalChars(dict):
    """langdetect's per-character normalisation as a `str.translate` table, filled on demand."""

    def __missing__(self, code: int) -> str:
        self[code] = NGram.normalize(chr(code))
        return self[code]


NORMAL_CHARS = NormalChars()


def extract_ngram_rows(text: str, model: NgramModel) -> list[int]:
    """The rows of the n-grams langdetect's `_extract_ngrams` returns for a cleaned text.

    Its state machine resets at every space (after normalisation), so the text is split on
    spaces and each word's n-grams, taken with the space after it, are computed once.
    """
    words = text.translate(NORMAL_CHARS).split(" ")
    last = words.pop()  # the one word with no space after it
    cache = model.word_rows
    hits = list(map(cache.get, words))
    if None in hits:
        missing = {word for word, hit in zip(words, hits) if hit is None}
        fresh = {word: chunk_rows(word + " ", model.rows) for word in missing}
        if len(cache) + len(fresh) > WORD_CACHE_ENTRIES:
            cache.clear()
        cache.update(fresh)
        hits = [fresh[word] if hit is None else hit for word, hit in zip(words, hits)]
    found = list(chain.from_iterable(hits))
    found.extend(chunk_rows(last, model.rows))
    return found


def chunk_rows(chunk: str, rows: dict[str, int]) -> tuple[int, ...]:
    """The n-gram rows of one normalised word (and its trailing space), from a fresh state.

    The same state machine as `NGram.add_char` (a window of up to three characters, reset at
    a space, no n-grams inside upper-case words) with `_extract_ngrams`'s look-ups.
    """
    found: list[int] = []
    grams, capital = " ", False
    for ch in chunk:
        last = grams[-1]
        if last == " ":
            grams, capital = " ", False
            if ch == " ":
                continue
        elif len(grams) >= 3:
            grams = grams[1:]
        grams += ch
        if ch.isupper():
            if last.isupper():
                capital = True
        else:
            capital = False
        if capital:
            continue
        if ch != " " and ch in rows:
            found.append(rows[ch])
        if len(grams) >= 2:
            if grams[-2:] in rows:
                found.append(rows[grams[-2:]])
            if len(grams) == 3 and grams in rows:
                found.append(rows[grams])
    return tuple(found)


class WordStream:
    """The 32-bit words of the Mersenne Twister `random.Random(seed)`, from the start, in order.

    langdetect reseeds its generator for every text, so every text reads this same stream from
    its start: it is drawn once, as an array, and extended when a text reads past its end.
    """

    def __init__(self, seed: int | None):
        self.rng = random.Random(seed)
        self.words = np.empty(0, dtype="<u4")
        self.lock = threading.Lock()

    def upto(self, end: int) -> np.ndarray:
        """The stream, at least its first `end` words."""
        words = self.words
        if len(words) < end:
            with self.lock:
                missing = end - len(self.words)
                if missing > 0:
                    size = max(missing, STREAM_CHUNK)
                    bits = self.rng.getrandbits(WORD_BITS * size).to_bytes(4 * size, "little")
                    self.words = np.concatenate((self.words, np.frombuffer(bits, dtype="<u4")))
                words = self.words
        return words


class Draws:
    """One text's reading of the stream: `random.Random`'s `gauss` and `choice`, word for word.

    `getrandbits(32 * m)` returns m words, the first in the lowest bits, so the stream holds
    the words in the order the generator makes them. `random()` takes two words; `gauss` two
    `random()` every other call (it keeps the second value of the pair); `choice(seq)` is
    `seq[_randbelow(n)]`, which with k = n.bit_length() takes the top k bits of one word, and
    another word while the value is not below n.
    """

    def __init__(self, stream: WordStream, n: int):
        if not 0 < n < 2 ** WORD_BITS:
            raise ValueError(f"cannot choose among {n} items")
        self.stream, self.n = stream, n
        self.shift = WORD_BITS - n.bit_length()
        self.position = 0          # words read so far
        self.gauss_next: float | None = None
        self.ends = np.empty(0, dtype=np.intp)  # the word each choice read ended on

    def random(self) -> float:
        """`random.random()`: 53 bits from two words."""
        words = self.stream.upto(self.position + 2)
        a, b = int(words[self.position]) >> 5, int(words[self.position + 1]) >> 6
        self.position += 2
        return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0)

    def gauss(self) -> float:
        """`random.gauss(0.0, 1.0)`, the same arithmetic."""
        z, self.gauss_next = self.gauss_next, None
        if z is None:
            x2pi = self.random() * math.tau
            g2rad = math.sqrt(-2.0 * math.log(1.0 - self.random()))
            z = math.cos(x2pi) * g2rad
            self.gauss_next = math.sin(x2pi) * g2rad
        return 0.0 + z * 1.0

    def choices(self, count: int) -> np.ndarray:
        """The next `count` values of `_randbelow(n)`, read without moving on (see `settle`)."""
        size = count * (1 << (WORD_BITS - self.shift)) // self.n + 16  # expected words, and some
        while True:
            words = self.stream.upto(self.position + size)[self.position:self.position + size]
            tops = words >> self.shift
            ends = np.flatnonzero(tops < self.n)
            if len(ends) >= count:
                self.ends = ends
                return tops[ends[:count]]
            size *= 2

    def settle(self, used: int) -> None:
        """Move past the words the first `used` choices took."""
        self.position += int(self.ends[used - 1]) + 1


def run_trials(model: NgramModel, ngram_rows: np.ndarray) -> list[float]:
    """langdetect's `_detect_block` sampling on the rows of a text's n-grams.

    The same random draws in the same order and the same floating-point operations on each
    probability, so the figures are bit for bit langdetect's `langprob`.
    """
    probe = model.probe
    size = len(probe.langlist)
    draws = Draws(model.stream, len(ngram_rows))
    start = list(probe.prior_map) if probe.prior_map is not None else [1.0 / size] * size
    totals = [0.0] * size
    for _ in range(probe.n_trial):
        alpha = probe.alpha + draws.gauss() * probe.ALPHA_WIDTH
        prob, used = run_trial(model, ngram_rows, draws, start, alpha / probe.BASE_FREQ)
        draws.settle(used)
        totals = [t + p / probe.n_trial for t, p in zip(totals, prob)]
    return totals


def run_trial(model: NgramModel, ngram_rows: np.ndarray, draws: Draws,
              start: list[float], weight: float) -> tuple[list[float], int]:
    """One trial: the normalised probabilities it ends on, and how many n-grams it drew.

    Row 0 of `factors` holds the probabilities, row s + 1 the factors (weight + p) of step s.
    Each step multiplies; every fifth normalises (Python's `sum`, left to right) and stops on
    convergence or at the limit. The normalised vector is written over the row just used, so
    one reduce over six rows is the five multiplications of the next steps, in their order.
    """
    probe = model.probe
    limit, threshold = probe.ITERATION_LIMIT, probe.CONV_THRESHOLD
    floor = LEADER_MARGIN * (1.0 - threshold)
    last_step = -(-limit // 5) * 5  # the first check at or past the limit
    factors = np.empty((last_step + 2, len(start)))
    factors[0] = start
    filled = fill_factors(model, ngram_rows, draws, factors, weight, 0,
                          min(FIRST_STEPS, last_step + 1))
    divide, multiply = np.divide, np.multiply.reduce
    prob = factors[0] * factors[1]
    step = lead = 0
    while True:
        values = prob.tolist()
        total = sum(values)
        # langdetect stops when the largest normalised share passes the threshold. Dividing by
        # the total keeps the order, so that share is the largest value over the total; and
        # while the last leader keeps a share above the floor no other can pass it.
        share = values[lead] / total
        if share < floor:
            top = max(values)
            lead, share = values.index(top), top / total
        if share > threshold or step >= limit:
            return [p / total for p in values], step + 1
        if filled < step + 6:
            filled = fill_factors(model, ngram_rows, draws, factors, weight, filled,
                                  min(last_step + 1, GROWTH * filled))
        block = factors[step + 1:step + 7]
        divide(prob, total, out=block[0])
        prob = multiply(block, axis=0)
        step += 5


def fill_factors(model: NgramModel, ngram_rows: np.ndarray, draws: Draws, factors: np.ndarray,
                 weight: float, first: int, end: int) -> int:
    """Fill the rows of `factors` for steps first..end-1 (weight + p of the n-gram drawn)."""
    rows = factors[first + 1:end + 1]
    chosen = ngram_rows[draws.choices(end)[first:]]
    # every row is in range: "clip" only spares numpy the buffered copy "raise" makes for `out`
    np.take(model.matrix, chosen, axis=0, out=rows, mode="clip")
    np.add(rows, weight, out=rows)
    return end


def sort_probabilities(model: NgramModel, probabilities: list[float]) -> list[Language]:
    """langdetect's answer from its per-language probabilities: those over 0.1, largest first."""
    return model.probe._sort_probability(probabilities)
