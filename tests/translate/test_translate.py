"""Translation with real (tiny) argos packages: exact output, cache, provenance, missing models."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import warnings

import pytest
from pytest_socket import SocketBlockedError

from pipeline.models import Issue, Translation
from pipeline.enrich.translation_cache import TranslationCache
from pipeline.enrich.translation_engine import ArgosTranslator
from pipeline.enrich.translate import (
    TranslationStats,
    choose_language,
    resolve_source,
    translate_initiatives,
)
from tests.translate.helpers import GREEDY, CountingTranslator, make_initiative
from tests.translate.tiny_corpus import DA_EN, SV_EN

SV_PROVENANCE = Translation(engine="argostranslate", package="translate-sv_en", version="0.1")


@pytest.mark.parametrize("lang, pairs", [("sv", SV_EN[:6]), ("da", DA_EN[:6])])
def test_translate_reproduces_trained_sentences_exactly(argos_translator, cache, lang, pairs):
    description = " ".join(source for source, _ in pairs[:3]) + "\n" + pairs[3][0]
    activities = [(source, lang) for source, _ in pairs[4:]]
    initiative = make_initiative(lang, description=(description, lang), activities=activities)

    translate_initiatives([initiative], argos_translator, cache)

    expected = " ".join(target for _, target in pairs[:3]) + "\n" + pairs[3][1]
    assert initiative.description.text_en == expected
    assert [a.text_en for a in initiative.activities] == [target for _, target in pairs[4:]]
    assert initiative.issues == []


def test_translate_fills_title_en_from_the_title_language(argos_translator, cache):
    initiative = make_initiative("sv", title="Språkvänner")

    translate_initiatives([initiative], argos_translator, cache)

    assert initiative.title_en == "Language friends"


def test_translate_reuses_cache_without_model_calls(argos_translator, models_dir, tmp_path):
    sections = {"purpose": (SV_EN[0][0] + " " + SV_EN[1][0], "sv"),
                "description": (DA_EN[0][0], "da")}
    first, second = make_initiative("sv", **sections), make_initiative("sv", **sections)
    cold = CountingTranslator(argos_translator)
    with TranslationCache(tmp_path / "cache.sqlite3") as cache:
        first_stats = translate_initiatives([first], cold, cache)
        assert cache.count() == 3
    warm = CountingTranslator(ArgosTranslator(models_dir, GREEDY))  # as a later process would
    with TranslationCache(tmp_path / "cache.sqlite3") as cache:  # a later run, reopened
        second_stats = translate_initiatives([second], warm, cache)

    assert (cold.calls, cold.sentences) == (2, 3)  # one call per language, not per sentence
    assert (first_stats.model_calls, first_stats.cache_hits) == (2, 0)
    assert (warm.calls, second_stats.model_calls, second_stats.sentences_translated) == (0, 0, 0)
    assert second_stats.cache_hits == 3
    assert second.purpose.text_en == first.purpose.text_en == f"{SV_EN[0][1]} {SV_EN[1][1]}"
    assert second.description.translation == first.description.translation


def test_translate_records_engine_package_and_version(argos_translator, cache):
    initiative = make_initiative("sv", purpose=(SV_EN[2][0], "sv"))

    translate_initiatives([initiative], argos_translator, cache)

    assert initiative.purpose.translation == SV_PROVENANCE
    assert argos_translator.provenance("da").package == "translate-da_en"


def test_translate_leaves_finnish_null_and_flags_missing_model(argos_translator, cache):
    finnish = "Maahanmuuttajat kärsivät syrjinnästä ja kohtaavat esteitä."
    initiative = make_initiative("sv", purpose=(finnish, "fi"), description=(SV_EN[0][0], "sv"))

    stats = translate_initiatives([initiative], argos_translator, cache)
    translate_initiatives([initiative], argos_translator, cache)  # a rerun adds no second flag

    assert initiative.purpose.text_en is None and initiative.purpose.translation is None
    assert initiative.description.text_en == SV_EN[0][1]  # the run went on
    assert initiative.issues == [Issue(stage="translate", code="no_model", field="purpose",
                                       message=initiative.issues[0].message)]
    assert "fi→en" in initiative.issues[0].message
    assert stats.missing_pairs == ["fi→en"]
    assert stats.to_dict()["untranslated_reasons"] == {"no_model": 1}


def test_translate_copies_english_without_calling_a_model(counting_translator, cache):
    text = "Refugees and asylum seekers.\nParents of young children."
    initiative = make_initiative("en", title="Kvinder i Job", target_group=(text, "en"))
    initiative.title_lang = "en"

    stats = translate_initiatives([initiative], counting_translator, cache)

    assert initiative.target_group.text_en == text
    assert initiative.target_group.translation is None
    assert initiative.title_en == "Kvinder i Job"
    assert counting_translator.calls == 0 and stats.fields_english == 2


def test_translate_copies_sentences_without_letters_even_without_a_model(counting_translator,
                                                                         cache):
    initiative = make_initiative("fi", description=("2019–2020\n25.000", "fi"))

    translate_initiatives([initiative], counting_translator, cache)

    assert initiative.description.text_en == "2019–2020\n25.000"
    assert initiative.issues == [] and counting_translator.calls == 0


def test_translate_flags_undetermined_language_without_asking_for_a_model(argos_translator,
                                                                          cache):
    initiative = make_initiative("sv", purpose=("Qwxz brrk.", "und"))

    stats = translate_initiatives([initiative], argos_translator, cache)

    assert initiative.purpose.text_en is None
    assert [issue.code for issue in initiative.issues] == ["undetermined_language"]
    assert stats.missing_pairs == []


def test_translate_mixed_field_uses_each_sentences_own_language(counting_translator, cache):
    english = "The project is run together with the local municipality."
    text = f"{SV_EN[0][0]} {DA_EN[0][0]}\n{english}"
    initiative = make_initiative("sv", description=(text, "sv"))

    translate_initiatives([initiative], counting_translator, cache)

    assert initiative.description.text_en == f"{SV_EN[0][1]} {DA_EN[0][1]}\n{english}"
    assert initiative.description.translation.package == "translate-da_en+translate-sv_en"
    assert counting_translator.calls == 2  # one per language; English never reaches a model


def test_translate_without_translator_flags_every_non_english_field(cache):
    initiative = make_initiative("sv", purpose=(SV_EN[0][0], "sv"),
                                 target_group=("Refugees.", "en"))

    stats = translate_initiatives([initiative], None, cache)

    assert initiative.purpose.text_en is None
    assert initiative.target_group.text_en == "Refugees."
    assert [issue.code for issue in initiative.issues] == ["no_model"]
    assert stats.missing_pairs == ["sv→en"]


class FailingTranslator:
    """A translator whose model is broken."""

    def pairs(self):
        return {("sv", "en")}

    def provenance(self, src):
        return Translation(engine="test", package="broken", version="0")

    def translate_batch(self, sentences, src):
        raise RuntimeError("model.bin is truncated")


def test_translate_records_a_broken_model_instead_of_raising(cache):
    initiative = make_initiative("sv", purpose=(SV_EN[0][0], "sv"))

    stats = translate_initiatives([initiative], FailingTranslator(), cache)

    assert initiative.purpose.text_en is None
    assert initiative.issues[0].code == "translation_failed"
    assert "model.bin is truncated" in initiative.issues[0].message
    assert stats.untranslated_reasons == {"translation_failed": 1}


class NorwegianTranslator:
    """A stand-in engine whose only package is Norwegian under argos's `nb` code."""

    def __init__(self):
        self.sources = []

    def pairs(self):
        return {("nb", "en")}

    def provenance(self, src):
        return Translation(engine="test", package=f"translate-{src}_en", version="1")

    def translate_batch(self, sentences, src):
        self.sources.append(src)
        return [f"EN({sentence})" for sentence in sentences]


