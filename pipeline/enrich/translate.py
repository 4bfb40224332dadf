"""Translate text fields and titles to English: argostranslate behind a small interface.

Sentences are cut with the pipeline's own splitter (so spans stay known), each sentence is
translated from its own detected language, all sentences of a batch go to CTranslate2 in one
call per language, and every translation is kept in a SQLite cache so a sentence is translated
once, ever. A field whose language has no installed package gets `text_en = None` and an Issue;
the run goes on.

The engine (argos packages, CTranslate2) is `translation_engine.py`; the SQLite cache is
`translation_cache.py`.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

from pipeline.enrich.language import UNDETERMINED, detect_language
from pipeline.lexicon import load_lexicon
from pipeline.models import Initiative, Issue, TextField, Translation
from pipeline.enrich.sentences import split_sentences
from pipeline.enrich.translation_cache import (CacheKey, TranslationCache, TranslationMemory,
                                               normalise_sentence)
from pipeline.enrich.translation_engine import (ENGINE, TARGET, DecodeOptions, Translator,
                                                load_translator)

if TYPE_CHECKING:
    from pipeline.config import Settings

log = logging.getLogger(__name__)

STAGE = "translate"
MIN_DETECT_CHARS = 30  # shorter sentences keep the field's language: detection is noise there
# Measured on the gold seed fields (374 sentences of 30+ chars): at 0.5 a sentence leaves its
# field's language wrongly 3 times, all Danish<->Norwegian, hence the stricter bar between
# languages whose lexicons name each other in `close_languages`.
SWITCH_CONFIDENCE = 0.5
CLOSE_SWITCH_CONFIDENCE = 0.7


def open_translator(settings: Settings) -> Translator | None:
    """Return the translator a run's settings ask for (one per process and settings)."""
    return load_translator(settings.models_dir, DecodeOptions.from_settings(settings))


@dataclass
class TranslationStats:
    """A batch's translation figures for quality.json; batches add up with `merge`."""

    fields_translated: int = 0
    fields_english: int = 0
    fields_untranslated: int = 0
    sentences: int = 0
    sentences_translated: int = 0
    cache_hits: int = 0
    model_calls: int = 0
    untranslated_reasons: Counter = field(default_factory=Counter)
    untranslated_languages: Counter = field(default_factory=Counter)

    @property
    def missing_pairs(self) -> list[str]:
        """Return the pairs some field needed and no installed package has, as `fi→en`."""
        return sorted(f"{lang}→{TARGET}" for lang in self.untranslated_languages)

    def merge(self, other: TranslationStats) -> TranslationStats:
        """Return the sum of two batches' figures."""
        merged = TranslationStats()
        for item in fields(self):
            setattr(merged, item.name, getattr(self, item.name) + getattr(other, item.name))
        return merged

    def to_dict(self) -> dict:
        """Return plain JSON-ready figures (`missing_pairs` as a list of `src→en`)."""
        figures = {item.name: getattr(self, item.name) for item in fields(self)}
        figures["untranslated_reasons"] = dict(self.untranslated_reasons)
        figures["untranslated_languages"] = dict(self.untranslated_languages)
        figures["missing_pairs"] = self.missing_pairs
        return figures

    @classmethod
    def from_dict(cls, figures: dict) -> TranslationStats:
        """Rebuild figures written by `to_dict`."""
        names = {item.name for item in fields(cls)}
        values = {k: (Counter(v) if isinstance(v, dict) else v)
                  for k, v in figures.items() if k in names}
        return cls(**values)


@dataclass
class Segment:
    """One sentence of a field: its span, language and the package source code for it."""

    start: int
    end: int
    sentence: str  # normalised: what the model sees and the cache keys on
    lang: str
    copy: bool = False  # kept as written: English, or nothing to translate (no letters)
    source: str | None = None  # the installed pair's source code; None: copied or no model


@dataclass
class FieldPlan:
    """One field (a text field or the title) cut into sentences."""

    initiative: Initiative
    name: str
    text: str
    lang: str
    target: TextField | None  # None: the initiative's title
    detect: bool = True  # detect each sentence's language (not for titles: too short)
    segments: list[Segment] = field(default_factory=list)


