"""Without the real data, the tests that need it skip and the run says so in one loud line."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT


def test_missing_real_data_skips_with_one_summary_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, "GONGKAI_DATA": str(tmp_path / "nothing")}
    env.pop("GONGKAI_SHARED_DATA", None)
    done = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_demo_facts.py",
            "-k", "shipped_facts or refresh_writes or reproducible",
        ],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:]
    lines = [line for line in done.stdout.splitlines() if "tests SKIPPED" in line]
    assert len(lines) == 1, done.stdout[-3000:]
    assert "WARNING: 2 tests SKIPPED: the real data is missing at" in lines[0] and "nothing" in lines[0]
    assert "1 passed, 2 skipped" in done.stdout
