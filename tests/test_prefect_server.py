"""The temporary Prefect server of `praxis run` dies with the run, even when it is SIGKILLed."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.server import die_with_parent

ROOT = Path(__file__).resolve().parent.parent
FORM = ("Organisation: Aföreningen, Sverige\n\nProjektets namn: Språkvänner\n\nSyfte\n\n"
        "Att ge fler tillfällen att tala svenska i vardagen.\n")


def servers_of(pid: int) -> list[int]:
    """Pids of uvicorn processes whose parent is `pid`, read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if int(fields[1]) == pid and b"uvicorn" in command:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """True while the process exists and is not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def listening_ports(pid: int) -> list[int]:
    """Loopback ports the process listens on (its sockets matched against /proc/net/tcp)."""
    inodes = set()
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    except OSError:
        return []
    ports = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
            ports.append(int(fields[1].split(":")[1], 16))
    return ports


def wait_for(condition, timeout: float, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return None


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


# Loaded by the run's interpreter at start-up (Python imports `sitecustomize` from its path):
# extraction then waits for ever, so the run is caught mid-flight with its server serving it.
BLOCK_EXTRACTION = """
import threading
import pipeline.extract.document as document

def extract_document(*args, **kwargs):
    threading.Event().wait()

document.extract_document = extract_document
"""


@pytest.mark.slow
def test_a_sigkilled_run_leaves_no_prefect_server_behind(tmp_path):
    raw, out, hooks = tmp_path / "raw", tmp_path / "out", tmp_path / "hooks"
    for folder in (raw, out, hooks):
        folder.mkdir()
    (raw / "a.txt").write_text(FORM, encoding="utf-8")
    (hooks / "sitecustomize.py").write_text(BLOCK_EXTRACTION, encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key != "PREFECT_API_URL"}
    env.update(PYTHONPATH=f"{hooks}{os.pathsep}{ROOT}", PREFECT_HOME=str(tmp_path / "prefect"))
    server = None
    # the run stops inside extraction, its server up, until killed
    run = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "run", "--no-translate", "--raw", str(raw),
         "--out", str(out)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        servers = wait_for(lambda: servers_of(run.pid), timeout=120)
        assert servers, "praxis run started no server"
        [server] = servers
        ports = wait_for(lambda: listening_ports(server), timeout=240)
        assert ports, "the server never listened"
        assert wait_for(lambda: port_open(ports[0]), timeout=30)
        time.sleep(2)  # the flow is now inside extraction, its server serving it
        run.send_signal(signal.SIGKILL)
        run.wait()
        # The main thread shows as a zombie a moment before the last thread lets go of
        # the socket, so both are awaited.
        assert wait_for(lambda: not alive(server) and not port_open(ports[0]), timeout=10), \
            "the server outlived the run"
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
        if server and alive(server):  # the test failed: still leave no orphan behind
            os.kill(server, signal.SIGKILL)


def test_a_child_that_finds_its_parent_gone_exits_at_once():
    check = die_with_parent(parent=-1)  # no process has this pid: the "parent" is gone
    child = os.fork()
    if child == 0:
        check()
        os._exit(0)  # reached only if the check failed to notice
    _, status = os.waitpid(child, 0)
    assert os.WEXITSTATUS(status) == 1


def test_the_temporary_server_sends_no_telemetry_and_serves_no_ui(monkeypatch):
    from flows.server import server_environment

    monkeypatch.delenv("PREFECT_SERVER_ANALYTICS_ENABLED", raising=False)
    environment = server_environment()
    assert environment["PREFECT_SERVER_ANALYTICS_ENABLED"].lower() == "false"
    assert environment["PREFECT_UI_ENABLED"] == "0"
