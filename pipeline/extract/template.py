"""Blank submission forms in any lexicon language, with the labels extraction reads.

A steward sends `praxis template --lang sv` out to collect new submissions. The labels,
headings and guidance lines are the language file's `template` data; every label is one
the lexicon recognises, so a filled-in form comes back with each answer in its field.
The guidance lines may stay in a returned form: ingest drops them (`is_template_line`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.lexicon import SECTION_FIELDS, load_lexicon

EMPHASIS = re.compile(r"^[\s#>*_]+|[\s*_]+$")


@dataclass(frozen=True)
class FormField:
    """One question of the form: the field it fills, its label and a line of guidance."""

    field: str
    label: str
    guidance: str

    @property
    def is_section(self) -> bool:
        """Sections are answered in paragraphs under a heading, others after a colon."""
        return self.field in SECTION_FIELDS


def form_fields(lang: str) -> list[FormField]:
    """Return the form's questions in the order the language file lists them."""
    template = load_lexicon().languages[lang].template
    return [FormField(field, entry.label, entry.guidance)
            for field, entry in template.fields.items()]


def render_markdown(lang: str) -> str:
    """Write the blank form as Markdown: `Label:` lines, then headed sections."""
    template = load_lexicon().languages[lang].template
    out = [f"# {template.heading}", "", f"*{template.intro}*", ""]
    for question in form_fields(lang):
        if question.is_section:
            out += [f"## {question.label}", "", f"*{question.guidance}*", "", ""]
        else:
            out += [f"{question.label}: ", f"*{question.guidance}*", ""]
    return "\n".join(out).rstrip() + "\n"


def write_docx(lang: str, path: Path) -> Path:
    """Write the blank form as a Word document with real heading styles."""
    import docx  # python-docx loads only when a DOCX form is asked for

    template = load_lexicon().languages[lang].template
    document = docx.Document()
    document.add_heading(template.heading, level=1)
    add_guidance(document, template.intro)
    for question in form_fields(lang):
        if question.is_section:
            document.add_heading(question.label, level=2)
            add_guidance(document, question.guidance)
            document.add_paragraph("")
        else:
            document.add_paragraph(f"{question.label}: ")
            add_guidance(document, question.guidance)
    document.save(path)
    return path


def add_guidance(document, text: str) -> None:
    """Add one italic guidance paragraph."""
    document.add_paragraph().add_run(text).italic = True


@lru_cache(maxsize=1)
def template_lines() -> frozenset[str]:
    """Every language's form heading, intro and guidance lines, folded for lookup."""
    lines = set()
    for lexicon in load_lexicon().languages.values():
        template = lexicon.template
        lines |= {fold_line(template.heading), fold_line(template.intro)}
        lines |= {fold_line(entry.guidance) for entry in template.fields.values()}
    return frozenset(lines)


def fold_line(line: str) -> str:
    """Fold a line for comparison: emphasis, heading marks, spacing and case."""
    return " ".join(EMPHASIS.sub("", line).split()).casefold()


def is_template_line(line: str) -> bool:
    """Tell whether a line is the form's own text, not an answer."""
    return bool(line.strip()) and fold_line(line) in template_lines()
