"""`praxis evaluate-translation`: chrF on the reference sentences for the installed pairs."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from pipeline.cli_models import REFERENCE_TSV, evaluate_translation, read_reference, score_reference
from tests.translate.helpers import CountingTranslator


def test_reference_set_covers_the_four_source_languages():
    rows = read_reference(REFERENCE_TSV)

    assert {lang: len(items) for lang, items in rows.items()} == {"sv": 10, "da": 10,
                                                                  "nb": 10, "fi": 10}
    assert all(source and reference for items in rows.values() for source, reference in items)


def test_score_reference_scores_installed_pairs_and_skips_the_rest(argos_translator):
    rows = {"sv": [("Projektet startade år 2016.", "The project started in 2016.")],
            "fi": [("Kuka hyötyy tästä?", "Who benefits from this?")]}
    translator = CountingTranslator(argos_translator)

    scores = {score.lang: score for score in score_reference(rows, translator)}

    assert scores["sv"].chrf == 100.0 and scores["sv"].package == "translate-sv_en"
    assert scores["fi"].chrf is None and scores["fi"].sentences == 1
    assert translator.calls == 1


def test_evaluate_translation_command_prints_a_score_per_language(models_dir):
    app = typer.Typer()
    app.command()(evaluate_translation)

    result = CliRunner().invoke(app, ["--models-dir", str(models_dir), "--beam-size", "1"])

    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines()}
    assert "chrF" in lines["sv"] and "chrF" in lines["da"]
    assert "no fi→en package installed" in lines["fi"]
    assert "no nb→en package installed" in lines["nb"]
