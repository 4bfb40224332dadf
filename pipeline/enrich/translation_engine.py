"""The translation engine: argostranslate's packages and CTranslate2 behind a small interface.

argostranslate reads its settings from the environment once, at import, so it is imported only
when a translator is built, after `configure_argos` has set them. Praxis uses argos's package
layer (packages, tokenizers) and CTranslate2 directly; argos's own sentence splitters (stanza,
MiniSBD) and its translate module, which pulls in torch, are never loaded on this path.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pipeline.models import Translation

if TYPE_CHECKING:
    from pipeline.config import Settings

log = logging.getLogger(__name__)

ENGINE = "argostranslate"
TARGET = "en"


class Translator(Protocol):
    """What translate_initiatives needs from an engine."""

    def pairs(self) -> set[tuple[str, str]]:
        """Return the installed (source, target) language pairs."""

    def translate_batch(self, sentences: list[str], src: str) -> list[str]:
        """Translate sentences from src to English, one output per input."""

    def provenance(self, src: str) -> Translation:
        """Name the engine, package and version that translates src to English."""


@dataclass(frozen=True)
class DecodeOptions:
    """CTranslate2 knobs; the run's settings give them (`from_settings`)."""

    device: str = "cpu"
    beam_size: int = 4
    intra_threads: int = 0  # 0: let CTranslate2 pick
    compute_type: str = "auto"
    max_batch_size: int = 32  # sentences per forward pass
    length_penalty: float = 0.2  # argostranslate's own value

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> DecodeOptions:
        """Take PRAXIS_TRANSLATE_DEVICE, _BEAM, _THREADS, _COMPUTE_TYPE and _BATCH (Settings)."""
        from pipeline.config import Settings

        settings = settings or Settings()
        return cls(device=settings.translate_device, beam_size=settings.translate_beam,
                   intra_threads=settings.translate_threads,
                   compute_type=settings.translate_compute_type,
                   max_batch_size=settings.translate_batch)


def configure_argos(models_dir: Path, options: DecodeOptions = DecodeOptions()):
    """Point argostranslate at models_dir and return its `package` module (imported lazily)."""
    models_dir = Path(models_dir).resolve()
    if "stanza" in str(models_dir):
        raise ValueError(f"models directory {models_dir} contains 'stanza': argostranslate "
                         "would then split sentences with stanza; choose another path")
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    os.environ.update({
        "ARGOS_PACKAGES_DIR": str(models_dir), "ARGOS_DEVICE_TYPE": options.device,
        "ARGOS_INTRA_THREADS": str(options.intra_threads),
        "ARGOS_BEAM_SIZE": str(options.beam_size), "ARGOS_COMPUTE_TYPE": options.compute_type,
    })
    from argostranslate import package, settings  # reads the variables above, once

    # A process that imported argos before (another models dir) is re-pointed here.
    models_dir.mkdir(parents=True, exist_ok=True)
    settings.package_data_dir, settings.package_dirs = models_dir, [models_dir]
    settings.device, settings.intra_threads = options.device, options.intra_threads
    settings.beam_size, settings.compute_type = options.beam_size, options.compute_type
    return package


def refresh_argos() -> None:
    """Drop argostranslate's and Praxis's cached translators after an install or removal."""
    import sys

    translate_module = sys.modules.get("argostranslate.translate")
    if translate_module is not None:
        translate_module.get_installed_languages.cache_clear()
        translate_module.installed_translates.clear()
    load_translator.cache_clear()


class ArgosTranslator:
    """Translate with installed argos packages: many sentences per CTranslate2 call."""

    def __init__(self, models_dir: Path, options: DecodeOptions = DecodeOptions()):
        self.options = options
        self._package_module = configure_argos(models_dir, options)
        self._packages = {
            (pkg.from_code, pkg.to_code): pkg
            for pkg in self._package_module.get_installed_packages()
            if pkg.type == "translate"
        }
        self._models: dict[str, object] = {}  # CTranslate2 translators by source code

    def pairs(self) -> set[tuple[str, str]]:
        """Return the installed (source, target) pairs."""
        return set(self._packages)

    def provenance(self, src: str) -> Translation:
        """Name the argos package (as argospm names it) and its version."""
        pkg = self._packages[(src, TARGET)]
        return Translation(engine=ENGINE, package=self._package_module.argospm_package_name(pkg),
                           version=pkg.package_version or None)

    def translate_batch(self, sentences: list[str], src: str) -> list[str]:
        """Tokenise with the package's SentencePiece model and decode all sentences at once."""
        if not sentences:
            return []
        pkg = self._packages[(src, TARGET)]
        tokens = [pkg.tokenizer.encode(sentence) for sentence in sentences]
        prefix = [[pkg.target_prefix]] * len(tokens) if pkg.target_prefix else None
        results = self._model(src).translate_batch(
            tokens, target_prefix=prefix, beam_size=self.options.beam_size,
            max_batch_size=self.options.max_batch_size, batch_type="examples",
            length_penalty=self.options.length_penalty, replace_unknowns=True)
        return [decode_tokens(pkg, result.hypotheses[0]) for result in results]

    def _model(self, src: str):
        """Load (once) the CTranslate2 model of the src→en package."""
        if src not in self._models:
            import ctranslate2

            pkg = self._packages[(src, TARGET)]
            self._models[src] = ctranslate2.Translator(
                str(pkg.package_path / "model"), device=self.options.device,
                intra_threads=self.options.intra_threads, compute_type=self.options.compute_type)
        return self._models[src]


def decode_tokens(pkg, tokens: list[str]) -> str:
    """Detokenise like argostranslate: drop the target prefix and the leading space."""
    value = pkg.tokenizer.decode(tokens)
    if pkg.target_prefix and value.startswith(pkg.target_prefix):
        value = value[len(pkg.target_prefix):]
    return value[1:] if value.startswith(" ") else value


@lru_cache(maxsize=4)
def load_translator(models_dir: Path, options: DecodeOptions) -> ArgosTranslator | None:
    """Build one ArgosTranslator per process and settings; None when argos cannot load."""
    try:
        return ArgosTranslator(models_dir, options)
    except ImportError as exc:
        log.warning("argostranslate unavailable, fields stay untranslated: %s", exc)
        return None
