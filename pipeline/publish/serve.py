"""Browse a release's SQLite database in Datasette, with titles, descriptions and facets.

The metadata (titles, facets, search) is `pipeline.publish.datasette_metadata`.
`serve_database` opens it read-only (Datasette's immutable mode) on loopback by default, with
the plugin in `pipeline.publish.datasette_plugin` (lists as readable links).
"""

from __future__ import annotations

import asyncio
import errno
import socket
from pathlib import Path

from pipeline.publish.datasette_metadata import build_metadata

def create_datasette(db_path: Path, metadata: dict | None = None):
    """A Datasette instance serving the database read-only with its metadata and plugin."""
    from datasette.app import Datasette  # only the serve command needs datasette loaded
    from datasette.plugins import pm

    from pipeline.publish import datasette_plugin

    db_path = Path(db_path)
    if not db_path.is_file():
        raise FileNotFoundError(f"no database at {db_path}: build it with build_database first")
    if not pm.is_registered(datasette_plugin):
        pm.register(datasette_plugin, name="praxis")
    metadata = metadata or build_metadata(db_path)
    return Datasette(immutables=[str(db_path)], metadata=metadata,
                     settings={"facet_time_limit_ms": 1000, "sql_time_limit_ms": 3000})


class PortInUseError(OSError):
    """Another server (a second `praxis serve`) already listens on the port."""


def open_socket(host: str, port: int) -> socket.socket:
    """Bind the server's socket now, so a taken port is one clear error before anything starts."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # never steals a listening port
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise PortInUseError(exc.errno, f"port {port} on {host} is in use (another "
                                 "`praxis serve`?); choose another with --port") from None
        raise
    return sock


def serve_database(db_path: Path, host: str = "127.0.0.1", port: int = 8001,
                   metadata: dict | None = None, sock: socket.socket | None = None) -> None:
    """Serve the database in Datasette until interrupted (loopback unless told otherwise)."""
    import uvicorn

    sock = sock or open_socket(host, port)
    datasette = create_datasette(db_path, metadata)
    asyncio.run(datasette.invoke_startup())
    config = uvicorn.Config(datasette.app(), log_level="warning", lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])
