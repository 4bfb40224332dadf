"""`praxis diff`, `releases`, `rollback`, `serve` and `publish`: the published releases.

Plain functions; `pipeline/cli.py` mounts them on the `praxis` command.
"""

from __future__ import annotations

from pathlib import Path

import typer

from pipeline.config import Settings
from pipeline.terminal import echo


def diff(
    old: str = typer.Argument(None, help="Older release: a folder, or a version in releases/ "
                                         "(default: the release before the current one)."),
    new: str = typer.Argument("latest", help="Newer release (default: latest)."),
    out: Path = typer.Option(None, "--out", help="Output folder (default: processed/)."),
) -> None:
    """List initiatives added, removed and changed between two releases."""
    from pipeline.publish.diff import diff_releases, format_diff
    from pipeline.publish.releases import previous_version

    base = (out or Settings().out_dir).resolve()
    old = old or previous_version(base)
    if old is None:
        echo(f"error: {base} has no release before the current one to compare with", err=True)
        raise typer.Exit(2)
    folders = [resolve_release(base, name) for name in (old, new)]
    for name, folder in zip((old, new), folders):
        if not (folder / "initiatives.jsonl").exists():
            echo(f"error: no release '{name}' (looked in {folder})", err=True)
            raise typer.Exit(2)
    echo(format_diff(diff_releases(*folders)), multiline=True)


def releases(
    out: Path = typer.Option(None, "--out", help="Output folder (default: processed/)."),
) -> None:
    """List the kept releases, newest last, with their counts; * marks the current one."""
    from pipeline.publish.releases import list_releases

    found = list_releases((out or Settings().out_dir).resolve())
    if not found:
        echo("no releases yet: run `praxis run` first")
        return
    for info in found:
        changes = ", ".join(f"{key} {value}" for key, value in sorted(info.changes.items())
                            if value) or "no changes"
        echo(f"{'*' if info.current else ' '} {info.version}  {info.documents} documents, "
             f"{info.initiatives} initiatives  ({changes})")


def rollback(
    version: str = typer.Argument(..., help="The release to make current (see praxis releases)."),
    out: Path = typer.Option(None, "--out", help="Output folder (default: processed/)."),
) -> None:
    """Make an older release current again, in one atomic switch."""
    from pipeline.publish.releases import ReleaseError
    from pipeline.publish.releases import rollback as roll_back

    try:
        release = roll_back((out or Settings().out_dir).resolve(), version)
    except ReleaseError as exc:
        echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    echo(f"release {release.name} is current again; the next `praxis run` publishes a new one")


def resolve_release(base: Path, name: str) -> Path:
    """A release given as a path, as `latest`, or as a version under releases/."""
    path = Path(name)
    if path.is_dir():
        return path
    return base / name if name == "latest" else base / "releases" / name


def serve(
    public: bool = typer.Option(False, "--public/--full",
                                help="Serve the public variant, or the full release."),
    port: int = typer.Option(8001, "--port", help="Port on 127.0.0.1."),
    out: Path = typer.Option(None, "--out", help="Output folder (default: processed/)."),
) -> None:
    """Browse the latest release in Datasette on this machine."""
    from pipeline.publish.database import build_database
    from pipeline.publish.datasette_metadata import metadata_path
    from pipeline.publish.serve import PortInUseError, open_socket, serve_database

    release = (out or Settings().out_dir).resolve() / "latest"
    if public:
        release = release / "public"
    if not (release / "initiatives.jsonl").exists():
        echo(f"error: no release in {release}; run `praxis run` first", err=True)
        raise typer.Exit(2)
    database = release / "praxis.sqlite"
    if not database.exists() or not metadata_path(database).exists():
        build_database(release)
    try:  # bound before anything is said: a second `praxis serve` on the port is one line
        sock = open_socket("127.0.0.1", port)
    except PortInUseError as exc:
        echo(f"error: {exc.strerror}", err=True)
        raise typer.Exit(2) from None
    echo(f"serving {database} on http://127.0.0.1:{port} (Ctrl-C stops)")
    try:
        serve_database(database, port=port, sock=sock)
    except KeyboardInterrupt:
        pass


def publish(
    public: bool = typer.Option(True, "--public/--no-public",
                                help="Write the public variant (no personal data)."),
    release: str = typer.Option("latest", "--release", help="Release version (default: latest)."),
    out: Path = typer.Option(None, "--out", help="Output folder (default: processed/)."),
) -> None:
    """Write the public variant of a release again (every run already writes one)."""
    from pipeline.publish.privacy import write_public_release

    if not public:
        echo("error: only the public variant is written again by `praxis publish`; "
             "the full release is written by `praxis run`", err=True)
        raise typer.Exit(2)
    folder = resolve_release((out or Settings().out_dir).resolve(), release)
    if not (folder / "initiatives.jsonl").exists():
        echo(f"error: no release '{release}' in {folder}", err=True)
        raise typer.Exit(2)
    echo(f"wrote {write_public_release(folder, folder / 'public')}")
