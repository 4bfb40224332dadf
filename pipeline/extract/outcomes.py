"""Find the figures a record's results sections state: how many, of what, reached or aimed at.

"620 personer totalt deltog", "75% av deltagarna", "I 2018 kontaktede 1.125 personer",
"3.559.714,12 €": numbers are read with Babel's locale data for the section's language,
units (percent, currency, count), counted nouns and kind cues come from the lexicon.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from babel.numbers import NumberFormatError, get_decimal_symbol, get_group_symbol, parse_decimal

from pipeline.csvsafe import open_csv
from pipeline.lexicon import OutcomeCues, load_lexicon
from pipeline.models import Initiative, Issue, Outcome, TextField
from pipeline.enrich.sentences import split_sentences

# Sections whose figures are outcomes; purpose holds many targets ("målet är att 50 …").
OUTCOME_FIELDS = ("expected_results", "evaluation", "impact", "description", "purpose")
FALLBACK_LANGUAGE = "en"
NUMBER = re.compile(r"(?<![\w.,/+-])(\d{1,3}(?:[ \u00a0.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
                    r"(?![\w]|[.,]\d)")
RANGE_TAIL = re.compile(r"\s*[-–]\s*(\d[\d .,\u00a0]*\d|\d)")
WORD = re.compile(r"\s*(%|€|\$|£|[^\W\d_][\w'’-]*\.?)")
SPACED = re.compile(r"\d[ \u00a0]\d")
GLUED_DIGIT = re.compile(r"\d[ \u00a0]$")
YEAR = re.compile(r"(?<![\w.,-])(19[5-9]\d|20[0-9]\d)(?![\w]|[.,]\d)")
DIGIT = re.compile(r"\d")
LETTERS = re.compile(r"[^\W\d_]+")
MAX_WHAT_WORDS = 3
COMPOUND_HEAD = 5  # stems this long are matched inside compounds too


@dataclass(frozen=True)
class Figure:
    """A number found in a sentence, before it is judged an outcome."""

    value: float
    upper: float | None
    start: int  # offsets in the sentence
    end: int
    raw: str


def find_outcomes(field: TextField | str, lang: str | None = None,
                  span_offset: int | None = 0, section: str | None = None) -> list[Outcome]:
    """Return the outcomes stated in one text field (or a plain text) in one language."""
    text = field.text if isinstance(field, TextField) else field
    if isinstance(field, TextField):
        lang = lang or field.lang
        span_offset = field.span[0] if field.span else None
    cues = outcome_cues(lang or FALLBACK_LANGUAGE)
    outcomes = []
    for start, end in split_sentences(text, lang or FALLBACK_LANGUAGE):
        sentence = text[start:end]
        offset = None if span_offset is None else span_offset + start
        outcomes += read_sentence(sentence, cues, offset, section)
    return outcomes


def record_outcomes(record: Initiative) -> list[Outcome]:
    """Return the outcomes of every results-like section of a record, in field order."""
    found = []
    for name in OUTCOME_FIELDS:
        value = getattr(record, name)
        if value is None:
            continue
        try:
            found += find_outcomes(value, value.lang, section=name)
        except Exception as exc:  # noqa: BLE001 - a figure we cannot read must not cost the record
            record.issues.append(Issue(stage="outcomes", code="outcomes_failed", field=name,
                                       message=f"figures not read ({type(exc).__name__}: {exc})"))
    return found


@lru_cache(maxsize=16)
def outcome_cues(lang: str) -> OutcomeCues:
    """The outcome data of a language's lexicon, English for a language without a file."""
    languages = load_lexicon().languages
    return languages.get(lang, languages[FALLBACK_LANGUAGE]).outcomes


# ---- one sentence ------------------------------------------------------------------------

def read_sentence(sentence: str, cues: OutcomeCues, offset: int | None,
                  section: str | None) -> list[Outcome]:
    """Judge every figure of one sentence; keep those with a unit or a counted thing."""
    outcomes = []
    year = stated_year(sentence)
    span = None if offset is None else (offset, offset + len(sentence))
    for figure in find_figures(sentence, cues):
        unit, value, after = read_unit(sentence, figure, cues)
        if unit == "count" and is_not_counted(sentence, figure, after, cues):
            continue
        what = read_what(sentence, after, cues, unit)
        if unit == "count" and (what is None or numbers_the_line(sentence, figure, what)):
            continue
        scale = value / figure.value if figure.value else 1
        outcomes.append(Outcome(
            value=value, upper=figure.upper * scale if figure.upper is not None else None,
            unit=unit, what=what, kind=read_kind(sentence, figure.start, cues, section),
            year=year, field=section, text=sentence, span=span))
    return outcomes