@dataclass
class TranslationPlan:
    """A batch's fields cut into sentences, and what the cache is asked for them.

    `spans` follows `list_fields` over the batch's initiatives in order, so the translation
    step rebuilds its field plans without splitting again. `keys` names, for every sentence,
    each installed package that could translate it (a detected sentence may switch
    language), so the memory the loop fills holds whatever the step will look up.
    """

    spans: list[list[tuple[int, int]]]
    languages: list[tuple[str, str]]  # (sentence, field language) whose language is detected
    keys: list[CacheKey]


def translate_initiatives(initiatives: list[Initiative], translator: Translator | None,
                          cache: TranslationCache | TranslationMemory) -> TranslationStats:
    """Fill `text_en` (with provenance) and `title_en` on every initiative, in one process."""
    plan = plan_translation(initiatives, translator)
    memory = cache.recall(plan.keys, plan.languages) if isinstance(cache, TranslationCache) \
        else cache
    stats = translate_planned(initiatives, plan, translator, memory)
    if isinstance(cache, TranslationCache):
        cache.save(memory.fresh)
    return stats


def plan_translation(initiatives: list[Initiative], translator: Translator | None
                     ) -> TranslationPlan:
    """Cut every field into sentences; list the languages and translations to look up."""
    plans = cut_fields(initiatives)
    languages = sorted(detection_items(plans))
    pairs = translator.pairs() if translator is not None else set()
    installed = sorted(src for src, tgt in pairs if tgt == TARGET)
    detected = set(languages)
    wanted: set[tuple[str, str]] = set()
    for plan in plans:
        for segment in plan.segments:
            if not any(ch.isalpha() for ch in segment.sentence):
                continue
            sources = installed if (segment.sentence, plan.lang) in detected else \
                [resolve_source(plan.lang, pairs)]
            wanted.update((src, segment.sentence) for src in sources if src is not None)
    keys = [cache_key(translator.provenance(src), src, sentence)
            for src, sentence in sorted(wanted)]
    return TranslationPlan([[(s.start, s.end) for s in plan.segments] for plan in plans],
                           languages, keys)


def translate_planned(initiatives: list[Initiative], plan: TranslationPlan,
                      translator: Translator | None, memory: TranslationMemory
                      ) -> TranslationStats:
    """Translate a planned batch from the memory and the model; new entries go to memory."""
    stats = TranslationStats()
    pairs = translator.pairs() if translator is not None else set()
    plans = build_plans(initiatives, plan, pairs, memory)
    translations, failures = fetch_translations(plans, translator, memory, stats)
    for field_plan in plans:
        apply_plan(field_plan, translations, failures, translator, stats)
    return stats


def cut_fields(initiatives: list[Initiative]) -> list[FieldPlan]:
    """Plan every field of the initiatives, cut into sentences."""
    plans = [plan for initiative in initiatives for plan in list_fields(initiative)]
    for plan in plans:
        plan.segments = [
            Segment(start, end, normalise_sentence(plan.text[start:end]), plan.lang)
            for start, end in split_sentences(plan.text, plan.lang)
        ]
    return plans


def detection_items(plans: list[FieldPlan]) -> set[tuple[str, str]]:
    """The (sentence, field language) items whose language is detected: long enough ones."""
    return {(segment.sentence, plan.lang) for plan in plans if plan.detect
            for segment in plan.segments if len(segment.sentence) >= MIN_DETECT_CHARS}


def cache_key(origin: Translation, src: str, sentence: str) -> CacheKey:
    """The cache key of a sentence translated from src by the package `origin` names."""
    return CacheKey(src, TARGET, origin.package or "", origin.version or "", sentence)


