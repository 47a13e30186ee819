"""Shared fixtures: fresh SQLite and PostgreSQL stores, the shared real data, the CLI runner."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from gongkai.models.store import Store, open_store

ROOT = Path(__file__).resolve().parent.parent
#: Real data lives beside every checkout; it is read in place and never copied into the project.
SHARED_DATA = ROOT.parent / "shared" / "data"
PG_HOST, PG_PORT = "127.0.0.1", 5432
PG_ADMIN_URL = os.environ.get(
    "GONGKAI_TEST_PG", f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/postgres"
)

_pg_skip_reason: list[str] = []


def postgres_available() -> bool:
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"the shared real data is missing: expected it at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'gongkai.db'}"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The admin URL of the local PostgreSQL server, or a loud skip if none answers."""
    if not postgres_available():
        reason = f"no PostgreSQL server answers on {PG_HOST}:{PG_PORT}: PostgreSQL backend NOT TESTED"
        _pg_skip_reason.append(reason)
        pytest.skip(reason)
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


#: Fixtures that make a test slow: a Prefect server, Chromium. (Tests that evaluate the classifiers
#: on the real held-out sets, or open Chromium themselves, carry ``@pytest.mark.slow``.)
SLOW_FIXTURES = frozenset({"prefect_harness", "prefect_api", "browser_page"})


def pytest_collection_modifyitems(config, items) -> None:  # type: ignore[no-untyped-def]
    """``slow`` on every test that uses a slow fixture (``make test-fast`` leaves them out)."""
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # type: ignore[no-untyped-def]
    if _pg_skip_reason:
        terminalreporter.write_sep("!", "WARNING: " + _pg_skip_reason[0], red=True, bold=True)
