"""Prefect's own CLI works against a server with the pinned Prefect + fastapi set."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PREFECT = [sys.executable, "-m", "prefect", "--no-prompt"]

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.5)
    return False


@pytest.fixture(scope="module")
def server_env(tmp_path_factory):
    """A Prefect server of its own on a free loopback port, stopped after the module."""
    home = tmp_path_factory.mktemp("prefect-home")
    port = free_port()
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_API_URL": f"http://127.0.0.1:{port}/api", "PRAXIS_HOME": str(ROOT)}
    env.pop("PREFECT_API_KEY", None)
    server = subprocess.Popen([*PREFECT, "server", "start", "--host", "127.0.0.1",
                               "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        assert wait_healthy(env["PREFECT_API_URL"], 120), "the Prefect server did not start"
        yield env
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def prefect(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*PREFECT, *args], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=180)


@pytest.mark.parametrize("listing", [("flow-run", "ls"), ("deployment", "ls"),
                                     ("work-pool", "ls")])
def test_prefect_listing_commands_answer(server_env, listing):
    result = prefect(server_env, *listing)
    assert result.returncode == 0, result.stdout + result.stderr


def test_prefect_deploy_all_creates_the_inbox_deployment(server_env):
    created = prefect(server_env, "work-pool", "create", "praxis-pool", "--type", "process")
    assert created.returncode == 0, created.stdout + created.stderr
    deployed = prefect(server_env, "deploy", "--all")
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    listed = prefect(server_env, "deployment", "ls")
    assert "praxis-inbox/praxis-inbox" in listed.stdout
