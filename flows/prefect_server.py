"""Prefect on this machine: offline settings, and a real Prefect server on loopback when needed.

Prefect's own temporary server registers schedules but never creates their runs, so nightly
schedules need a real ``prefect server start``. When ``PREFECT_API_URL`` is configured (a shared
server with workers), we use it and start nothing.

Every server started here — ours, and Prefect's temporary one that the first flow call starts
when no API is configured — runs tethered (:mod:`flows.tether`): it dies with the process that
started it, whatever the signal (kill -9, the SIGTERM of systemd or ``docker stop``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from gongkai.flows import tether
from gongkai.models.errors import GongkaiError

#: Nothing leaves loopback: no telemetry, no analytics. Without these, Prefect's temporary server
#: tries to phone home and logs "ERROR | Failed to send telemetry" on every offline crawl.
OFFLINE_ENV = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


def configure_offline() -> None:
    """Set the offline defaults before Prefect is imported (explicit user settings win)."""
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


def tether_temporary_server() -> None:
    """Make Prefect's temporary server (started by the first flow call when no
    ``PREFECT_API_URL`` is set) a tethered child: it dies with this process, whatever the signal.

    Prefect starts it with ``subprocess.Popen`` from ``prefect.server.api.server``; that module's
    ``subprocess`` is replaced by one whose ``Popen`` wraps the command in :mod:`flows.tether`.
    Idempotent; Prefect's own ``stop()`` keeps working (the server is the tethered process).
    """
    from prefect.server.api import server as prefect_api_server

    if isinstance(prefect_api_server.subprocess, _TetheredSubprocess):
        return
    prefect_api_server.subprocess = _TetheredSubprocess()  # type: ignore[assignment]


def tether_if_temporary() -> None:
    """:func:`tether_temporary_server` when Prefect would start its temporary server (no API URL
    configured): importing Prefect's server module costs seconds, paid then anyway."""
    from prefect.settings import get_current_settings

    if not get_current_settings().api.url:
        tether_temporary_server()


class _TetheredSubprocess(types.ModuleType):
    """``subprocess`` as Prefect's server module sees it: ``Popen`` is tethered, the rest as is."""

    def __init__(self) -> None:
        super().__init__("subprocess")

    def __getattr__(self, name: str) -> Any:
        return getattr(subprocess, name)

    @staticmethod
    def Popen(args: Any, **kwargs: Any) -> subprocess.Popen[Any]:
        return tether.popen([str(a) for a in args], **kwargs)


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
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    with open(log_path, "ab") as log:
        process = tether.popen(  # dies with us, whatever the signal
            [*command, "--analytics-off"],
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