def build_plans(initiatives: list[Initiative], planned: TranslationPlan,
                pairs: set[tuple[str, str]], memory: TranslationMemory) -> list[FieldPlan]:
    """Rebuild the field plans from the planned spans; settle each sentence's language."""
    plans = [plan for initiative in initiatives for plan in list_fields(initiative)]
    if len(plans) != len(planned.spans):
        raise ValueError(f"plan has {len(planned.spans)} fields, the records {len(plans)}")
    for plan, spans in zip(plans, planned.spans):
        plan.segments = [Segment(start, end, normalise_sentence(plan.text[start:end]), plan.lang)
                         for start, end in spans]
    settle_languages(plans, memory)
    for segment in (segment for plan in plans for segment in plan.segments):
        segment.copy = segment.lang == TARGET or not any(ch.isalpha() for ch in segment.sentence)
        segment.source = None if segment.copy else resolve_source(segment.lang, pairs)
    return plans


def list_fields(initiative: Initiative) -> list[FieldPlan]:
    """Return a plan for the title and for every text field (activities numbered)."""
    plans = []
    if initiative.title:
        plans.append(FieldPlan(initiative, "title", initiative.title,
                               initiative.title_lang or initiative.language, None, detect=False))
    activity = 0
    for name, text_field in initiative.text_fields():
        if name == "activities":
            name, activity = f"activities[{activity}]", activity + 1
        plans.append(FieldPlan(initiative, name, text_field.text, text_field.lang, text_field))
    return plans


def settle_languages(plans: list[FieldPlan], memory: TranslationMemory) -> None:
    """Give each sentence its own language: detected (and remembered), else its field's."""
    wanted = detection_items(plans)
    known = memory.lookup_languages(wanted)
    fresh = {item: detect_language(*item) for item in wanted - known.keys()}
    if fresh:
        memory.store_languages(fresh)
    known.update(fresh)
    for plan in plans:
        for segment in plan.segments:
            segment.lang = choose_language(plan.lang, known.get((segment.sentence, plan.lang)))


def choose_language(field_lang: str, detected: tuple[str, float] | None) -> str:
    """Keep the field's language unless a sentence is confidently in another one we handle."""
    if detected is None:
        return field_lang
    lexicon = load_lexicon()
    lang, confidence = lexicon.resolve(detected[0]), detected[1]
    field_language = lexicon.get(field_lang)
    close = field_language is not None and lang in field_language.close_languages
    needed = CLOSE_SWITCH_CONFIDENCE if close else SWITCH_CONFIDENCE
    if lang is None or confidence < needed:  # only languages with a lexicon are switched to
        return field_lang
    if field_language is not None and lang in field_language.variants:
        return field_lang  # Bokmål and Nynorsk sentences stay in their field's standard
    return lang


def resolve_source(lang: str, pairs: set[tuple[str, str]]) -> str | None:
    """Return the source code of the installed pair for lang (the lexicon's `translation_model`)."""
    if lang == TARGET:
        return None
    return next((code for code in source_candidates(lang) if (code, TARGET) in pairs), None)


def source_candidates(lang: str) -> tuple[str, ...]:
    """The package source codes that may translate lang, in order (Norwegian's are a family)."""
    language = load_lexicon().get(lang)
    return tuple(dict.fromkeys((lang, *language.translation_model))) if language else (lang,)


def fetch_translations(plans: list[FieldPlan], translator: Translator | None,
                       memory: TranslationMemory, stats: TranslationStats
                       ) -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    """Translate every distinct sentence once: from the cache, else one model call per language."""
    wanted: dict[str, set[str]] = {}
    for segment in (segment for plan in plans for segment in plan.segments):
        if segment.source is not None:
            wanted.setdefault(segment.source, set()).add(segment.sentence)
    translations: dict[tuple[str, str], str] = {}
    failures: dict[str, str] = {}
    for src, sentences in sorted(wanted.items()):
        origin = translator.provenance(src)
        keys = [cache_key(origin, src, sentence) for sentence in sorted(sentences)]
        cached = memory.lookup(keys)
        stats.cache_hits += len(cached)
        translations.update({(src, key.sentence): text for key, text in cached.items()})
        missing = [key for key in keys if key not in cached]
        if not missing:
            continue
        try:
            outputs = translator.translate_batch([key.sentence for key in missing], src)
        except Exception as exc:  # noqa: BLE001 - a broken model must not stop the run
            log.error("translating %d %s sentences failed: %s", len(missing), src, exc)
            failures[src] = f"{type(exc).__name__}: {exc}"
            continue
        if len(outputs) != len(missing):
            raise RuntimeError(f"translator returned {len(outputs)} sentences for {len(missing)}")
        stats.model_calls += 1
        stats.sentences_translated += len(missing)
        fresh = dict(zip(missing, outputs))
        memory.store(fresh)
        translations.update({(src, key.sentence): text for key, text in fresh.items()})
    return translations, failures


