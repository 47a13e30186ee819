"""A copy of a whole store (any backend) as a new SQLite file at the newest schema: what the
explorer serves when the store is PostgreSQL (Datasette reads SQLite only). It reads every table,
so it lives with the database code (issue #18: the store is the only door into the tables).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from gongkai.models import database
from gongkai.models.errors import StoreError
from gongkai.models.tables import metadata as schema

#: Raw page bytes are large and not browsable; the snapshot leaves them out unless asked.
SKIPPED_BY_DEFAULT = frozenset({"blobs"})


def check_revision(revision: str | None, where: str) -> None:
    """One clear error when a database is not at the schema this code reads."""
    head = database.head_revision()
    if revision != head:
        raise StoreError(
            f"{where} is at schema {revision or 'none'}, this gongkai reads {head}: run `gongkai db init`"
        )


def export_snapshot(
    url: str,
    target: Path,
    with_blobs: bool = False,
    batch: int = 2000,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """Copy a store (any backend) into a new SQLite file at ``target``; returns rows per table.

    Written to a temporary file beside ``target`` and renamed at the end, so an interrupted
    export never leaves a half snapshot behind. Timestamps are exported in UTC.
    """
    source = database.create_db_engine(url)
    target = target.expanduser().resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, partial_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(handle)
    partial = Path(partial_name)
    dest = sa.create_engine(f"sqlite:///{partial}")
    counts: dict[str, int] = {}
    try:
        with source.connect() as src:
            if source.dialect.name == "postgresql":
                src.execute(sa.text("SET TIME ZONE 'UTC'"))
            check_revision(MigrationContext.configure(src).get_current_revision(), url_for_display(source))
            schema.create_all(dest)
            with dest.begin() as out:
                out.execute(
                    sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
                )
                out.execute(
                    sa.text("INSERT INTO alembic_version VALUES (:v)"), {"v": database.head_revision()}
                )
                for table in schema.sorted_tables:
                    if table.name in SKIPPED_BY_DEFAULT and not with_blobs:
                        continue
                    counts[table.name] = _copy_table(src, out, table, batch)
                    if progress:
                        progress(table.name, counts[table.name])
        dest.dispose()
        os.replace(partial, target)
    except BaseException:
        dest.dispose()
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.dispose()
    return counts


def _copy_table(src: sa.Connection, out: sa.Connection, table: sa.Table, batch: int) -> int:
    copied = 0
    result = src.execution_options(stream_results=True).execute(sa.select(table))
    for chunk in result.partitions(batch):
        rows = [{key: _utc(value) for key, value in row._mapping.items()} for row in chunk]
        out.execute(table.insert(), rows)
        copied += len(rows)
    return copied


def _utc(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC)
    return value


def url_for_display(engine: sa.Engine) -> str:
    return engine.url.render_as_string(hide_password=True)
