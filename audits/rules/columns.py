"""``empty_column`` / ``stale_column``: 栏目 with no items, or not updated for too long.

国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》: 动态/要闻 columns not updated in 2 weeks and
通知公告/政策文件 columns in 6 months count toward the 栏目不更新 single veto, as do ≥5 empty
columns [S]. ``empty_column`` needs a positive signal seen on two nights (see
:func:`empty_review_reason`). The thresholds are parameters and a site config may set ``max_age_days`` (and
``kind``) per column; a column of kind ``other`` is only checked when given an age. A column whose
items show no date counts as not updated (2015 普查 rule, BRIEF §5.1).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from gongkai.audits.batch import ColumnRow, SiteData
from gongkai.audits.rules.base import AuditContext, Rule, subject_finding
from gongkai.models.records import Finding

BASIS = "《政府网站与政务新媒体检查指标》国办秘函〔2019〕19号 单项否决「栏目不更新」[S]"


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier (clamped to the month's end)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for dd in (day.day, 30, 29, 28):
        try:
            return date(year, month, dd)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _threshold(
    column: ColumnRow, data: SiteData, params: Mapping[str, Any], today: date
) -> tuple[str | None, date | None, str]:
    """(kind, the oldest acceptable latest-item date, how the limit reads) for one column."""
    configured = data.column_config(column.url)
    kind = (configured.kind if configured and configured.kind else None) or column.kind
    if configured and configured.max_age_days:
        days = configured.max_age_days
        return kind, date.fromordinal(today.toordinal() - days), f"{days} days (site config)"
    if kind == "news":
        days = int(params["news_days"])
        return kind, date.fromordinal(today.toordinal() - days), f"{days} days"
    if kind in ("notice", "policy"):
        months = int(params["notice_policy_months"])
        return kind, months_before(today, months), f"{months} months"
    return kind, None, "not checked"


def check_stale_column(data: SiteData, ctx: AuditContext, params: Mapping[str, Any]) -> list[Finding]:
    findings = []
    for column in data.columns:
        if column.item_count <= 0:
            continue  # empty: the empty_column rule's
        kind, oldest, limit = _threshold(column, data, params, ctx.today)
        if oldest is None:
            continue
        latest = column.latest_item_date
        if latest is not None and latest >= oldest:
            continue
        age = (ctx.today - latest).days if latest else None
        values = {
            "name": column.name,
            "kind": kind,
            "item_count": column.item_count,
            "latest_item_date": latest.isoformat() if latest else None,
            "age_days": age,
            "limit": limit,
            "today": ctx.today.isoformat(),
        }
        if latest is None:
            detail = f"栏目 {column.name or column.url} shows no date on any item (counts as not updated)"
        else:
            name = column.name or column.url
            detail = f"栏目 {name} last updated {latest.isoformat()}, {age} days ago (limit {limit})"
        findings.append(
            subject_finding(
                STALE_COLUMN, data, column.url, detail, values, url=column.url, fetched_at=column.checked_at
            )
        )
    return findings


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def empty_review_reason(column: ColumnRow) -> str | None:
    """Why an empty column is only ``to_review`` (None: confirmed), or ``NOT_EMPTY`` for no finding.

    Empty needs a positive signal (an empty-list marker such as 暂无信息, or a list container
    rendered with no rows) seen on two nights — by two crawl runs: ``empty_since`` (the first run
    that saw it) before ``checked_at`` (the latest). A column that simply yielded nothing
    (``none``) is the crawler's failure — a redesign, an operator alert — never a finding.
    """
    signal = column.empty_signal
    if signal == "none":
        return NOT_EMPTY
    if signal is None:
        # Not recorded by a crawl (imported or written by other tools, or before migration 0006):
        # the row states the column is empty; the crawler records a signal from its next run on.
        return None
    first, last = _aware(column.empty_since), _aware(column.checked_at)
    if first is None or last is None or first >= last:
        return f"empty-list signal ({signal}) seen on one night only; confirmed when seen on a second night"
    return None


NOT_EMPTY = "not-empty"


def check_empty_column(data: SiteData, ctx: AuditContext, params: Mapping[str, Any]) -> list[Finding]:
    findings = []
    for column in data.columns:
        if column.item_count > 0:
            continue
        reason = empty_review_reason(column)
        if reason == NOT_EMPTY:
            continue
        values = {
            "name": column.name,
            "kind": column.kind,
            "item_count": column.item_count,
            "empty_signal": column.empty_signal,
            "empty_since": column.empty_since.isoformat() if column.empty_since else None,
        }
        detail = f"栏目 {column.name or column.url} has no items"
        if column.empty_signal and column.empty_signal != "zero_rows":
            detail += f" (page says {column.empty_signal})"
        findings.append(
            subject_finding(
                EMPTY_COLUMN,
                data,
                column.url,
                detail,
                values,
                url=column.url,
                fetched_at=column.checked_at,
                review_reason=reason,
            )
        )
    return findings


STALE_COLUMN = Rule(
    id="stale_column",
    version="1",
    title_zh="栏目长期未更新",
    title_en="Column not updated",
    legal_basis=BASIS,
    parameters={"news_days": 14, "notice_policy_months": 6},
    severity="medium",
    scope="column",
    check=check_stale_column,
    label="栏目未更新",
    indicator="column_upkeep",
    weight=2.5,
)

EMPTY_COLUMN = Rule(
    id="empty_column",
    version="2",
    title_zh="空白栏目",
    title_en="Empty column",
    legal_basis=BASIS,
    parameters={},
    severity="medium",
    scope="column",
    check=check_empty_column,
    label="空白栏目",
    indicator="column_upkeep",
    weight=2.5,
)
