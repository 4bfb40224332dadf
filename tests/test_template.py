"""Blank submission forms: written in every lexicon language, read back field for field."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
import yaml

from pipeline.ingest import ingest_bytes
from pipeline.lexicon import load_lexicon
from pipeline.extract.document import extract_records
from pipeline.extract.template import form_fields, is_template_line, render_markdown, write_docx

ANSWERS = yaml.safe_load((Path(__file__).parent / "data" / "template" / "answers.yaml")
                         .read_text(encoding="utf-8"))
LANGUAGES = sorted(ANSWERS)


def answer_text(answers: dict, field: str) -> str | None:
    value = answers.get(field)
    if field == "organisation":
        return ", ".join(value)
    if field == "activities":
        return "\n".join(f"- {item}" for item in value)
    return value


def fill_markdown(lang: str, answers: dict) -> str:
    """Write each answer after its label's colon or under its section's guidance line."""
    lines = render_markdown(lang).split("\n")
    for question in form_fields(lang):
        value = answer_text(answers, question.field)
        if value is None:
            continue
        if question.is_section:
            at = lines.index(f"*{question.guidance}*", lines.index(f"## {question.label}"))
            lines[at + 1:at + 1] = ["", value]
        else:
            at = lines.index(f"{question.label}: ")
            lines[at] = f"{question.label}: {value}"
    return "\n".join(lines)


def fill_docx(lang: str, answers: dict, tmp_path: Path) -> bytes:
    """Fill the Word form the way a person would: type after the colon, under the heading."""
    document = docx.Document(write_docx(lang, tmp_path / f"form-{lang}.docx"))
    paragraphs = document.paragraphs
    for question in form_fields(lang):
        value = answer_text(answers, question.field)
        if value is None:
            continue
        if question.is_section:
            heading = next(n for n, p in enumerate(paragraphs) if p.text == question.label
                           and p.style.name.startswith("Heading"))
            paragraphs[heading + 2].add_run(value)  # the empty paragraph under the guidance
        else:
            next(p for p in paragraphs if p.text == f"{question.label}: ").add_run(value)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def read_back(name: str, data: bytes):
    [document] = ingest_bytes(name, data)
    assert document.status == "ok", document.error
    [record] = extract_records(document)
    return record


def assert_record_matches(record, answers: dict) -> None:
    name, country = answers["organisation"]
    code = {"Sverige": "SE", "Danmark": "DK", "Norge": "NO", "Noreg": "NO", "Suomi": "FI",
            "Ireland": "IE", "Ísland": "IS", "Deutschland": "DE", "Nederland": "NL",
            "France": "FR"}[country]
    assert record.title == answers["title"]
    assert [(o.name, o.role, o.country) for o in record.organisations
            if o.role == "implementing"] == [(name, "implementing", code)]
    assert [(c.name, c.email) for c in record.contacts] == [(answers["contact_name"],
                                                           answers["email"])]
    assert record.websites == [f"https://{answers['website']}"]
    assert record.countries == [code]
    assert (record.period.start, record.period.end) == ("2019", "2021")
    assert record.implementation_level == "local"
    assert record.funding == [answers["funding"]]
    for field in ("target_group", "purpose", "description", "expected_results", "evaluation"):
        assert getattr(record, field).text == answers[field], field
    assert [a.text for a in record.activities] == answers["activities"]


def test_every_lexicon_language_has_answers_to_test_its_form():
    assert set(load_lexicon().languages) <= set(LANGUAGES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_filled_markdown_form_reads_back_exactly(lang):
    record = read_back(f"form-{lang}.md", fill_markdown(lang, ANSWERS[lang]).encode("utf-8"))
    assert_record_matches(record, ANSWERS[lang])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_filled_docx_form_reads_back_exactly(lang, tmp_path):
    record = read_back(f"form-{lang}.docx", fill_docx(lang, ANSWERS[lang], tmp_path))
    assert_record_matches(record, ANSWERS[lang])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_guidance_lines_left_in_a_returned_form_are_not_answers(lang):
    record = read_back(f"form-{lang}.md", fill_markdown(lang, ANSWERS[lang]).encode("utf-8"))
    for name, field in record.text_fields():
        assert not any(is_template_line(line) for line in field.text.split("\n")), name


def test_blank_form_lists_every_question_once(lang="sv"):
    markdown = render_markdown(lang)
    for question in form_fields(lang):
        assert markdown.count(question.guidance) == 1
