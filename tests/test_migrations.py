"""Schema migrations: applied on start, matching the tables, upgrading old databases in place."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from gongkai.models import database
from gongkai.models.errors import StoreError
from gongkai.models.store import open_store
from gongkai.models.tables import metadata


def test_open_store_creates_the_newest_schema(db_url: str) -> None:
    with open_store(db_url) as store:
        assert database.current_revision(store.engine) == database.head_revision()
        status = store.status()
    assert status["up_to_date"] is True
    assert set(status["tables"]) == set(metadata.tables)


def test_migrations_build_exactly_the_declared_tables(db_url: str) -> None:
    with open_store(db_url) as store, store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), metadata)
    assert diff == []


def test_a_database_from_an_older_migration_is_upgraded_in_place(db_url: str, tmp_path: Path) -> None:
    engine = database.create_db_engine(db_url)
    database.upgrade(engine, "0001")
    assert database.current_revision(engine) == "0001"
    now = datetime(2025, 1, 1, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO sites (name, config, created_at, updated_at) VALUES ('old', '{}', :t, :t)"),
            {"t": now},
        )
        site_id = conn.execute(sa.text("SELECT id FROM sites WHERE name='old'")).scalar_one()
        conn.execute(
            sa.text(
                "INSERT INTO documents (site_id, url, title, is_interpretation, content_hash, version_count,"
                " first_seen_at, last_seen_at, changed_at) VALUES (:s, 'http://x/1', '旧文件', false, 'h', 1,"
                " :t, :t, :t)"
            ),
            {"s": site_id, "t": now},
        )
    engine.dispose()
    with open_store(db_url) as store:  # opening migrates
        assert database.current_revision(store.engine) == database.head_revision()
        assert store.list_documents("old")[0]["title"] == "旧文件"
        assert "findings" in store.status()["tables"]
    if db_url.startswith("sqlite"):
        db_file = Path(sa.engine.make_url(db_url).database or "")
        backups = list(db_file.parent.glob(db_file.name + ".before-0001.bak"))
        assert len(backups) == 1, "the old SQLite file is kept aside before an upgrade"


def test_opening_twice_is_harmless(db_url: str) -> None:
    open_store(db_url).close()
    with open_store(db_url) as store:
        assert store.status()["up_to_date"]


def test_a_newer_schema_than_the_code_knows_is_refused(sqlite_url: str) -> None:
    open_store(sqlite_url).close()
    engine = database.create_db_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreError, match="newer than this gongkai knows"):
        database.upgrade(engine)
    engine.dispose()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "malformed database URL"),
        ("mysql://root@127.0.0.1/x", "unsupported database"),
        ("sqlite:////no/such/folder/x.db", "does not exist"),
        ("postgresql://nobody@127.0.0.1:1/none", "cannot reach database"),
        ("", "empty"),
    ],
)
def test_bad_database_urls_are_one_clear_error(url: str, message: str) -> None:
    with pytest.raises(StoreError, match=message) as info:
        database.create_db_engine(url) if url else database.parse_url(url)
    assert "\n" not in str(info.value)


def test_url_resolution_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GONGKAI_DB", raising=False)
    assert database.resolve_url(None) == "sqlite:///gongkai.db"
    monkeypatch.setenv("GONGKAI_DB", "sqlite:///env.db")
    assert database.resolve_url(None) == "sqlite:///env.db"
    assert database.resolve_url("sqlite:///flag.db") == "sqlite:///flag.db"
    assert database.parse_url("postgresql://u@h/d").drivername == "postgresql+psycopg"
    assert database.parse_url("some/file.db").drivername == "sqlite"