def numbers_the_line(sentence: str, figure: Figure, what: str) -> bool:
    """"3 Bergen kommune …": a number opening a line before a name numbers the line or page."""
    return not sentence[:figure.start].strip() and what[:1].isupper()


def find_figures(sentence: str, cues: OutcomeCues) -> list[Figure]:
    """Numbers in digits (ranges kept as one figure) and small numbers spelled out."""
    figures, skip_until = [], -1
    for match in NUMBER.finditer(sentence):
        if match.start() < skip_until:
            continue
        if SPACED.search(match.group(1)) and GLUED_DIGIT.search(sentence, 0, match.start()):
            continue  # "Budget2 500 000": where the number starts cannot be told
        value = parse_number(match.group(1), cues.number_locales)
        if value is None:
            continue
        end, upper = match.end(), None
        tail = RANGE_TAIL.match(sentence, end)
        if tail and (upper := parse_number(tail.group(1), cues.number_locales)) is not None:
            end = skip_until = tail.end()
        figures.append(Figure(value, upper, match.start(), end, match.group(1)))
    for match in LETTERS.finditer(sentence):
        number = cues.number_words.get(match.group().casefold())
        if number is not None:
            figures.append(Figure(float(number), None, match.start(), match.end(), match.group()))
    return sorted(figures, key=lambda figure: figure.start)


def parse_number(raw: str, locales: list[str]) -> float | None:
    """The number written, or None when no locale reads it or it is too large for a float."""
    value = read_decimal(raw, locales)
    if value is None or not math.isfinite(number := float(value)):
        return None  # hundreds of digits are no outcome figure, and JSON has no infinity
    return number


def read_decimal(raw: str, locales: list[str]) -> Decimal | None:
    """Parse with the first locale whose group and decimal marks are the ones written.

    When a number has both a dot and a comma, the last of them is the decimal mark.
    """
    raw = raw.replace(" ", "\u00a0")
    written = DIGIT.sub("", raw)
    marks = set(written)
    last = written[-1:] if len(marks) > 1 else None
    for locale in locales:
        if last and get_decimal_symbol(locale) != last:
            continue
        if marks <= {get_group_symbol(locale), get_decimal_symbol(locale)}:
            try:
                return parse_decimal(raw, locale=locale, strict=True)
            except NumberFormatError:
                continue
    if last:
        return None
    try:  # a mark no locale expects ("3.5" in Swedish): Babel's lenient reading
        return parse_decimal(raw, locale=locales[0])
    except (NumberFormatError, ValueError):
        return None


def read_unit(sentence: str, figure: Figure, cues: OutcomeCues) -> tuple[str, float, int]:
    """Return (unit, value with any multiplier, offset after the unit words)."""
    value, pos = figure.value, figure.end
    word, word_end = next_word(sentence, pos)
    if lookup(cues.multipliers, word):
        value, pos = value * lookup(cues.multipliers, word), word_end
        word, word_end = next_word(sentence, pos)
    if lookup(dict.fromkeys(cues.percent_words, "percent"), word):
        return "percent", value, word_end
    if lookup(cues.currencies, word):
        return lookup(cues.currencies, word), value, word_end
    before = sentence[:figure.start].rstrip().rsplit(None, 1)
    if before and lookup(cues.currencies, before[-1].casefold()):
        return lookup(cues.currencies, before[-1].casefold()), value, pos
    if before and before[-1][-1:] in cues.currencies:  # "€500"
        return cues.currencies[before[-1][-1:]], value, pos
    return "count", value, pos


def lookup(mapping: dict, word: str | None):
    """A word's entry in a lexicon mapping, with or without its abbreviation dot."""
    if word is None:
        return None
    return mapping.get(word, mapping.get(word.rstrip(".")))


def next_word(sentence: str, pos: int) -> tuple[str | None, int]:
    """The casefolded word (or unit sign) starting at pos, and the offset after it."""
    match = WORD.match(sentence, pos)
    if not match:
        return None, pos
    word = match.group(1).casefold()
    return word, match.end()


def is_not_counted(sentence: str, figure: Figure, after: int, cues: OutcomeCues) -> bool:
    """A year, a date, a duration or an age is not a count of anything."""
    if YEAR.fullmatch(figure.raw):
        return True
    word, _ = next_word(sentence, after)
    months = load_lexicon().all_phrases("months")
    return word is not None and (word.rstrip(".") in cues.non_count_units or
                                 word.rstrip(".") in months)


