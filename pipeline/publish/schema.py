"""Export the record contract as JSON Schema files in schemas/."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel

from pipeline.config import PROJECT_ROOT
from pipeline.models import SCHEMA_VERSION, Document, Initiative

SCHEMA_DIR = PROJECT_ROOT / "schemas"
MODELS = {"initiative.schema.json": Initiative, "document.schema.json": Document}
DIALECT = "https://json-schema.org/draft/2020-12/schema"  # the draft pydantic writes


def schema_id(name: str) -> str:
    """A stable URI naming one schema file at one contract version."""
    return f"urn:praxis:schema:{name.removesuffix('.schema.json')}:{SCHEMA_VERSION}"


@lru_cache(maxsize=None)
def model_schema(model: type[BaseModel]) -> dict:
    """A model's JSON Schema, built once (pydantic builds it anew on every call): read it,
    never change it."""
    return model.model_json_schema()


def render_schemas() -> dict[str, str]:
    """Return {file name: JSON text} for every exported model."""
    rendered = {}
    for name, model in MODELS.items():
        schema = {"$schema": DIALECT, "$id": schema_id(name), **model_schema(model)}
        rendered[name] = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    return rendered


def write_schemas(directory: Path = SCHEMA_DIR) -> list[Path]:
    """Write the schema files and return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_schemas().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
