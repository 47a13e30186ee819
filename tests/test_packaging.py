"""The wheel: every top-level package imports from it, and no installed distribution clashes."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGES = ["models", "flows", "extractors", "classifiers", "crawler", "audits", "reports", "demo"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [built] = list(out.glob("gongkai-*.whl"))
    return built


def test_wheel_holds_every_package_and_the_migrations(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for package in PACKAGES:
        assert f"{package}/__init__.py" in names
    assert "models/migrations/env.py" in names
    assert "models/migrations/script.py.mako" in names
    assert any(n.startswith("models/migrations/versions/0001") for n in names)
    assert not any(n.startswith("tests/") for n in names)


def test_every_package_imports_from_the_installed_wheel(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)  # a pure-Python wheel installs by unpacking
    code = (
        "import importlib, pathlib, sys\n"
        f"site = pathlib.Path({str(site)!r}).resolve()\n"
        f"for name in {PACKAGES!r}:\n"
        "    module = importlib.import_module(name)\n"
        "    origin = pathlib.Path(module.__file__).resolve()\n"
        "    assert site in origin.parents, (name, origin)\n"
        "from models.store import open_store\n"
        "open_store('sqlite:///' + str(site / 'x.db')).close()\n"  # migrations run from the wheel
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_no_other_installed_distribution_claims_our_package_names() -> None:
    clashes = []
    for dist in importlib.metadata.distributions():
        if dist.metadata["Name"] == "gongkai":
            continue
        tops = set((dist.read_text("top_level.txt") or "").split())
        for file in dist.files or []:
            parts = Path(str(file)).parts
            if len(parts) > 1 and not parts[0].endswith((".dist-info", ".data", "..")):
                tops.add(parts[0])
            elif len(parts) == 1 and parts[0].endswith(".py"):
                tops.add(parts[0][:-3])
        clashes += [f"{dist.metadata['Name']} provides {name}" for name in tops & set(PACKAGES)]
    assert clashes == []
