"""Outcomes as numbers: figures, units, kinds and counted nouns across five languages."""

from collections import Counter
from pathlib import Path

import pytest
import yaml

from pipeline.models import Initiative, Source, TextField
from pipeline.extract.outcomes import find_outcomes, parse_number, record_outcomes

CASES = yaml.safe_load((Path(__file__).parent / "data" / "outcomes.yaml").read_text("utf-8"))


def key(value: float, unit: str, kind: str) -> tuple:
    return (round(float(value), 2), unit, kind)


def score_cases() -> dict:
    """Count true, false and missed figures over the sentence set, and what/year agreement."""
    tp = fp = fn = 0
    detail_hits = detail_total = 0
    misses = []
    for case in CASES:
        found = find_outcomes(case["text"], case["lang"])
        predicted = Counter(key(o.value, o.unit, o.kind) for o in found)
        expected = Counter(key(e["value"], e["unit"], e["kind"]) for e in case["expect"])
        hits = predicted & expected
        tp += sum(hits.values())
        fp += sum((predicted - expected).values())
        fn += sum((expected - predicted).values())
        if predicted != expected:
            misses.append((case["text"], sorted(predicted), sorted(expected)))
        by_key = {key(o.value, o.unit, o.kind): o for o in found}
        for e in case["expect"]:
            outcome = by_key.get(key(e["value"], e["unit"], e["kind"]))
            for name in ("what", "year"):
                if name in e and outcome is not None:
                    detail_total += 1
                    detail_hits += getattr(outcome, name) == e[name]
    return {"tp": tp, "fp": fp, "fn": fn, "misses": misses,
            "detail": detail_hits / max(detail_total, 1)}


def test_outcome_sentences_reach_precision_and_recall():
    figures = score_cases()
    precision = figures["tp"] / max(figures["tp"] + figures["fp"], 1)
    recall = figures["tp"] / max(figures["tp"] + figures["fn"], 1)
    print(f"\noutcomes: {len(CASES)} sentences, precision {precision:.3f}, recall {recall:.3f}, "
          f"what/year agreement {figures['detail']:.3f}")
    for miss in figures["misses"]:
        print("  differs:", miss)
    assert len(CASES) >= 60
    assert precision >= 0.95
    assert recall >= 0.90
    assert figures["detail"] >= 0.85


@pytest.mark.parametrize("raw, lang, value", [
    ("25.000", "da", 25000), ("1.125", "da", 1125), ("2,5", "da", 2.5),
    ("3.559.714,12", "da", 3559714.12), ("25.000", "sv", 25000), ("25 000", "sv", 25000),
    ("2,5", "nb", 2.5), ("1 250 000", "fi", 1250000), ("1,000", "en", 1000), ("2.5", "en", 2.5),
    ("412.650,00", "en", 412650), ("1,125.50", "en", 1125.5), ("1.125,5", "sv", 1125.5),
])
def test_numbers_parse_with_the_languages_locale(raw, lang, value):
    from pipeline.extract.outcomes import outcome_cues

    assert parse_number(raw, outcome_cues(lang).number_locales) == pytest.approx(value)


def test_a_figure_too_long_for_a_float_is_no_outcome():
    from pipeline.extract.outcomes import outcome_cues

    assert parse_number("9" * 400, outcome_cues("en").number_locales) is None
    assert find_outcomes(f"We reached {'9' * 400} families.", "en") == []


@pytest.mark.parametrize("lang, text", [
    ("sv", "Projektet startade 2019."), ("da", "Projektet startede i 2019."),
    ("nb", "Prosjektet startet i 2019."), ("fi", "Hanke alkoi vuonna 2019."),
    ("en", "The project started in 2019."),
])
def test_a_year_alone_is_no_outcome(lang, text):
    assert find_outcomes(text, lang) == []


@pytest.mark.parametrize("lang, text, unit", [
    ("sv", "Vi fick 500 kr.", "SEK"), ("da", "Vi fik 500 kr.", "DKK"), ("nb", "Vi fikk 500 kr.", "NOK"),
    ("fi", "Saimme 500 euroa.", "EUR"), ("en", "We received £500.", "GBP"),
])
def test_kr_means_the_currency_of_the_language(lang, text, unit):
    assert [o.unit for o in find_outcomes(text, lang)] == [unit]


def test_outcome_span_points_into_the_document_text():
    doc = "Resultat\nVi nådde 40 familjer. Målet är 80 familjer."
    field = TextField(text=doc[9:], lang="sv", span=(9, len(doc)))
    outcomes = find_outcomes(field)
    assert [(o.value, o.kind) for o in outcomes] == [(40, "achieved"), (80, "target")]
    assert all(doc[o.span[0]:o.span[1]] == o.text for o in outcomes)


def test_record_outcomes_read_results_sections_in_their_own_language():
    source = Source(file="a.txt", sha256="0", format="txt", segment="0", span=(0, 26))
    record = Initiative(id="ini_a", language="sv", source=source, evaluation=TextField(
        text="Vi forventer 30 deltagere.", lang="da", span=(0, 26)))
    outcomes = record_outcomes(record)
    assert [(o.value, o.kind, o.field) for o in outcomes] == [(30, "expected", "evaluation")]


@pytest.mark.parametrize("lang", ["sv", "da", "nb", "nn", "fi", "en"])
def test_every_language_file_defines_the_outcome_cues(lexicon, lang):
    cues = lexicon.languages[lang].outcomes
    assert set(type(cues).model_fields) == set(type(lexicon.languages["sv"].outcomes).model_fields)
    assert cues.number_locales and cues.number_words and cues.target_cues and cues.count_nouns


@pytest.mark.parametrize("lang, text", [
    ("sv", "Budget2 500 000 kr"), ("da", "Tilskud3 400 000 kr."), ("en", "Grant5 250 000 EUR"),
])
def test_a_spaced_number_glued_to_a_word_is_not_guessed(lang, text):
    assert find_outcomes(text, lang) == []
