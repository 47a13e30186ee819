"""Annual reports (政府信息公开工作年度报告) on one demo site, and the findings they plant.

The site publishes its last two years' reports in a 政府信息公开年报 column, each a page whose
report is an attached file (PDF for the older, DOCX for the newer): the older one is published
after the deadline (10 April, past even a government's 31 March), the newer one has a table-3
row whose columns do not add up to its 总计. The truth recounts both from what is shown: the
page's date against the deadline, the table's sums.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from gongkai.demo.model import AttachmentFile, DemoDocument, SitePlan

#: The demo site that publishes annual reports.
ANNUAL_SITE = "henan"
COLUMN_KEY, COLUMN_NAME = "zfxxgknb", "政府信息公开年报"
#: The truth is exhaustive for these rules (``audits.annual_site`` files them).
RULES: tuple[str, ...] = (
    "annual_late",
    "annual_missing_report",
    "annual_outdated_template",
    "annual_table_sum",
    "annual_balance",
    "annual_part4_total",
    "annual_carry_over",
    "annual_text_table",
    "annual_text_numbers",
    "annual_copied_passage",
    "annual_section_heading",
)
ROLE = "annual_report"
#: A government's report is due by 31 March (条例 第四十九条); the late one comes out on 10 April.
GOVERNMENT_DEADLINE = (3, 31)

LABELS = (
    ("new", "一、本年新收政府信息公开申请数量"),
    ("carried_over", "二、上年结转政府信息公开申请数量"),
    ("granted", "三、本年度办理结果（一）予以公开"),
    ("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("d1", "（三）不予公开 1.属于国家秘密"),
    ("d2", "2.其他法律行政法规禁止公开"),
    ("d3", "3.危及“三安全一稳定”"),
    ("d4", "4.保护第三方合法权益"),
    ("d5", "5.属于三类内部事务信息"),
    ("d6", "6.属于四类过程性信息"),
    ("d7", "7.属于行政执法案卷"),
    ("d8", "8.属于行政查询事项"),
    ("u1", "（四）无法提供 1.本机关不掌握相关政府信息"),
    ("u2", "2.没有现成信息需要另行制作"),
    ("u3", "3.补正后申请内容仍不明确"),
    ("n1", "（五）不予处理 1.信访举报投诉类申请"),
    ("n2", "2.重复申请"),
    ("n3", "3.要求提供公开出版物"),
    ("n4", "4.无正当理由大量反复申请"),
    ("n5", "5.要求行政机关确认或重新出具已获取信息"),
    ("o1", "（六）其他处理 1.申请人无正当理由逾期不补正"),
    ("o2", "2.申请人逾期未按收费通知要求缴纳费用"),
    ("o3", "3.其他"),
    ("total", "（七）总计"),
    ("carried_forward", "四、结转下年度继续办理"),
)
_EDGE = ("new", "carried_over", "total", "carried_forward")
_SUB = tuple(k for k, _ in LABELS if k not in _EDGE)


def last_report_year(today: date) -> int:
    """The newest year whose report is due by ``today`` (due by 31 January, missing from 1 February)."""
    return today.year - 1 if (today.month, today.day) >= (2, 1) else today.year - 2


def report_table(year: int, carried: int) -> tuple[dict[str, list[int]], list[int]]:
    """A table 3 that adds up (``carried`` came over from last year) and a table 4, for ``year``."""
    rng = random.Random(f"annual-{ANNUAL_SITE}-{year}")
    rows: dict[str, list[int]] = {}
    for key in _SUB:
        cols = [rng.randint(1, 60) if rng.random() < 0.35 else 0] + [
            rng.randint(1, 4) if rng.random() < 0.1 else 0 for _ in range(5)
        ]
        rows[key] = [*cols, sum(cols)]
    total = [sum(rows[k][c] for k in _SUB) for c in range(6)]
    forward = [rng.randint(1, 6), 0, 0, 0, 0, 0]
    came = [carried, 0, 0, 0, 0, 0]
    new = [t + f - c for t, f, c in zip(total, forward, came, strict=True)]
    for key, cols in (("new", new), ("carried_over", came), ("total", total), ("carried_forward", forward)):
        rows[key] = [*cols, sum(cols)]
    part4: list[int] = []
    for _ in range(3):
        group = [rng.randint(0, 5) for _ in range(4)]
        part4 += [*group, sum(group)]
    return rows, part4


def broken_row(rows: dict[str, list[int]]) -> None:
    """The planted error: 予以公开's 总计 printed 2 higher than its columns."""
    rows["granted"][6] += 2


