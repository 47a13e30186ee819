"""The ``audit_checks`` table: what the audit checked, per timing rule and document (migration 0005).

The audit replaces a site's rows for the rules it ran; reports read them back, so they count the
documents the rules tested with the parameters of the run, never the rules' defaults.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from gongkai.models.tables import audit_checks, runs, sites

_BATCH = 5000


@dataclass(frozen=True)
class CheckRow:
    document_id: int
    rule_id: str
    failed: bool
    #: Working days the rule counted, or None.
    lag: int | None
    provisional: bool
    params: dict[str, Any]


def replace_checks(
    engine: sa.Engine, site_id: int, rule_ids: Sequence[str], rows: Iterable[CheckRow], checked_on: date
) -> int:
    """Replace the site's checks of ``rule_ids`` with ``rows`` (one transaction); returns the count."""
    count = 0
    with engine.begin() as conn:
        # Two audits of one site at once (two workers on one night) take turns: the site's row is
        # locked for the transaction (SQLite's BEGIN IMMEDIATE already serialises writers).
        conn.execute(sa.select(sites.c.id).where(sites.c.id == site_id).with_for_update())
        mine = (audit_checks.c.site_id == site_id) & audit_checks.c.rule_id.in_(list(rule_ids))
        conn.execute(sa.delete(audit_checks).where(mine))
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(
                {
                    "site_id": site_id,
                    "document_id": row.document_id,
                    "rule_id": row.rule_id,
                    "verdict": "fail" if row.failed else "pass",
                    "lag_working_days": row.lag,
                    "provisional": row.provisional,
                    "params": row.params,
                    "checked_on": checked_on,
                }
            )
            if len(batch) >= _BATCH:
                conn.execute(sa.insert(audit_checks), batch)
                count += len(batch)
                batch = []
        if batch:
            conn.execute(sa.insert(audit_checks), batch)
            count += len(batch)
    return count


@dataclass(frozen=True)
class StoredCheck:
    site: str
    document_id: int
    rule_id: str
    verdict: str
    lag: int | None
    provisional: bool
    params: dict[str, Any]


def read_checks(conn: sa.Connection, site_names: Sequence[str]) -> list[StoredCheck]:
    """Every stored check of the named sites."""
    query = (
        sa.select(
            sites.c.name,
            audit_checks.c.document_id,
            audit_checks.c.rule_id,
            audit_checks.c.verdict,
            audit_checks.c.lag_working_days,
            audit_checks.c.provisional,
            audit_checks.c.params,
        )
        .join(sites, sites.c.id == audit_checks.c.site_id)
        .where(sites.c.name.in_(list(site_names)))
    )
    return [
        StoredCheck(r[0], int(r[1]), r[2], r[3], None if r[4] is None else int(r[4]), bool(r[5]), r[6] or {})
        for r in conn.execute(query)
    ]


def sites_with_checks(conn: sa.Connection, site_names: Sequence[str]) -> set[str]:
    """The sites whose latest audit run recorded its checks (an audit older than 0005 did not)."""
    latest = (
        sa.select(runs.c.site_id, sa.func.max(runs.c.id).label("run_id"))
        .where(runs.c.kind == "audit")
        .group_by(runs.c.site_id)
        .subquery()
    )
    query = (
        sa.select(sites.c.name, runs.c.stats)
        .join(latest, latest.c.site_id == sites.c.id)
        .join(runs, runs.c.id == latest.c.run_id)
        .where(sites.c.name.in_(list(site_names)))
    )
    return {name for name, stats in conn.execute(query) if isinstance(stats, dict) and "checks" in stats}
