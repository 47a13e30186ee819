"""``gongkai serve`` against a real Prefect server it starts on loopback: the deployment registers
with its cron schedule in Asia/Shanghai, the scheduler creates runs for it, and a run is executed."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests

GONGKAI = Path(sys.executable).with_name("gongkai")


def _wait_for(predicate, timeout: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.slow  # a real Prefect server
def test_serve_registers_the_nightly_schedule_and_runs_it(tmp_path: Path) -> None:
    sites = tmp_path / "sites"
    sites.mkdir()
    log_path = tmp_path / "serve.log"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")},
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "DO_NOT_TRACK": "1",
    }
    command = [
        str(GONGKAI), "serve", "--sites", str(sites), "--db", f"sqlite:///{tmp_path / 'g.db'}",
        "--prefect-home", str(tmp_path / "prefect"), "--reports", str(tmp_path / "reports"), "--run-now",
    ]  # fmt: skip
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
    try:
        api = _wait_for(
            lambda: (m := re.search(r"Prefect API: (\S+)", log_path.read_text())) and m.group(1),
            180,
            "the server",
        )

        def runs(state: str) -> list[dict]:  # type: ignore[type-arg]
            body = {"flow_runs": {"state": {"type": {"any_": [state]}}}, "limit": 50}
            response = requests.post(f"{api}/flow_runs/filter", json=body, timeout=10)
            return response.json() if response.ok else []

        [deployment] = _wait_for(
            lambda: requests.post(f"{api}/deployments/filter", json={}, timeout=10).json(),
            90,
            "the deployment",
        )
        assert deployment["name"] == "nightly"
        [schedule] = deployment["schedules"]
        assert schedule["schedule"]["cron"] == "0 2 * * *"
        assert schedule["schedule"]["timezone"] == "Asia/Shanghai"
        # runs the scheduler made (the --run-now run is scheduled for "now" by hand)
        scheduled = _wait_for(
            lambda: [r for r in runs("SCHEDULED") if r.get("auto_scheduled")], 90, "scheduled runs"
        )
        china = ZoneInfo("Asia/Shanghai")
        from datetime import datetime

        starts = [datetime.fromisoformat(r["expected_start_time"]).astimezone(china) for r in scheduled]
        assert all((s.hour, s.minute) == (2, 0) for s in starts), starts
        done = _wait_for(lambda: runs("COMPLETED"), 150, "the run started with --run-now")
        assert done[0]["deployment_id"] == deployment["id"]
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
    print(log_path.read_text()[-2000:])
