"""Gold annotations (`gold-v1`) and the published records they are scored against."""

from __future__ import annotations

import json
from pathlib import Path, PurePath

from pydantic import BaseModel, ConfigDict, Field

from pipeline.config import Settings
from pipeline.models import Initiative

GOLD_SCHEMA = "gold-v1"


# -- gold records --------------------------------------------------------------------------

class _GoldModel(BaseModel):
    model_config = ConfigDict(extra="ignore")


class GoldOrganisation(_GoldModel):
    name: str
    role: str | None = None


class GoldContact(_GoldModel):
    name: str | None = None
    email: str


class GoldPeriod(_GoldModel):
    start: str | None = None
    end: str | None = None
    text: str | None = None


class GoldRecord(_GoldModel):
    """One annotated initiative, with the name of the file it was found in."""

    file: str
    title: str | None = None
    parent: str | None = None
    language: str | None = None
    organisations: list[GoldOrganisation] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)
    contacts: list[GoldContact] = Field(default_factory=list)
    websites: list[str] = Field(default_factory=list)
    target_group: str | None = None
    purpose: str | None = None
    description: str | None = None
    expected_results: str | None = None
    evaluation: str | None = None
    activities: list[str] = Field(default_factory=list)
    period: GoldPeriod = Field(default_factory=GoldPeriod)
    funding: list[str] = Field(default_factory=list)
    target_group_categories: list[str] = Field(default_factory=list)
    themes: list[str] = Field(default_factory=list)
    implementation_level: str | None = None
    sdgs: list[int] = Field(default_factory=list)


Record = GoldRecord | Initiative


def load_gold(path: Path) -> list[GoldRecord]:
    """Read a `gold-v1` file into one record per annotated initiative, in document order."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data.get("schema") != GOLD_SCHEMA:
        raise ValueError(f"{path}: expected schema {GOLD_SCHEMA!r}, found {data.get('schema')!r}")
    records = [
        GoldRecord.model_validate({**initiative, "file": PurePath(document["file"]).name})
        for document in data["documents"]
        for initiative in document["initiatives"]
    ]
    find_gold_parents(records)  # fail on load, not mid-score, when a parent is unknown
    return records


def load_predictions(path: Path | None = None) -> list[Initiative]:
    """Read published records from `initiatives.jsonl` (by default the run's output folder)."""
    path = Path(path) if path else Settings().out_dir / "initiatives.jsonl"
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(Initiative.model_validate_json(line))
        except ValueError as error:
            raise ValueError(f"{path}:{number}: not an initiative record: {error}") from error
    return records


def find_gold_parents(gold: list[GoldRecord]) -> list[int | None]:
    """Return, per gold record, the index of its parent: the nearest preceding same-titled one."""
    parents: list[int | None] = []
    for index, record in enumerate(gold):
        if record.parent is None:
            parents.append(None)
            continue
        candidates = [
            other for other in range(index - 1, -1, -1)
            if gold[other].file == record.file and gold[other].title == record.parent
        ]
        if not candidates:
            raise ValueError(f"gold {record.file}: parent {record.parent!r} of {record.title!r} "
                             "is not a title in the same document")
        parents.append(candidates[0])
    return parents
