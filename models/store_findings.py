"""Findings: what the rules found, opened, kept, closed and reopened night after night."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from gongkai.models.records import (
    Evidence,
    Finding,
)
from gongkai.models.store_base import StoreBase
from gongkai.models.tables import (
    documents,
    findings,
    sites,
)


class FindingsStore(StoreBase):
    # --- findings ---------------------------------------------------------------------------

    def sync_findings(
        self,
        site: str,
        rule_ids: Iterable[str],
        current: Sequence[Finding],
        today: date,
        document_ids: Mapping[str, int] | None = None,
    ) -> dict[str, int]:
        """Make the stored findings of ``rule_ids`` on ``site`` match ``current``.

        New findings open; ones still true are refreshed (``last_seen``); open ones no longer
        produced are closed with ``today``; a closed one that comes back is reopened.
        Returns counts ``opened, kept, closed, reopened``.
        """
        totals = {"opened": 0, "kept": 0, "closed": 0, "reopened": 0}
        for stats in self.sync_findings_by_rule(site, rule_ids, current, today, document_ids).values():
            for key, value in stats.items():
                totals[key] += value
        return totals

    def sync_findings_by_rule(
        self,
        site: str,
        rule_ids: Iterable[str],
        current: Sequence[Finding],
        today: date,
        document_ids: Mapping[str, int] | None = None,
    ) -> dict[str, dict[str, int]]:
        """:meth:`sync_findings` with the counts per rule id.

        Bulk: one read of the stored findings, batched (executemany) inserts for new ones and
        updates only for those whose content changed or that reopen, chunked closes, and one
        set-based statement that moves ``last_seen`` of every finding still true — so a nightly
        re-run over hundreds of thousands of unchanged findings writes almost nothing row by row.
        ``document_ids`` (URL → document id) saves a lookup when the caller already has them.
        """
        rule_ids = list(rule_ids)
        stats = {rule: {"opened": 0, "kept": 0, "closed": 0, "reopened": 0} for rule in rule_ids}
        with self.engine.begin() as conn:
            site_id = self._site_id_for(conn, site)
            existing = {
                (row.rule_id, row.subject): row
                for row in conn.execute(
                    sa.select(
                        findings.c.id,
                        findings.c.rule_id,
                        findings.c.subject,
                        findings.c.status,
                        findings.c.rule_version,
                        findings.c.document_id,
                        findings.c.severity,
                        findings.c.detail,
                        findings.c.legal_basis,
                        # as stored (text on SQLite): compared with the new evidence's JSON text
                        sa.type_coerce(findings.c.evidence, sa.Text).label("evidence"),
                        findings.c.provisional,
                        findings.c.certainty,
                        findings.c.review_reason,
                    ).where(findings.c.site_id == site_id, findings.c.rule_id.in_(rule_ids))
                ).all()
            }
            if document_ids is None:
                urls = {f.document_url for f in current if f.document_url}
                document_ids = (
                    self._all_document_ids(conn, site_id)
                    if len(urls) > 5000
                    else self._document_ids(conn, site_id, urls)
                )
            inserts: list[dict[str, Any]] = []
            updates: list[dict[str, Any]] = []
            seen: set[tuple[str, str]] = set()
            for finding in current:
                key = (finding.rule_id, finding.subject)
                if key in seen:
                    continue
                seen.add(key)
                counts = stats.setdefault(
                    finding.rule_id, {"opened": 0, "kept": 0, "closed": 0, "reopened": 0}
                )
                values = {
                    "rule_version": finding.rule_version,
                    "document_id": document_ids.get(finding.document_url or ""),
                    "severity": finding.severity,
                    "detail": finding.detail,
                    "legal_basis": finding.legal_basis,
                    "evidence": finding.evidence.model_dump(mode="json"),
                    "provisional": finding.provisional,
                    "certainty": finding.certainty,
                    "review_reason": finding.review_reason,
                    "status": "open",
                    "last_seen": today,
                    "closed_on": None,
                }
                row = existing.get(key)
                if row is None:
                    inserts.append(
                        {
                            "rule_id": finding.rule_id,
                            "site_id": site_id,
                            "subject": finding.subject,
                            "first_seen": today,
                            **values,
                        }
                    )
                    counts["opened"] += 1
                elif row.status == "closed":
                    updates.append({"_id": row.id, **values})
                    counts["reopened"] += 1
                else:
                    if _finding_changed(row, values):
                        updates.append({"_id": row.id, **values})
                    counts["kept"] += 1
            if inserts:
                stmt = self._insert(findings)
                stmt = stmt.on_conflict_do_update(
                    index_elements=["rule_id", "site_id", "subject"],
                    set_={
                        name: stmt.excluded[name]
                        for name in inserts[0]
                        if name not in ("rule_id", "site_id", "subject", "first_seen")
                    },
                )
                for start in range(0, len(inserts), 5000):
                    conn.execute(stmt, inserts[start : start + 5000])
            if updates:
                columns = [name for name in updates[0] if name != "_id"]
                stmt = (
                    sa.update(findings)
                    .where(findings.c.id == sa.bindparam("_id"))
                    .values({name: sa.bindparam(name) for name in columns})
                )
                for start in range(0, len(updates), 5000):
                    conn.execute(stmt, updates[start : start + 5000])
            stale = [
                (row.id, key[0]) for key, row in existing.items() if key not in seen and row.status == "open"
            ]
            for start in range(0, len(stale), 500):
                chunk = stale[start : start + 500]
                conn.execute(
                    sa.update(findings)
                    .where(findings.c.id.in_([finding_id for finding_id, _ in chunk]))
                    .values(status="closed", closed_on=today)
                )
            for _, rule in stale:
                stats[rule]["closed"] += 1
            # Every finding still open now is one produced this run: its last_seen is today.
            conn.execute(
                sa.update(findings)
                .where(
                    findings.c.site_id == site_id,
                    findings.c.rule_id.in_(sorted(stats)),
                    findings.c.status == "open",
                    findings.c.last_seen != today,
                )
                .values(last_seen=today)
            )
        return stats

    def list_findings(
        self, site: str | None = None, rule_id: str | None = None, status: str | None = "open"
    ) -> list[Finding]:
        query = (
            sa.select(findings, sites.c.name.label("site_name"), documents.c.url.label("document_url"))
            .join(sites, sites.c.id == findings.c.site_id)
            .outerjoin(documents, documents.c.id == findings.c.document_id)
            .order_by(findings.c.rule_id, findings.c.subject)
        )
        if site is not None:
            query = query.where(sites.c.name == site)
        if rule_id is not None:
            query = query.where(findings.c.rule_id == rule_id)
        if status is not None:
            query = query.where(findings.c.status == status)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            Finding(
                rule_id=row.rule_id,
                rule_version=row.rule_version,
                severity=row.severity,
                site=row.site_name,
                document_url=row.document_url,
                subject=row.subject,
                detail=row.detail,
                legal_basis=row.legal_basis,
                evidence=Evidence.model_validate(row.evidence),
                provisional=row.provisional,
                certainty=row.certainty,
                review_reason=row.review_reason,
                first_seen=row.first_seen,
                last_seen=row.last_seen,
                status=row.status,
                closed_on=row.closed_on,
            )
            for row in rows
        ]


def _finding_changed(row: Any, values: dict[str, Any]) -> bool:
    """Whether a stored open finding differs from what the rule says now (``last_seen`` aside)."""
    stored = row.evidence
    # SQLite hands back the stored text (SQLAlchemy wrote ``json.dumps(evidence)``); PostgreSQL's
    # driver parses ``json`` columns itself.
    evidence = json.dumps(values["evidence"]) if isinstance(stored, str) else values["evidence"]
    return (
        stored != evidence
        or row.rule_version != values["rule_version"]
        or row.document_id != values["document_id"]
        or row.severity != values["severity"]
        or row.detail != values["detail"]
        or row.legal_basis != values["legal_basis"]
        or bool(row.provisional) != values["provisional"]
        or row.certainty != values["certainty"]
        or row.review_reason != values["review_reason"]
    )
