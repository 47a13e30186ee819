"""Proof that the product installs and runs anywhere (issue #16).

Builds the wheel, installs it with its dependencies into a fresh virtualenv in an empty folder
outside the checkout (uv, from its cache), and there — with no checkout, no ``../shared`` and no
``GONGKAI_*`` variable in sight — runs a night over two demo sites on loopback (crawled, extracted,
classified, audited, reported, scored against the planted truth) plus ``gongkai extract`` and
``gongkai classify`` from the command line. Every module must come from the virtualenv.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_packaging import build_wheel

pytestmark = pytest.mark.slow

#: Two sites, so the night covers a 令/不予公开/empty-column site and the one held to a catalog.
SITES = ["henan", "yunnan"]
TODAY = "2026-11-22"

NIGHT = r"""
import json, sys
from datetime import date
from pathlib import Path

import gongkai
from gongkai.demo.plan import SPECS
from gongkai.demo.run import start_demo_sites
from gongkai.demo.score import score
from gongkai.flows.nightly import run_nightly
from gongkai.models.store import open_store

out, sites, today = Path(sys.argv[1]), sys.argv[2].split(","), date.fromisoformat(sys.argv[3])
db = f"sqlite:///{out / 'gongkai.db'}"
with start_demo_sites(today, [0] * len(SPECS), out / "sites") as run:
    truth = run.truth()
    night = run_nightly(
        str(run.config_paths[0].parent), db, str(out / "archive"), str(out / "reports"),
        today.isoformat(), sites=sites,
    )
truth["sites"] = [s for s in truth["sites"] if s["name"] in sites]
truth["documents"] = [d for d in truth["documents"] if d["site"] in sites]
truth["findings"] = [f for f in truth["findings"] if f["site"] in sites]
with open_store(db) as store:
    result = score(store, truth)
print(json.dumps({
    "gongkai": gongkai.__file__,
    "failed": {name: n["failed"] for name, n in night["sites"].items() if "failed" in n},
    "classified": sum(n["classify"]["classified"] for n in night["sites"].values() if "classify" in n),
    "planted": {rule: s.true_positives + len(s.false_negatives) for rule, s in result.rules.items()},
    "found": {rule: s.true_positives for rule, s in result.rules.items()},
    "false_positives": [f for s in result.rules.values() for f in s.false_positives],
    "false_negatives": {rule: s.false_negatives for rule, s in result.rules.items() if s.false_negatives},
    "to_review": {rule: s.to_review for rule, s in result.rules.items() if s.to_review},
    "missing_documents": result.missing_documents,
    "extra_documents": result.extra_documents,
    "reports": sorted(p.name for p in (out / "reports").iterdir()),
}, ensure_ascii=False))
"""


def _uv() -> str:
    beside = Path(sys.executable).parent / "uv"
    found = str(beside) if beside.exists() else shutil.which("uv")
    assert found, "uv is needed (make venv installs it into .venv)"
    return found


def _clean_env(home: Path, venv: Path) -> dict[str, str]:
    """No checkout path, no GONGKAI_* variable: only what a new user's shell would have."""
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "PREFECT_HOME": str(home / "prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    }
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "UV_CACHE_DIR"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    """(empty work folder, venv, environment): the wheel and its dependencies installed by uv."""
    from gongkai.classifiers.artifacts import ensure_models

    from tests.conftest import classifiers_reason

    reason = classifiers_reason()
    if reason:
        pytest.skip(reason)
    ensure_models(quiet=True)  # shipped with the package (trained here first where they are not yet)
    root = tmp_path_factory.mktemp("anywhere")
    wheels, venv, work, home = root / "wheels", root / "venv", root / "work", root / "home"
    for folder in (wheels, work, home):
        folder.mkdir()
    wheel = build_wheel(wheels)
    uv_env = {**os.environ, "VIRTUAL_ENV": ""}
    subprocess.run(
        [_uv(), "venv", "-q", "--python", sys.executable, str(venv)], check=True, env=uv_env, timeout=120
    )
    done = subprocess.run(
        [_uv(), "pip", "install", "-q", "--python", str(venv / "bin" / "python"), str(wheel)],
        capture_output=True,
        text=True,
        env=uv_env,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return work, venv, _clean_env(home, venv)


def _run(args: list[str], work: Path, env: dict[str, str], stdin: str | None = None) -> str:
    done = subprocess.run(args, cwd=work, env=env, input=stdin, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{args[:2]} exited {done.returncode}:\n{done.stderr[-4000:]}"
    return done.stdout


def test_a_night_over_demo_sites_from_the_installed_wheel(
    installed: tuple[Path, Path, dict[str, str]],
) -> None:
    work, venv, env = installed
    out = _run(
        [str(venv / "bin" / "python"), "-c", NIGHT, str(work / "night"), ",".join(SITES), TODAY], work, env
    )
    result = json.loads(out.strip().splitlines()[-1])
    assert Path(result["gongkai"]).resolve().is_relative_to(venv.resolve()), result["gongkai"]
    assert result["failed"] == {}
    assert result["classified"] > 0
    assert result["missing_documents"] == [] and result["extra_documents"] == []
    assert result["false_positives"] == []
    # One night: an empty column's marker has been seen once, so the planted ones are held as to
    # review (confirmed on the second night, as the end-to-end test shows); nothing else is missed.
    missed = result["false_negatives"]
    assert set(missed) <= {"empty_column"}
    assert len(missed.get("empty_column", [])) == result["to_review"].get("empty_column", 0)
    planted = {rule for rule, count in result["planted"].items() if count}
    assert {
        "late_interpretation",
        "disclosure_attribute",
        "catalog_gap",
        "empty_column",
        "stale_column",
    } <= planted
    assert {rule: n for rule, n in result["found"].items() if rule != "empty_column"} == {
        rule: n for rule, n in result["planted"].items() if rule != "empty_column"
    }
    pages = [name for name in result["reports"] if name.endswith(".html")]
    assert len(pages) == len(SITES) and all(any(site in name for name in pages) for site in SITES), pages


def test_extract_and_classify_commands_from_the_installed_wheel(
    installed: tuple[Path, Path, dict[str, str]],
) -> None:
    work, venv, env = installed
    gongkai = str(venv / "bin" / "gongkai")
    pages = work / "pages"
    _run([gongkai, "demo-sites", "generate", "--out", str(pages), "--today", TODAY], work, env)
    truth = json.loads((pages / "truth.json").read_text(encoding="utf-8"))
    doc = next(d for d in truth["documents"] if d["site"] == "henan" and d["doc_no"] and d["role"] == "plain")
    path = doc["url"].split("/", 3)[3]
    page = pages / "sites" / "henan" / path
    extracted = json.loads(_run([gongkai, "extract", "--json", "--url", doc["url"], str(page)], work, env))
    assert extracted["title"] == doc["title"] and extracted["doc_no"] == doc["doc_no"]
    assert extracted["published_date"] == doc["published_date"]
    lines = [
        {"id": "1", "title": "某市人民政府关于印发某市最低生活保障办法的通知", "publisher": "某市人民政府"},
        {"id": "2", "title": "某县2023年政府信息公开工作年度报告"},
    ]
    stdin = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n"
    classified = [
        json.loads(line) for line in _run([gongkai, "classify", "-"], work, env, stdin).splitlines()
    ]
    assert [c["id"] for c in classified] == ["1", "2"]
    assert classified[0]["needs_interpretation"] is True and classified[1]["doc_type"] == "report"
    version = _run([gongkai, "--version"], work, env)
    assert "gongkai" in version
