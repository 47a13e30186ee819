"""Sites and their columns (栏目): who is audited, and what the crawler saw of each column."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from gongkai.models.records import (
    SiteColumn,
    SiteConfig,
)
from gongkai.models.store_base import StoreBase, as_utc, utcnow
from gongkai.models.tables import (
    site_columns,
    sites,
)

#: A column's fields, each stored in the ``site_columns`` column of the same name: the one list the
#: writer, the reader and the audit's ``ColumnRow`` (``audits/loader.py``) share.
COLUMN_FIELDS: tuple[str, ...] = tuple(SiteColumn.model_fields)
#: Its timestamps, written and read as UTC (SQLite keeps them naive).
_UTC_FIELDS = ("checked_at", "empty_since")


def column_row(site_id: int | None, column: SiteColumn, checked_at: datetime) -> dict[str, Any]:
    """The ``site_columns`` row of a column as the crawler saw it (``checked_at`` when it has none)."""
    row: dict[str, Any] = {"site_id": site_id, **{name: getattr(column, name) for name in COLUMN_FIELDS}}
    for name in _UTC_FIELDS:
        row[name] = as_utc(row[name])
    row["checked_at"] = row["checked_at"] or checked_at
    return row


def column_of_row(row: sa.Row[Any]) -> SiteColumn:
    """The column a ``site_columns`` row stores (the inverse of :func:`column_row`)."""
    values = {name: row._mapping[name] for name in COLUMN_FIELDS}
    for name in _UTC_FIELDS:
        values[name] = as_utc(values[name])
    return SiteColumn(**values)


def _upsert_column(insert: Callable[[sa.Table], Any], keys: tuple[str, ...]) -> Any:
    stmt = insert(site_columns)
    unique = ("site_id", "url")
    return stmt.on_conflict_do_update(
        index_elements=list(unique), set_={name: stmt.excluded[name] for name in keys if name not in unique}
    )


class SitesStore(StoreBase):
    # --- sites ----------------------------------------------------------------------------

    def get_site(self, name: str) -> SiteConfig | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(sites.c.config).where(sites.c.name == name)).first()
        if row is None:
            return None
        config = dict(row.config)
        if "start_urls" not in config:  # a name-only site (imported documents)
            return None
        return SiteConfig.model_validate(config)

    def site_payload(self, site: str | int) -> dict[str, Any] | None:
        """The config stored for a site (name or id) as JSON, also for a name-only site; None if unknown."""
        key = sites.c.name if isinstance(site, str) else sites.c.id
        with self.engine.connect() as conn:
            payload = conn.execute(sa.select(sites.c.config).where(key == site)).scalar_one_or_none()
        return dict(payload) if payload else None

    def site_names(self) -> list[str]:
        with self.engine.connect() as conn:
            return list(conn.execute(sa.select(sites.c.name).order_by(sites.c.name)).scalars())

    def site_id(self, name: str) -> int | None:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sites.c.id).where(sites.c.name == name)).scalar_one_or_none()

    # --- columns (栏目) ------------------------------------------------------------------------

    def save_columns(self, site: str, columns: Iterable[SiteColumn]) -> int:
        """Upsert what the crawler saw of each column (one row per site + column URL)."""
        now = utcnow()
        with self.engine.begin() as conn:
            site_id = self._site_id_for(conn, site)
            rows = [column_row(site_id, column, now) for column in columns]
            if rows:
                conn.execute(self._upsert(_upsert_column, rows[0]), rows)
        return len(rows)

    def list_columns(self, site: str | None = None) -> list[SiteColumn]:
        """Stored columns, by site and URL."""
        query = (
            sa.select(site_columns, sites.c.name.label("site_name"))
            .join(sites, sites.c.id == site_columns.c.site_id)
            .order_by(sites.c.name, site_columns.c.url)
        )
        if site is not None:
            query = query.where(sites.c.name == site)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [column_of_row(row) for row in rows]
