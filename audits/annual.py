"""Checks of 政府信息公开工作年度报告 (annual reports), each a rule with its legal basis.

The rules have the shape of the document rules (:mod:`audits.rules.base`: id, version, titles,
legal basis, parameters, a pure check) but read :class:`AnnualReport` objects instead of a site's
documents. :func:`check_report` runs the rules about one report, :func:`check_run` the ones that
compare reports (a run of years of one agency; passages shared by different agencies) and
:func:`missing_reports` the one about a 年报 column. A problem that rests on a reading that may not
hold (a government's own deadline, a passage that may be the format's wording) is ``to_review``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from gongkai.extractors.annual_report.layout import (
    PART3_BY_KEY,
    RESULT_ROWS_2019,
    RESULT_ROWS_2021,
)
from gongkai.extractors.annual_report.model import (
    PART3_COLUMNS,
    PART4_COLUMNS,
    PART4_GROUPS,
    PART4_NAMES_ZH,
    AnnualReport,
    Problem,
)
from gongkai.extractors.annual_report.narrative import ALL_MAINTAINED, DONE_ALL, claims, narrative_of
from gongkai.models.records import Severity

Check = Callable[[AnnualReport, Mapping[str, Any]], list[Problem]]

ART_49 = "《中华人民共和国政府信息公开条例》（2019年修订）第四十九条"
ART_50 = "《中华人民共和国政府信息公开条例》（2019年修订）第五十条"
FORMAT_2021 = "《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）"


@dataclass(frozen=True)
class AnnualRule:
    id: str  # the problem code it files
    version: str
    title_zh: str
    title_en: str
    legal_basis: str
    parameters: Mapping[str, Any]
    severity: Severity
    check: Check | None = None  # None: a rule over several reports (see check_run)

    def run(self, report: AnnualReport, overrides: Mapping[str, Any] | None = None) -> list[Problem]:
        if self.check is None:
            return []
        return self.check(report, {**self.parameters, **(overrides or {})})


# --- timeliness -------------------------------------------------------------------------------

_GOVERNMENT = re.compile(r"(?:人民政府|管委会|管理委员会|综合实验区|新区|开发区|高新区|[省市县区州旗])$")


def is_government(agency: str | None) -> bool | None:
    """Whether the report is a government's (consolidated) one; None when unknown."""
    if not agency:
        return None
    if re.search(r"(?:局|委员会|委|办公室|办公厅|办|厅|中心|院|所|处|署)$", agency):
        return False
    return bool(_GOVERNMENT.search(agency))


def check_late(report: AnnualReport, params: Mapping[str, Any]) -> list[Problem]:
    if report.published is None or report.year is None:
        return []
    year = report.year
    if year < int(params["new_rules_from_year"]):  # 2008 条例 第三十一条: every agency by 31 March
        deadline = date(year + 1, *params["old_deadline"])
        basis = "《中华人民共和国政府信息公开条例》（2007年）第三十一条"
        if report.published > deadline:
            return [_late(report, deadline, basis)]
        return []
    department = date(year + 1, *params["department_deadline"])
    government = date(year + 1, *params["government_deadline"])
    if report.published <= department:
        return []
    gov = is_government(report.agency)
    if report.published > government or gov is False:
        return [_late(report, department if gov is False else government, ART_49)]
    reason = (
        f"{report.agency or 'the agency'} may be a government whose consolidated report is due by "
        f"{government.isoformat()} (Art. 49); the 31 January deadline binds its departments"
    )
    return [_late(report, department, ART_49, review_reason=reason)]


def _late(report: AnnualReport, deadline: date, basis: str, review_reason: str | None = None) -> Problem:
    assert report.published is not None
    days = (report.published - deadline).days
    return Problem(
        "late",
        f"published {report.published.isoformat()}, {days} days after the deadline {deadline.isoformat()}",
        {
            "published": report.published.isoformat(),
            "published_read_from": report.published_source,
            "deadline": deadline.isoformat(),
            "legal_basis": basis,
        },
        certainty="to_review" if review_reason else "confirmed",
        review_reason=review_reason,
    )


