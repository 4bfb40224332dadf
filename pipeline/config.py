"""Run settings: where things live, read from the environment with sensible defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


@dataclass
class Settings:
    """Paths and knobs for one run; every value can be set with a PRAXIS_* variable."""

    raw_dir: Path = field(default_factory=lambda: _env_path("PRAXIS_RAW", PROJECT_ROOT / "raw"))
    out_dir: Path = field(
        default_factory=lambda: _env_path("PRAXIS_OUT", PROJECT_ROOT / "processed")
    )
    models_dir: Path = field(
        default_factory=lambda: _env_path("PRAXIS_MODELS_DIR", PROJECT_ROOT / "models" / "argos")
    )
    corrections_dir: Path = field(
        default_factory=lambda: _env_path("PRAXIS_CORRECTIONS", PROJECT_ROOT / "corrections")
    )
    keep_releases: int = field(
        default_factory=lambda: int(os.environ.get("PRAXIS_KEEP_RELEASES", "10"))
    )
    translation_cache: Path | None = field(
        default_factory=lambda: (
            Path(os.environ["PRAXIS_TRANSLATION_CACHE"])
            if os.environ.get("PRAXIS_TRANSLATION_CACHE")
            else None
        )
    )
    batch_size: int = field(default_factory=lambda: int(os.environ.get("PRAXIS_BATCH_SIZE", "50")))
    max_file_bytes: int = field(
        default_factory=lambda: int(os.environ.get("PRAXIS_MAX_FILE_BYTES", str(50 * 1024 * 1024)))
    )
    # Limits per document (Limits.from_settings in pipeline/ingest/limits.py; README's *Bad input*).
    max_unpacked_bytes: int = field(
        default_factory=lambda: _env_int("PRAXIS_MAX_UNPACKED_BYTES", 64 * 1024 * 1024))
    max_xml_bytes: int = field(
        default_factory=lambda: _env_int("PRAXIS_MAX_XML_BYTES", 16 * 1024 * 1024))
    max_pages: int = field(default_factory=lambda: _env_int("PRAXIS_MAX_PAGES", 1000))
    max_paragraphs: int = field(default_factory=lambda: _env_int("PRAXIS_MAX_PARAGRAPHS", 20_000))
    max_rows: int = field(default_factory=lambda: _env_int("PRAXIS_MAX_ROWS", 20_000))
    max_chars: int = field(default_factory=lambda: _env_int("PRAXIS_MAX_CHARS", 5_000_000))
    max_line_chars: int = field(
        default_factory=lambda: _env_int("PRAXIS_MAX_LINE_CHARS", 100_000))
    max_segment_chars: int = field(
        default_factory=lambda: _env_int("PRAXIS_MAX_SEGMENT_CHARS", 100_000))
    max_depth: int = field(default_factory=lambda: _env_int("PRAXIS_MAX_DEPTH", 200))
    max_seconds: float = field(
        default_factory=lambda: float(os.environ.get("PRAXIS_MAX_SECONDS", "120")))
    lock_timeout: float = field(
        default_factory=lambda: float(os.environ.get("PRAXIS_LOCK_TIMEOUT", "0"))
    )
    translate: bool = field(
        default_factory=lambda: os.environ.get("PRAXIS_TRANSLATE", "1") not in ("0", "false", "no")
    )
    # a run that would publish under half the current release's initiatives must be told to
    allow_shrink: bool = field(
        default_factory=lambda: os.environ.get("PRAXIS_ALLOW_SHRINK", "0") in ("1", "true", "yes")
    )

    @property
    def cache_path(self) -> Path:
        """Where the translation cache lives: configured, else inside the output folder."""
        return self.translation_cache or self.out_dir / "translation_cache.sqlite3"


def prepare_environment() -> None:
    """Set process-wide variables that libraries read once at import time."""
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("PREFECT_HOME", str(PROJECT_ROOT / ".prefect"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
