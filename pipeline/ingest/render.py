"""Write label/value pairs and bold runs as the plain lines that layout.py reads."""

from __future__ import annotations

import re

MAX_INLINE_VALUE_CHARS = 100  # longer values go under their label as a paragraph
BLANK_RUNS = re.compile(r"\n\s*\n\s*")


def render_field(label: str, value: str) -> str:
    """Render one answer: `Label: value` when short, else `Label`, a blank line, the text."""
    label = " ".join(label.split()).rstrip(":").strip()
    value = clean_value(value)
    if not value:
        return ""
    if not label:
        return value
    if "\n" not in value and len(value) <= MAX_INLINE_VALUE_CHARS and not label.endswith("?"):
        return f"{label}: {value}"
    return f"{label}\n\n{value}"


def render_fields(pairs: list[tuple[str, str]]) -> str:
    """Render answers in order: short ones line by line, long ones as their own paragraphs."""
    out, previous_inline = "", False
    for label, value in pairs:
        part = render_field(label, value)
        if not part:
            continue
        inline = "\n" not in part
        if out:
            out += "\n" if inline and previous_inline else "\n\n"
        out += part
        previous_inline = inline
    return out


def clean_value(value: str) -> str:
    """Normalise an answer's line ends; keep its paragraphs, drop surrounding space."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.strip() for line in value.split("\n")]
    return BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()


def mark_bold(segments: list[tuple[str, bool]]) -> str:
    """Join (text, bold) runs, wrapping bold ones in `**`; spaces and a colon stay outside."""
    merged: list[list] = []
    for text, bold in segments:
        if merged and merged[-1][1] == bold:
            merged[-1][0] += text
        elif text:
            merged.append([text, bold])
    out = []
    for text, bold in merged:
        out.append("\n".join(wrap_bold(part) for part in text.split("\n")) if bold else text)
    return "".join(out)


def wrap_bold(text: str) -> str:
    """Wrap one line's bold run in `**`, leaving surrounding spaces and a final colon outside."""
    core = text.strip()
    if not any(ch.isalnum() for ch in core) or "*" in core:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()):]
    colon = ""
    if core.endswith(":"):  # `**Label**: value` keeps the label readable to layout.py
        core, colon = core[:-1].rstrip(), ":"
    return f"{lead}**{core}**{colon}{trail}"
