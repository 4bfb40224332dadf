"""Benchmark Praxis's batched translation against argos's `translate()` per text, and the cache.

On demand only (`make bench`), not part of the tests. It builds, offline, an argos package holding
a transformer-base-sized model (6+6 layers, d_model 512, 8 heads, FFN 2048, 32k vocabulary,
int8 like the published argos models) with random weights, installs it, and times on the same
machine in the same run:

1. per text: `argostranslate.translate.translate(text, "sv", "en")` for each section text;
2. batched, model only: one `ArgosTranslator.translate_batch` over every sentence, repeats kept
   (the effect of batching alone);
3. batched: `translate_initiatives` over the same texts as text fields, empty cache (splitting,
   language detection, de-duplication and cache writes included);
4. cache hits: `translate_initiatives` again over fresh copies of the same fields.

A random model never stops on its own, so the decoder's position encodings carry a ramp that
makes end-of-sentence win from position DECODE_LENGTH on: every sentence decodes that many
tokens in both paths. Run: `python bench/bench_translate.py [--texts N] [--threads N]`.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.enrich.translate import TranslationStats

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "raw"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "translate"))

D_MODEL, HEADS, FFN, LAYERS, VOCAB = 512, 8, 2048, 6, 32000
ROUNDS = 5  # the texts are timed in this many interleaved slices
DECODE_LENGTH = 24  # tokens per output sentence, about a real sentence's length
STOP_DIM = 0  # the decoder position-encoding dimension that carries the stop ramp


def build_random_package(out_dir: Path, seed: int = 0) -> Path:
    """Build `translate-sv_en` with a transformer-base-sized random model; return the file."""
    import numpy as np
    from build_tiny_argos import SpecConverter, write_metadata, zip_folder, train_sentencepiece
    from ctranslate2.specs import TransformerSpec
    from rule_splitter import write_rule_splitter

    folder = out_dir / "build" / "translate-sv_en-bench"
    folder.mkdir(parents=True, exist_ok=True)
    lines = [line for text in read_seed_texts() for line in text.splitlines() if line.strip()]
    sp = train_sentencepiece(lines, folder / "sentencepiece.model", 8000)
    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    vocabulary = pieces + [f"<filler_{i}>" for i in range(VOCAB - len(pieces))]
    rng = np.random.default_rng(seed)
    spec = TransformerSpec.from_config(LAYERS, HEADS, pre_norm=True)
    fill_random(spec, rng)
    stop = np.zeros((256, D_MODEL), dtype=np.float32)
    stop[DECODE_LENGTH:, STOP_DIM] = 100.0
    spec.decoder.position_encodings.encodings = sinusoids(256) + stop
    spec.encoder.position_encodings.encodings = sinusoids(256)
    spec.decoder.projection.weight[:, STOP_DIM] = 0.0
    spec.decoder.projection.weight[sp.eos_id(), STOP_DIM] = 1.0
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    SpecConverter(spec).convert(str(folder / "model"), quantization="int8", force=True)
    write_rule_splitter(folder / "minisbd", "sv")
    write_metadata(folder, "sv")
    archive = zip_folder(folder, out_dir / "translate-sv_en-bench.argosmodel")
    shutil.rmtree(out_dir / "build")
    return archive


def fill_random(spec, rng) -> None:
    """Give every weight of a TransformerSpec a small random value (layer norms: 1 and 0)."""
    import numpy as np

    def normal(*shape):
        return rng.normal(0.0, 0.02, size=shape).astype(np.float32)

    def norm(layer):
        layer.gamma, layer.beta = np.ones(D_MODEL, np.float32), np.zeros(D_MODEL, np.float32)

    def linear(layer, rows, cols):
        layer.weight, layer.bias = normal(rows, cols), np.zeros(rows, np.float32)

    def attention(layer, fused_rows):
        norm(layer.layer_norm)
        for part, rows in zip(layer.linear, fused_rows):
            linear(part, rows, D_MODEL)

    spec.encoder.embeddings[0].weight = normal(VOCAB, D_MODEL)
    spec.decoder.embeddings.weight = normal(VOCAB, D_MODEL)
    norm(spec.encoder.layer_norm)
    norm(spec.decoder.layer_norm)
    linear(spec.decoder.projection, VOCAB, D_MODEL)
    for layer in [*spec.encoder.layer, *spec.decoder.layer]:
        attention(layer.self_attention, (3 * D_MODEL, D_MODEL))
        if hasattr(layer, "attention"):
            attention(layer.attention, (D_MODEL, 2 * D_MODEL, D_MODEL))
        norm(layer.ffn.layer_norm)
        linear(layer.ffn.linear_0, FFN, D_MODEL)
        linear(layer.ffn.linear_1, D_MODEL, FFN)


def sinusoids(length: int):
    """Return a [length, D_MODEL] sinusoidal position table."""
    import numpy as np

    position = np.arange(length)[:, None]
    rates = np.exp(np.arange(0, D_MODEL, 2) * (-np.log(10000.0) / D_MODEL))
    table = np.zeros((length, D_MODEL), dtype=np.float32)
    table[:, 0::2], table[:, 1::2] = np.sin(position * rates), np.cos(position * rates)
    return table


def read_seed_texts() -> list[str]:
    """Return the seed documents' paragraphs of at least one sentence (section-sized texts)."""
    texts = []
    for path in sorted(SEEDS.glob("*.txt")):
        for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            if len(block) >= 40 and re.search(r"[.!?]", block):
                texts.append(block.strip())
    return texts


