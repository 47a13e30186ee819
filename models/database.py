"""Opening the database: URL resolution, engine set-up, and migrations applied safely on start."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from gongkai.models.errors import StoreError
from sqlalchemy.engine import URL, Engine, make_url

DEFAULT_URL = "sqlite:///gongkai.db"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
#: Any number of PostgreSQL workers may start at once; this lock lets one of them migrate.
_PG_MIGRATION_LOCK = 0x67_6F_6E_67  # "gong"


def resolve_url(explicit: str | None = None) -> str:
    """The database URL: ``--db`` first, then ``GONGKAI_DB``, then ``./gongkai.db``."""
    return explicit or os.environ.get("GONGKAI_DB") or DEFAULT_URL


def parse_url(raw: str) -> URL:
    """Parse a SQLAlchemy URL, accepting bare paths to SQLite files and plain ``postgresql://``."""
    text = raw.strip()
    if not text:
        raise StoreError("the database URL is empty (set GONGKAI_DB or --db)")
    if "://" not in text:
        if text.endswith((".db", ".sqlite", ".sqlite3")):
            text = f"sqlite:///{text}"
        else:
            raise StoreError(
                f"malformed database URL {raw!r}: expected e.g. sqlite:///gongkai.db or "
                "postgresql://user@127.0.0.1:5432/dbname"
            )
    try:
        url = make_url(text)
    except sa.exc.ArgumentError as exc:
        raise StoreError(f"malformed database URL {raw!r}: {exc}") from None
    driver = url.drivername
    # Only psycopg 3 is installed; plain postgresql:// would ask SQLAlchemy for psycopg2.
    if driver in ("postgresql", "postgres", "postgresql+psycopg2"):
        url = url.set(drivername="postgresql+psycopg")
    elif driver not in ("sqlite", "sqlite+pysqlite", "postgresql+psycopg"):
        raise StoreError(f"unsupported database {driver!r} in {raw!r}: use sqlite:/// or postgresql://")
    return url


def require_existing(raw_url: str) -> None:
    """Read commands refuse a SQLite file that does not exist, instead of creating an empty one."""
    url = parse_url(raw_url)
    if url.get_backend_name() != "sqlite":
        return
    database = url.database or ""
    on_disk = database and database != ":memory:" and not database.startswith("file:")
    if on_disk and not Path(database).expanduser().exists():
        raise StoreError(
            f"no database at {database}: nothing crawled or imported there yet (check --db / GONGKAI_DB)"
        )


def describe_error(exc: sa.exc.DBAPIError, raw_url: str | None = None) -> str:
    """One line for a database error met mid-command (read-only file, disk full, locked …)."""
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
    where = f" ({raw_url})" if raw_url else ""
    if "readonly" in reason or "read-only" in reason:
        return f"the database{where} is read-only: {reason}; nothing was changed"
    return f"database error{where}: {reason}"


def create_db_engine(raw_url: str) -> Engine:
    """An engine configured for our workload; fails fast with one clear line if unreachable."""
    url = parse_url(raw_url)
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            parent = Path(database).expanduser().resolve().parent
            if not parent.is_dir():
                raise StoreError(f"cannot open database {raw_url!r}: folder {parent} does not exist")
        engine = sa.create_engine(url, connect_args={"timeout": 60}, json_serializer=_json_dumps)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = sa.create_engine(
            url,
            pool_pre_ping=True,
            connect_args={"connect_timeout": 10},
            pool_size=5,
            max_overflow=5,
            json_serializer=_json_dumps,
        )
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StoreError(
            f"cannot reach database {url.render_as_string(hide_password=True)}: {reason}"
        ) from None
    return engine


def _json_dumps(value: object) -> str:
    # Chinese text as itself, not \uXXXX escapes: records are half the size and readable in SQL.
    return json.dumps(value, ensure_ascii=False)


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    # pysqlite's own transaction handling defers BEGIN; we issue it ourselves (see _sqlite_begin)
    # so that SAVEPOINTs and transactional DDL in migrations behave.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=60000")
    with contextlib.suppress(Exception):  # in-memory databases have no WAL
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn) -> None:  # type: ignore[no-untyped-def]
    # IMMEDIATE takes the write lock up front: two writers queue instead of deadlocking on upgrade.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


# --- migrations -------------------------------------------------------------------------------


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The newest migration this code knows."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at, or None for a database gongkai has never touched."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def known_revisions() -> list[str]:
    script = ScriptDirectory.from_config(_alembic_config())
    return [rev.revision for rev in script.walk_revisions()]


def upgrade(engine: Engine, target: str = "head") -> tuple[str | None, str]:
    """Bring the schema to ``target``; returns (before, after). Safe to call from many processes.

    A SQLite file is copied aside before an existing schema is changed, so a failed upgrade
    never costs stored data.
    """
    with _migration_lock(engine):
        before = current_revision(engine)
        if before is not None and before not in known_revisions():
            raise StoreError(
                f"the database is at schema {before}, newer than this gongkai knows ({head_revision()}); "
                "upgrade gongkai before using this database"
            )
        wanted = head_revision() if target == "head" else target
        if before == wanted:
            return before, wanted
        if before is not None:
            _backup_sqlite(engine, before)
        config = _alembic_config()
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, target)
        return before, wanted


@contextlib.contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            try:
                yield
            finally:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_MIGRATION_LOCK})
                conn.commit()
        return
    database = engine.url.database
    if not database or database == ":memory:":
        yield
        return
    lock_path = Path(f"{database}.migrate-lock")
    with open(lock_path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _backup_sqlite(engine: Engine, revision: str) -> None:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return
    source = Path(database)
    if source.exists():
        # SQLite's online backup copies a consistent snapshot, WAL included.
        target = source.with_name(f"{source.name}.before-{revision}.bak")
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        dst.close()
        src.close()
