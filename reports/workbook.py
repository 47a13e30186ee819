"""The report as an XLSX workbook: a sheet per indicator, totals, trend, columns and the findings.

Every sheet has a frozen header row and an autofilter. Indicator rows list the ids of the
findings behind their failing counts; the findings sheet links each finding to its page and
carries the evidence (fetch time, content hash, WARC record id, the values the rule used).
The workbook is write-only: each sheet's rows stream to the file as they are made (a report of
50,000 findings is a million cells, which openpyxl's ordinary sheets hold as objects first).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from gongkai.audits.rules import RULE_LABELS, rule_label
from gongkai.audits.rules.confidence import CLASSIFIER_RULES
from gongkai.reports.coverage import EXPECT_LABELS, STATUS_COLOURS
from gongkai.reports.indicators import INDICATORS, IndicatorDef, Result
from gongkai.reports.labels import SEVERITIES, STATUSES
from gongkai.reports.model import GroupRow, Report
from gongkai.reports.scoring import DISCLAIMER
from gongkai.reports.sheets import link_cell, sheet_title, stream_rows, stream_table, styled_cell
from openpyxl import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet as Worksheet

FINDINGS_SHEET = "问题清单"
TOTALS_SHEET = "汇总"
COVERAGE_SHEET = "目录覆盖"
COVERAGE_GRID_SHEET = "目录覆盖矩阵"
RANKING_SHEET = "排名"
REVIEW_SHEET = "待复核"


def _ids(ids: list[int]) -> str:
    return ", ".join(f"F{i}" for i in ids)


def _rate(result: Result) -> float | None:
    return None if result.rate is None else round(result.rate, 4)


def new_sheet(book: Workbook, title: str) -> Worksheet:
    """A write-only sheet at 100 % zoom (views are written with the first row, so set here)."""
    ws = book.create_sheet(sheet_title(title))
    ws.sheet_view.zoomScale = 100
    return ws


def write_workbook(report: Report, target: Path) -> None:
    book = Workbook(write_only=True)
    _about(new_sheet(book, "说明"), report)
    if report.ranking:
        _ranking(new_sheet(book, RANKING_SHEET), report)
    _totals(new_sheet(book, TOTALS_SHEET), report)
    _scores(new_sheet(book, "得分"), report)
    for indicator in INDICATORS:
        _indicator(new_sheet(book, indicator.name), indicator, report)
    _trend(new_sheet(book, "按月趋势"), report)
    _coverage(new_sheet(book, COVERAGE_SHEET), report)
    _coverage_grid(new_sheet(book, COVERAGE_GRID_SHEET), report)
    _columns(new_sheet(book, "栏目"), report)
    _findings(new_sheet(book, FINDINGS_SHEET), report)
    _to_review(new_sheet(book, REVIEW_SHEET), report)
    for item in report.sections:
        if item.section.sheet is not None:
            item.section.sheet(book, item.data)
    book.save(target)


def _about(ws: Worksheet, report: Report) -> None:
    rows: list[tuple[str, Any]] = [
        ("报告", report.title),
        ("评估对象", report.scope_label),
        ("期间", report.period.label),
        ("开始", report.period.start.isoformat() if report.period.start else "—"),
        ("结束", report.period.end.isoformat() if report.period.end else "—"),
        ("生成时间 (UTC)", report.generated_at.strftime("%Y-%m-%d %H:%M")),
        ("文件数", report.documents),
        ("新闻等非文件页面", sum(n for kind, n in report.page_counts.items() if kind != "document")),
        ("计分问题（确认）", len(report.findings)),
        ("待复核问题（不计分）", len(report.to_review)),
        # Issue #12: for each rule that accuses on a classifier call, how many were held back
        # (zero included), as the HTML's 待复核 table states.
        *((f"其中 {rule_label(rule)}", report.rule_to_review.get(rule, 0)) for rule in CLASSIFIER_RULES),
        ("总体得分", None if report.score.score is None else round(report.score.score, 2)),
        ("满分", report.score.scale),
        ("权重说明", DISCLAIMER),
    ]
    stream_table(ws, ["项目", "内容"], rows, widths=[18, 100])


def _totals(ws: Worksheet, report: Report) -> None:
    """Findings per rule: open ones (``gongkai gaps --by rule`` with the same scope) and, for columns
    and catalog items, those seen open in the period and fixed since (``--status closed``); the
    to-review ones apart (``--certainty to_review``), never scored."""
    fixed = Counter(f["rule"] for f in report.findings if f.get("status") == "closed")
    doubtful = report.rule_to_review
    rows = [
        (rule, RULE_LABELS.get(rule, rule), count, count - fixed[rule], fixed[rule], doubtful.get(rule, 0))
        for rule, count in report.rule_totals
    ]
    headers = ["rule", "规则", "问题", "其中未整改", "其中期间内存在、已整改", "另有待复核（不计分）"]
    stream_table(ws, headers, rows, widths=[26, 18, 10, 12, 22, 20])
    stream_rows(ws, [[None, "合计", *(sum(row[index] for row in rows) for index in (2, 3, 4, 5))]])


def _ranking(ws: Worksheet, report: Report) -> None:
    """The ranking table of the report's first section, with each indicator's numerator/denominator."""
    headers = ["排名", "并列", "评估对象", "站点", "得分", "文件", "新闻"]
    for indicator in INDICATORS:
        if indicator.level == "document":
            headers += [f"{indicator.name}", f"{indicator.name}·合规", f"{indicator.name}·适用"]
        else:
            headers += [f"{indicator.name}·问题", f"{indicator.name}·适用"]
    headers += ["问题（计分）", "待复核（不计分）", "合计"]
    rates = {i.name for i in INDICATORS}
    rate_columns = [index for index, header in enumerate(headers) if header in rates]
    rows = []
    for r in report.ranking:
        line: list[Any] = [
            r.rank,
            "并列" if r.tied else None,
            r.name,
            "、".join(r.sites),
            None if r.score is None else round(r.score, 1),
            r.row.documents,
            r.news,
        ]
        for indicator in INDICATORS:
            result = r.row.results[indicator.id]
            if indicator.level == "document":
                line += [_rate(result), result.eligible - result.failing, result.eligible]
            else:
                assessed = indicator.level != "catalog" or result.extra.get("assessed")
                line += [result.failing, result.eligible if assessed else None]
        line += [r.confirmed, r.to_review, r.findings]
        for index in rate_columns:
            line[index] = styled_cell(ws, line[index], number_format="0.0%")
        rows.append(line)
    stream_table(ws, headers, rows, widths=[6, 6, 24, 14, 8, 8, 8])


def _to_review(ws: Worksheet, report: Report) -> None:
    """Findings held back as uncertain: counted, never scored, each with the audit's reason."""
    columns = (
        ("编号", "id"),
        ("规则", "rule"),
        ("规则名称", "rule_name"),
        ("站点", "site"),
        ("发布机构", "agency"),
        ("标题", "title"),
        ("网址", "url"),
        ("说明", "detail"),
        ("待复核原因", "review_reason"),
        ("首次发现", "first_seen"),
    )
    headers = [label for label, _ in columns]
    rows = (
        [
            link_cell(ws, f.get("url"), f.get("url"))
            if key == "url"
            else RULE_LABELS.get(f["rule"], f["rule"])
            if key == "rule_name"
            else f.get(key)
            for _, key in columns
        ]
        for f in report.to_review
    )
    stream_table(ws, headers, rows, widths=[8, 22, 14, 12, 22, 40, 40, 40, 40, 11])


