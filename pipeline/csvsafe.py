"""Write CSV files that a spreadsheet cannot run: every CSV the project writes goes through here.

A spreadsheet reads a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
as a formula (`=HYPERLINK(…)`, `+cmd|' /C calc'!A0`). Following OWASP's rule for CSV
injection, such a cell is written with a single quote in front, which every spreadsheet shows
as text. Values come from form exports, `Organisation:` lines, corrections and file names, so
no value is trusted. Parquet and JSON outputs keep the values as they are.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """Prefix a text cell a spreadsheet would read as a formula with a single quote."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def neutralise_row(row: Mapping[str, object]) -> dict[str, object]:
    return {key: neutralise_cell(value) for key, value in row.items()}


class SafeCsvWriter:
    """A `csv.DictWriter` whose every cell is neutralised before it is written."""

    def __init__(self, handle: IO[str], columns: Sequence[str]):
        self._writer = csv.DictWriter(handle, fieldnames=list(columns))
        self._writer.writeheader()

    def writerow(self, row: Mapping[str, object]) -> None:
        self._writer.writerow(neutralise_row(row))

    def writerows(self, rows: Iterable[Mapping[str, object]]) -> None:
        self._writer.writerows(neutralise_row(row) for row in rows)


def open_csv(path: Path, columns: Sequence[str]) -> tuple[IO[str], SafeCsvWriter]:
    """Open `path` for writing as UTF-8 CSV with a header; return the file and its writer.

    The file starts with a byte-order mark, so spreadsheets read å, ä and ö right.
    """
    handle = open(path, "w", encoding="utf-8-sig", newline="")
    try:
        return handle, SafeCsvWriter(handle, columns)
    except BaseException:
        handle.close()
        raise
