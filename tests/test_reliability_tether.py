"""Issue #17, failure 6: killing a default crawl (kill -9, or systemd's / `docker stop`'s SIGTERM)
leaked its Prefect server. A tethered child dies with its parent, whatever the signal.

Real subprocesses; every wait is bounded. The last test starts Prefect's real temporary server
(~10 s) and kills its parent with SIGKILL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

#: A parent that starts a tethered child, prints the child's pid, then waits to be killed.
PARENT = textwrap.dedent(
    """
    import sys, time
    from gongkai.flows import tether
    child = tether.popen([sys.executable, "-m", "{module}", *sys.argv[1:]])
    print(child.pid, flush=True)
    time.sleep(120)
    """
)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (dead, not yet reaped by its new parent) counts as gone
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def wait_gone(pid: int, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.1)
    return False


def start_parent(tmp_path: Path, module: str, *args: str) -> tuple[subprocess.Popen[str], int]:
    script = tmp_path / "parent.py"
    script.write_text(PARENT.format(module=module))
    parent = subprocess.Popen([sys.executable, str(script), *args], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    return parent, child


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_a_tethered_child_dies_with_its_parent(tmp_path: Path, sig: signal.Signals) -> None:
    # `python -m http.server` stands in for the server: a long-running Python module
    parent, child = start_parent(tmp_path, "http.server", "0", "--bind", "127.0.0.1")
    try:
        time.sleep(0.5)
        assert alive(child)
        parent.send_signal(sig)
        parent.wait(timeout=10)
        assert wait_gone(child), f"tethered child {child} outlived its parent ({sig.name})"
    finally:
        for pid in (child, parent.pid):
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_the_parent_can_still_stop_its_child(tmp_path: Path) -> None:
    from gongkai.flows import tether

    child = tether.popen([sys.executable, "-m", "http.server", "0", "--bind", "127.0.0.1"])
    try:
        time.sleep(0.5)
        child.terminate()
        assert child.wait(timeout=10) != 0 or not alive(child.pid)
    finally:
        if child.poll() is None:
            child.kill()


@pytest.mark.slow  # imports Prefect's server (~4 s of CPU)
def test_prefect_temporary_server_is_started_tethered(monkeypatch: pytest.MonkeyPatch) -> None:
    """What Prefect's temporary-server code starts goes through the tether once the crawl flows
    are imported with no API configured (the real kill -9 of a crawl with its real temporary
    server takes ~100 s here: ``python -m bench.bench_tether``)."""
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    from gongkai.flows.prefect_server import tether_if_temporary
    from prefect.server.api import server as prefect_api_server
    from prefect.settings import PREFECT_API_URL, temporary_settings

    # In a full run the session's Prefect harness has configured an API in the settings context.
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        tether_if_temporary()
    command = [sys.executable, "-m", "http.server", "0", "--bind", "127.0.0.1"]
    child = prefect_api_server.subprocess.Popen(command)
    try:
        cmdline: list[bytes] = []
        deadline = time.monotonic() + 10
        while len(cmdline) < 3 and time.monotonic() < deadline:  # empty while the exec settles
            cmdline = Path(f"/proc/{child.pid}/cmdline").read_bytes().split(b"\0")
            time.sleep(0.05)
        assert b"gongkai.flows.tether" in cmdline and b"http.server" in cmdline
    finally:
        child.terminate()
        child.wait(timeout=10)
