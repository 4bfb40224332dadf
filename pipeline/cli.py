"""The `praxis` command line: run the flow, evaluate against gold, export schemas."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer

from pipeline.config import Settings, SettingsError, load_settings, prepare_environment
from pipeline.terminal import echo

prepare_environment()  # before Prefect or argos are imported anywhere

def show_version(value: bool) -> None:
    """Print the version and stop (the --version flag)."""
    if value:
        from pipeline import __version__
        from pipeline.models import SCHEMA_VERSION

        typer.echo(f"praxis {__version__} (record schema {SCHEMA_VERSION})")
        raise typer.Exit()


app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Turn integration-initiative write-ups into one clean dataset.")


@app.callback()
def main(version: bool = typer.Option(False, "--version", callback=show_version,
                                      is_eager=True, help="Show the version and exit.")) -> None:
    """Turn integration-initiative write-ups into one clean dataset."""
    check_settings()


def check_settings() -> None:
    """Stop with one line per bad PRAXIS_* variable, before any command does work (exit 2)."""
    try:
        load_settings()
    except SettingsError as exc:
        echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


def mount_translation_commands() -> None:
    """`praxis models …` and `praxis evaluate-translation` (argos loads only when they run)."""
    from pipeline.cli_models import evaluate_translation, models_app

    app.add_typer(models_app, name="models", help="Install and list translation models.")
    app.command("evaluate-translation")(evaluate_translation)


mount_translation_commands()


def mount_release_commands() -> None:
    """`praxis diff`, `releases`, `rollback`, `serve` and `publish` (pipeline/cli_releases.py)."""
    from pipeline import cli_releases

    for command in (cli_releases.diff, cli_releases.releases, cli_releases.rollback,
                    cli_releases.serve, cli_releases.publish):
        app.command()(command)

# `praxis run` with Prefect needs flows/, which the library never imports: flows/cli.py
# installs the runner (and the command `serve-flow`) when it builds the `praxis` command.
# A runner takes the settings, the task runner's name, whether to show Prefect's console
# log, and the progress callback (stage, count); it returns RunSummary.to_dict().
FlowRunner = Callable[[Settings, str, bool, Callable[[str, int], None]], dict]
FLOW_RUNNER: FlowRunner | None = None
TASK_RUNNERS = ("auto", "processes", "threads", "dask")
PROGRESS_STAGES = ("ingest", "extract", "translate")


class RunnerStartError(RuntimeError):
    """The orchestrator could not start (no runner installed, or its server did not come up)."""


def use_flow_runner(runner: FlowRunner) -> None:
    """Make `praxis run` (without --no-prefect) call this to run the inbox flow."""
    global FLOW_RUNNER
    FLOW_RUNNER = runner


@app.command()
def run(
    raw: Path = typer.Option(None, "--raw", help="Inbox folder (default: raw/)."),
    out: Path = typer.Option(None, "--out", help="Output folder (default: processed/)."),
    prefect: bool = typer.Option(True, "--prefect/--no-prefect",
                                 help="Run as a Prefect flow (default) or as plain Python."),
    runner: str = typer.Option("auto", "--runner",
                               help="Prefect task runner: processes (PRAXIS_WORKERS local "
                                    "processes), threads (this process), dask (a local "
                                    "cluster, or PRAXIS_DASK_ADDRESS), or auto: processes "
                                    "when the inbox fills more than one batch."),
    translate: bool = typer.Option(True, "--translate/--no-translate",
                                   help="Translate text fields to English when models exist."),
    strict: bool = typer.Option(False, "--strict/--no-strict",
                                help="Exit 1 when any file was quarantined."),
    allow_shrink: bool = typer.Option(
        False, "--allow-shrink/--no-allow-shrink",
        help="Publish even when the run drops more than half of the published initiatives."),
    verbose: bool = typer.Option(False, "--verbose", "-v",
                                 help="Show Prefect's log on the console."),
) -> None:
    """Process the inbox and publish the dataset."""
    import os

    from pipeline.ingest import discover_files
    from pipeline.run import (OutputFolderError, RunLockedError, ShrinkRefusedError,
                              hold_output_lock)

    if runner not in TASK_RUNNERS:
        echo(f"error: --runner must be one of {', '.join(TASK_RUNNERS)}, not {runner!r}",
             err=True)
        raise typer.Exit(2)
    settings = Settings()
    settings.raw_dir = (raw or settings.raw_dir).resolve()
    settings.out_dir = (out or settings.out_dir).resolve()
    settings.translate = translate
    if allow_shrink:  # the environment carries it into a Prefect flow run too
        os.environ["PRAXIS_ALLOW_SHRINK"] = "1"
        settings.allow_shrink = True
    if not settings.raw_dir.is_dir():
        problem = "is not a folder" if settings.raw_dir.exists() else "does not exist"
        echo(f"error: inbox folder {settings.raw_dir} {problem}; name it with --raw or "
             "PRAXIS_RAW", err=True)
        raise typer.Exit(2)
    try:  # the lock first: a second run must stop before its Prefect server starts
        with hold_output_lock(settings):
            total = sum(1 for _ in discover_files(settings.raw_dir))
            if runner == "auto":
                runner = choose_runner(settings, total)
            result = run_with_progress(settings, prefect and runner, verbose, total)
    except (OutputFolderError, RunLockedError, ShrinkRefusedError, RunnerStartError) as exc:
        echo(f"error: {exc}", err=True)  # a steward's mistake: one line and its exit code
        code = {OutputFolderError: 2, RunLockedError: 3, RunnerStartError: 5,
                ShrinkRefusedError: 6}[type(exc)]
        raise typer.Exit(code) from None
    except Exception as exc:
        from pipeline.publish.release import disk_full_message

        message = disk_full_message(exc)
        if message is None:
            raise
        echo(f"error: {message}", err=True)
        raise typer.Exit(4) from None
    print_summary(result, settings)
    not_applied = (result["quality"].get("corrections") or {}).get("not_applied")
    if strict and (result["quarantined"] or not_applied):
        raise typer.Exit(1)


def choose_runner(settings: Settings, files: int) -> str:
    """`auto`: a process pool when there are batches to share out, else this process."""
    return "processes" if settings.workers > 1 and files > settings.batch_size else "threads"


def run_with_progress(settings: Settings, runner: str | bool, verbose: bool, total: int) -> dict:
    """Run the job behind one progress bar per stage (files read, documents extracted…)."""
    from rich.progress import Progress

    with Progress(transient=True) as progress:
        bars = {stage: progress.add_task(stage, total=total if stage == "ingest" else None)
                for stage in PROGRESS_STAGES}

        def advance(stage: str, count: int) -> None:
            if stage == "documents":  # how many documents the files read so far hold
                for later in PROGRESS_STAGES[1:]:
                    task = progress.tasks[bars[later]]
                    progress.update(bars[later], total=(task.total or 0) + count)
            elif stage in bars:
                progress.advance(bars[stage], count)

        if runner:
            if FLOW_RUNNER is None:
                raise RunnerStartError("no flow runner installed; run `praxis` (flows.cli) "
                                       "or pass --no-prefect")
            return FLOW_RUNNER(settings, runner, verbose, advance)
        from pipeline.run import run_pipeline

        return run_pipeline(settings, on_progress=advance).to_dict()


def print_summary(result: dict, settings: Settings) -> None:
    """Say what the run did, which files were quarantined, and what to install."""
    for item in result["quality"].get("quarantined", []):
        echo(f"quarantined: {item['reason']}", err=True)
    missing = result["quality"].get("translation", {}).get("missing_pairs", [])
    if missing:
        echo("no translation model for: " + ", ".join(map(str, missing))
                   + " (install with `praxis models install FILE.argosmodel`)", err=True)
    corrections = result["quality"].get("corrections") or {}
    for problem in corrections.get("not_applied") or []:
        echo(f"correction not applied: {problem}", err=True)
    latest = settings.out_dir / "latest"
    version = latest.resolve().name if latest.is_symlink() else "?"
    refused = len(corrections.get("not_applied") or [])
    counts = (f"{result['documents']} documents, {result['initiatives']} "
              f"initiatives, {result['quarantined']} quarantined, "
              f"{result['quality'].get('review_queue', 0)} review rows, "
              f"{corrections.get('applied', 0)} corrections applied"
              + (f", {refused} not applied" if refused else ""))
    if result.get("unchanged"):
        echo(f"inbox unchanged: release {version} is still current, no new release made "
             f"({counts})")
    else:
        echo(f"release {version}: {counts}")
    echo(f"report: {settings.out_dir / 'report.html'}  (review: `praxis review`)")


@app.command()
def evaluate(
    gold: Path = typer.Option(..., "--gold", exists=True, help="Gold file (gold-v1 JSON)."),
    pred: Path = typer.Option(None, "--pred", help="initiatives.jsonl to score."),
    verbose: bool = typer.Option(False, "--verbose/--brief", "-v",
                                 help="Show the worst mismatches."),
) -> None:
    """Score published records against a gold annotation file."""
    from pipeline.steward.evaluate import run_evaluation
    from pipeline.steward.scores import format_report

    records = pred or Settings().out_dir / "initiatives.jsonl"
    if not records.exists():
        echo(f"error: no published records at {records}; run `praxis run` first", err=True)
        raise typer.Exit(2)
    echo(format_report(run_evaluation(gold, records), verbose=verbose), multiline=True)


@app.command()
def schema() -> None:
    """Write the JSON Schema of the published records to schemas/."""
    from pipeline.publish.schema import write_schemas

    for path in write_schemas():
        echo(f"wrote {path}")


@app.command()
def review(
    port: int = typer.Option(8002, "--port", help="Port on 127.0.0.1."),
    release: str = typer.Option("latest", "--release", help="Release version (default: latest)."),
    out: Path = typer.Option(None, "--out", help="Output folder (default: processed/)."),
) -> None:
    """Review records beside their source text, values highlighted, and correct them."""
    import errno

    from pipeline.steward.review_server import make_server

    settings = Settings()
    folder = resolve_release((out or settings.out_dir).resolve(), release)
    if not (folder / "initiatives.jsonl").exists():
        typer.echo(f"error: no release '{release}' in {folder}; run `praxis run` first", err=True)
        raise typer.Exit(2)
    try:
        server = make_server(folder, settings.corrections_dir, port)
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        typer.echo(f"error: port {port} is in use; choose another with --port", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"reviewing release {folder.resolve().name} on http://127.0.0.1:{server.server_port}/ "
               f"(corrections go to {settings.corrections_dir}; Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@app.command()
def template(
    lang: str = typer.Option("sv", "--lang", help="Language of the form (a lexicon language)."),
    out: Path = typer.Option(Path("."), "--out", help="Folder to write the forms into."),
) -> None:
    """Write a blank submission form (DOCX and Markdown) with the labels Praxis reads."""
    from pipeline.lexicon import load_lexicon
    from pipeline.extract.template import render_markdown, write_docx

    languages = sorted(load_lexicon().languages)
    if lang not in languages:
        typer.echo(f"error: no lexicon for '{lang}'; choose one of {', '.join(languages)}",
                   err=True)
        raise typer.Exit(2)
    out.mkdir(parents=True, exist_ok=True)
    markdown = out / f"submission-form-{lang}.md"
    markdown.write_text(render_markdown(lang), encoding="utf-8")
    typer.echo(f"wrote {write_docx(lang, out / f'submission-form-{lang}.docx')}")
    typer.echo(f"wrote {markdown}")


if __name__ == "__main__":
    app()


mount_release_commands()  # after run and evaluate: `praxis --help` lists those first