def check_template(report: AnnualReport, params: Mapping[str, Any]) -> list[Problem]:
    year = report.year
    if year is None or report.template is None:
        return []
    since = int(params["format_2021_from_year"])
    if year >= since and report.template == "2019":
        return [
            Problem(
                "outdated_template",
                f"the {year} report uses the 2019 format (国办公开办函〔2019〕60号); "
                f"since {since} the 2021 one applies",
                {"template": report.template, "why": report.template_evidence},
            )
        ]
    if year >= since and report.other_single_row:
        return [
            Problem(
                "outdated_template",
                "table 3 （六）其他处理 is one row, as in the 2019 format; "
                "the 2021 format splits it in three",
                {
                    "row": "o_single",
                    "cells": [c.as_evidence() for c in report.part3.rows["o_single"].values()],
                },
            )
        ]
    if year >= int(params["format_2019_from_year"]) and report.template == "older":
        return [
            Problem(
                "outdated_template",
                f"the {year} report has no table of applications in the 2019/2021 format",
                {"template": report.template},
                certainty="to_review",
                review_reason="the table may be in an attachment or an image the reader did not see",
            )
        ]
    return []


# --- arithmetic --------------------------------------------------------------------------------


def _result_rows(report: AnnualReport) -> tuple[str, ...]:
    if report.part3.has_row("o1") or report.part3.has_row("o2") or report.part3.has_row("o3"):
        return RESULT_ROWS_2021
    return RESULT_ROWS_2019


def _readable(report: AnnualReport, row: str) -> bool:
    cells = report.part3.rows.get(row)
    return bool(cells) and all(c.value is not None or c.blank for c in cells.values())


def _total_blank_rows(report: AnnualReport) -> list[str]:
    """Rows whose 总计 cell is blank though other cells carry numbers."""
    out = []
    for key, cells in report.part3.rows.items():
        total = cells["总计"]
        if total.blank and any(c.number for col, c in cells.items() if col != "总计"):
            out.append(key)
    return out


def check_table_sum(report: AnnualReport, params: Mapping[str, Any]) -> list[Problem]:
    table = report.part3
    problems: list[Problem] = []
    blank_totals = _total_blank_rows(report)
    if blank_totals:
        problems.append(
            Problem(
                "table_sum",
                f"table 3: the 总计 cell is blank (read 0) in {len(blank_totals)} rows whose columns carry "
                f"numbers ({', '.join(blank_totals[:5])}{' …' if len(blank_totals) > 5 else ''})",
                {
                    "rows": {
                        k: {"columns": sum(c.number for col, c in table.rows[k].items() if col != "总计")}
                        for k in blank_totals
                    }
                },
            )
        )
    for key, cells in table.rows.items():
        if key in blank_totals or not _readable(report, key):
            continue
        parts = sum(cells[col].number for col in PART3_COLUMNS[:-1])
        if parts != cells["总计"].number:
            problems.append(
                Problem(
                    "table_sum",
                    f"table 3 row {PART3_BY_KEY[key].name}: the columns add up to {parts}, 总计 says "
                    f"{cells['总计'].number}",
                    {"row": key, "cells": [c.as_evidence() for c in cells.values()]},
                )
            )
    rows = _result_rows(report)
    if _readable(report, "total") and all(_readable(report, k) for k in rows):
        for col in PART3_COLUMNS:
            if col == "总计" and blank_totals:
                continue
            parts = sum(table.rows[k][col].number for k in rows)
            stated = table.rows["total"][col].number
            if parts != stated:
                problems.append(
                    Problem(
                        "table_sum",
                        f"table 3 column {col}: the results (（一）–（六）) add up to {parts}, "
                        f"（七）总计 says {stated}",
                        {
                            "column": col,
                            "rows": {k: table.rows[k][col].number for k in rows if table.rows[k][col].number},
                            "total": table.rows["total"][col].as_evidence(),
                        },
                    )
                )
    return problems


