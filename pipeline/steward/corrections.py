"""Apply a steward's corrections (corrections/*.yaml or *.csv) on top of extraction.

A correction names a record (by id; or by source file and title, which survive a change of
id when the pipeline is upgraded), a field and the new value. The corrected field's
provenance becomes `steward`. A correction that fits no record or field is reported.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from pipeline.ingest.text import UndecodableError, decode_bytes
from pipeline.enrich import normalise
from pipeline.enrich.language import detect_language
from pipeline.models import (SECTION_FIELDS, Initiative, Level, Organisation, Provenance,
                             TargetGroup, TextField, Theme, field_names)

LIST_FIELDS = tuple(name for name in field_names("list") if name != "sdgs")  # sdgs: numbers
PERIOD_FIELDS = ("period.start", "period.end", "period.text")
SCALAR_FIELDS = ("title", "title_en", "language", "implementation_level")
OBJECT_LIST_FIELDS = field_names("objects")
# The contract's vocabularies, the same ones extraction writes codes from.
VOCABULARIES = {"target_group_categories": TargetGroup.__args__, "themes": Theme.__args__}
LEVELS = Level.__args__
CORRECTABLE = (*SCALAR_FIELDS, *SECTION_FIELDS, *LIST_FIELDS, *PERIOD_FIELDS,
               *OBJECT_LIST_FIELDS, "activities", "sdgs")


@dataclass
class Correction:
    """One steward correction and where it was written."""

    record_id: str | None
    field: str
    value: object
    note: str | None
    origin: str
    file: str | None = None
    title: str | None = None


KNOWN_KEYS = {"record_id", "id", "file", "title", "field", "value", "note", "kind", "action",
              "ids"}
MAX_FILE_BYTES = 5 * 1024 * 1024  # a steward's corrections are a few kB; more is a mistake
READERS = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv"}


class CorrectionError(ValueError):
    """A corrections file cannot be read."""


class NoAliasLoader(yaml.SafeLoader):
    """YAML without aliases: a billion-laughs file is refused at its first `*alias`."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise CorrectionError("YAML aliases (*name) are not allowed in corrections")
        return super().compose_node(parent, index)


def load_yaml(text: str) -> object:
    """Parse steward YAML: plain data only (no tags, no aliases)."""
    return yaml.load(text, Loader=NoAliasLoader)  # noqa: S506 - a SafeLoader subclass


def load_corrections(folder: Path) -> tuple[list[Correction], list[str]]:
    """Read every corrections file; return the corrections and the problems found, per file."""
    corrections: list[Correction] = []
    problems: list[str] = []
    try:
        paths = sorted(folder.iterdir()) if folder.is_dir() else []
    except OSError as exc:
        return corrections, [f"{folder.name}: cannot be listed ({exc.strerror or exc})"]
    for path in paths:
        if path.suffix.lower() not in READERS:
            continue
        try:
            rows = read_rows(path)
        except RecursionError:
            problems.append(f"{path.name}: cannot be read (nested too deeply)")
            continue
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the run
            problems.append(f"{path.name}: cannot be read ({describe_error(exc)})")
            continue
        for origin, row in rows:
            if is_cluster_row(row):
                continue  # read by load_cluster_corrections
            correction, problem = make_correction(row, origin)
            if problem:
                problems.append(problem)
            else:
                corrections.append(correction)
    return corrections, problems


