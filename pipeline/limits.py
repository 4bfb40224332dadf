"""Limits per document, and the budget one document spends while it is read and extracted.

The budget lives in a context variable, so a reader deep inside a format module can check
the clock or leave a note without every function passing it along. Each thread (a Dask
worker, a Prefect task runner) has its own context, so documents read side by side never
share a budget. Checks are cooperative: loops over pages, paragraphs, rows and segments
call `check_deadline()`; nothing relies on signals, which work only in the main thread.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from pipeline.errors import ReadError

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one document may cost; over a limit it is quarantined or published truncated."""

    max_bytes: int = 50 * MB           # bytes read from the file (counted, not trusted from stat)
    max_unpacked_bytes: int = 64 * MB  # inflated DOCX/ZIP parts, decoded PDF streams
    max_xml_bytes: int = 16 * MB       # a DOCX's XML parts: parsed trees take ~20× this
    max_pages: int = 1000              # PDF pages read; later pages are left out, noted
    max_paragraphs: int = 20_000       # DOCX paragraphs read; later ones left out, noted
    max_rows: int = 20_000             # form-export rows read; later rows left out, noted
    max_chars: int = 5_000_000         # characters of text kept; the rest left out, noted
    max_line_chars: int = 100_000      # a longer line is wrapped (spaCy takes 1M per call)
    max_segment_chars: int = 100_000   # one initiative's fields are read from this much text
    max_depth: int = 200               # nesting of HTML elements or JSON values
    max_seconds: float = 120.0         # wall-clock time to read; to extract, per segment

    @classmethod
    def from_settings(cls, settings) -> "Limits":
        """The limits every document of a run is read and extracted under."""
        return cls(max_bytes=settings.max_file_bytes,
                   **{name: getattr(settings, name) for name in cls.__dataclass_fields__
                      if name != "max_bytes"})


class LimitExceeded(ReadError):
    """A document went over one of its limits and cannot be read within it."""

    def __init__(self, code: str, reason: str):
        super().__init__(code, reason)


@dataclass
class Budget:
    """One document's limits, its deadline and the notes its readers leave."""

    limits: Limits
    deadline: float
    notes: list[tuple[str, str]] = field(default_factory=list)
    unpacked: int = 0  # bytes inflated so far (PDF streams)

    def check_deadline(self) -> None:
        """Stop the document once it has run past its time limit."""
        if time.monotonic() > self.deadline:
            raise LimitExceeded("time_limit", f"reading or extracting took longer than the "
                                f"limit of {self.limits.max_seconds:g} s per document; "
                                "not published (PRAXIS_MAX_SECONDS)")


_current: ContextVar[Budget | None] = ContextVar("praxis_budget", default=None)


@contextmanager
def document_budget(limits: Limits) -> Iterator[Budget]:
    """Give the code inside a fresh budget for one document."""
    budget = Budget(limits, time.monotonic() + limits.max_seconds)
    token = _current.set(budget)
    try:
        yield budget
    finally:
        _current.reset(token)


@contextmanager
def collect_notes() -> Iterator[list[tuple[str, str]]]:
    """Gather the notes left while one document (of a file's several) is read."""
    budget = current_budget()
    saved, budget.notes = budget.notes, []
    try:
        yield budget.notes
    finally:
        budget.notes = saved


def current_budget() -> Budget:
    """The running document's budget; code called outside a guard gets the default limits."""
    budget = _current.get()
    if budget is None:  # a reader called on its own (tests, a notebook): no clock running
        budget = Budget(Limits(), float("inf"))
        _current.set(budget)
    return budget


def current_limits() -> Limits:
    return current_budget().limits


def check_deadline() -> None:
    """Stop the running document if it is over its time limit."""
    current_budget().check_deadline()


def restart_clock() -> None:
    """Give the next piece of a document (one submission of an export) a full time limit."""
    budget = current_budget()
    if budget.deadline != float("inf"):  # outside a guard no clock runs, and none starts
        budget.deadline = time.monotonic() + budget.limits.max_seconds


def add_note(code: str, message: str) -> None:
    """Record a problem on the document being read that still leaves it usable."""
    current_budget().notes.append((code, message))
