"""The one error a format reader raises for a file it cannot read."""

from __future__ import annotations


class ReadError(ValueError):
    """A file that cannot be read as its format; `code` names why in the quarantine record."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
