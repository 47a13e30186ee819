"""A default crawl is offline before Prefect loads: no telemetry, no analytics, no ERROR line.

Prefect reads these settings once, when it is imported; the crawl flows must set them first, so
the test imports them in a fresh interpreter whose environment has none of them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

PROBE = """
import json, sys
import gongkai.flows.crawl  # the crawl command's flows: sets the offline defaults, then imports Prefect
from prefect.settings import get_current_settings
settings = get_current_settings()
print(json.dumps({"analytics": settings.server.analytics_enabled,
                  "prefect_loaded_after": "prefect" in sys.modules}))
"""


@pytest.mark.slow  # a fresh interpreter imports all of Prefect (~8 s of CPU)
def test_the_crawl_flows_turn_telemetry_and_analytics_off_before_prefect_loads(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PREFECT_") and key not in ("DO_NOT_TRACK", "CI")
    }
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    run = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result == {"analytics": False, "prefect_loaded_after": True}
    assert "telemetry" not in run.stderr.lower()
