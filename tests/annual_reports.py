"""Annual reports made at test time: a consistent table from a seed, rendered as a crawler's
run-together text, spaced text, an HTML table (zeros as blank cells) or a DOCX/PDF file."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

#: (row key, label as the 2021 format prints it) in order.
LABELS = [
    ("new", "一、本年新收政府信息公开申请数量"),
    ("carried_over", "二、上年结转政府信息公开申请数量"),
    ("granted", "三、本年度办理结果（一）予以公开"),
    ("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("d1", "（三）不予公开1.属于国家秘密"),
    ("d2", "2.其他法律行政法规禁止公开"),
    ("d3", "3.危及“三安全一稳定”"),
    ("d4", "4.保护第三方合法权益"),
    ("d5", "5.属于三类内部事务信息"),
    ("d6", "6.属于四类过程性信息"),
    ("d7", "7.属于行政执法案卷"),
    ("d8", "8.属于行政查询事项"),
    ("u1", "（四）无法提供1.本机关不掌握相关政府信息"),
    ("u2", "2.没有现成信息需要另行制作"),
    ("u3", "3.补正后申请内容仍不明确"),
    ("n1", "（五）不予处理1.信访举报投诉类申请"),
    ("n2", "2.重复申请"),
    ("n3", "3.要求提供公开出版物"),
    ("n4", "4.无正当理由大量反复申请"),
    ("n5", "5.要求行政机关确认或重新出具已获取信息"),
    ("o1", "（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("o2", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("o3", "3.其他"),
    ("total", "（七）总计"),
    ("carried_forward", "四、结转下年度继续办理"),
]
SUB_ROWS = [k for k, _ in LABELS if k not in ("new", "carried_over", "total", "carried_forward")]
HEADER = (
    "三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"
)
PART4_HEADER = (
    "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"
    "未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计"
)


@dataclass
class Sample:
    agency: str = "红桥县人民政府"
    year: int = 2024
    published: str = "2025-01-20"
    rows: dict[str, list[int]] = field(default_factory=dict)
    part4: list[int] = field(default_factory=list)
    narrative: str = ""

    def totals(self, key: str) -> int:
        return self.rows[key][6]


def consistent(seed: int, *, busy: float = 0.3, big: int = 120) -> Sample:
    rng = random.Random(seed)
    rows: dict[str, list[int]] = {}
    for key in SUB_ROWS:
        cols = [rng.randint(0, big) if rng.random() < busy else 0] + [
            rng.randint(0, 9) if rng.random() < busy / 3 else 0 for _ in range(5)
        ]
        rows[key] = [*cols, sum(cols)]
    total = [sum(rows[k][c] for k in SUB_ROWS) for c in range(6)]
    rows["total"] = [*total, sum(total)]
    carried = [rng.randint(0, 3) if c == 0 else 0 for c in range(6)]
    forward = [rng.randint(0, 5) if c == 0 else 0 for c in range(6)]
    new = [t + f - c for t, f, c in zip(total, forward, carried, strict=True)]
    for key, cols in (("new", new), ("carried_over", carried), ("carried_forward", forward)):
        rows[key] = [*cols, sum(cols)]
    part4: list[int] = []
    for _ in range(3):
        group = [rng.randint(0, 12) if rng.random() < 0.5 else 0 for _ in range(4)]
        part4 += [*group, sum(group)]
    return Sample(rows=rows, part4=part4)


def _head(s: Sample) -> str:
    return (
        f"标题: {s.agency}{s.year}年度政府信息公开工作年度报告\n发布时间: {s.published} 10:00\n"
        f"本报告根据《中华人民共和国政府信息公开条例》编制。一、总体情况 {s.narrative}"
        "二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000"
    )


_TAIL = "五、存在的主要问题及改进情况 无。六、其他需要报告的事项 无。"


def crawler_text(s: Sample, sep: str = "") -> str:
    """The crawler's page.txt: cells run together (``sep=""``) or spaced (``sep=" "``)."""
    body = "".join(f"{label}{sep}{sep.join(map(str, s.rows[k]))}{sep}" for k, label in LABELS if k in s.rows)
    return _head(s) + HEADER + body + PART4_HEADER + sep.join(map(str, s.part4)) + _TAIL


def html_text(s: Sample, blank_zero: bool = True) -> str:
    def cell(v: int) -> str:
        return "<td></td>" if blank_zero and v == 0 else f"<td>{v}</td>"

    rows = "".join(
        f"<tr><td>{label}</td>{''.join(cell(v) for v in s.rows[k])}</tr>"
        for k, label in LABELS
        if k in s.rows
    )
    p4 = "<tr>" + "".join(cell(v) for v in s.part4) + "</tr>"
    return (
        f"<html><body><p>{_head(s)}</p><p>{HEADER}</p><table>{rows}</table>"
        f"<p>{PART4_HEADER}</p><table>{p4}</table><p>{_TAIL}</p></body></html>"
    )