def read_swedish_texts() -> list[str]:
    """Return the Swedish seed paragraphs: both paths then translate the same sentences."""
    from pipeline.enrich.language import detect_language

    return [text for text in read_seed_texts() if detect_language(text)[0] == "sv"]


def make_initiatives(texts: list[str]):
    """Wrap each text as the description of its own initiative (Swedish, as argos is told)."""
    from pipeline.models import Initiative, Source, TextField

    source = Source(file="bench.txt", sha256="0" * 64, format="text", segment="0", span=(0, 1))
    return [Initiative(id=f"bench-{i}", language="sv", source=source,
                       description=TextField(text=text, lang="sv", span=(0, len(text))))
            for i, text in enumerate(texts)]


def list_sentences(texts: list[str]) -> list[str]:
    """Return every sentence as Praxis splits them, repeats kept (the unit of every rate)."""
    from pipeline.enrich.sentences import split_sentences
    from pipeline.enrich.translation_cache import normalise_sentence

    return [normalise_sentence(text[start:end])
            for text in texts for start, end in split_sentences(text, "sv")]


def time_per_text(texts: list[str]) -> float:
    """Translate each text with argostranslate's own translate(); return seconds."""
    from argostranslate import translate as argos

    started = time.perf_counter()
    for text in texts:
        argos.translate(text, "sv", "en")
    return time.perf_counter() - started


def time_model_only(sentences: list[str], translator) -> float:
    """Time one translate_batch call over all sentences, repeats included (batching alone)."""
    started = time.perf_counter()
    translator.translate_batch(sentences, "sv")
    return time.perf_counter() - started


def time_batched(texts, translator, cache_path: Path) -> tuple[float, TranslationStats]:
    """Translate all texts through translate_initiatives; return seconds and figures."""
    from pipeline.enrich.translate import translate_initiatives
    from pipeline.enrich.translation_cache import TranslationCache

    records = make_initiatives(texts)
    with TranslationCache(cache_path) as cache:
        started = time.perf_counter()
        stats = translate_initiatives(records, translator, cache)
        return time.perf_counter() - started, stats


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=None,
                        help="section texts to translate (default: every Swedish seed paragraph)")
    parser.add_argument("--threads", type=int, default=2, help="CTranslate2 intra_threads")
    parser.add_argument("--beam-size", type=int, default=4)
    args = parser.parse_args()
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    work = Path(tempfile.mkdtemp(prefix="praxis-bench-"))
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        os.environ[name] = str(work / name.lower())
    try:
        return run_benchmark(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_benchmark(args, work: Path) -> int:
    """Build and install the model, time the four paths, print the figures."""
    from pipeline.enrich.translation_models import install_packages
    from pipeline.enrich.translate import TranslationStats
    from pipeline.enrich.translation_engine import ArgosTranslator, DecodeOptions

    started = time.perf_counter()
    archive = build_random_package(work)
    build_seconds = time.perf_counter() - started
    install_packages([archive], work / "packages")
    options = DecodeOptions(beam_size=args.beam_size, intra_threads=args.threads)
    translator = ArgosTranslator(work / "packages", options)  # also sets argos's own settings
    cache_path = work / "cache.sqlite3"
    texts = read_swedish_texts()[: args.texts]
    sentences = len(list_sentences(texts))
    translator.translate_batch(["Hej."], "sv")  # load the models outside the timing
    time_per_text(["Hej."])

    # Paths take turns on each slice of the texts, so load from other processes on the
    # machine falls on all of them alike.
    seconds: Counter = Counter()
    stats = TranslationStats()
    for round_texts in (texts[i::ROUNDS] for i in range(ROUNDS)):
        seconds["per_text"] += time_per_text(round_texts)
        seconds["model"] += time_model_only(list_sentences(round_texts), translator)
        batched_seconds, batched_stats = time_batched(round_texts, translator, cache_path)
        seconds["batched"] += batched_seconds
        stats = stats.merge(batched_stats)
    hit_runs = [time_batched(texts, translator, cache_path) for _ in range(5)]
    hit_seconds = statistics.median(run[0] for run in hit_runs)
    per_text_seconds, model_seconds = seconds["per_text"], seconds["model"]
    batched_seconds, stats = seconds["batched"], stats.to_dict()

    rate = lambda seconds: sentences / seconds  # noqa: E731
    speedup = lambda seconds: per_text_seconds / seconds  # noqa: E731
    print(f"# machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"intra_threads={args.threads}, beam={args.beam_size}, int8")
    print(f"model: {archive.stat().st_size / 1e6:.0f} MB, built in {build_seconds:.0f} s; "
          f"{len(texts)} texts, {sentences} sentences, {DECODE_LENGTH} tokens out each")
    print(f"per text (argos translate()):   {per_text_seconds:7.2f} s  "
          f"{rate(per_text_seconds):8.1f} sentences/s")
    print(f"batched, model only (no dedupe): {model_seconds:7.2f} s  {rate(model_seconds):8.1f} "
          f"sentences/s  ({speedup(model_seconds):.2f}x)")
    print(f"batched, translate_initiatives:  {batched_seconds:7.2f} s  "
          f"{rate(batched_seconds):8.1f} sentences/s  ({speedup(batched_seconds):.2f}x)")
    print(f"  first run: {stats['sentences_translated']} distinct sentences to the model in "
          f"{stats['model_calls']} calls; {stats['fields_english']} fields English, "
          f"{stats['fields_untranslated']} left untranslated {stats['untranslated_languages']}")
    print(f"cache hits (median of 5 runs):   {hit_seconds:7.3f} s  {rate(hit_seconds):8.0f} "
          f"sentences/s  (model calls: {hit_runs[0][1].model_calls})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
