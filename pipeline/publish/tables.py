"""Typed tables of a release: the records as nested Parquet, plus flat companion tables.

Every Arrow type here is derived from the pydantic models by walking their fields, so a
field added to a model appears in the tables without a change here: lists become lists,
a text field a struct, `organisations` a list of structs, `provenance` a map.
The companion tables (`organisations`, `text_fields`, `contacts`) have one row per list
item, keyed by (`initiative_id`, `position`), written as Parquet and as CSV; `contacts`
only in the full release. Nested values in a flat table's CSV are JSON text.
"""

from __future__ import annotations

import json
import types
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal, Union, get_args, get_origin

import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import BaseModel

from pipeline.csvsafe import open_csv
from pipeline.models import SECTION_FIELDS, Contact, Initiative, Organisation, TextField

SCALARS = {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_()}


def strip_optional(annotation):
    """`X | None` → X; Annotated[X, ...] → X."""
    if get_origin(annotation) is Annotated:
        return strip_optional(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        rest = [a for a in get_args(annotation) if a is not type(None)]
        if len(rest) != 1:
            raise TypeError(f"no Arrow type for the union {annotation}")
        return strip_optional(rest[0])
    return annotation


def is_optional(annotation) -> bool:
    return get_origin(annotation) in (Union, types.UnionType) and type(None) in get_args(annotation)


def is_model(annotation) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def arrow_type(annotation) -> pa.DataType:
    """The Arrow type of a field annotation (scalars, literals, lists, tuples, dicts, models)."""
    annotation = strip_optional(annotation)
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Literal:
        return SCALARS[type(args[0])]
    if origin in (list, tuple):
        return pa.list_(arrow_type(args[0]))
    if origin is dict:
        return pa.map_(arrow_type(args[0]), arrow_type(args[1]))
    if is_model(annotation):
        return struct_type(annotation)
    if annotation in SCALARS:
        return SCALARS[annotation]
    raise TypeError(f"no Arrow type for {annotation}")


def struct_type(model: type[BaseModel]) -> pa.StructType:
    return pa.struct(model_fields(model))


def model_fields(model: type[BaseModel]) -> list[pa.Field]:
    """One Arrow field per model field; nullable where the model allows null."""
    return [pa.field(name, arrow_type(info.annotation), nullable=is_optional(info.annotation))
            for name, info in model.model_fields.items()]


def initiative_schema() -> pa.Schema:
    """The nested schema of initiatives.parquet: one column per record field."""
    return pa.schema(model_fields(Initiative))


@dataclass(frozen=True)
class Column:
    """A flat table's column: its name, type and the path to its value in a dumped item."""

    name: str
    type: pa.DataType
    path: tuple
    nullable: bool = True


def flat_columns(model: type[BaseModel], prefix: tuple = ()) -> list[Column]:
    """Columns of a model flattened: sub-models as `a_b`, a (start, end) pair as two integers."""
    columns: list[Column] = []
    for name, info in model.model_fields.items():
        key, annotation = prefix + (name,), strip_optional(info.annotation)
        label = "_".join(key)
        if is_model(annotation):
            columns += flat_columns(annotation, key)
        elif get_origin(annotation) is tuple and len(get_args(annotation)) == 2:
            item = arrow_type(get_args(annotation)[0])
            columns += [Column(f"{label}_start", item, key + (0,)),
                        Column(f"{label}_end", item, key + (1,))]
        else:
            nullable = bool(prefix) or is_optional(info.annotation)
            columns.append(Column(label, arrow_type(annotation), key, nullable))
    return columns


def pick(item, path: tuple):
    for step in path:
        if item is None:
            return None
        item = item[step] if isinstance(step, int) else item.get(step)
    return item


KEY_COLUMNS = {
    "organisations": [Column("initiative_id", pa.string(), (), False),
                      Column("position", pa.int64(), (), False)],
    "contacts": [Column("initiative_id", pa.string(), (), False),
                 Column("position", pa.int64(), (), False)],
    "text_fields": [Column("initiative_id", pa.string(), (), False),
                    Column("field", pa.string(), (), False),
                    Column("position", pa.int64(), (), False)],
}
ITEM_MODELS = {"organisations": Organisation, "contacts": Contact, "text_fields": TextField}
PRIMARY_KEYS = {name: [c.name for c in keys] for name, keys in KEY_COLUMNS.items()}
PUBLIC_TABLES = ("organisations", "text_fields")  # contacts stay in the full release


@lru_cache(maxsize=None)
def item_columns(name: str) -> tuple[Column, ...]:
    """The flattened columns of one list item of a companion table (walked once per table)."""
    return tuple(flat_columns(ITEM_MODELS[name]))


def table_columns(name: str) -> list[Column]:
    return KEY_COLUMNS[name] + list(item_columns(name))


@lru_cache(maxsize=None)
def table_schema(name: str) -> pa.Schema:
    return pa.schema([pa.field(c.name, c.type, nullable=c.nullable) for c in table_columns(name)])


def companion_rows(name: str, dumped: dict) -> list[dict]:
    """The rows one record (as `model_dump(mode="json")` gives it) gives a companion table."""
    if name == "text_fields":
        items = [(field, 0, dumped[field]) for field in SECTION_FIELDS
                 if dumped[field] is not None]
        items += [("activities", n, item) for n, item in enumerate(dumped["activities"])]
    else:
        items = [(None, n, item) for n, item in enumerate(dumped[name])]
    columns = item_columns(name)
    rows = []
    for field, position, item in items:
        row = {"initiative_id": dumped["id"], "position": position}
        if field is not None:
            row["field"] = field
        row.update({c.name: pick(item, c.path) for c in columns})
        rows.append(row)
    return rows


def csv_cell(value):
    """A CSV cell: empty for null, numbers as written, nested values as JSON."""
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


class TableWriter:
    """Stream records into initiatives.parquet and the companion tables of a release."""

    def __init__(self, folder: Path, tables: tuple[str, ...] = (*PUBLIC_TABLES, "contacts")):
        self.tables = tables
        self._schema = initiative_schema()
        self._records = pq.ParquetWriter(folder / "initiatives.parquet", self._schema)
        self._parquet = {name: pq.ParquetWriter(folder / f"{name}.parquet", table_schema(name))
                         for name in tables}
        self._files, self._csv = {}, {}
        for name in tables:
            self._files[name], self._csv[name] = open_csv(
                folder / f"{name}.csv", [c.name for c in table_columns(name)])

    def add(self, records: list[Initiative]) -> None:
        """Append a batch of records to every table."""
        self.add_dumped([record.model_dump(mode="json") for record in records])

    def add_dumped(self, dumped: list[dict]) -> None:
        """Append a batch of records as `model_dump(mode="json")` gives them."""
        if not dumped:
            return
        self._records.write_table(pa.Table.from_pylist(dumped, schema=self._schema))
        for name in self.tables:
            rows = [row for data in dumped for row in companion_rows(name, data)]
            if rows:
                self._parquet[name].write_table(
                    pa.Table.from_pylist(rows, schema=table_schema(name)))
            columns = [c.name for c in table_columns(name)]
            self._csv[name].writerows([{c: csv_cell(row[c]) for c in columns} for row in rows])

    def close(self) -> None:
        self._records.close()
        for name in self.tables:
            self._parquet[name].close()
            self._files[name].close()
