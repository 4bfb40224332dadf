"""The `praxis` command: the library's commands, with `run` on Prefect and `serve-flow`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer

from pipeline import cli
from pipeline.cli import RunnerStartError, app
from pipeline.config import Settings


def run_flow(settings: Settings, runner: str, verbose: bool,
             on_progress: Callable[[str, int], None]) -> dict:
    """Run the inbox flow on a temporary Prefect server that dies with this process."""
    import os

    if not verbose:  # the progress bars say enough; the full log is in the Prefect UI
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
    from flows.inbox import run_inbox_flow
    from flows.server import ServerStartError, temporary_server

    try:
        with temporary_server():  # dies with this process, even on SIGKILL
            return run_inbox_flow(settings.raw_dir, settings.out_dir, settings.translate,
                                  on_progress=on_progress, runner=runner)
    except ServerStartError as exc:
        raise RunnerStartError(str(exc)) from None


cli.use_flow_runner(run_flow)


@app.command("serve-flow")
def serve_flow(
    interval: int = typer.Option(900, "--interval", help="Seconds between runs."),
    cron: str = typer.Option(None, "--cron", help="A cron schedule instead of an interval."),
    raw: Path = typer.Option(None, "--raw", help="Inbox folder (default: raw/)."),
    out: Path = typer.Option(None, "--out", help="Output folder (default: processed/)."),
) -> None:
    """Serve the inbox flow as a scheduled Prefect deployment (needs a Prefect server)."""
    from prefect import serve

    from flows.inbox import build_deployment

    deployment = build_deployment(interval, cron, str(raw.resolve()) if raw else None,
                                  str(out.resolve()) if out else None)
    serve(deployment)



if __name__ == "__main__":
    app()
