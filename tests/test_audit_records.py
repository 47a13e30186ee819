"""The audit records what it checked (issue #18), and the report counts from those records: under
any override the report's figures agree with the findings of the same run."""

from __future__ import annotations

import json
import statistics
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from gongkai.audits.calendar import working_days_after
from gongkai.audits.engine import run_audit
from gongkai.audits.importer import import_documents
from gongkai.models.store import open_store
from gongkai.models.tables import audit_checks
from gongkai.reports.dataset import load_report_data
from gongkai.reports.indicators import scope_results
from gongkai.reports.period import ALL_TIME

TODAY = date(2025, 6, 30)
SITE = "records"


def lines() -> list[dict[str, Any]]:
    """Policies with lags of 2 to 40 working-day-ish spans, some without 公开属性, half with a 解读
    published 0 to 9 days after them."""
    out: list[dict[str, Any]] = []
    for n in range(24):
        written = date(2025, 1, 6) + timedelta(days=3 * n)
        published = written + timedelta(days=2 + 2 * n)
        policy = {
            "url": f"http://127.0.0.1:1/p{n}.html",
            "site": SITE,
            "title": f"关于印发第{n}号管理办法的通知",
            "written_date": written.isoformat(),
            "published_date": published.isoformat(),
            "disclosure": None if n % 3 == 0 else "主动公开",
            # A confident call (calibrated probability above the rule's threshold): the 解读
            # findings are confirmed, so the report scores them.
            "classification": {
                "doc_type": "normative",
                "needs_interpretation": n % 4 != 1,
                "scores": {"needs_interpretation": 0.99 if n % 4 != 1 else 0.01},
            },
        }
        if n % 2 == 0:
            interpretation = f"http://127.0.0.1:1/i{n}.html"
            policy["links"] = [interpretation]
            out.append(
                {
                    "url": interpretation,
                    "site": SITE,
                    "title": f"第{n}号管理办法政策解读",
                    "published_date": (published + timedelta(days=n % 10)).isoformat(),
                    "is_interpretation": True,
                    "doc_type": "interpretation",
                    "needs_interpretation": False,
                }
            )
        out.append(policy)
    return out


OVERRIDES = [
    pytest.param(None, {}, id="defaults"),
    pytest.param(
        0,
        {"late_publication": {"limit_working_days": 5, "include_missing_disclosure": False}},
        id="grace-0-limit-5-no-unmarked",
    ),
    pytest.param(7, {"late_publication": {"limit_working_days": 12}}, id="grace-7-limit-12"),
]


@pytest.mark.parametrize(("grace", "overrides"), OVERRIDES)
def test_report_figures_equal_the_audit_records(
    tmp_path: Path, grace: int | None, overrides: dict[str, dict[str, Any]]
) -> None:
    given = lines()
    path = tmp_path / "docs.jsonl"
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in given), encoding="utf-8")
    with open_store(f"sqlite:///{tmp_path / 'gongkai.db'}") as store:
        assert import_documents(store, path).errors == []
        run_audit(store, today=TODAY, grace_days=grace, overrides=overrides)
        data = load_report_data(store, [SITE], ALL_TIME)
        with store.engine.connect() as conn:
            checks = conn.execute(
                sa.select(audit_checks.c.rule_id, audit_checks.c.document_id, audit_checks.c.lag_working_days)
            ).all()
        open_findings = {
            rule: store.list_findings(SITE, rule) for rule in ("late_publication", "late_interpretation")
        }
    results = scope_results(data, data.docs, [SITE])
    checked = {rule: {doc: lag for r, doc, lag in checks if r == rule} for rule in {r for r, _, _ in checks}}

    # 按时发布率: the documents late_publication tested in this run, failing where it found them late.
    timely = results["timely_publication"]
    include_unmarked = overrides.get("late_publication", {}).get("include_missing_disclosure", True)
    policies = [line for line in given if not line.get("is_interpretation")]
    tested = [p for p in policies if include_unmarked or p["disclosure"] is not None]
    assert timely.eligible == len(checked["late_publication"]) == len(tested)
    assert timely.failing == len(open_findings["late_publication"])
    limit = overrides.get("late_publication", {}).get("limit_working_days", 20)
    late_expected = [
        p
        for p in tested
        if working_days_after(
            date.fromisoformat(p["written_date"]), date.fromisoformat(p["published_date"])
        ).days
        > limit
    ]
    assert timely.failing == len(late_expected) > 0
    lags = sorted(checked["late_publication"].values())
    assert timely.extra["median_wd"] == statistics.median(lags)

    # 解读及时率: the policies with a linked 解读, failing where late under this run's grace.
    linked = results["interpretation_timeliness"]
    assert linked.eligible == len(checked["late_interpretation"]) > 0
    assert linked.failing == len(open_findings["late_interpretation"])
    effective_grace = 3 if grace is None else grace
    late_links = [lag for lag in checked["late_interpretation"].values() if lag > effective_grace]
    assert linked.failing == len(late_links)

    # 解读覆盖率: every policy the 解读 rules tested (needs one, is not one itself).
    coverage = results["interpretation_coverage"]
    assert coverage.eligible == len([p for p in policies if p["classification"]["needs_interpretation"]])