def check_balance(report: AnnualReport, params: Mapping[str, Any]) -> list[Problem]:
    keys = ("new", "carried_over", "total", "carried_forward")
    if not all(_readable(report, k) for k in keys):
        return []
    t = report.part3.rows
    wrong = []
    for col in PART3_COLUMNS:
        if col == "总计" and _total_blank_rows(report):
            continue
        left = t["new"][col].number + t["carried_over"][col].number
        right = t["total"][col].number + t["carried_forward"][col].number
        if left != right:
            wrong.append((col, left, right))
    if not wrong:
        return []
    detail = "; ".join(
        f"{col}: 本年新收+上年结转 = {a} ≠ 办理结果总计+结转下年度 = {b}" for col, a, b in wrong
    )
    return [
        Problem(
            "balance",
            f"table 3 does not balance: {detail}",
            {"columns": [{"column": c, "received": a, "settled": b} for c, a, b in wrong]},
        )
    ]


def check_part4(report: AnnualReport, params: Mapping[str, Any]) -> list[Problem]:
    problems = []
    for group in PART4_GROUPS:
        cells = report.part4.rows.get(group)
        if not cells or any(c.value is None and not c.blank for c in cells.values()):
            continue
        parts = sum(cells[c].number for c in PART4_COLUMNS[:-1])
        if parts != cells["total"].number:
            problems.append(
                Problem(
                    "part4_total",
                    f"table 4 {PART4_NAMES_ZH[group]}: 结果维持+结果纠正+其他结果+尚未审结 = {parts}, "
                    f"总计 says {cells['total'].number}",
                    {"group": group, "cells": [c.as_evidence() for c in cells.values()]},
                )
            )
    return problems


# --- the text against the tables ---------------------------------------------------------------


def _table_figures(report: AnnualReport) -> dict[str, list[tuple[str, int | float]]]:
    """What each claim may equal: (reading, number) pairs; a claim matching any is consistent."""
    t, p4 = report.part3, report.part4

    def total(key: str) -> int | float | None:
        return t.value(key, "总计") if _readable(report, key) and not t.rows[key]["总计"].blank else None

    def group_sum(prefix: str) -> int | float | None:
        keys = [k for k in _result_rows(report) if PART3_BY_KEY[k].group == prefix]
        if not keys or not all(_readable(report, k) for k in keys):
            return None
        return sum(sum(c.number for col, c in t.rows[k].items() if col != "总计") for k in keys)

    def row_sum(keys: Sequence[str]) -> int | float | None:
        if not all(_readable(report, k) for k in keys):
            return None
        return sum(sum(c.number for col, c in t.rows[k].items() if col != "总计") for k in keys)

    def part4(groups: Sequence[str]) -> int | float | None:
        values = [p4.value(g, "total") for g in groups]
        return None if any(v is None for v in values) else sum(v for v in values if v is not None)

    new, carried = total("new"), total("carried_over")
    figures: dict[str, list[tuple[str, int | float | None]]] = {
        "received": [("本年新收", new)],
        "accepted": [("本年新收", new)]
        + ([("本年新收+上年结转", new + carried)] if new is not None and carried is not None else []),
        "handled": [
            ("办理结果总计", total("total") if total("total") is not None else row_sum(_result_rows(report)))
        ],
        "carried_forward": [("结转下年度继续办理", total("carried_forward"))],
        "review": [("行政复议总计", part4(["review"]))],
        "litigation": [("行政诉讼总计", part4(["litigation_direct", "litigation_after_review"]))],
        "granted_partial": [("予以公开+部分公开", row_sum(["granted", "partial"]))],
        "denied": [("不予公开", group_sum("denied"))],
        "unable": [("无法提供", group_sum("unable"))],
        "not_processed": [("不予处理", group_sum("not_processed"))],
        "other": [("其他处理", group_sum("other"))],
    }
    return {m: [(name, v) for name, v in pairs if v is not None] for m, pairs in figures.items()}


def tables_start(report: AnnualReport) -> int:
    m = re.search(r"第\s*二\s*十\s*条", report.text)
    if m:
        return m.start()
    m = re.search(r"本\s*年\s*新\s*收", report.text)
    return m.start() if m else -1


