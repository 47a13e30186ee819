"""The crawl frontier's rows (``frontier``) and crawl runs (``runs`` rows of kind ``crawl``).

Only the SQL lives here; what the rows mean (which URL is queued again, which run is resumed) is
decided in ``crawler/frontier.py``, which passes ``conn=`` to put an entry's writes in one
transaction (``Store.transaction()``, under the SQLite writer lock of ``models/writelock.py``).

Every statement of the crawl's hot path is built once, at import: building one
(``.where(...).values(...)``) cost about as much as running it, and a prebuilt statement keeps its
SQL cache key. The dialects' ``ON CONFLICT`` inserts have no cache key (SQLAlchemy recompiles them
on every call), so on SQLite, where writers are serialised (``BEGIN IMMEDIATE``) and the caller
looked the URLs up in the same transaction, new rows go in with a plain insert; PostgreSQL keeps
``ON CONFLICT DO NOTHING`` for writers in other processes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from gongkai.models.store_base import StoreBase, as_utc, utcnow
from gongkai.models.tables import documents, frontier, runs
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection, Row

_MINE = frontier.c.site_id == sa.bindparam("site")
_BY_URLS = sa.select(frontier).where(_MINE, frontier.c.url.in_(sa.bindparam("urls", expanding=True)))
_BY_URL = sa.select(frontier).where(_MINE, frontier.c.url == sa.bindparam("url"))
_PENDING = (
    sa.select(frontier)
    .where(_MINE, frontier.c.state == "pending", frontier.c.kind.in_(sa.bindparam("kinds", expanding=True)))
    .order_by(frontier.c.depth, frontier.c.id)
    .limit(sa.bindparam("limit"))
)
_COUNT_PENDING = sa.select(sa.func.count()).select_from(frontier).where(_MINE, frontier.c.state == "pending")
_INSERT = {
    "sqlite": sa.insert(frontier),
    "postgresql": postgresql.insert(frontier).on_conflict_do_nothing(index_elements=["site_id", "url"]),
}
_RUN_STATS = sa.select(runs.c.stats).where(runs.c.id == sa.bindparam("run_id"))
#: Columns an entry's update may set, each bound to a ``v_<column>`` parameter.
_UPDATABLE = ("state", "attempts", "last_error", "hint", "kind", "depth", "updated_at")
_updates: dict[frozenset[str], Any] = {}


def _update(columns: Iterable[str]) -> Any:
    """The prebuilt ``UPDATE frontier SET … WHERE id = :entry_id`` for this set of columns."""
    key = frozenset(columns)
    stmt = _updates.get(key)
    if stmt is None:
        unknown = key - set(_UPDATABLE)
        assert not unknown, f"not a frontier column an entry update sets: {sorted(unknown)}"
        stmt = _updates[key] = (
            sa.update(frontier)
            .where(frontier.c.id == sa.bindparam("entry_id"))
            .values({name: sa.bindparam(f"v_{name}") for name in sorted(key)})
        )
    return stmt


class FrontierStore(StoreBase):
    # --- crawl runs -------------------------------------------------------------------------------

    def begin_crawl_run(self, site_id: int, conn: Connection | None = None) -> tuple[int, datetime, bool]:
        """The site's unfinished crawl run (id, start, True), or a new one (id, start, False).

        A new run gives the failures of earlier runs another chance: they are pending again.
        """
        with self._conn(conn) as c:
            row = c.execute(
                sa.select(runs.c.id, runs.c.started_at)
                .where(runs.c.kind == "crawl", runs.c.site_id == site_id, runs.c.status == "running")
                .order_by(runs.c.id.desc())
                .limit(1)
            ).first()
            if row is not None:
                return row.id, as_utc(row.started_at), True  # type: ignore[return-value]
            now = utcnow()
            c.execute(
                sa.update(frontier)
                .where(frontier.c.site_id == site_id, frontier.c.state == "failed")
                .values(state="pending", attempts=0, updated_at=now)
            )
            run_id = c.execute(
                sa.insert(runs)
                .values(kind="crawl", site_id=site_id, started_at=now, status="running", stats={})
                .returning(runs.c.id)
            ).scalar_one()
            return run_id, now, False

    def crawl_run_stats(self, run_id: int, conn: Connection | None = None) -> dict[str, Any]:
        with self._read(conn) as c:
            return dict(c.execute(_RUN_STATS, {"run_id": run_id}).scalar_one() or {})

    def save_crawl_run(
        self, run_id: int, stats: dict[str, Any], status: str = "running", conn: Connection | None = None
    ) -> None:
        """Save a crawl run's statistics; a status other than ``running`` also ends it."""
        values: dict[str, Any] = {"stats": stats, "status": status}
        if status != "running":
            values["finished_at"] = utcnow()
        with self._conn(conn) as c:
            c.execute(sa.update(runs).where(runs.c.id == run_id).values(values))

    def documents_first_seen_since(
        self, site_id: int, since: datetime, conn: Connection | None = None
    ) -> int:
        """The site's documents stored for the first time since ``since`` (a run's new documents)."""
        with self._read(conn) as c:
            return int(
                c.execute(
                    sa.select(sa.func.count())
                    .select_from(documents)
                    .where(documents.c.site_id == site_id, documents.c.first_seen_at >= since)
                ).scalar_one()
            )

    # --- frontier rows ------------------------------------------------------------------------------

    def frontier_row(self, site_id: int, url: str, conn: Connection | None = None) -> Row[Any] | None:
        with self._read(conn) as c:
            return c.execute(_BY_URL, {"site": site_id, "url": url}).first()

    def frontier_rows(
        self, site_id: int, urls: Sequence[str], conn: Connection | None = None
    ) -> list[Row[Any]]:
        """The site's rows of these URLs (those it has)."""
        out: list[Row[Any]] = []
        with self._read(conn) as c:
            for start in range(0, len(urls), 500):
                out += c.execute(_BY_URLS, {"site": site_id, "urls": list(urls[start : start + 500])}).all()
        return out

    def add_frontier_rows(self, rows: Sequence[dict[str, Any]], conn: Connection | None = None) -> None:
        """Insert new rows (every ``frontier`` column but ``id``), one statement for the batch."""
        if rows:
            with self._conn(conn) as c:
                c.execute(_INSERT["postgresql" if self.dialect == "postgresql" else "sqlite"], list(rows))

    def update_frontier_row(
        self, entry_id: int, values: dict[str, Any], conn: Connection | None = None
    ) -> None:
        """Set some of an entry's columns (state, attempts, last_error, hint, kind, depth, updated_at)."""
        params = {f"v_{name}": value for name, value in values.items()}
        with self._conn(conn) as c:
            c.execute(_update(values), {"entry_id": entry_id, **params})

    def pending_frontier_rows(
        self, site_id: int, kinds: Sequence[str], limit: int, conn: Connection | None = None
    ) -> list[Row[Any]]:
        """The first ``limit`` pending rows of these kinds, shallowest first, in discovery order."""
        with self._read(conn) as c:
            return c.execute(_PENDING, {"site": site_id, "kinds": list(kinds), "limit": limit}).all()

    def count_pending_frontier(self, site_id: int, conn: Connection | None = None) -> int:
        with self._read(conn) as c:
            return int(c.execute(_COUNT_PENDING, {"site": site_id}).scalar_one())

    def frontier_rows_of_kinds(
        self, site_id: int, kinds: Iterable[str], conn: Connection | None = None
    ) -> list[Row[Any]]:
        with self._read(conn) as c:
            return c.execute(
                sa.select(frontier)
                .where(frontier.c.site_id == site_id, frontier.c.kind.in_(list(kinds)))
                .order_by(frontier.c.id)
            ).all()

    def frontier_states(self, site_id: int, conn: Connection | None = None) -> dict[str, int]:
        """How many of the site's rows are in each state."""
        with self._read(conn) as c:
            rows = c.execute(
                sa.select(frontier.c.state, sa.func.count())
                .where(frontier.c.site_id == site_id)
                .group_by(frontier.c.state)
            ).all()
        return {state: count for state, count in rows}
