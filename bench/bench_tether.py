"""Issue #17, failure 6, end to end: a process that started Prefect's real temporary server (as a
default ``gongkai crawl`` does) is killed with SIGKILL; the server must be gone soon after.

Slow (~10–100 s: the server's start), so not in the tests: ``python -m bench.bench_tether``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

PREFECT_PARENT = textwrap.dedent(
    """
    import time
    from gongkai.flows import crawl  # tethers Prefect's temporary server (no PREFECT_API_URL)
    from prefect.server.api.server import SubprocessASGIServer
    server = SubprocessASGIServer()
    server.start(timeout=120)
    print(server.server_process.pid, flush=True)
    time.sleep(300)
    """
)


def main() -> int:
    tmp_path = Path(tempfile.mkdtemp(prefix="gongkai-tether-"))
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    env.pop("PREFECT_API_URL", None)
    script = tmp_path / "crawl_parent.py"
    script.write_text(PREFECT_PARENT)
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, env=env)
    assert parent.stdout is not None
    server = int(parent.stdout.readline() or 0)
    try:
        assert server and alive(server)
        cmdline = Path(f"/proc/{server}/cmdline").read_bytes().split(b"\0")
        assert b"gongkai.flows.tether" in cmdline and b"uvicorn" in cmdline
        parent.kill()  # kill -9: no atexit, no signal handler runs in the crawl
        parent.wait(timeout=10)
        gone = wait_gone(server, 20)
        print(f"server {server} {'gone' if gone else 'STILL RUNNING'} after kill -9 of its parent")
        return 0 if gone else 1
    finally:
        for pid in (server, parent.pid):
            if pid and alive(pid):
                os.kill(pid, signal.SIGKILL)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def wait_gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.1)
    return False


if __name__ == "__main__":
    sys.exit(main())
