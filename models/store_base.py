"""What every part of the store shares: the engine, the dialect's statements, time and hash helpers."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, Self

import sqlalchemy as sa
from gongkai.models import database
from gongkai.models.records import SiteConfig
from gongkai.models.tables import (
    documents,
    metadata,
    sites,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_SITE_ID = sa.select(sites.c.id).where(sites.c.name == sa.bindparam("name"))


_BIND_CAST = re.compile(r":(\w+)::(\w+)")
_RETURNING = re.compile(r"\s+RETURNING [\w., ]+$")

#: Builds a dialect ``INSERT … ON CONFLICT`` from the dialect's insert and the row's column names.
Builder = Callable[[Callable[[sa.Table], Any], tuple[str, ...]], Any]


class StoreBase:
    """A handle on the database; the aggregates (``store_*`` modules) are mixed into :class:`Store`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        #: name → id of sites seen (sites are never deleted). Forgotten when a transaction that
        #: wrote a site rolls back: the id it cached may be undone.
        self._site_ids: dict[str, int] = {}
        self._site_written = False
        sa.event.listen(engine, "commit", self._sites_committed)
        sa.event.listen(engine, "rollback", self._sites_rolled_back)
        self._statements: dict[tuple[Callable[..., Any], tuple[str, ...]], Any] = {}

    # --- housekeeping ---------------------------------------------------------------------

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def status(self) -> dict[str, Any]:
        """Schema version and row counts, for ``gongkai db status``."""
        current = database.current_revision(self.engine)
        counts: dict[str, int] = {}
        if current is not None:
            with self.engine.connect() as conn:
                for table in metadata.sorted_tables:
                    counts[table.name] = conn.execute(
                        sa.select(sa.func.count()).select_from(table)
                    ).scalar_one()
        return {
            "url": self.engine.url.render_as_string(hide_password=True),
            "backend": self.dialect,
            "schema": current,
            "head": database.head_revision(),
            "up_to_date": current == database.head_revision(),
            "tables": counts,
        }

    def analyze(self) -> None:
        """Refresh the query planner's statistics (after a bulk load)."""
        with self.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")

    def _upsert(self, build: Builder, keys: Iterable[str]) -> Any:
        """The upsert ``build(insert, keys)`` returns, for rows of these ``keys``, compiled once per store.

        SQLAlchemy never caches the compiled form of a dialect ``INSERT … ON CONFLICT`` (its
        statement has no cache key), so the hot writes rebuilt and recompiled it on every call. It
        is compiled here once to SQL text with named parameters, typed by the table's columns (JSON
        and dates still go through their converters), and executed with each row's values.
        """
        names = tuple(sorted(keys))
        stmt = self._statements.get((build, names))
        if stmt is None:
            built = build(self._insert, names)
            dialect = (postgresql if self.dialect == "postgresql" else sqlite).dialect(paramstyle="named")
            sql = str(built.compile(dialect=dialect, column_keys=list(names)))
            # PostgreSQL's compiler casts JSON binds (``:x::JSON``, which text() would not read as
            # a parameter) and adds the implicit ``RETURNING id`` that nothing here reads.
            sql = _RETURNING.sub("", _BIND_CAST.sub(r"CAST(:\1 AS \2)", sql))
            columns = built.table.c
            stmt = sa.text(sql).bindparams(*[sa.bindparam(name, type_=columns[name].type) for name in names])
            self._statements[(build, names)] = stmt
        return stmt

    def _upsert_row(self, conn: Connection, build: Builder, row: dict[str, Any]) -> None:
        conn.execute(self._upsert(build, row), row)

    def _insert(self, table: sa.Table) -> Any:
        """A dialect insert that supports ON CONFLICT (both backends speak it)."""
        return (postgresql.insert if self.dialect == "postgresql" else sqlite.insert)(table)

    # --- helpers ----------------------------------------------------------------------------

    def upsert_site(self, config: SiteConfig | str, conn: Connection | None = None) -> int:
        """Register a site (a full config, or just a name for imported documents); returns its id."""
        if isinstance(config, str):
            name, agency, payload = config, None, {"name": config}
        else:
            name, agency, payload = config.name, config.agency, config.model_dump(mode="json")
        now = utcnow()
        with self._conn(conn) as c:
            stmt = self._insert(sites).values(
                name=name, agency=agency, config=payload, created_at=now, updated_at=now
            )
            if isinstance(config, str):
                stmt = stmt.on_conflict_do_nothing(index_elements=["name"])
            else:
                stmt = stmt.on_conflict_do_update(
                    index_elements=["name"],
                    set_={"agency": agency, "config": payload, "updated_at": now},
                )
            c.execute(stmt)
            self._site_written = True
            return c.execute(sa.select(sites.c.id).where(sites.c.name == name)).scalar_one()

    def _site_id_for(self, conn: Connection, name: str | None) -> int | None:
        if name is None:
            return None
        site_id = self._site_ids.get(name)
        if site_id is None:
            site_id = conn.execute(_SITE_ID, {"name": name}).scalar_one_or_none()
            if site_id is None:
                return self.upsert_site(name, conn)
            self._site_ids[name] = site_id
        return site_id

    def _document_ids(self, conn: Connection, site_id: int | None, urls: set[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        url_list = sorted(urls)
        for start in range(0, len(url_list), 500):
            chunk = url_list[start : start + 500]
            out.update(
                (row.url, row.id)
                for row in conn.execute(
                    sa.select(documents.c.id, documents.c.url).where(
                        documents.c.site_id == site_id, documents.c.url.in_(chunk)
                    )
                )
            )
        return out

    def _all_document_ids(self, conn: Connection, site_id: int | None) -> dict[str, int]:
        rows = conn.execute(sa.select(documents.c.url, documents.c.id).where(documents.c.site_id == site_id))
        return {row.url: row.id for row in rows}

    def _sites_committed(self, _conn: Any) -> None:
        self._site_written = False

    def _sites_rolled_back(self, _conn: Any) -> None:
        if self._site_written:
            self._site_ids.clear()
            self._site_written = False

    def transaction(self) -> Any:
        """A transaction to pass as ``conn=`` to several writes: one commit for all, or nothing.

        On SQLite, hold the file's writer lock (``models.writelock``) around it when threads share
        the file.
        """
        return self.engine.begin()

    def _read(self, conn: Connection | None) -> Any:
        """Read in the caller's transaction, or on a connection of our own."""
        if conn is not None:
            return _Borrowed(conn)
        return self.engine.connect()

    def _conn(self, conn: Connection | None) -> Any:
        """Use the caller's transaction, or open one of our own."""
        if conn is not None:
            return _Borrowed(conn)
        return self.engine.begin()


class _Borrowed:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def __enter__(self) -> Connection:
        return self.conn

    def __exit__(self, *exc: object) -> None:
        return None