def _scores(ws: Worksheet, report: Report) -> None:
    headers = ["指标", "依据", "权重", "适用", "问题", "合规比例", "扣分", "问题编号"]
    rows = []
    for indicator in INDICATORS:
        result = report.overall[indicator.id]
        scored = report.score.indicators.get(indicator.id)
        rows.append(
            [
                indicator.name,
                indicator.basis,
                scored.weight if scored else None,
                result.eligible if indicator.level != "catalog" or result.extra.get("assessed") else None,
                result.failing,
                styled_cell(ws, _rate(result) if indicator.level == "document" else None, "0.0%"),
                round(scored.deduction, 4) if scored else None,
                _ids(result.finding_ids),
            ]
        )
    stream_table(ws, headers, rows, widths=[16, 34, 8, 8, 8, 10, 10, 60])
    score = None if report.score.score is None else round(report.score.score, 4)
    stream_rows(ws, [["总体得分", None, None, None, None, None, score]])


def _group_rows(ws: Worksheet, kind: str, groups: list[GroupRow], indicator: IndicatorDef) -> list[list[Any]]:
    out = []
    for group in groups:
        result = group.results[indicator.id]
        extra = result.extra
        out.append(
            [
                kind,
                group.name,
                group.documents,
                result.eligible,
                result.failing,
                styled_cell(ws, _rate(result), "0.0%"),
                extra.get("median_wd"),
                extra.get("p90_wd"),
                _ids(result.finding_ids),
            ]
        )
    return out


