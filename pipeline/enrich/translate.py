"""Translate text fields and titles to English: argostranslate behind a small interface.

Sentences are cut with the pipeline's own splitter (so spans stay known), each sentence is
translated from its own detected language, all sentences of a batch go to CTranslate2 in one
call per language, and every translation is kept in a SQLite cache so a sentence is translated
once, ever. A field whose language has no installed package gets `text_en = None` and an Issue;
the run goes on.

argostranslate reads its settings from the environment once, at import, so it is imported only
when a translator is built, after `configure_argos` has set them. Praxis uses argos's package
layer (packages, tokenizers) and CTranslate2 directly; argos's own sentence splitters (stanza,
MiniSBD) and its translate module, which pulls in torch, are never loaded on this path.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Protocol

from pipeline.enrich.language import UNDETERMINED, detect_language
from pipeline.lexicon import load_lexicon
from pipeline.models import Initiative, Issue, TextField, Translation
from pipeline.enrich.sentences import split_sentences

if TYPE_CHECKING:
    from pipeline.config import Settings

log = logging.getLogger(__name__)

STAGE = "translate"
ENGINE = "argostranslate"
TARGET = "en"
MIN_DETECT_CHARS = 30  # shorter sentences keep the field's language: detection is noise there
# Measured on the gold seed fields (374 sentences of 30+ chars): at 0.5 a sentence leaves its
# field's language wrongly 3 times, all Danish<->Norwegian, hence the stricter bar between
# languages whose lexicons name each other in `close_languages`.
SWITCH_CONFIDENCE = 0.5
CLOSE_SWITCH_CONFIDENCE = 0.7
SQL_CHUNK = 500


class Translator(Protocol):
    """What translate_initiatives needs from an engine."""

    def pairs(self) -> set[tuple[str, str]]:
        """Return the installed (source, target) language pairs."""

    def translate_batch(self, sentences: list[str], src: str) -> list[str]:
        """Translate sentences from src to English, one output per input."""

    def provenance(self, src: str) -> Translation:
        """Name the engine, package and version that translates src to English."""


@dataclass(frozen=True)
class DecodeOptions:
    """CTranslate2 knobs; read from PRAXIS_TRANSLATE_* variables by `from_env`."""

    device: str = "cpu"
    beam_size: int = 4
    intra_threads: int = 0  # 0: let CTranslate2 pick
    compute_type: str = "auto"
    max_batch_size: int = 32  # sentences per forward pass
    length_penalty: float = 0.2  # argostranslate's own value

    @classmethod
    def from_env(cls) -> DecodeOptions:
        """Read PRAXIS_TRANSLATE_DEVICE, _BEAM, _THREADS, _COMPUTE_TYPE and _BATCH."""
        env = os.environ.get
        return cls(device=env("PRAXIS_TRANSLATE_DEVICE", "cpu"),
                   beam_size=int(env("PRAXIS_TRANSLATE_BEAM", "4")),
                   intra_threads=int(env("PRAXIS_TRANSLATE_THREADS", "0")),
                   compute_type=env("PRAXIS_TRANSLATE_COMPUTE_TYPE", "auto"),
                   max_batch_size=int(env("PRAXIS_TRANSLATE_BATCH", "32")))


def configure_argos(models_dir: Path, options: DecodeOptions = DecodeOptions()):
    """Point argostranslate at models_dir and return its `package` module (imported lazily)."""
    models_dir = Path(models_dir).resolve()
    if "stanza" in str(models_dir):
        raise ValueError(f"models directory {models_dir} contains 'stanza': argostranslate "
                         "would then split sentences with stanza; choose another path")
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    os.environ.update({
        "ARGOS_PACKAGES_DIR": str(models_dir), "ARGOS_DEVICE_TYPE": options.device,
        "ARGOS_INTRA_THREADS": str(options.intra_threads),
        "ARGOS_BEAM_SIZE": str(options.beam_size), "ARGOS_COMPUTE_TYPE": options.compute_type,
    })
    from argostranslate import package, settings  # reads the variables above, once

    # A process that imported argos before (another models dir) is re-pointed here.
    models_dir.mkdir(parents=True, exist_ok=True)
    settings.package_data_dir, settings.package_dirs = models_dir, [models_dir]
    settings.device, settings.intra_threads = options.device, options.intra_threads
    settings.beam_size, settings.compute_type = options.beam_size, options.compute_type
    return package


def refresh_argos() -> None:
    """Drop argostranslate's and Praxis's cached translators after an install or removal."""
    import sys

    translate_module = sys.modules.get("argostranslate.translate")
    if translate_module is not None:
        translate_module.get_installed_languages.cache_clear()
        translate_module.installed_translates.clear()
    load_translator.cache_clear()


class ArgosTranslator:
    """Translate with installed argos packages: many sentences per CTranslate2 call."""

    def __init__(self, models_dir: Path, options: DecodeOptions = DecodeOptions()):
        self.options = options
        self._package_module = configure_argos(models_dir, options)
        self._packages = {
            (pkg.from_code, pkg.to_code): pkg
            for pkg in self._package_module.get_installed_packages()
            if pkg.type == "translate"
        }
        self._models: dict[str, object] = {}  # CTranslate2 translators by source code

    def pairs(self) -> set[tuple[str, str]]:
        """Return the installed (source, target) pairs."""
        return set(self._packages)

    def provenance(self, src: str) -> Translation:
        """Name the argos package (as argospm names it) and its version."""
        pkg = self._packages[(src, TARGET)]
        return Translation(engine=ENGINE, package=self._package_module.argospm_package_name(pkg),
                           version=pkg.package_version or None)

    def translate_batch(self, sentences: list[str], src: str) -> list[str]:
        """Tokenise with the package's SentencePiece model and decode all sentences at once."""
        if not sentences:
            return []
        pkg = self._packages[(src, TARGET)]
        tokens = [pkg.tokenizer.encode(sentence) for sentence in sentences]
        prefix = [[pkg.target_prefix]] * len(tokens) if pkg.target_prefix else None
        results = self._model(src).translate_batch(
            tokens, target_prefix=prefix, beam_size=self.options.beam_size,
            max_batch_size=self.options.max_batch_size, batch_type="examples",
            length_penalty=self.options.length_penalty, replace_unknowns=True)
        return [decode_tokens(pkg, result.hypotheses[0]) for result in results]

    def _model(self, src: str):
        """Load (once) the CTranslate2 model of the src→en package."""
        if src not in self._models:
            import ctranslate2

            pkg = self._packages[(src, TARGET)]
            self._models[src] = ctranslate2.Translator(
                str(pkg.package_path / "model"), device=self.options.device,
                intra_threads=self.options.intra_threads, compute_type=self.options.compute_type)
        return self._models[src]