def check_text_table(report: AnnualReport, params: Mapping[str, Any]) -> list[Problem]:
    if report.template == "older":
        return []
    narrative = narrative_of(report.text, tables_start(report))
    figures = _table_figures(report)
    problems = []
    for claim in claims(narrative):
        options = figures.get(claim.metric) or []
        if not options or any(claim.value == v for _, v in options):
            continue
        table = " or ".join(f"{name} {v}" for name, v in options)
        problems.append(
            Problem(
                "text_table",
                f"the text says “{claim.words}”, the table {table}",
                {
                    "claim": claim.words,
                    "metric": claim.metric,
                    "text_value": claim.value,
                    "table": dict(options),
                },
            )
        )
    m = ALL_MAINTAINED.search(narrative)
    if m and report.part4.rows:
        not_kept = {
            f"{PART4_NAMES_ZH[g]} {PART4_NAMES_ZH[c]}": report.part4.value(g, c)
            for g in PART4_GROUPS
            for c in ("corrected", "other", "pending")
            if report.part4.value(g, c)
        }
        if not_kept:
            problems.append(
                Problem(
                    "text_table",
                    f"the text says “{m.group(0)}” (all upheld) but table 4 has "
                    + ", ".join(f"{k} {v}" for k, v in not_kept.items()),
                    {"claim": m.group(0), "table": not_kept},
                )
            )
    return problems


def check_text_numbers(report: AnnualReport, params: Mapping[str, Any]) -> list[Problem]:
    problems = []
    for m in DONE_ALL.finditer(report.text):
        if m.group("a") != m.group("b"):
            problems.append(
                Problem(
                    "text_numbers",
                    f"the text contradicts itself: “{' '.join(m.group(0).split())}” "
                    f"(a 100% completion rate needs 受理 = 办结)",
                    {"words": m.group(0)},
                )
            )
    return problems


_SCOPE = re.compile(r"全(?P<level>[省市县区州旗])[^，。；、\s]{0,8}?(?:系统|各级行政机关|各部门|各单位)")


def check_scope(report: AnnualReport, params: Mapping[str, Any]) -> list[Problem]:
    """Words about an area the agency does not govern (全市地税系统 in a county bureau's report):
    a sign the passage was copied from another agency's report."""
    agency = report.agency or ""
    if not agency:
        return []
    foreign = sorted({m.group(0) for m in _SCOPE.finditer(report.text) if m.group("level") not in agency})
    if not foreign:
        return []
    return [
        Problem(
            "copied_passage",
            f"the text speaks of {'、'.join(foreign)}, which does not fit {agency}",
            {"words": foreign, "agency": agency},
            certainty="to_review",
            review_reason="a sign of a passage taken from another agency's report, not proof of it",
        )
    ]


SECTION_HEADINGS = (
    ("一", "总体情况"),
    ("二", "主动公开政府信息情况"),
    ("三", "收到和处理政府信息公开申请情况"),
    ("四", "政府信息公开行政复议、行政诉讼情况"),
    ("五", "存在的主要问题及改进情况"),
    ("六", "其他需要报告的事项"),
)
_HEADING_KEYS = {"四": "复议", "五": "存在的主要问题", "六": "其他需要报告"}


def check_headings(report: AnnualReport, params: Mapping[str, Any]) -> list[Problem]:
    """A section heading worded otherwise than the format (a missing one is not reported: copies
    are often abridged)."""
    if report.template != "2021":
        return []
    problems = []
    for numeral, heading in SECTION_HEADINGS:
        key = _HEADING_KEYS.get(numeral)
        if key is None:
            continue
        m = re.search(
            rf"{numeral}\s*、\s*(?P<h>[^\n。；|#\d]{{0,12}}{key}[^\n。；|#\d\s（(]{{0,12}})", report.text
        )
        if m is None:
            continue
        seen = m.group("h").strip()
        end = re.search(r"情况|事项", seen)
        seen = seen[: end.end()] if end else seen
        seen = re.sub(r"^政府信息公开工作", "", seen) if numeral == "五" else seen
        if not seen.startswith(heading) and heading not in seen:
            problems.append(
                Problem(
                    "section_heading",
                    f"section {numeral} is headed “{seen}”; the format's heading is “{heading}”",
                    {"heading": seen, "format": heading},
                    certainty="to_review",
                    review_reason="a wording difference, not a missing section",
                )
            )
    return problems


