"""Write a rule-based MiniSBD sentence splitter (.onnx) without the onnx package.

argostranslate 1.11 splits text with MiniSBD unless a package ships its own model; without one it
downloads a model at the first translate. A real MiniSBD model is a character tagger: it reads
character ids (`units`) and features and returns five logits per character (0 = inside a token,
2 = end of sentence). This one is a single `Gather` over a table that tags `.`, `!` and `?` as
sentence ends, which is enough for test and benchmark packages. The ONNX protobuf is written by
hand (a dozen message fields) so the build needs no extra dependency.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

SENTENCE_END = (".", "!", "?")
UNITS = ["<PAD>", "<UNK>", " ", *SENTENCE_END]
NUM_CLASSES = 5
FLOAT, INT64 = 1, 7  # ONNX TensorProto data types


def encode_varint(value: int) -> bytes:
    """Encode a non-negative integer as a protobuf varint."""
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | 0x80 if value else byte)
        if not value:
            return bytes(out)


def encode_int(field: int, value: int) -> bytes:
    """Encode a varint field."""
    return encode_varint(field << 3) + encode_varint(value)


def encode_bytes(field: int, payload: bytes | str) -> bytes:
    """Encode a length-delimited field (string, bytes or nested message)."""
    data = payload.encode() if isinstance(payload, str) else payload
    return encode_varint(field << 3 | 2) + encode_varint(len(data)) + data


def encode_value_info(name: str, elem_type: int, dims: list[str]) -> bytes:
    """Encode a ValueInfoProto for a tensor with symbolic dimensions."""
    shape = b"".join(encode_bytes(1, encode_bytes(2, dim)) for dim in dims)
    tensor_type = encode_int(1, elem_type) + encode_bytes(2, shape)
    return encode_bytes(1, name) + encode_bytes(2, encode_bytes(1, tensor_type))


def build_logit_table() -> list[list[float]]:
    """Return one row of logits per unit: sentence end for punctuation, inside a token otherwise."""
    rows = []
    for unit in UNITS:
        row = [0.0] * NUM_CLASSES
        row[2 if unit in SENTENCE_END else 0] = 8.0
        rows.append(row)
    return rows


def build_model_bytes(lang: str) -> bytes:
    """Return the serialised ONNX model: logits = Gather(table, units)."""
    table = build_logit_table()
    raw = struct.pack(f"<{len(table) * NUM_CLASSES}f", *[v for row in table for v in row])
    initializer = (
        encode_int(1, len(table)) + encode_int(1, NUM_CLASSES) + encode_int(2, FLOAT)
        + encode_bytes(8, "table") + encode_bytes(9, raw)
    )
    node = (
        encode_bytes(1, "table") + encode_bytes(1, "units") + encode_bytes(2, "logits")
        + encode_bytes(3, "tag_characters") + encode_bytes(4, "Gather")
    )
    graph = (
        encode_bytes(1, node) + encode_bytes(2, "rule_splitter") + encode_bytes(5, initializer)
        + encode_bytes(11, encode_value_info("units", INT64, ["batch", "time"]))
        + encode_bytes(11, encode_value_info("features", FLOAT, ["batch", "time", "feats"]))
        + encode_bytes(12, encode_value_info("logits", FLOAT, ["batch", "time", "classes"]))
    )
    vocab = {
        "lang": lang, "idx": 0, "cutoff": 0, "lower": False,
        "_id2unit": UNITS, "_unit2id": {unit: i for i, unit in enumerate(UNITS)},
    }
    config = {"skip_newline": False, "max_seqlen": 1000, "batch_size": 32,
              "feat_funcs": ["space_before", "capitalized"], "use_dictionary": False}
    metadata = {"lang_code": lang, "config": json.dumps(config), "vocab": json.dumps(vocab)}
    props = b"".join(
        encode_bytes(14, encode_bytes(1, key) + encode_bytes(2, value))
        for key, value in metadata.items()
    )
    opset = encode_bytes(8, encode_bytes(1, "") + encode_int(2, 13))
    header = encode_int(1, 7) + encode_bytes(2, "praxis-tests") + opset  # IR version 7, opset 13
    return header + encode_bytes(7, graph) + props


def write_rule_splitter(folder: Path, lang: str) -> Path:
    """Write `<folder>/<lang>.onnx` and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{lang}.onnx"
    path.write_bytes(build_model_bytes(lang))
    return path