def read_what(sentence: str, pos: int, cues: OutcomeCues, unit: str) -> str | None:
    """The noun phrase counted: the words after the figure, to a known noun or a stop."""
    words: list[str] = []
    word, end = next_word(sentence, pos)
    while word in cues.skip_words or (unit == "percent" and word in cues.of_words):
        pos = end
        word, end = next_word(sentence, pos)
    while word and len(words) < MAX_WHAT_WORDS:
        original = sentence[end - len(word):end].rstrip(".")
        if word.rstrip(".") in cues.stop_words or word in cues.skip_words:
            break
        if words and original[:1].isupper():
            break
        words.append(original)
        if sentence[end:end + 1] in ",;:()" or original != sentence[end - len(word):end]:
            break
        pos = end
        word, end = next_word(sentence, pos)
    return trim_to_noun(words, cues)


def trim_to_noun(words: list[str], cues: OutcomeCues) -> str | None:
    """End the phrase at the first run of known counted nouns; None when it names none."""
    known = [names_counted_noun(word, cues) for word in words]
    if not any(known):
        return None
    end = known.index(True)
    # "young people", not "kvinner arbeidspraksis": only a word that starts like a noun extends it
    while end + 1 < len(words) and any(words[end + 1].casefold().startswith(stem)
                                       for stem in cues.count_nouns):
        end += 1
    return " ".join(words[:end + 1])


def names_counted_noun(phrase: str | None, cues: OutcomeCues) -> bool:
    """Whether a word of the phrase is a noun the lexicon knows is counted.

    A long stem also matches as the head of a compound ("inkluderingsprosjekt").
    """
    if not phrase:
        return False
    folded = phrase.casefold()
    return any(word.startswith(stem) or (len(stem) >= COMPOUND_HEAD and stem in word)
               for stem in cues.count_nouns for word in folded.split()) or any(
        " " in stem and stem in folded for stem in cues.count_nouns)


def read_kind(sentence: str, pos: int, cues: OutcomeCues, section: str | None) -> str:
    """Target, expected or achieved: the nearest cue before the figure, else after it."""
    found = []
    folded = sentence.casefold()
    for kind, phrases in (("target", cues.target_cues), ("expected", cues.expected_cues),
                          ("achieved", cues.achieved_cues)):
        for phrase in phrases:
            for match in cue_pattern(phrase).finditer(folded):
                found.append((match.start(), kind))
    before = [cue for cue in found if cue[0] < pos]
    if before:
        return max(before)[1] if not any(k == "target" for _, k in before) else "target"
    if found:
        return min(found)[1]
    return "expected" if section == "expected_results" else "achieved"


@lru_cache(maxsize=1024)
def cue_pattern(phrase: str) -> re.Pattern[str]:
    """A kind cue as a whole word or phrase of a folded sentence."""
    return re.compile(rf"(?<!\w){re.escape(phrase.casefold())}(?!\w)")


def stated_year(sentence: str) -> int | None:
    """The year a sentence dates its figures to, when it names exactly one."""
    years = sorted({int(match.group(1)) for match in YEAR.finditer(sentence)})
    return years[0] if len(years) == 1 else None



# ---- the flat outcomes table of a release --------------------------------------------------

OUTCOME_SCHEMA = pa.schema([
    ("initiative_id", pa.string()), ("position", pa.int64()), ("value", pa.float64()),
    ("upper", pa.float64()), ("unit", pa.string()), ("what", pa.string()),
    ("kind", pa.string()), ("year", pa.int64()), ("field", pa.string()), ("text", pa.string()),
])


def outcome_rows(record: dict) -> list[dict]:
    """One flat row per outcome of a published record."""
    return [{"initiative_id": record["id"], "position": n,
             **{name: outcome.get(name) for name in OUTCOME_SCHEMA.names[2:]}}
            for n, outcome in enumerate(record.get("outcomes") or [])]


class OutcomesTable:
    """outcomes.csv and a typed outcomes.parquet of a release, written as its records pass
    (each batch of records a row group), so no second read of the records is needed."""

    def __init__(self, release: Path):
        self.count = 0
        self._csv_file, self._csv = open_csv(release / "outcomes.csv", OUTCOME_SCHEMA.names)
        try:
            self._parquet = pq.ParquetWriter(release / "outcomes.parquet", OUTCOME_SCHEMA)
        except BaseException:
            self._csv_file.close()
            raise

    def add(self, records: list[dict]) -> None:
        """Add the outcomes of a batch of published records (as their JSON reads)."""
        if not records:
            return
        rows = [row for record in records for row in outcome_rows(record)]
        self._csv.writerows(rows)
        self._parquet.write_table(pa.Table.from_pylist(rows, schema=OUTCOME_SCHEMA))
        self.count += len(rows)

    def close(self) -> int:
        """Close both files; return the number of outcomes written."""
        try:
            self._parquet.close()
        finally:
            self._csv_file.close()
        return self.count