def describe_error(exc: Exception) -> str:
    """One line naming what went wrong (YAML errors span several lines)."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}"[:300]


def read_rows(path: Path) -> list[tuple[str, object]]:
    """The rows of one corrections file, decoded from whatever encoding it was saved in."""
    if not path.is_file():  # a FIFO or device named *.yaml would block or never end
        raise CorrectionError("not a regular file")
    with path.open("rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise CorrectionError(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    try:
        text, _ = decode_bytes(data)
    except (UndecodableError, UnicodeDecodeError) as exc:
        raise CorrectionError(f"not text in any known encoding ({exc})") from None
    if READERS[path.suffix.lower()] == "yaml":
        return read_yaml_rows(path.name, text)
    return read_csv_rows(path.name, text)


def read_yaml_rows(name: str, text: str) -> list[tuple[str, object]]:
    data = load_yaml(text) or []
    if isinstance(data, dict):
        data = data.get("corrections", [])
    if not isinstance(data, list):
        raise CorrectionError("expected a list of corrections")
    return [(f"{name}#{n + 1}", row) for n, row in enumerate(data)]


def read_csv_rows(name: str, text: str) -> list[tuple[str, object]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    return [(f"{name}:{n + 2}", row) for n, row in enumerate(reader)]


def make_correction(row: object, origin: str) -> tuple[Correction | None, str | None]:
    """Validate one row: it must name a record and a correctable field."""
    if not isinstance(row, dict):
        return None, f"{origin}: not a mapping"
    field = str(row.get("field") or "").strip()
    record_id = str(row.get("record_id") or row.get("id") or "").strip() or None
    file, title = row.get("file"), row.get("title")
    if field not in CORRECTABLE:
        close = difflib.get_close_matches(field, CORRECTABLE, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else \
            f"; correctable fields: {', '.join(CORRECTABLE)}"
        unknown_keys = sorted(set(map(str, row)) - KNOWN_KEYS)
        if unknown_keys:
            hint += f" (unknown keys: {', '.join(unknown_keys)})"
        return None, f"{origin}: field '{field}' cannot be corrected{hint}"
    if not record_id and not (file and title):
        return None, f"{origin}: names no record (record_id, or file and title)"
    note = row.get("note")
    return Correction(record_id, field, row.get("value"), str(note) if note else None, origin,
                      str(file) if file else None, str(title) if title else None), None


def apply_corrections(records: list[Initiative], corrections: list[Correction],
                      applied: dict[str, str]) -> None:
    """Apply matching corrections in place; `applied` collects origin → outcome."""
    for correction in corrections:
        for record in records:
            if matches(record, correction):
                applied[correction.origin] = apply_one(record, correction)


def matches(record: Initiative, correction: Correction) -> bool:
    """By id first; by source file name and title when the id is unknown."""
    if correction.record_id and correction.record_id == record.id:
        return True
    if correction.file and correction.title and record.title:
        return (Path(record.source.file).name == Path(correction.file).name
                and record.title.casefold() == correction.title.casefold())
    return False


def apply_one(record: Initiative, correction: Correction) -> str:
    """Set one field; invalid values leave the record as it was and say why."""
    before = record.model_copy(deep=True)
    try:
        set_value(record, correction.field, correction.value)
        Initiative.model_validate(record.model_dump())
    except Exception as exc:  # noqa: BLE001 - a steward's typo must not stop the run
        for name in Initiative.model_fields:
            setattr(record, name, getattr(before, name))
        return f"invalid value: {explain_error(exc)}"
    record.provenance[correction.field] = Provenance(method="steward", confidence=1.0,
                                                     note=correction.note)
    return "applied"


def explain_error(exc: Exception) -> str:
    """Say which part of a value was wrong and what is allowed, in one line."""
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}"
                         for error in exc.errors()[:3])
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def set_value(record: Initiative, field: str, value: object) -> None:
    """Write a steward's value into the record, converting it to the field's type."""
    if field in SECTION_FIELDS:
        setattr(record, field, steward_text(value, record.language))
    elif field == "activities":
        record.activities = [t for t in (steward_text(v, record.language)
                                         for v in as_list(value)) if t]
    elif field == "countries":
        record.countries = unique(country_code(v) for v in as_list(value))
    elif field in VOCABULARIES:
        setattr(record, field, unique(vocabulary_code(field, v) for v in as_list(value)))
    elif field == "funding":
        record.funding = unique(str(v).strip() for v in as_list(value))
        record.organisations = match_funders(record.organisations, record.funding)
    elif field in LIST_FIELDS:
        setattr(record, field, [str(v) for v in as_list(value)])
    elif field == "sdgs":
        record.sdgs = unique(sdg_number(v) for v in as_list(value))
    elif field == "implementation_level":
        record.implementation_level = level_code(value)
    elif field in PERIOD_FIELDS:
        setattr(record.period, field.split(".")[1], str(value) if value not in (None, "") else None)
    elif field in OBJECT_LIST_FIELDS:
        items = value if isinstance(value, list) else load_yaml(str(value))
        if items is not None and not isinstance(items, list):
            raise ValueError(f"{field} must be a list of objects, not {type(items).__name__}")
        model = Initiative.model_fields[field].annotation.__args__[0]
        setattr(record, field, [model.model_validate(item) for item in items or []])
        if field == "organisations":  # the funders are the organisations in the funder role
            record.funding = unique(o.name for o in record.organisations if o.role == "funder")
    else:
        setattr(record, field, str(value) if value not in (None, "") else None)


def steward_text(value: object, language: str) -> TextField | None:
    """A text field written by a steward: no span in the document, full confidence."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    lang, lang_confidence = detect_language(text, prior=language)
    return TextField(text=text, lang=lang, span=None, lang_confidence=lang_confidence,
                     confidence=1.0, method="steward")


def unique(values) -> list:
    """The values in order, each once."""
    return list(dict.fromkeys(values))


