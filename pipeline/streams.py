"""Streaming helpers shared by the stages: JSON Lines in, fixed-size batches out."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path


def read_jsonl(path: Path) -> Iterator[dict]:
    """Yield one JSON object per non-empty line, reading the file as a stream."""
    if not path.exists():
        return
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def batched(items: Iterable, size: int) -> Iterator[list]:
    """Yield lists of up to `size` items, never holding more than one batch."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
