"""The wheel: one top-level package, ``gongkai``; every part and every data file inside it."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

#: The folders at the top of the repository that the build maps into ``gongkai``.
PARTS = ["models", "flows", "extractors", "classifiers", "crawler", "audits", "reports", "demo", "corpus"]
PACKAGES = ["gongkai", *(f"gongkai.{part}" for part in PARTS)]


def _declared_packages() -> set[str]:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    return set(config["tool"]["setuptools"]["packages"])


def test_every_python_folder_is_a_declared_package() -> None:
    """A subpackage added to a part but not to pyproject would be missing from the wheel."""
    found = {"gongkai"}
    for part in PARTS:
        for init in (ROOT / part).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / part).parts
            found.add(".".join(("gongkai", part, *relative)))
    assert found == _declared_packages()


def build_wheel(out: Path) -> Path:
    """The project's wheel, built from the checkout into ``out`` (no dependencies, no isolation)."""
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


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheel"))


def test_wheel_holds_every_package_and_the_migrations(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for package in PACKAGES:
        assert package.replace(".", "/") + "/__init__.py" in names
    assert "gongkai/models/migrations/env.py" in names
    assert "gongkai/models/migrations/script.py.mako" in names
    assert any(n.startswith("gongkai/models/migrations/versions/0001") for n in names)
    tops = {n.split("/", 1)[0] for n in names if not n.split("/", 1)[0].endswith(".dist-info")}
    assert tops == {"gongkai"}


def test_every_corpus_file_is_package_data(wheel: Path) -> None:
    """Every file a command reads at run time (catalog, templates, vocabularies …) is in the wheel."""
    names = set(zipfile.ZipFile(wheel).namelist())
    tracked = subprocess.run(
        ["git", "ls-files", "corpus"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert tracked
    # Dot files (.gitignore) are for git, not read at run time.
    missing = [p for p in tracked if "gongkai/" + p not in names and not Path(p).name.startswith(".")]
    assert missing == []


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
        "from gongkai.resources import corpus_path\n"
        "assert site in corpus_path('reports', 'weights.yaml').resolve().parents\n"
        "from gongkai.models.store import open_store\n"
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
        clashes += [f"{dist.metadata['Name']} provides {name}" for name in tops & {"gongkai"}]
    assert clashes == []