def decode_tokens(pkg, tokens: list[str]) -> str:
    """Detokenise like argostranslate: drop the target prefix and the leading space."""
    value = pkg.tokenizer.decode(tokens)
    if pkg.target_prefix and value.startswith(pkg.target_prefix):
        value = value[len(pkg.target_prefix):]
    return value[1:] if value.startswith(" ") else value


@lru_cache(maxsize=4)
def load_translator(models_dir: Path, options: DecodeOptions) -> ArgosTranslator | None:
    """Build one ArgosTranslator per process and settings; None when argos cannot load."""
    try:
        return ArgosTranslator(models_dir, options)
    except ImportError as exc:
        log.warning("argostranslate unavailable, fields stay untranslated: %s", exc)
        return None


def open_translation(settings: Settings) -> tuple[Translator | None, TranslationCache]:
    """Return the translator and the cache a run should use."""
    return load_translator(settings.models_dir, DecodeOptions.from_env()), TranslationCache(
        settings.cache_path)


def normalise_sentence(text: str) -> str:
    """Return the cache form of a sentence: NFC, whitespace runs collapsed, trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


class CacheKey(NamedTuple):
    """What identifies one cached translation."""

    src: str
    tgt: str
    package: str
    version: str
    sentence: str


class TranslationCache:
    """Translations (and sentence languages) in SQLite: translate a sentence once, ever."""

    def __init__(self, path: Path | str):
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.connection = sqlite3.connect(str(path))
        self.connection.executescript("""
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=NORMAL;
            CREATE TABLE IF NOT EXISTS translations (
                src TEXT, tgt TEXT, package TEXT, version TEXT, sentence TEXT, translation TEXT,
                PRIMARY KEY (src, tgt, package, version, sentence)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS sentence_languages (
                sentence TEXT, prior TEXT, lang TEXT, confidence REAL,
                PRIMARY KEY (sentence, prior)) WITHOUT ROWID;
        """)

    def lookup(self, keys: Iterable[CacheKey]) -> dict[CacheKey, str]:
        """Return the cached translation of every key that has one."""
        found: dict[CacheKey, str] = {}
        groups: dict[tuple, list[str]] = {}
        for key in keys:
            groups.setdefault(key[:4], []).append(key.sentence)
        for head, sentences in groups.items():
            for chunk in chunked(sentences, SQL_CHUNK):
                rows = self.connection.execute(
                    "SELECT sentence, translation FROM translations WHERE src=? AND tgt=? AND "
                    f"package=? AND version=? AND sentence IN ({','.join('?' * len(chunk))})",
                    (*head, *chunk))
                found.update({CacheKey(*head, sentence): text for sentence, text in rows})
        return found

    def store(self, translations: dict[CacheKey, str]) -> None:
        """Remember translations."""
        with self.connection:
            self.connection.executemany("INSERT OR REPLACE INTO translations VALUES (?,?,?,?,?,?)",
                                        [(*key, text) for key, text in translations.items()])

    def lookup_languages(self, items: Iterable[tuple[str, str]]) -> dict[tuple[str, str], tuple]:
        """Return the remembered (lang, confidence) of (sentence, prior) items."""
        found = {}
        by_prior: dict[str, list[str]] = {}
        for sentence, prior in items:
            by_prior.setdefault(prior, []).append(sentence)
        for prior, sentences in by_prior.items():
            for chunk in chunked(sentences, SQL_CHUNK):
                rows = self.connection.execute(
                    "SELECT sentence, lang, confidence FROM sentence_languages WHERE prior=? "
                    f"AND sentence IN ({','.join('?' * len(chunk))})", (prior, *chunk))
                found.update({(sentence, prior): (lang, conf) for sentence, lang, conf in rows})
        return found

    def store_languages(self, detected: dict[tuple[str, str], tuple[str, float]]) -> None:
        """Remember detected sentence languages."""
        with self.connection:
            self.connection.executemany(
                "INSERT OR REPLACE INTO sentence_languages VALUES (?,?,?,?)",
                [(*item, lang, conf) for item, (lang, conf) in detected.items()])

    def count(self) -> int:
        """Return how many translations are stored."""
        return self.connection.execute("SELECT COUNT(*) FROM translations").fetchone()[0]

    def close(self) -> None:
        """Close the database."""
        self.connection.close()

    def __enter__(self) -> TranslationCache:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def chunked(items: list, size: int) -> Iterator[list]:
    """Yield successive slices of at most size items."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


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


def translate_initiatives(initiatives: list[Initiative], translator: Translator | None,
                          cache: TranslationCache) -> TranslationStats:
    """Fill `text_en` (with provenance) and `title_en` on every initiative of a batch."""
    stats = TranslationStats()
    pairs = translator.pairs() if translator is not None else set()
    plans = build_plans(initiatives, pairs, cache)
    translations, failures = fetch_translations(plans, translator, cache, stats)
    for plan in plans:
        apply_plan(plan, translations, failures, translator, stats)
    return stats


def build_plans(initiatives: list[Initiative], pairs: set[tuple[str, str]],
                cache: TranslationCache) -> list[FieldPlan]:
    """Cut every field into sentences and settle each sentence's language and package."""
    plans = [plan for initiative in initiatives for plan in list_fields(initiative)]
    for plan in plans:
        plan.segments = [
            Segment(start, end, normalise_sentence(plan.text[start:end]), plan.lang)
            for start, end in split_sentences(plan.text, plan.lang)
        ]
    settle_languages(plans, cache)
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


def settle_languages(plans: list[FieldPlan], cache: TranslationCache) -> None:
    """Give each sentence its own language: detected (and cached), else its field's."""
    wanted = {(segment.sentence, plan.lang) for plan in plans if plan.detect
              for segment in plan.segments if len(segment.sentence) >= MIN_DETECT_CHARS}
    known = cache.lookup_languages(wanted)
    fresh = {item: detect_language(*item) for item in wanted - known.keys()}
    cache.store_languages(fresh)
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
                       cache: TranslationCache, stats: TranslationStats
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
        keys = [CacheKey(src, TARGET, origin.package or "", origin.version or "", sentence)
                for sentence in sorted(sentences)]
        cached = cache.lookup(keys)
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
        cache.store(fresh)
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
