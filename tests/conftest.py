"""Shared fixtures: fresh SQLite and PostgreSQL stores, the shared real data, the CLI runner.

Tests that read the real data (``../shared/data``, or ``GONGKAI_DATA``) take the ``shared_data``
fixture or carry the ``real_data`` marker: where the folder is missing (a clone with nothing beside
it) they are skipped, and the run ends with one loud line saying how many and why. CI has the
folder and runs them all. Tests that classify take ``classifiers``: they need the shipped models,
or the real data to train them from.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from gongkai.models.store import Store, open_store

ROOT = Path(__file__).resolve().parent.parent


def _shared_data_dir() -> Path:
    configured = os.environ.get("GONGKAI_DATA") or os.environ.get("GONGKAI_SHARED_DATA")
    return Path(configured) if configured else ROOT.parent / "shared" / "data"


#: Real data lives beside every checkout; it is read in place and never copied into the project.
SHARED_DATA = _shared_data_dir()
HAS_REAL_DATA = (SHARED_DATA / "corpus").is_dir() and (SHARED_DATA / "pages").is_dir()
REAL_DATA_REASON = f"the real data is missing at {SHARED_DATA} (set GONGKAI_DATA to the shared/data folder)"
PG_HOST, PG_PORT = "127.0.0.1", 5432
PG_ADMIN_URL = os.environ.get(
    "GONGKAI_TEST_PG", f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/postgres"
)

PG_SKIP_REASON = f"no PostgreSQL server answers on {PG_HOST}:{PG_PORT}: PostgreSQL backend NOT TESTED"
_pg_skip_reason: list[str] = []


def postgres_available() -> bool:
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=2):
            return True
    except OSError:
        return False


#: Fixtures that make a test slow: a Prefect server, Chromium. (Tests that evaluate the classifiers
#: on the real held-out sets, or open Chromium themselves, carry ``@pytest.mark.slow``.)
SLOW_FIXTURES = frozenset({"prefect_harness", "prefect_api", "browser_page"})

#: Node ids of the tests skipped for want of classifiers (filled as they run).
_no_classifier_tests: set[str] = set()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that needs the real data (skipped when it is missing), and ``slow`` on every
    test that uses a slow fixture (``make test-fast`` leaves those out)."""
    skip = pytest.mark.skip(reason=REAL_DATA_REASON)
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if SLOW_FIXTURES & fixtures:
            item.add_marker(pytest.mark.slow)
        if not HAS_REAL_DATA and ("shared_data" in fixtures or item.get_closest_marker("real_data")):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not HAS_REAL_DATA:
        pytest.skip(REAL_DATA_REASON)
    return SHARED_DATA


def classifiers_reason() -> str | None:
    """Why nothing can classify here (no shipped models and no data to train them), or None."""
    from gongkai.classifiers.artifacts import is_current
    from gongkai.classifiers.paths import model_dir

    if is_current(model_dir()) or HAS_REAL_DATA:
        return None
    return f"no trained classifiers in {model_dir()} and {REAL_DATA_REASON}"


@pytest.fixture
def classifiers(request: pytest.FixtureRequest) -> None:
    """The classify step can run: shipped models, or the real data to train them from."""
    reason = classifiers_reason()
    if reason:
        _no_classifier_tests.add(request.node.nodeid)
        pytest.skip(reason)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'gongkai.db'}"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The admin URL of the local PostgreSQL server, or a loud skip if none answers."""
    if not postgres_available():
        _pg_skip_reason.append(PG_SKIP_REASON)
        pytest.skip(PG_SKIP_REASON)
    yield PG_ADMIN_URL


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A brand-new PostgreSQL database for one test, dropped afterwards."""
    name = f"gongkai_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(pg_server).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Each store test runs on both backends."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    with open_store(db_url) as opened:
        yield opened


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One temporary Prefect server for every flow test of the session, offline and quiet."""
    settings = {
        "PREFECT_HOME": str(tmp_path_factory.mktemp("prefect")),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
        "PREFECT_TASKS_RUNNER_THREAD_POOL_MAX_WORKERS": "4",
        # the task-run recorder fights the flows for SQLite's write lock (TOOLCHAIN.md): tests only
        "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED": "false",
    }
    saved = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    from prefect.testing.utilities import prefect_test_harness

    try:
        with prefect_test_harness(server_startup_timeout=120):
            yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


#: The key, on a skipped test's report, of why it was skipped: "real_data", "classifiers" or
#: "postgres". Kept on the report itself so that under pytest-xdist the controller, which runs no
#: test, still counts what its workers skipped.
SKIP_CAUSE = "gongkai_skip_cause"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if not report.skipped:
        return
    if "shared_data" in getattr(item, "fixturenames", ()) or item.get_closest_marker("real_data"):
        report.user_properties.append((SKIP_CAUSE, "real_data"))
    elif item.nodeid in _no_classifier_tests:
        report.user_properties.append((SKIP_CAUSE, "classifiers"))
    elif _pg_skip_reason and "pg_server" in getattr(item, "fixturenames", ()):
        report.user_properties.append((SKIP_CAUSE, "postgres"))


def skip_causes(stats: dict[str, list[pytest.TestReport]]) -> Counter[str]:
    """How many skipped tests had each cause (one count per test)."""
    causes: dict[str, str] = {}
    for report in stats.get("skipped", []):
        for key, value in getattr(report, "user_properties", ()):
            if key == SKIP_CAUSE:
                causes[report.nodeid] = value
    return Counter(causes.values())


def skipped_counts(stats: dict[str, list[pytest.TestReport]]) -> tuple[int, int]:
    """(tests skipped for want of the real data, tests skipped for want of classifiers)."""
    causes = skip_causes(stats)
    return causes["real_data"], causes["classifiers"]


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # type: ignore[no-untyped-def]
    if skip_causes(terminalreporter.stats)["postgres"]:
        terminalreporter.write_sep("!", "WARNING: " + PG_SKIP_REASON, red=True, bold=True)
    real, classify = skipped_counts(terminalreporter.stats)
    if real or classify:
        parts = []
        if real:
            parts.append(f"{real} tests SKIPPED: {REAL_DATA_REASON}")
        if classify:
            parts.append(f"{classify} more SKIPPED: no trained classifiers to load")
        terminalreporter.write_sep(
            "!", "WARNING: " + "; ".join(parts) + " — CI, which has ../shared, runs them", red=True, bold=True
        )
