"""The runs table: a small log of what each step (crawl, audit, extract …) last did on a site."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from gongkai.models.store_base import StoreBase, utcnow
from gongkai.models.tables import runs, sites


class RunsStore(StoreBase):
    def record_run(
        self,
        kind: str,
        site: str | int | None,
        stats: dict[str, Any],
        started_at: datetime | None = None,
        status: str = "ok",
    ) -> None:
        """Log a finished step: its kind, site (name or id), when it ran and what it counted."""
        finished = utcnow()
        with self.engine.begin() as conn:
            site_id = (
                conn.execute(_SITE_ID_BY_NAME, {"name": site}).scalar_one_or_none()
                if isinstance(site, str)
                else site
            )
            conn.execute(
                sa.insert(runs).values(
                    kind=kind,
                    site_id=site_id,
                    started_at=started_at or finished,
                    finished_at=finished,
                    status=status,
                    stats=stats,
                )
            )

    def last_run_stats(self, site: str, kind: str) -> dict[str, Any] | None:
        """The stats of the site's latest successful run of ``kind``, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(runs.c.stats)
                .join(sites, sites.c.id == runs.c.site_id)
                .where(sites.c.name == site, runs.c.kind == kind, runs.c.status == "ok")
                .order_by(runs.c.id.desc())
                .limit(1)
            ).first()
        if row is None:
            return None
        return row.stats if isinstance(row.stats, dict) else json.loads(row.stats)


_SITE_ID_BY_NAME = sa.select(sites.c.id).where(sites.c.name == sa.bindparam("name"))
