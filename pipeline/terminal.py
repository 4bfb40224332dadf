"""Print text that came from the inbox without letting it drive the terminal.

A file name or a message may hold escape sequences (`\\x1b[2J`), carriage returns that
overwrite a line, or bidirectional overrides that reorder it. Every CLI line goes through
`echo`, which shows such characters as visible escapes (`\\x1b`) instead of sending them.
"""

from __future__ import annotations

import unicodedata

import typer

# Format characters that reorder or hide text on screen (bidi overrides and isolates).
HIDDEN_FORMATS = {"\u061c", "\u200e", "\u200f", *map(chr, range(0x202A, 0x202F)),
                  *map(chr, range(0x2066, 0x206A))}


def escape_char(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object, keep_newlines: bool = False) -> str:
    """The text with control, line-separator and bidi characters shown as escapes."""
    return "".join(escape_char(char) if is_hidden(char) and not (keep_newlines and char == "\n")
                   else char for char in str(text))


def is_hidden(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in HIDDEN_FORMATS


def echo(message: object, err: bool = False, multiline: bool = False) -> None:
    """Print the CLI's output with control characters escaped (newlines too, unless a report)."""
    typer.echo(printable(message, keep_newlines=multiline), err=err)