@pytest.mark.parametrize("lang", ["nb", "nn", "no"])
def test_translate_maps_norwegian_codes_to_the_installed_package(cache, lang):
    translator = NorwegianTranslator()
    initiative = make_initiative(lang, purpose=("Bra skole.", lang))

    translate_initiatives([initiative], translator, cache)

    assert initiative.purpose.text_en == "EN(Bra skole.)"
    assert translator.sources == ["nb"]


@pytest.mark.parametrize("lang, pairs, expected", [
    ("sv", {("sv", "en")}, "sv"),
    ("en", {("sv", "en")}, None),
    ("fi", {("sv", "en")}, None),
    ("nn", {("no", "en")}, "no"),
    ("no", {("nb", "en"), ("no", "en")}, "no"),
])
def test_resolve_source_finds_the_installed_pair(lang, pairs, expected):
    assert resolve_source(lang, pairs) == expected


@pytest.mark.parametrize("field_lang, detected, expected", [
    ("sv", None, "sv"),
    ("sv", ("da", 0.68), "da"),
    ("sv", ("da", 0.45), "sv"),
    ("nb", ("da", 0.6), "nb"),  # Danish and Norwegian are told apart only when sure
    ("nb", ("da", 0.75), "da"),
    ("nb", ("nn", 0.9), "nb"),
    ("sv", ("it", 0.99), "sv"),  # languages Praxis does not handle keep the field's
])
def test_choose_language_switches_only_when_confident(field_lang, detected, expected):
    assert choose_language(field_lang, detected) == expected


