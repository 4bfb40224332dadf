"""Build tiny argostranslate packages (sv→en, da→en) offline, for tests.

Each package is a real `.argosmodel`: a SentencePiece model trained on the pairs in
`tiny_corpus.py`, a small pre-norm transformer (d_model 64, 2+2 layers) trained with torch until it
reproduces those pairs, converted to a CTranslate2 model with CTranslate2's own converter
machinery, a rule-based MiniSBD splitter so argos never downloads one, and `metadata.json` — all
zipped under one top folder. Nothing is downloaded.

    python tests/translate/build_tiny_argos.py OUT_DIR [LANG ...]
"""

from __future__ import annotations

import io
import json
import math
import shutil
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import ctranslate2
import numpy as np
import sentencepiece as spm
import torch
from ctranslate2.converters.converter import Converter
from ctranslate2.specs import TransformerSpec
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rule_splitter import write_rule_splitter  # noqa: E402
from tiny_corpus import LANGUAGE_NAMES, PAIRS  # noqa: E402

PACKAGE_VERSION = "0.1"
LAYER_NORM_EPS = 1e-6


@dataclass(frozen=True)
class TinyConfig:
    """Size and training schedule of a tiny model."""

    d_model: int = 64
    heads: int = 4
    ffn: int = 128
    layers: int = 2
    vocab_size: int = 600  # an upper bound: a few dozen pairs yield about 380 pieces
    max_positions: int = 256
    steps: int = 200
    learning_rate: float = 3e-3
    seed: int = 7


class TinyTransformer(nn.Module):
    """A pre-norm encoder-decoder laid out the way CTranslate2's TransformerSpec computes."""

    def __init__(self, vocab_size: int, config: TinyConfig):
        super().__init__()
        d = config.d_model
        self.scale = math.sqrt(d)
        self.src_embed = nn.Embedding(vocab_size, d)
        self.tgt_embed = nn.Embedding(vocab_size, d)
        self.register_buffer("positions", build_sinusoids(config.max_positions, d))
        layer_args = dict(d_model=d, nhead=config.heads, dim_feedforward=config.ffn, dropout=0.0,
                          batch_first=True, norm_first=True, layer_norm_eps=LAYER_NORM_EPS)
        self.encoder = nn.TransformerEncoder(
            nn.TransformerEncoderLayer(**layer_args), config.layers,
            norm=nn.LayerNorm(d, eps=LAYER_NORM_EPS), enable_nested_tensor=False)
        self.decoder = nn.TransformerDecoder(
            nn.TransformerDecoderLayer(**layer_args), config.layers,
            norm=nn.LayerNorm(d, eps=LAYER_NORM_EPS))
        self.generator = nn.Linear(d, vocab_size)

    def embed(self, table: nn.Embedding, ids: torch.Tensor) -> torch.Tensor:
        """Scale the embeddings and add position encodings, as CTranslate2 does."""
        return table(ids) * self.scale + self.positions[: ids.shape[1]]

    def forward(self, src, src_pad, tgt_in, tgt_pad):
        """Return next-token logits for teacher-forced target inputs."""
        memory = self.encoder(self.embed(self.src_embed, src), src_key_padding_mask=src_pad)
        width = tgt_in.shape[1]
        causal = torch.ones(width, width, dtype=torch.bool).triu(1)
        hidden = self.decoder(self.embed(self.tgt_embed, tgt_in), memory, tgt_mask=causal,
                              tgt_is_causal=True, tgt_key_padding_mask=tgt_pad,
                              memory_key_padding_mask=src_pad)
        return self.generator(hidden)


class SpecConverter(Converter):
    """Hand a ready TransformerSpec to CTranslate2's validate → optimise → save pipeline."""

    def __init__(self, spec: TransformerSpec):
        self.spec = spec

    def _load(self) -> TransformerSpec:
        return self.spec


def build_sinusoids(length: int, dim: int) -> torch.Tensor:
    """Return a [length, dim] table of sinusoidal position encodings."""
    position = torch.arange(length, dtype=torch.float32).unsqueeze(1)
    rates = torch.exp(torch.arange(0, dim, 2, dtype=torch.float32) * (-math.log(10000.0) / dim))
    table = torch.zeros(length, dim)
    table[:, 0::2] = torch.sin(position * rates)
    table[:, 1::2] = torch.cos(position * rates)
    return table


