"""Form exports (.csv, .json): one submission per row, rendered as labelled blocks.

Each row becomes a block of `Label: value` lines (short answers) and `Label` + paragraph
(long ones), the contact block first, so the segmenter splits rows into submissions the
way it splits a compilation. Column names are recognised through the heading lexicon in
any language; columns it does not know stay in the text as `Column: value` lines.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

from pipeline.errors import ReadError
from pipeline.limits import add_note, check_deadline, current_limits
from pipeline.ingest.render import render_fields
from pipeline.ingest.text import decode_bytes
from pipeline.lexicon import HEADER_FIELDS, Lexicon, load_lexicon

DELIMITERS = (",", ";", "\t", "|")
SNIFFED_DELIMITERS = (",", ";", "\t")  # without a .csv name, pipes are more likely prose
SNIFF_ROWS = 20
MAX_FIELD_CHARS = 10 * 1024 * 1024
Row = list[tuple[str, str]]


def read_csv_form(data: bytes) -> tuple[str, str]:
    """Return (text, encoding) of a CSV/TSV export: a header row, then one row per submission."""
    text, encoding = decode_bytes(data)
    max_rows = current_limits().max_rows
    rows = parse_csv(text, max_rows + 2)
    del text  # the rows hold what is needed; a large export should not be held twice
    if len(rows) < 2:
        raise ReadError("empty", "the form export has a header row but no submissions")
    header = [name.strip() or f"Column {n + 1}" for n, name in enumerate(rows[0])]
    rows = rows[1:]
    if len(rows) > max_rows:
        note_rows_left_out(max_rows)
        rows = rows[:max_rows]
    submissions = []
    for cells in rows:
        names = header + [f"Column {n + 1}" for n in range(len(header), len(cells))]
        submissions.append(list(zip(names, cells)))
    return render_submissions(submissions, load_lexicon()), encoding


def read_json_form(data: bytes) -> tuple[str, str]:
    """Return (text, encoding) of a JSON export: a list of objects, one per submission."""
    text, encoding = decode_bytes(data)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReadError("corrupt", f"the JSON file is damaged ({exc})") from exc
    except RecursionError as exc:
        raise ReadError("too_deep", "the JSON file is nested too deeply to be read") from exc
    objects = find_submissions(value)
    if objects is None:
        raise ReadError("unsupported_format", "the JSON file is not a list of form submissions "
                        "(expected objects of `label: answer` pairs)")
    if not objects:
        raise ReadError("empty", "the form export holds no submissions")
    limits = current_limits()
    if len(objects) > limits.max_rows:
        note_rows_left_out(limits.max_rows)
        objects = objects[:limits.max_rows]
    return render_submissions([flatten(obj, limits.max_depth) for obj in objects],
                              load_lexicon()), encoding


def note_rows_left_out(max_rows: int) -> None:
    add_note("truncated", f"the form export has more than {max_rows:,} submissions; only the "
             f"first {max_rows:,} were read (PRAXIS_MAX_ROWS)")


def parse_csv(text: str, max_rows: int | None = None) -> list[list[str]]:
    """Split CSV text into non-empty rows (at most `max_rows`) with the steadiest delimiter."""
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FIELD_CHARS))
    delimiter = sniff_delimiter(text)
    rows = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if any(cell.strip() for cell in row):
                rows.append(row)
                if max_rows is not None and len(rows) >= max_rows:
                    break
                if len(rows) % 1000 == 0:
                    check_deadline()
    except csv.Error as exc:
        raise ReadError("corrupt", f"the CSV file cannot be parsed ({exc})") from exc
    return rows


def sniff_delimiter(text: str) -> str:
    """Pick the delimiter whose first rows split into the same number (>1) of columns."""
    sample = text[:64 * 1024]
    best, best_score = ",", -1.0
    for delimiter in DELIMITERS:
        try:
            rows = [row for _, row in zip(range(SNIFF_ROWS),
                                          csv.reader(io.StringIO(sample), delimiter=delimiter))
                    if row]
        except csv.Error:
            continue
        if not rows:
            continue
        width, count = Counter(len(row) for row in rows).most_common(1)[0]
        score = (count / len(rows)) * (width > 1) + (width > 1) * min(width, 50) / 1000
        if score > best_score:
            best, best_score = delimiter, score
    return best


def looks_like_csv_form(text: str) -> bool:
    """True for text whose first rows are a steady table under a header of form labels."""
    sample = text[:64 * 1024]
    if sniff_delimiter(sample) not in SNIFFED_DELIMITERS:
        return False
    rows = parse_csv(sample, SNIFF_ROWS)
    if len(rows) < 2 or len(rows[0]) < 2:
        return False
    if any(len(row) != len(rows[0]) for row in rows[1:-1]):
        return False
    lexicon = load_lexicon()
    known = sum(1 for name in rows[0] if recognise_column(name, lexicon))
    return known >= 2 or known * 2 >= len(rows[0])


def find_submissions(value) -> list[dict] | None:
    """The list of submission objects in a JSON export, or None when there is none."""
    if isinstance(value, list):
        return value if all(isinstance(item, dict) for item in value) else None
    if isinstance(value, dict):
        for item in value.values():
            if isinstance(item, list) and item and all(isinstance(x, dict) for x in item):
                return item
        if all(not isinstance(item, (dict, list)) or is_scalar_list(item)
               for item in value.values()):
            return [value]
    return None


def flatten(obj: dict, max_depth: int = 200) -> Row:
    """(label, answer) pairs of one submission; nested objects give their own labels."""
    if max_depth <= 0:
        raise ReadError("too_deep", "the JSON export is nested deeper than the limit "
                        "(PRAXIS_MAX_DEPTH)")
    pairs: Row = []
    for key, value in obj.items():
        if isinstance(value, dict):
            pairs += flatten(value, max_depth - 1)
        elif isinstance(value, list) and value and all(isinstance(x, dict) for x in value):
            for item in value:
                pairs += flatten(item, max_depth - 1)
        else:
            pairs.append((str(key), format_answer(value)))
    return pairs


def format_answer(value) -> str:
    """A JSON answer as text: lists become list lines, booleans words, nulls nothing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        items = [format_answer(item) for item in value]
        return "\n".join(f"- {item}" for item in items if item)
    return str(value)


