"""Run settings: where things live, read from the environment with sensible defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


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
    lock_timeout: float = field(
        default_factory=lambda: float(os.environ.get("PRAXIS_LOCK_TIMEOUT", "0"))
    )
    translate: bool = field(
        default_factory=lambda: os.environ.get("PRAXIS_TRANSLATE", "1") not in ("0", "false", "no")
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