def train_sentencepiece(lines: list[str], path: Path,
                       vocab_size: int) -> spm.SentencePieceProcessor:
    """Train a SentencePiece model on lines, write it to path, and return a processor."""
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=model, vocab_size=vocab_size,
        model_type="bpe", character_coverage=1.0, hard_vocab_limit=False,
        num_threads=1, minloglevel=2,
    )
    path.write_bytes(model.getvalue())
    return spm.SentencePieceProcessor(model_file=str(path))


def pad_batch(rows: list[list[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Return padded ids and the padding mask (True where padded)."""
    width = max(len(row) for row in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = torch.tensor(row)
    return ids, ids.eq(pad_id) & (torch.arange(width) >= torch.tensor([[len(r)] for r in rows]))


def train_transformer(pairs, sp: spm.SentencePieceProcessor, config: TinyConfig) -> TinyTransformer:
    """Train the tiny model on all pairs at once until it reproduces them."""
    torch.manual_seed(config.seed)
    bos, eos = sp.bos_id(), sp.eos_id()
    src, src_pad = pad_batch([sp.encode(s) for s, _ in pairs], eos)
    targets = [sp.encode(t) for _, t in pairs]
    tgt_in, tgt_pad = pad_batch([[bos, *t] for t in targets], eos)
    tgt_out, _ = pad_batch([[*t, eos] for t in targets], eos)
    model = TinyTransformer(sp.get_piece_size(), config)
    optimiser = torch.optim.Adam(model.parameters(), lr=config.learning_rate)
    for _ in range(config.steps):
        logits = model(src, src_pad, tgt_in, tgt_pad)
        loss = nn.functional.cross_entropy(logits[~tgt_pad], tgt_out[~tgt_pad])
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return model.eval()


def to_numpy(tensor: torch.Tensor) -> np.ndarray:
    """Detach a weight as a float32 array."""
    return tensor.detach().numpy().astype(np.float32)


def set_linear(spec, linear: nn.Linear) -> None:
    """Copy a linear layer into a LinearSpec."""
    spec.weight, spec.bias = to_numpy(linear.weight), to_numpy(linear.bias)


def set_norm(spec, norm: nn.LayerNorm) -> None:
    """Copy a layer norm into a LayerNormSpec."""
    spec.gamma, spec.beta = to_numpy(norm.weight), to_numpy(norm.bias)


def set_attention(spec, attention: nn.MultiheadAttention, norm: nn.LayerNorm, fused: bool) -> None:
    """Copy attention weights: self-attention keeps q,k,v fused; cross-attention splits q | kv."""
    weight, bias, d = attention.in_proj_weight, attention.in_proj_bias, attention.embed_dim
    set_norm(spec.layer_norm, norm)
    if fused:
        spec.linear[0].weight, spec.linear[0].bias = to_numpy(weight), to_numpy(bias)
    else:
        spec.linear[0].weight, spec.linear[0].bias = to_numpy(weight[:d]), to_numpy(bias[:d])
        spec.linear[1].weight, spec.linear[1].bias = to_numpy(weight[d:]), to_numpy(bias[d:])
    set_linear(spec.linear[-1], attention.out_proj)


def set_ffn(spec, layer, norm: nn.LayerNorm) -> None:
    """Copy a feed-forward block and its pre-norm."""
    set_norm(spec.layer_norm, norm)
    set_linear(spec.linear_0, layer.linear1)
    set_linear(spec.linear_1, layer.linear2)


def build_spec(model: TinyTransformer, vocabulary: list[str],
               config: TinyConfig) -> TransformerSpec:
    """Describe the trained model as a CTranslate2 TransformerSpec."""
    spec = TransformerSpec.from_config((config.layers, config.layers), config.heads, pre_norm=True)
    spec.config.layer_norm_epsilon = LAYER_NORM_EPS
    positions = to_numpy(model.positions)
    encoder, decoder = spec.encoder, spec.decoder
    encoder.embeddings[0].weight = to_numpy(model.src_embed.weight)
    encoder.position_encodings.encodings = positions
    set_norm(encoder.layer_norm, model.encoder.norm)
    for layer_spec, layer in zip(encoder.layer, model.encoder.layers):
        set_attention(layer_spec.self_attention, layer.self_attn, layer.norm1, fused=True)
        set_ffn(layer_spec.ffn, layer, layer.norm2)
    decoder.embeddings.weight = to_numpy(model.tgt_embed.weight)
    decoder.position_encodings.encodings = positions
    set_norm(decoder.layer_norm, model.decoder.norm)
    set_linear(decoder.projection, model.generator)
    for layer_spec, layer in zip(decoder.layer, model.decoder.layers):
        set_attention(layer_spec.self_attention, layer.self_attn, layer.norm1, fused=True)
        set_attention(layer_spec.attention, layer.multihead_attn, layer.norm2, fused=False)
        set_ffn(layer_spec.ffn, layer, layer.norm3)
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    return spec


def write_metadata(folder: Path, src: str, tgt: str = "en") -> None:
    """Write the package's metadata.json and README.md."""
    metadata = {
        "package_version": PACKAGE_VERSION, "argos_version": "1.9", "type": "translate",
        "from_code": src, "from_name": LANGUAGE_NAMES[src],
        "to_code": tgt, "to_name": LANGUAGE_NAMES[tgt],
    }
    (folder / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
    (folder / "README.md").write_text(
        f"Tiny {src}→{tgt} test model for Praxis: trained on a few dozen sentences only.\n",
        encoding="utf-8")


def zip_folder(folder: Path, archive: Path) -> Path:
    """Zip folder under its own name as the single top folder (the .argosmodel layout)."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipf:
        for path in sorted(folder.rglob("*")):
            zipf.write(path, path.relative_to(folder.parent).as_posix())
    return archive


def build_package(src: str, out_dir: Path, config: TinyConfig = TinyConfig()) -> Path:
    """Build `translate-<src>_en-<version>.argosmodel` in out_dir and return its path."""
    pairs = PAIRS[src]
    name = f"translate-{src}_en-{PACKAGE_VERSION.replace('.', '_')}"
    folder = out_dir / "build" / name
    folder.mkdir(parents=True, exist_ok=True)
    lines = [text for pair in pairs for text in pair]
    sp = train_sentencepiece(lines, folder / "sentencepiece.model", config.vocab_size)
    vocabulary = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    model = train_transformer(pairs, sp, config)
    SpecConverter(build_spec(model, vocabulary, config)).convert(str(folder / "model"), force=True)
    write_rule_splitter(folder / "minisbd", src)
    write_metadata(folder, src)
    archive = zip_folder(folder, out_dir / f"{name}.argosmodel")
    shutil.rmtree(folder.parent)
    return archive


def check_package(archive: Path, src: str) -> list[tuple[str, str, str]]:
    """Translate the training sources with CTranslate2 and return (source, expected, got) misses."""
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(archive) as zipf:
        zipf.extractall(tmp)
        folder = next(Path(tmp).iterdir())
        sp = spm.SentencePieceProcessor(model_file=str(folder / "sentencepiece.model"))
        translator = ctranslate2.Translator(str(folder / "model"), device="cpu")
        sources = [s for s, _ in PAIRS[src]]
        # Greedy: a model this overconfident lets beam search stop on short junk hypotheses.
        results = translator.translate_batch([sp.encode(s, out_type=str) for s in sources],
                                             beam_size=1)
        outputs = [sp.decode(r.hypotheses[0]) for r in results]
    return [(s, t, o) for (s, t), o in zip(PAIRS[src], outputs) if t != o]


def main(argv: list[str]) -> int:
    """Build the packages named on the command line (default: all) into OUT_DIR."""
    if not argv:
        print(__doc__)
        return 2
    out_dir = Path(argv[0])
    out_dir.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(1)  # a model this small trains no faster on more threads
    for src in argv[1:] or sorted(PAIRS):
        archive = build_package(src, out_dir)
        misses = check_package(archive, src)
        print(f"{archive} ({archive.stat().st_size} bytes), {len(misses)} misses")
        for miss in misses:
            print("  ", *miss, sep=" | ")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
