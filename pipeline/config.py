"""Run settings: where things live, read from PRAXIS_* variables and validated on load.

`Settings()` raises pydantic's ValidationError on a bad value; `load_settings()` turns that
into a `SettingsError` whose message names each variable, its value and what is allowed, so
the CLI can print one line instead of a traceback (and a batch size of 0 never runs).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from pipeline.workers import available_cores

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
PREFIX = "PRAXIS_"
# Words pydantic reads as booleans (case-insensitive), shown when a flag variable is wrong.
BOOLEAN_WORDS = "1, 0, true, false, yes, no, on, off"
# What CTranslate2 accepts (ctranslate2.Translator's device and compute_type).
Device = Literal["cpu", "cuda", "auto"]
ComputeType = Literal["default", "auto", "int8", "int8_float32", "int8_float16",
                      "int8_bfloat16", "int16", "float16", "bfloat16", "float32"]


def variable(name: str) -> Any:
    """Read a field from the PRAXIS_* variable `name` (its field name may differ)."""
    return AliasChoices(PREFIX + name)


def limit(default: int | float, description: str, minimum: int | float = 1) -> Any:
    """A positive limit: zero or below would stop every document, or every run."""
    return Field(default, ge=minimum, description=description)


class Settings(BaseSettings):
    """Paths and knobs for one run; every value can be set with a PRAXIS_* variable."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, env_ignore_empty=True,
                                      populate_by_name=True, extra="ignore")

    raw_dir: Path = Field(PROJECT_ROOT / "raw", validation_alias=variable("RAW"),
                          description="the inbox folder")
    out_dir: Path = Field(PROJECT_ROOT / "processed", validation_alias=variable("OUT"),
                          description="the output folder")
    models_dir: Path = Field(PROJECT_ROOT / "models" / "argos",
                             validation_alias=variable("MODELS_DIR"),
                             description="the translation models folder")
    corrections_dir: Path = Field(PROJECT_ROOT / "corrections",
                                  validation_alias=variable("CORRECTIONS"),
                                  description="the corrections folder")
    translation_cache: Path | None = Field(None, description="the translation cache file")
    keep_releases: int = limit(10, "releases kept")
    batch_size: int = limit(50, "documents per batch")
    # Processes reading and extracting batches at once (pipeline/workers.py); 1: all of it in
    # the run's own process. Also the size of Prefect's process pool (--runner processes).
    workers: int = Field(default_factory=available_cores, ge=1,
                         description="processes extracting at once")
    # Limits per document (Limits.from_settings in pipeline/limits.py; README's *Bad input*).
    max_file_bytes: int = limit(50 * MB, "bytes per file")
    max_unpacked_bytes: int = limit(64 * MB, "bytes unpacked per document")
    max_xml_bytes: int = limit(16 * MB, "bytes of XML per DOCX")
    max_pages: int = limit(1000, "PDF pages read")
    max_paragraphs: int = limit(20_000, "DOCX paragraphs read")
    max_rows: int = limit(20_000, "form-export rows read")
    max_chars: int = limit(5_000_000, "characters of text kept")
    max_line_chars: int = limit(100_000, "characters per line")
    max_segment_chars: int = limit(100_000, "characters per initiative")
    max_depth: int = limit(200, "levels of nesting")
    max_seconds: float = Field(120.0, gt=0, description="seconds per document")
    lock_timeout: float = limit(0.0, "seconds a second run waits for the lock", minimum=0)
    translate: bool = Field(True, description="translate text fields to English")
    # a run that would publish under half the current release's initiatives must be told to
    allow_shrink: bool = Field(False, description="publish a release that loses most records")
    # Read by pipeline.enrich.translation_engine (DecodeOptions.from_settings),
    # pipeline.publish.datapackage (the licence) and flows/inbox.py (Dask); validated here so
    # that a bad value stops the run before it starts.
    translate_device: Device = Field("cpu", description="where CTranslate2 runs")
    translate_beam: int = limit(4, "beam width")
    translate_threads: int = limit(0, "CPU threads (0: all)", minimum=0)
    translate_compute_type: ComputeType = Field("auto", description="CTranslate2 number type")
    translate_batch: int = limit(32, "sentences per forward pass")
    license: str = Field("CC-BY-4.0", min_length=1, description="the release's SPDX licence id")
    # Read by flows/inbox.py when `praxis run --runner dask` runs the flow on Dask.
    dask_address: str | None = Field(None, description="an existing Dask scheduler")
    dask_workers: int = limit(2, "workers of the local Dask cluster")
    dask_window: int = limit(8, "batches being extracted at once on a Dask scheduler")

    @field_validator("raw_dir", "out_dir", "models_dir", "corrections_dir", mode="after")
    @classmethod
    def resolve_path(cls, value: Path) -> Path:
        """Absolute paths, `~` expanded: the run changes no directory, but Prefect might."""
        return value.expanduser().resolve()

    @property
    def cache_path(self) -> Path:
        """Where the translation cache lives: configured, else inside the output folder."""
        return self.translation_cache or self.out_dir / "translation_cache.sqlite3"


class SettingsError(ValueError):
    """A PRAXIS_* variable holds a value the run cannot use."""


def load_settings() -> Settings:
    """Read the settings, or raise SettingsError naming each bad variable and what it allows."""
    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError("; ".join(describe_error(error) for error in exc.errors())) from None


def env_name(field: str) -> str:
    """The variable a field is read from (PRAXIS_RAW for raw_dir, PRAXIS_MAX_PAGES …)."""
    alias = Settings.model_fields[field].validation_alias
    return alias.choices[0] if isinstance(alias, AliasChoices) else PREFIX + field.upper()


def field_of(location: tuple) -> str | None:
    """The settings field an error is about, whether pydantic named the field or its variable."""
    name = str(location[0]) if location else ""
    for field, info in Settings.model_fields.items():
        if name in (field, env_name(field)) or name.upper() == env_name(field):
            return field
    return None


def describe_error(error: dict) -> str:
    """One error as `PRAXIS_BATCH_SIZE='0' is not allowed: a whole number of at least 1 (…)`."""
    field = field_of(error.get("loc") or ())
    if field is None:
        return str(error.get("msg"))
    info = Settings.model_fields[field]
    return (f"{env_name(field)}={error.get('input')!r} is not allowed: "
            f"{allowed_values(field)} ({info.description})")


def allowed_values(field: str) -> str:
    """Say in words what a field accepts, from its type and bounds."""
    info = Settings.model_fields[field]
    bounds = {name: getattr(item, name) for item in info.metadata
              for name in ("ge", "gt") if getattr(item, name, None) is not None}
    annotation = info.annotation
    if annotation is bool:
        return f"one of {BOOLEAN_WORDS}"
    if getattr(annotation, "__origin__", None) is Literal:
        return "one of " + ", ".join(annotation.__args__)
    kind = "a whole number" if annotation is int else "a number" if annotation is float else \
        "a path" if "Path" in str(annotation) else "a text"
    if "ge" in bounds:
        return f"{kind} of at least {bounds['ge']:g}"
    if "gt" in bounds:
        return f"{kind} above {bounds['gt']:g}"
    return kind if kind != "a text" else "a non-empty text"


def prepare_environment() -> None:
    """Set process-wide variables that libraries read once at import time."""
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("PREFECT_HOME", str(PROJECT_ROOT / ".prefect"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
