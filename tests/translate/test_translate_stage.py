"""The translation stage as a pure task: the loop looks up the cache, the task returns entries."""

from __future__ import annotations

import pickle

from pipeline.enrich.translate import plan_translation, translate_initiatives, translate_planned
from pipeline.enrich.translation_cache import TranslationCache, TranslationMemory
from tests.translate.helpers import CountingTranslator, make_initiative
from tests.translate.tiny_corpus import DA_EN, SV_EN

SECTIONS = {"purpose": (SV_EN[0][0] + " " + SV_EN[1][0], "sv"),
            "description": (DA_EN[0][0], "da")}


def test_planned_translation_writes_only_into_its_memory(argos_translator, tmp_path):
    initiative = make_initiative("sv", **SECTIONS)
    with TranslationCache(tmp_path / "cache.sqlite3") as cache:
        plan = plan_translation([initiative], argos_translator)
        memory = cache.recall(plan.keys, plan.languages)
        stats = translate_planned([initiative], plan, argos_translator, memory)
        assert cache.count() == 0  # the task touched no database
        assert len(memory.fresh.translations) == stats.sentences_translated == 3
        cache.save(memory.fresh)
        assert cache.count() == 3
    assert initiative.purpose.text_en == f"{SV_EN[0][1]} {SV_EN[1][1]}"


def test_recalled_memory_holds_every_translation_the_task_looks_up(argos_translator, tmp_path):
    first, second = make_initiative("sv", **SECTIONS), make_initiative("sv", **SECTIONS)
    counting = CountingTranslator(argos_translator)
    with TranslationCache(tmp_path / "cache.sqlite3") as cache:
        translate_initiatives([first], argos_translator, cache)
        plan = plan_translation([second], counting)
        memory = cache.recall(plan.keys, plan.languages)
    stats = translate_planned([second], plan, counting, memory)  # the database is closed
    assert (counting.calls, stats.cache_hits, stats.model_calls) == (0, 3, 0)
    assert not memory.fresh
    assert second.model_dump() == first.model_dump()


def test_plan_and_memory_survive_pickling_as_a_worker_receives_them(argos_translator, tmp_path):
    initiative = make_initiative("da", description=(DA_EN[1][0], "da"))
    plan = plan_translation([initiative], argos_translator)
    memory = TranslationMemory()
    shipped_plan, shipped_memory = pickle.loads(pickle.dumps((plan, memory)))
    copy = initiative.model_copy(deep=True)
    translate_planned([copy], shipped_plan, argos_translator, shipped_memory)
    translate_planned([initiative], plan, argos_translator, memory)
    assert copy.description.text_en == initiative.description.text_en == DA_EN[1][1]
    assert shipped_memory.fresh.translations == memory.fresh.translations
