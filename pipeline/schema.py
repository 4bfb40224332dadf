"""Export the record contract as JSON Schema files in schemas/."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.config import PROJECT_ROOT
from pipeline.models import Document, Initiative

SCHEMA_DIR = PROJECT_ROOT / "schemas"
MODELS = {"initiative.schema.json": Initiative, "document.schema.json": Document}


def render_schemas() -> dict[str, str]:
    """Return {file name: JSON text} for every exported model."""
    return {name: json.dumps(model.model_json_schema(), ensure_ascii=False, indent=2) + "\n"
            for name, model in MODELS.items()}


def write_schemas(directory: Path = SCHEMA_DIR) -> list[Path]:
    """Write the schema files and return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_schemas().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
