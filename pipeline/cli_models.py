"""`praxis models ...` and `praxis evaluate-translation`: manage and measure translation models."""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from pathlib import Path

import typer

from pipeline.config import PROJECT_ROOT, Settings
from pipeline.terminal import echo

REFERENCE_TSV = PROJECT_ROOT / "tests" / "data" / "translation_reference.tsv"

models_app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                         help="List, install, download and remove argos translation models.")

ModelsDir = typer.Option(None, "--models-dir", help="Packages folder (default: PRAXIS_MODELS_DIR "
                         "or models/argos).")


def resolve_models_dir(models_dir: Path | None) -> Path:
    """Return the packages folder to use."""
    return (models_dir or Settings().models_dir).resolve()


def format_size(size: int) -> str:
    """Return a byte count as a short human figure."""
    if size < 1024 ** 2:
        return f"{size / 1024:.0f} KB"
    if size < 1024 ** 3:
        return f"{size / 1024 ** 2:.1f} MB"
    return f"{size / 1024 ** 3:.1f} GB"


@models_app.command("list")
def list_models(models_dir: Path = ModelsDir) -> None:
    """Show installed translation packages: pair, package, version, size."""
    from pipeline.enrich.translation_models import list_packages

    folder = resolve_models_dir(models_dir)
    packages = list_packages(folder)
    if not packages:
        echo(f"no translation packages in {folder}; fields in languages other than "
                   "English stay untranslated (text_en null). Install with "
                   "`praxis models install FILE.argosmodel`.")
        return
    for info in packages:
        echo(f"{info.from_code}→{info.to_code}  {info.name}  {info.version or '-'}  "
                   f"{format_size(info.size_bytes)}  {info.path}")


@models_app.command("install")
def install_models(files: list[Path] = typer.Argument(..., help=".argosmodel files"),
                   models_dir: Path = ModelsDir) -> None:
    """Check and install .argosmodel files (nothing is installed if any file is bad)."""
    from pipeline.enrich.translation_models import ModelFileError, install_packages

    try:
        installed = install_packages(files, resolve_models_dir(models_dir))
    except ModelFileError as exc:
        echo(f"error: not installed: {exc}", err=True)
        raise typer.Exit(1) from None
    for info in installed:
        echo(f"installed {info.from_code}→{info.to_code} ({info.name} {info.version})")


@models_app.command("download")
def download_models(langs: list[str] = typer.Argument(..., help="source languages, e.g. sv da"),
                    models_dir: Path = ModelsDir,
                    timeout: float = typer.Option(15.0, help="seconds per request")) -> None:
    """Download and install LANG→en packages from argos's index (needs internet)."""
    from pipeline.enrich.translation_models import DownloadError, ModelFileError, download_packages

    try:
        installed = download_packages(langs, resolve_models_dir(models_dir), timeout)
    except (DownloadError, ModelFileError) as exc:
        echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    for info in installed:
        echo(f"installed {info.from_code}→{info.to_code} ({info.name} {info.version})")


@models_app.command("remove")
def remove_models(packages: list[str] = typer.Argument(..., help="sv, sv_en or a package name"),
                  models_dir: Path = ModelsDir) -> None:
    """Uninstall packages."""
    from pipeline.enrich.translation_models import remove_packages

    removed = remove_packages(packages, resolve_models_dir(models_dir))
    if not removed:
        echo("error: no installed package matches " + ", ".join(packages), err=True)
        raise typer.Exit(1)
    for info in removed:
        echo(f"removed {info.from_code}→{info.to_code} ({info.name})")


@dataclass(frozen=True)
class LanguageScore:
    """chrF of one language's reference sentences, or why there is none."""

    lang: str
    sentences: int
    chrf: float | None
    package: str | None = None


def read_reference(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Return (source, reference) pairs per language from a lang/source/reference TSV."""
    rows: dict[str, list[tuple[str, str]]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            rows.setdefault(row["lang"], []).append((row["source"], row["reference"]))
    return rows


def score_reference(rows: dict[str, list[tuple[str, str]]], translator) -> list[LanguageScore]:
    """Translate each language's sources with its installed pair and score them with chrF."""
    from sacrebleu.metrics import CHRF

    from pipeline.enrich.translate import resolve_source

    pairs = translator.pairs() if translator is not None else set()
    scores = []
    for lang, items in sorted(rows.items()):
        src = resolve_source(lang, pairs)
        if src is None:
            scores.append(LanguageScore(lang, len(items), None))
            continue
        hypotheses = translator.translate_batch([source for source, _ in items], src)
        chrf = CHRF().corpus_score(hypotheses, [[reference for _, reference in items]]).score
        scores.append(LanguageScore(lang, len(items), round(chrf, 1),
                                    translator.provenance(src).package))
    return scores


def evaluate_translation(
    reference: Path = typer.Option(REFERENCE_TSV, "--reference", exists=True,
                                   help="TSV with columns lang, source, reference."),
    models_dir: Path = ModelsDir,
    beam_size: int = typer.Option(4, "--beam-size", help="Beam size for decoding."),
) -> None:
    """Score the installed models on the reference sentences (chrF per language)."""
    from pipeline.enrich.translation_engine import DecodeOptions, load_translator

    options = replace(DecodeOptions.from_settings(), beam_size=beam_size)
    translator = load_translator(resolve_models_dir(models_dir), options)
    for score in score_reference(read_reference(reference), translator):
        if score.chrf is None:
            echo(f"{score.lang}  -     no {score.lang}→en package installed "
                       f"({score.sentences} sentences not scored)")
        else:
            echo(f"{score.lang}  chrF {score.chrf:5.1f}  {score.sentences} sentences  "
                       f"({score.package})")
