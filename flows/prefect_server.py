"""Prefect on this machine: offline settings, and a real Prefect server on loopback when needed.

Prefect's own temporary server registers schedules but never creates their runs, so nightly
schedules need a real ``prefect server start``. When ``PREFECT_API_URL`` is configured (a shared
server with workers), we use it and start nothing.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from gongkai.models.errors import GongkaiError

#: Nothing leaves loopback: no telemetry, no analytics.
OFFLINE_ENV = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


def configure_offline() -> None:
    """Set the offline defaults before Prefect is imported (explicit user settings win)."""
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


@dataclass
class PrefectServer:
    """A Prefect API we can talk to; ``process`` is set when we started it ourselves."""

    api_url: str
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def __enter__(self) -> PrefectServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def healthy(api_url: str) -> bool:
    try:
        return requests.get(f"{api_url.rstrip('/')}/health", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def ensure_server(home: Path, port: int | None = None, timeout: float = 120.0) -> PrefectServer:
    """Use ``PREFECT_API_URL`` if set; else start ``prefect server start`` on 127.0.0.1.

    The started server keeps its database under ``home`` (``PREFECT_HOME``) and its log in
    ``home/server.log``; ``PREFECT_API_URL`` is set in this process so flows and ``serve`` use it.
    """
    configure_offline()
    configured = os.environ.get("PREFECT_API_URL")
    if configured:
        if not healthy(configured):
            raise GongkaiError(f"the Prefect server at PREFECT_API_URL={configured} does not answer /health")
        return PrefectServer(configured)
    home.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    log_path = home / "server.log"
    env = {**os.environ, "PREFECT_HOME": str(home.resolve()), "PREFECT_API_URL": ""}
    env.pop("PREFECT_API_URL")
    prefect = Path(sys.executable).with_name("prefect")
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port), "--analytics-off"],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    server = PrefectServer(api_url, process, log_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            code = process.returncode
            raise GongkaiError(f"the Prefect server exited at start (code {code}); see {log_path}")
        if healthy(api_url):
            os.environ["PREFECT_API_URL"] = api_url
            os.environ["PREFECT_HOME"] = str(home.resolve())
            return server
        time.sleep(0.5)
    server.stop()
    raise GongkaiError(f"the Prefect server did not become healthy in {timeout:.0f} s; see {log_path}")