def test_translation_stats_merge_across_batches_and_serialise():
    first = TranslationStats(fields_translated=2, cache_hits=1, model_calls=1)
    first.untranslated_languages.update(["fi"])
    first.untranslated_reasons.update(["no_model"])
    second = TranslationStats(fields_translated=1, fields_untranslated=1)
    second.untranslated_languages.update(["fi", "nb"])
    second.untranslated_reasons.update(["no_model", "no_model"])

    merged = first.merge(second)
    figures = json.loads(json.dumps(merged.to_dict()))

    assert figures["fields_translated"] == 3 and figures["cache_hits"] == 1
    assert figures["untranslated_reasons"] == {"no_model": 3}
    assert figures["missing_pairs"] == ["fi→en", "nb→en"]
    assert TranslationStats.from_dict(figures) == merged


def test_translation_makes_no_network_access(models_dir, cache):
    with pytest.warns(UserWarning, match="socket"), pytest.raises(SocketBlockedError):
        socket.create_connection(("198.51.100.1", 80), timeout=1)  # the guard is on
    initiative = make_initiative("da", description=(DA_EN[5][0], "da"))

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        translator = ArgosTranslator(models_dir, GREEDY)  # loads packages and models afresh
        translate_initiatives([initiative], translator, cache)

    assert initiative.description.text_en == DA_EN[5][1]
    assert [str(w.message) for w in caught if "socket" in str(w.message)] == []  # not even tried


def test_batched_path_matches_argostranslate_own_translate(argos_translator, cache):
    from argostranslate import translate as argos  # imports stanza and torch: only here

    text = " ".join(source for source, _ in SV_EN[6:10])
    initiative = make_initiative("sv", purpose=(text, "sv"))

    translate_initiatives([initiative], argos_translator, cache)

    assert initiative.purpose.text_en == argos.translate(text, "sv", "en")


def test_importing_translate_loads_neither_argos_nor_ctranslate2():
    # torch is not checked: spaCy (thinc) imports it on its own whenever it is installed.
    code = ("import sys, pipeline.enrich.translate; "
            "print(sorted(m for m in ('argostranslate', 'ctranslate2') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