def suggest(value: str, choices, cutoff: float = 0.6) -> str:
    """`; did you mean 'x'?` for the nearest choice, or nothing when none is near."""
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=cutoff)
    return f"; did you mean '{close[0]}'?" if close else ""


def country_code(value: object) -> str:
    """An ISO 3166-1 alpha-2 code from a code or a country name in any lexicon language."""
    text = str(value).strip()
    code = normalise.country_code(text)
    if code is None:
        names = {name: code for table in normalise.country_names().values()
                 for name, code in table.items()}
        close = difflib.get_close_matches(text.casefold(), list(names), n=1, cutoff=0.75)
        hint = (f"; did you mean '{close[0].title()}' ({names[close[0]]})?" if close else "")
        raise ValueError(f"'{value}' is not a country: write an ISO 3166-1 alpha-2 code "
                         f"(FI, NO) or a country's name in a lexicon language{hint}")
    return code


def vocabulary_code(field: str, value: object) -> str:
    """A code of the field's vocabulary, written as the code or as words ("Asylum seekers")."""
    codes = VOCABULARIES[field]
    text = str(value).strip()
    code = "_".join(text.casefold().replace("-", " ").split())
    if code in codes:
        return code
    hint = suggest(code, codes) or f"; allowed: {', '.join(codes)}"
    raise ValueError(f"'{text}' is not in the {field} vocabulary{hint}")


def sdg_number(value: object) -> int:
    """A UN Sustainable Development Goal, 1 to 17, written as its number ("4", 4, "SDG 4")."""
    text = str(value).strip()
    numbers = re.findall(r"\d+", text)  # one number, whatever words stand around it
    if len(numbers) != 1 or not 1 <= int(numbers[0]) <= 17:
        raise ValueError(f"'{text}' is not a Sustainable Development Goal: goals are "
                         "numbered 1 to 17")
    return int(numbers[0])


def level_code(value: object) -> str | None:
    """An implementation level as its code, or as a lexicon word for it ("Lokalt")."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    if text.casefold() in LEVELS:
        return text.casefold()
    level = normalise.parse_level(text)
    if level is None:
        hint = suggest(text.casefold(), LEVELS)
        raise ValueError(f"'{text}' is not an implementation_level{hint}; allowed: "
                         f"{', '.join(LEVELS)} (or the word for one in a lexicon language)")
    return level


def match_funders(organisations: list[Organisation], funders: list[str]) -> list[Organisation]:
    """Make the organisations in the funder role exactly the corrected funders.

    A funder no longer named is dropped (its role was the mistake); a new one is added, with
    the country of the same organisation listed in another role.
    """
    wanted = {name.casefold(): name for name in funders}
    kept = [o for o in organisations if o.role != "funder" or o.name.casefold() in wanted]
    present = {o.name.casefold() for o in kept if o.role == "funder"}
    countries = {o.name.casefold(): o.country for o in organisations}
    kept += [Organisation(name=name, role="funder", country=countries.get(folded))
             for folded, name in wanted.items() if folded not in present]
    return kept


def as_list(value: object) -> list:
    if value in (None, ""):
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        raise TypeError("expected a list or a '; '-separated text, not a mapping")
    return [part.strip() for part in str(value).split(";") if part.strip()]


@dataclass
class ClusterCorrection:
    """A steward's verdict on linked records: `merge` them into one cluster, or `split` them off."""

    action: str
    ids: list[str]
    origin: str


def is_cluster_row(row: object) -> bool:
    """Whether a corrections row is about a cluster (`kind: cluster`), not a field."""
    return isinstance(row, dict) and str(row.get("kind") or "").strip() == "cluster"


def load_cluster_corrections(folder: Path) -> tuple[list[ClusterCorrection], list[str]]:
    """Read the `kind: cluster` rows of the corrections files (ids as a list or `a; b`)."""
    found: list[ClusterCorrection] = []
    problems: list[str] = []
    try:
        paths = sorted(folder.iterdir()) if folder.is_dir() else []
    except OSError:
        paths = []  # load_corrections reports an unlistable folder
    for path in paths:
        if path.suffix.lower() not in READERS:
            continue
        try:
            rows = read_rows(path)
        except Exception:  # noqa: BLE001 - load_corrections reports unreadable files
            continue
        for origin, row in rows:
            if not is_cluster_row(row):
                continue
            action = str(row.get("action") or "").strip()
            ids = [str(i) for i in as_list(row.get("ids") or row.get("value"))]
            if action not in ("merge", "split") or len(ids) < (2 if action == "merge" else 1):
                problems.append(f"{origin}: a cluster correction needs action merge (two or "
                                "more ids) or split (one or more ids)")
                continue
            found.append(ClusterCorrection(action, ids, origin))
    return found, problems