def is_scalar_list(value) -> bool:
    return isinstance(value, list) and all(not isinstance(x, (dict, list)) for x in value)


def recognise_column(name: str, lexicon: Lexicon) -> str | None:
    """The field a column name means in any language (a label or a question heading)."""
    hit = lexicon.lookup_label(name)
    if hit:
        return hit[0]
    question = lexicon.match_question(name)
    return question.field if question else None


def render_submissions(rows: list[Row], lexicon: Lexicon) -> str:
    """Render each submission as a block; blocks are separated by blank lines."""
    fields: dict[str, str | None] = {}  # every row repeats the same column names
    blocks = []
    for number, row in enumerate(rows):
        if number % 1000 == 0:
            check_deadline()
        blocks.append(render_submission(row, lexicon, fields))
    return "\n\n".join(block for block in blocks if block.strip())


def render_submission(row: Row, lexicon: Lexicon, fields: dict[str, str | None] | None = None
                      ) -> str:
    """The contact block first, then the answers in column order; unknown columns between."""
    contact, unknown, answers = [], [], []
    has_title = False
    fields = {} if fields is None else fields
    for name, value in row:
        if not value or not value.strip():
            continue
        if name not in fields:
            fields[name] = recognise_column(name, lexicon)
        field = fields[name]
        has_title = has_title or field == "title"
        if field in HEADER_FIELDS:
            contact.append((name, value))
        elif field is None:
            unknown.append((" ".join(name.split()), " ".join(value.split())))
        else:
            answers.append((name, value))
    # Unlabelled lines after the contact block are where the extractor looks for a title,
    # so without a title column they go last, where they can only lengthen the last answer.
    parts = [render_fields(contact), render_unknown(unknown), render_fields(answers)]
    if not has_title:
        parts = [parts[0], parts[2], parts[1]]
    return "\n\n".join(part for part in parts if part)


def render_unknown(pairs: Row) -> str:
    """Columns the lexicon does not know, kept as `Column: value` lines."""
    return "\n".join(f"{name}: {value}" if name else value for name, value in pairs)