def _indicator(ws: Worksheet, indicator: IndicatorDef, report: Report) -> None:
    if indicator.level != "document":
        result = report.overall[indicator.id]
        headers = ["范围", "适用", "问题", "问题编号", "说明"]
        note = indicator.definition
        if indicator.id == "catalog_coverage":
            rows: list[list[Any]] = [
                ["领域：" + domain, None, count, "", note]
                for domain, count in sorted(result.extra["by_domain"].items())
            ]
            rows.insert(0, ["全部", None, result.failing, _ids(result.finding_ids), note])
        else:
            rows = [["全部", result.eligible, result.failing, _ids(result.finding_ids), note]]
            for site in report.per_site:
                r = site.results[indicator.id]
                rows.append(["站点：" + site.name, r.eligible, r.failing, _ids(r.finding_ids), note])
        stream_table(ws, headers, rows, widths=[24, 8, 8, 50, 60])
        return
    headers = [
        "分组",
        "名称",
        "文件",
        "适用",
        "问题",
        "合规比例",
        "时滞中位数(工作日)",
        "时滞P90(工作日)",
        "问题编号",
    ]
    overall = report.overall[indicator.id]
    rows = [
        [
            "全部",
            report.scope_label,
            report.documents,
            overall.eligible,
            overall.failing,
            styled_cell(ws, _rate(overall), "0.0%"),
            overall.extra.get("median_wd"),
            overall.extra.get("p90_wd"),
            _ids(overall.finding_ids),
        ]
    ]
    if len(report.per_site) > 1:
        rows += _group_rows(ws, "站点", report.per_site, indicator)
    rows += _group_rows(ws, "发布机构", report.per_agency, indicator)
    rows += _group_rows(ws, "领域", report.per_domain, indicator)
    rows += _group_rows(ws, "月份", report.per_month, indicator)
    stream_table(ws, headers, rows, widths=[10, 30, 8, 8, 8, 10, 12, 12, 60])


def _trend(ws: Worksheet, report: Report) -> None:
    document_indicators = [i for i in INDICATORS if i.level == "document"]
    headers = ["月份", "文件", *[i.name for i in document_indicators]]
    rows = [
        [
            row.name,
            row.documents,
            *[styled_cell(ws, _rate(row.results[i.id]), "0.0%") for i in document_indicators],
        ]
        for row in report.per_month
    ]
    stream_table(ws, headers, rows, widths=[10, 8, *[12] * len(document_indicators)])


COVERAGE_COLUMNS: tuple[tuple[str, int], ...] = (
    ("站点", 12),
    ("格", 6),
    ("领域", 16),
    ("目录领域", 12),
    ("事项编号", 24),
    ("一级事项", 18),
    ("二级事项", 26),
    ("公开要求", 22),
    ("公开时限", 30),
    ("状态", 10),
    ("匹配文件数", 10),
    ("最新匹配文件", 40),
    ("最新匹配日期", 12),
    ("最新匹配网址", 40),
    ("问题编号", 10),
    ("问题状态", 10),
    ("首次发现", 11),
    ("整改日期", 11),
    ("说明", 60),
)


def _coverage(ws: Worksheet, report: Report) -> None:
    """Every catalog cell of every site, traceable to its documents and its catalog_gap finding."""
    rows: list[list[Any]] = []
    for coverage in report.coverage:
        if not coverage.has_matrix:
            rows.append([coverage.site, None, None, None, None, None, None, None, None, "无目录"])
            rows[-1] += [None] * (len(COVERAGE_COLUMNS) - len(rows[-1]) - 1) + [coverage.note]
            continue
        for cell in coverage.cells:
            rows.append(
                [
                    coverage.site,
                    cell.code,
                    cell.domain,
                    cell.catalog_domain,
                    cell.item_id,
                    cell.level1,
                    cell.level2,
                    EXPECT_LABELS[cell.expect],
                    cell.time_limit,
                    cell.label,
                    cell.matches,
                    cell.newest_title,
                    cell.newest_date,
                    link_cell(ws, cell.newest_url, cell.newest_url),
                    f"F{cell.finding_id}" if cell.finding_id is not None else None,
                    STATUSES.get(cell.finding_status or "", cell.finding_status),
                    cell.finding_first_seen,
                    cell.finding_closed_on,
                    cell.finding_detail,
                ]
            )
    for coverage in report.coverage:
        for finding in coverage.orphans:
            line: list[Any] = [
                coverage.site,
                None,
                None,
                None,
                str(finding["subject"]).removeprefix("catalog:"),
            ]
            line += [None] * 4 + ["不在当前目录"] + [None] * 4
            line += [f"F{finding['id']}", STATUSES.get(finding.get("status") or "", finding.get("status"))]
            line += [finding.get("first_seen"), finding.get("closed_on"), finding.get("detail")]
            rows.append(line)
    stream_table(ws, [h for h, _ in COVERAGE_COLUMNS], rows, widths=[w for _, w in COVERAGE_COLUMNS])


