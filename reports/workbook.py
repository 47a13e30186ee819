"""The report as an XLSX workbook: a sheet per indicator, totals, trend, columns and the findings.

Every sheet has a frozen header row and an autofilter. Indicator rows list the ids of the
findings behind their failing counts; the findings sheet links each finding to its page and
carries the evidence (fetch time, content hash, WARC record id, the values the rule used).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from reports.indicators import INDICATORS, IndicatorDef, Result
from reports.labels import RULES, SEVERITIES, rule_label
from reports.model import GroupRow, Report
from reports.scoring import DISCLAIMER
from reports.sheets import set_link, set_text, sheet_title, write_table

FINDINGS_SHEET = "问题清单"
TOTALS_SHEET = "汇总"


def _ids(ids: list[int]) -> str:
    return ", ".join(f"F{i}" for i in ids)


def _rate(result: Result) -> float | None:
    return None if result.rate is None else round(result.rate, 4)


def write_workbook(report: Report, target: Path) -> None:
    book = Workbook()
    about = book.active
    about.title = sheet_title("说明")
    _about(about, report)
    _totals(book.create_sheet(TOTALS_SHEET), report)
    _scores(book.create_sheet(sheet_title("得分")), report)
    for indicator in INDICATORS:
        _indicator(book.create_sheet(sheet_title(indicator.name)), indicator, report)
    _trend(book.create_sheet(sheet_title("按月趋势")), report)
    _columns(book.create_sheet(sheet_title("栏目")), report)
    _findings(book.create_sheet(FINDINGS_SHEET), report)
    for ws in book.worksheets:
        ws.sheet_view.zoomScale = 100
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
        ("未整改问题", len(report.findings)),
        ("总体得分", None if report.score.score is None else round(report.score.score, 2)),
        ("满分", report.score.scale),
        ("权重说明", DISCLAIMER),
    ]
    write_table(ws, ["项目", "内容"], rows, widths=[18, 100])


def _totals(ws: Worksheet, report: Report) -> None:
    """Open findings per rule — equal to ``gongkai gaps --by rule`` with the same scope."""
    rows = [(rule, RULES.get(rule, rule), count) for rule, count in report.rule_totals]
    last = write_table(ws, ["rule", "规则", "未整改问题"], rows, widths=[26, 18, 12])
    set_text(ws, last + 1, 2, "合计")
    set_text(ws, last + 1, 3, sum(count for _, count in report.rule_totals))


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
                result.eligible if indicator.level != "catalog" else None,
                result.failing,
                _rate(result) if indicator.level == "document" else None,
                round(scored.deduction, 4) if scored else None,
                _ids(result.finding_ids),
            ]
        )
    last = write_table(ws, headers, rows, widths=[16, 34, 8, 8, 8, 10, 10, 60])
    set_text(ws, last + 1, 1, "总体得分")
    set_text(ws, last + 1, 7, None if report.score.score is None else round(report.score.score, 4))
    for row in range(2, last + 1):
        ws.cell(row=row, column=6).number_format = "0.0%"


def _group_rows(kind: str, groups: list[GroupRow], indicator: IndicatorDef) -> list[list[Any]]:
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
                _rate(result),
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
        write_table(ws, headers, rows, widths=[24, 8, 8, 50, 60])
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
            _rate(overall),
            overall.extra.get("median_wd"),
            overall.extra.get("p90_wd"),
            _ids(overall.finding_ids),
        ]
    ]
    if len(report.per_site) > 1:
        rows += _group_rows("站点", report.per_site, indicator)
    rows += _group_rows("发布机构", report.per_agency, indicator)
    rows += _group_rows("领域", report.per_domain, indicator)
    rows += _group_rows("月份", report.per_month, indicator)
    last = write_table(ws, headers, rows, widths=[10, 30, 8, 8, 8, 10, 12, 12, 60])
    for row in range(2, last + 1):
        ws.cell(row=row, column=6).number_format = "0.0%"


def _trend(ws: Worksheet, report: Report) -> None:
    document_indicators = [i for i in INDICATORS if i.level == "document"]
    headers = ["月份", "文件", *[i.name for i in document_indicators]]
    rows = [
        [row.name, row.documents, *[_rate(row.results[i.id]) for i in document_indicators]]
        for row in report.per_month
    ]
    last = write_table(ws, headers, rows, widths=[10, 8, *[12] * len(document_indicators)])
    for row in range(2, last + 1):
        for col in range(3, len(headers) + 1):
            ws.cell(row=row, column=col).number_format = "0.0%"


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
            c.get("url"),
        ]
        for c in report.columns
    ]
    write_table(ws, headers, rows, widths=[12, 18, 8, 8, 12, 12, 26, 14, 50])
    for index, column in enumerate(report.columns, start=2):
        set_link(ws, index, 9, column.get("url"), column.get("url"))


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
    ("证据 (JSON)", "evidence", 60),
)


def _findings(ws: Worksheet, report: Report) -> None:
    headers = [label for label, _, _ in FINDING_COLUMNS]
    rows = []
    for finding in report.findings:
        values = {
            **finding,
            "rule_name": RULES.get(finding["rule"], finding["rule"]),
            "severity_label": SEVERITIES.get(finding.get("severity") or "", finding.get("severity")),
            "deduction": round(float(finding.get("deduction") or 0.0), 4),
        }
        rows.append([values.get(key) for _, key, _ in FINDING_COLUMNS])
    write_table(ws, headers, rows, widths=[w for _, _, w in FINDING_COLUMNS])
    url_col = [key for _, key, _ in FINDING_COLUMNS].index("url") + 1
    for index, finding in enumerate(report.findings, start=2):
        set_link(ws, index, url_col, finding.get("url"), finding.get("url"))