# --- rules over several reports -----------------------------------------------------------------


def check_carry_over(reports: Sequence[AnnualReport]) -> dict[str, list[Problem]]:
    """Last year's 结转下年度继续办理 must be this year's 上年结转 (总计 column), per agency."""
    by_agency: dict[str, dict[int, AnnualReport]] = defaultdict(dict)
    for r in reports:
        if r.agency and r.year and r.template != "older":
            by_agency[r.agency][r.year] = r
    out: dict[str, list[Problem]] = defaultdict(list)
    for years in by_agency.values():
        for year, report in sorted(years.items()):
            before = years.get(year - 1)
            if before is None:
                continue
            forward, carried = before.part3_total("carried_forward"), report.part3_total("carried_over")
            if forward is None or carried is None or forward == carried:
                continue
            out[report.path].append(
                Problem(
                    "carry_over",
                    f"{year - 1}'s report carries {forward} forward, {year}'s says {carried} came over",
                    {"previous": before.path, "carried_forward": forward, "carried_over": carried},
                )
            )
    return out


def _passages(text: str, min_chars: int) -> set[str]:
    out = set()
    for sentence in re.split(r"[。；！？\n]", text):
        s = re.sub(r"\s+", "", sentence)
        han = len(re.findall(r"[\u4e00-\u9fff]", s))
        if (
            len(s) < min_chars
            or han < 0.7 * len(s)
            or re.search(r"《[^》]*(?:条例|格式|通知|办法)》|国办公开办函|\[\.\.\.\]|…", s)
        ):
            continue  # citations of the rules and the format's own words are everyone's
        out.add(s)
    return out


def check_copied(reports: Sequence[AnnualReport], min_chars: int = 40) -> dict[str, list[Problem]]:
    """Long passages found word for word in the report of another agency."""
    seen: dict[str, list[AnnualReport]] = defaultdict(list)
    for r in reports:
        narrative = narrative_of(r.text, tables_start(r))
        for p in _passages(narrative, min_chars):
            seen[p].append(r)
    out: dict[str, list[Problem]] = defaultdict(list)
    for passage, holders in seen.items():
        agencies = {h.agency for h in holders}
        if len(agencies) < 2:
            continue
        for h in holders:
            others = sorted({f"{o.agency} {o.year}" for o in holders if o.agency != h.agency})
            out[h.path].append(
                Problem(
                    "copied_passage",
                    f"a passage of {len(passage)} characters is word for word in {', '.join(others)}: "
                    f"“{passage[:40]}…”",
                    {"passage": passage, "also_in": others},
                    certainty="to_review",
                    review_reason="shared wording may be a common template rather than a copy",
                )
            )
    return out


def missing_reports(
    agency: str, years: Sequence[int], today: date, params: Mapping[str, Any] | None = None
) -> list[Problem]:
    """No report for last year once its deadline has passed (1 February on), for a 年报 column."""
    p = {**MISSING_REPORT.parameters, **(params or {})}
    month, day = p["due_by"]
    last = today.year - 1 if (today.month, today.day) >= (month, day) else today.year - 2
    if last in set(years):
        return []
    return [
        Problem(
            "missing_report",
            f"no {last} annual report of {agency} by {today.isoformat()} (due by {last + 1}-01-31)",
            {"agency": agency, "years_seen": sorted(set(years)), "expected_year": last},
        )
    ]