def report_text(agency: str, year: int, rows: dict[str, list[int]], part4: list[int]) -> str:
    """The report as lines short enough for the demo PDF (numbers always on a line of their own)."""
    lines = [
        f"{agency}{year}年政府信息公开工作年度报告",
        "本报告依据《中华人民共和国政府信息公开条例》编制。",
        "一、总体情况",
        f"{year}年共收到政府信息公开申请{rows['new'][6]}件，",
        f"办结{rows['total'][6]}件。",
        "二、主动公开政府信息情况",
        "第二十条第（一）项",
        "信息内容 本年制发件数 本年废止件数 现行有效件数",
        "规章",
        "0 0 0",
        "三、收到和处理政府信息公开申请情况",
        "申请人情况 自然人 法人或其他组织 总计",
        "商业企业 科研机构 社会公益组织 法律服务机构 其他",
    ]
    for key, label in LABELS:
        lines += [label, " ".join(map(str, rows[key]))]
    lines += ["四、政府信息公开行政复议、行政诉讼情况", "行政复议 结果维持 结果纠正 其他结果 尚未审结 总计"]
    lines += [" ".join(map(str, part4[:5])), "行政诉讼 未经复议直接起诉", " ".join(map(str, part4[5:10]))]
    lines += ["复议后起诉", " ".join(map(str, part4[10:]))]
    lines += [
        "五、存在的主要问题及改进情况",
        "依申请公开答复质量仍需提升。",
        "六、其他需要报告的事项",
        "无。",
    ]
    return "\n".join(lines)


def _reports(today: date) -> list[tuple[int, date, str, bool]]:
    """(year, published, file type, broken) of the two reports."""
    last = last_report_year(today)
    return [
        (last - 1, date(last, 4, 10), "pdf", False),  # late
        (last, date(last + 1, 1, 20), "docx", True),  # a row that does not add up
    ]


def plant(planner: Any) -> None:
    """Add the 年报 column and its two reports to the annual-report site's plan (a hook of
    ``demo.plan.plan_sites``)."""
    spec = planner.spec
    if spec.name != ANNUAL_SITE:
        return
    column = planner.column(COLUMN_KEY, COLUMN_NAME, "other")
    carried = 0
    for year, published, file_type, broken in _reports(planner.today):
        rows, part4 = report_table(year, carried)
        carried = rows["carried_forward"][6]
        if broken:
            broken_row(rows)
        title = f"{spec.agency}{year}年政府信息公开工作年度报告"
        path = planner._path(column, published)
        folder = path.rsplit("/", 1)[0]
        doc = DemoDocument(
            site=spec.name,
            column=column.name,
            path=path,
            title=title,
            index_no=planner.index_no(published.year),
            doc_no=None,
            publisher=spec.agency,
            written=published,
            published=published,
            own=True,
            needs_interpretation=False,
            role=ROLE,
            topic="综合政务\\政务公开",
            validity="有效",
        )
        doc.attachments.append(
            AttachmentFile(
                f"{folder}/nb{year}.{file_type}",
                f"{title}.{file_type}",
                file_type,  # type: ignore[arg-type]
                report_text(spec.agency, year, rows, part4),
            )
        )
        column.documents.append(doc)
    column.documents.sort(key=lambda d: (d.published or date.min, d.path), reverse=True)


def truth_findings(plan: SitePlan, base_url: str) -> list[dict[str, Any]]:
    """The annual-report findings a correct audit files, recounted from the pages and tables."""
    out = []
    carried = 0
    reports = sorted((d for d in plan.documents if d.role == ROLE), key=lambda d: d.title)
    for doc in reports:
        year = int(doc.title[len(plan.spec.agency) :][:4])
        rows, _ = report_table(year, carried)
        carried = rows["carried_forward"][6]
        if year == max(int(d.title[len(plan.spec.agency) :][:4]) for d in reports):
            broken_row(rows)
        url = base_url + doc.path
        deadline = date(year + 1, *GOVERNMENT_DEADLINE)
        if doc.published and doc.published > deadline:
            out.append(
                {
                    "rule": "annual_late",
                    "site": plan.spec.name,
                    "subject": url,
                    "why": f"published {doc.published} after {deadline}",
                }
            )
        wrong = [k for k, v in rows.items() if sum(v[:6]) != v[6]]
        if wrong:
            out.append(
                {
                    "rule": "annual_table_sum",
                    "site": plan.spec.name,
                    "subject": url,
                    "why": f"rows {wrong} do not add up",
                }
            )
    return out