def apply_plan(plan: FieldPlan, translations: dict[tuple[str, str], str],
               failures: dict[str, str], translator: Translator | None,
               stats: TranslationStats) -> None:
    """Write the field's English text and provenance, or leave it null with an Issue."""
    stats.sentences += len(plan.segments)
    missing = sorted({s.lang for s in plan.segments if s.source is None and not s.copy})
    failed = sorted({s.source for s in plan.segments if s.source in failures})
    if missing:
        stats.untranslated_languages.update(lang for lang in missing if lang != UNDETERMINED)
        code = "undetermined_language" if missing == [UNDETERMINED] else "no_model"
        leave_untranslated(plan, code, stats, describe_missing(missing, translator))
    elif failed:
        leave_untranslated(plan, "translation_failed", stats, "; ".join(
            f"{src}→{TARGET} failed: {failures[src]}" for src in failed))
    else:
        sources = sorted({s.source for s in plan.segments if s.source is not None})
        origin = combine_provenance([translator.provenance(src) for src in sources])
        stats.fields_translated += bool(sources)
        stats.fields_english += not sources
        write_english(plan, assemble_english(plan, translations), origin)


def describe_missing(langs: list[str], translator: Translator | None) -> str:
    """Say which models a field lacks and how to get them."""
    if langs == [UNDETERMINED]:
        return "the text's language could not be determined, so no model could translate it"
    pairs = ", ".join(f"{lang}→{TARGET}" for lang in langs)
    if translator is None:
        return f"no translation engine: argostranslate could not be loaded (needed: {pairs})"
    return (f"no translation model for {pairs} is installed: "
            + ", ".join(f"`praxis models download {lang}`" for lang in langs)
            + " or `praxis models install FILE.argosmodel`")


def assemble_english(plan: FieldPlan, translations: dict[tuple[str, str], str]) -> str:
    """Put translated sentences back between the original gaps (line breaks kept)."""
    parts, cursor = [], 0
    for segment in plan.segments:
        parts.append(plan.text[cursor:segment.start])
        if segment.copy:
            parts.append(plan.text[segment.start:segment.end])
        else:
            parts.append(translations[(segment.source, segment.sentence)])
        cursor = segment.end
    parts.append(plan.text[cursor:])
    return "".join(parts)


def combine_provenance(origins: list[Translation]) -> Translation | None:
    """Return one provenance for a field; a mixed field names every package used."""
    if not origins:
        return None
    if len(origins) == 1:
        return origins[0]
    return Translation(engine=ENGINE, package="+".join(o.package or "?" for o in origins),
                       version="+".join(o.version or "?" for o in origins))


def write_english(plan: FieldPlan, english: str | None, origin: Translation | None) -> None:
    """Set text_en and provenance on the field, or title_en on the initiative."""
    if plan.target is None:
        plan.initiative.title_en = english
    else:
        plan.target.text_en, plan.target.translation = english, origin


def leave_untranslated(plan: FieldPlan, code: str, stats: TranslationStats, message: str) -> None:
    """Null the English text, count the reason and record an Issue (once)."""
    write_english(plan, None, None)
    stats.fields_untranslated += 1
    stats.untranslated_reasons[code] += 1
    issue = Issue(stage=STAGE, code=code, field=plan.name, message=message)
    if issue not in plan.initiative.issues:
        plan.initiative.issues.append(issue)