def _coverage_grid(ws: Worksheet, report: Report) -> None:
    """The matrix itself: a row per site and domain, a column per item position, filled by status.

    Each cell reads ``code status (documents)``, as the chart and the 目录覆盖 sheet do.
    """
    matrices = [c for c in report.coverage if c.has_matrix]
    width = max((c.width for c in matrices), default=1)
    headers = ["站点", "行", "领域", *[f"事项{i}" for i in range(1, width + 1)]]
    rows: list[list[Any]] = []
    for coverage in matrices:
        by_position = {(cell.row, cell.column): cell for cell in coverage.cells}
        for index in range(len(coverage.rows)):
            line: list[Any] = [coverage.site, index + 1, coverage.row_label(index)]
            for column in range(1, width + 1):
                cell = by_position.get((index + 1, column))
                if cell is None:
                    line.append(None)
                    continue
                text = f"{cell.code} {cell.label}（{cell.matches}件）"
                line.append(styled_cell(ws, text, fill=STATUS_COLOURS[cell.status]))
            rows.append(line)
    for coverage in report.coverage:
        if not coverage.has_matrix:
            rows.append([coverage.site, None, coverage.note, *[None] * width])
    stream_table(ws, headers, rows, widths=[12, 6, 30, *[22] * width])


def _columns(ws: Worksheet, report: Report) -> None:
    headers = ["站点", "栏目", "类型", "条目数", "最新条目日期", "检查日期", "问题", "问题编号", "地址"]
    rows = [
        [
            c["site"],
            c.get("name"),
            c.get("kind"),
            c.get("item_count"),
            c.get("latest_item_date"),
            c.get("checked_on"),
            ", ".join(rule_label(f["rule"]) for f in c["findings"]),
            _ids([int(f["id"]) for f in c["findings"]]),
            link_cell(ws, c.get("url"), c.get("url")),
        ]
        for c in report.columns
    ]
    stream_table(ws, headers, rows, widths=[12, 18, 8, 8, 12, 12, 26, 14, 50])


FINDING_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("编号", "id", 8),
    ("规则", "rule", 22),
    ("规则名称", "rule_name", 14),
    ("站点", "site", 12),
    ("发布机构", "agency", 22),
    ("领域", "domain", 12),
    ("标题", "title", 40),
    ("网址", "url", 40),
    ("发布日期", "published_date", 11),
    ("成文日期", "written_date", 11),
    ("工作日", "working_days", 8),
    ("暂定", "provisional", 6),
    ("严重程度", "severity_label", 8),
    ("说明", "detail", 40),
    ("法律依据", "basis", 30),
    ("扣分", "deduction", 8),
    ("抓取时间", "fetched_at", 20),
    ("内容哈希 (SHA-256)", "sha256", 30),
    ("WARC 记录", "warc_record_id", 30),
    ("WARC 文件", "warc_file", 20),
    ("首次发现", "first_seen", 11),
    ("状态", "status_label", 8),
    ("整改日期", "closed_on", 11),
    ("证据 (JSON)", "evidence", 60),
)


def _findings(ws: Worksheet, report: Report) -> None:
    headers = [label for label, _, _ in FINDING_COLUMNS]
    keys = [key for _, key, _ in FINDING_COLUMNS]

    def row(finding: dict[str, Any]) -> list[Any]:
        severity, status = finding.get("severity"), finding.get("status")
        derived = {
            "rule_name": RULE_LABELS.get(finding["rule"], finding["rule"]),
            "severity_label": SEVERITIES.get(severity or "", severity),
            "deduction": round(float(finding.get("deduction") or 0.0), 4),
            "status_label": STATUSES.get(status or "", status),
            "url": link_cell(ws, finding.get("url"), finding.get("url")),
        }
        return [derived[key] if key in derived else finding.get(key) for key in keys]

    stream_table(
        ws, headers, (row(finding) for finding in report.findings), widths=[w for _, _, w in FINDING_COLUMNS]
    )