LATE = AnnualRule(
    "late",
    "1",
    "年度报告未按期公布",
    "Annual report published after the deadline",
    f"{ART_49}（部门每年1月31日前；县级以上地方人民政府的年度报告3月31日前）; "
    "2008年条例第三十一条（3月31日前）",
    {
        "department_deadline": (1, 31),
        "government_deadline": (3, 31),
        "old_deadline": (3, 31),
        "new_rules_from_year": 2019,
    },
    "medium",
    check_late,
)
MISSING_REPORT = AnnualRule(
    "missing_report",
    "1",
    "未公布上一年度年度报告",
    "No report for last year",
    ART_49,
    {"due_by": (2, 1)},
    "high",
)
OUTDATED_TEMPLATE = AnnualRule(
    "outdated_template",
    "1",
    "年度报告未使用统一格式",
    "Report not in the current unified format",
    f"{ART_50}; {FORMAT_2021}",
    {"format_2021_from_year": 2021, "format_2019_from_year": 2019},
    "low",
    check_template,
)
TABLE_SUM = AnnualRule(
    "table_sum",
    "1",
    "年度报告表格数据不合计",
    "Table rows or columns do not add up",
    f"{ART_50}; {FORMAT_2021}（表三各列之和为总计）",
    {},
    "medium",
    check_table_sum,
)
BALANCE = AnnualRule(
    "balance",
    "1",
    "年度报告表三勾稽关系不成立",
    "Table 3 does not balance",
    f"{FORMAT_2021}：本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和",
    {},
    "medium",
    check_balance,
)
PART4_TOTAL = AnnualRule(
    "part4_total",
    "1",
    "行政复议、行政诉讼情况表总计不符",
    "Table 4 totals do not add up",
    f"{ART_50}; {FORMAT_2021}",
    {},
    "medium",
    check_part4,
)
CARRY_OVER = AnnualRule(
    "carry_over",
    "1",
    "上年结转与上一年度报告结转下年度不一致",
    "Carried over differs from last year's carried forward",
    f"{FORMAT_2021}（二、上年结转；四、结转下年度继续办理）",
    {},
    "medium",
)
TEXT_TABLE = AnnualRule(
    "text_table",
    "1",
    "年度报告正文与表格数据不一致",
    "The text contradicts the tables",
    ART_50,
    {},
    "medium",
    check_text_table,
)
TEXT_NUMBERS = AnnualRule(
    "text_numbers",
    "1",
    "年度报告正文数字自相矛盾",
    "Numbers in the text contradict each other",
    ART_50,
    {},
    "low",
    check_text_numbers,
)
COPIED = AnnualRule(
    "copied_passage",
    "1",
    "年度报告疑似套用其他机关报告",
    "Passages copied from another agency's report",
    f"{ART_50}（本机关上一年度政府信息公开工作情况）",
    {"min_chars": 40},
    "low",
    check_scope,
)
SECTION_HEADING = AnnualRule(
    "section_heading",
    "1",
    "年度报告部分标题与格式不符",
    "A section heading differs from the format",
    FORMAT_2021,
    {},
    "low",
    check_headings,
)

#: Every annual-report rule, in the order reports list them.
ANNUAL_RULES: tuple[AnnualRule, ...] = (
    LATE,
    MISSING_REPORT,
    OUTDATED_TEMPLATE,
    TABLE_SUM,
    BALANCE,
    PART4_TOTAL,
    CARRY_OVER,
    TEXT_TABLE,
    TEXT_NUMBERS,
    COPIED,
    SECTION_HEADING,
)
ANNUAL_RULES_BY_ID = {rule.id: rule for rule in ANNUAL_RULES}


@dataclass
class Checked:
    report: AnnualReport
    problems: list[Problem] = field(default_factory=list)


def check_report(report: AnnualReport) -> list[Problem]:
    """The reading problems and every single-report rule's problems."""
    problems = list(report.reading)
    for rule in ANNUAL_RULES:
        problems.extend(rule.run(report))
    return problems


def check_run(reports: Sequence[AnnualReport]) -> list[Checked]:
    """Every report's problems, with the rules that compare reports (years of one agency, passages
    shared by agencies)."""
    carry = check_carry_over(reports)
    copied = check_copied(reports, int(COPIED.parameters["min_chars"]))
    return [Checked(r, check_report(r) + carry.get(r.path, []) + copied.get(r.path, [])) for r in reports]
