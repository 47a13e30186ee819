"""The rows and columns of the report formats, named as in 国办公开办函〔2021〕30号 (and 2019 60号).

A row is found by an *anchor*: the start of its label, with its numbering (``（一）``, ``3.``), any
white space allowed between characters (PDF text breaks labels across lines). The labels of the
format carry no ASCII digits apart from that numbering, so everything numeric between one row's
anchor and the next row's anchor is that row's cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBERING_SEP = r"\s*[.．、]?\s*"


def loose(text: str) -> str:
    """A regex matching ``text`` with any white space between its characters."""
    return r"\s*".join(re.escape(ch) for ch in text if not ch.isspace())


def paren(numeral: str) -> str:
    """``（一）`` with full-width or ASCII parentheses and optional spaces."""
    return rf"[（(]\s*{numeral}\s*[）)]\s*"


def numbered(n: int, key: str) -> str:
    """A numbered sub-row label ``3.危及…`` (``3．``, ``3、``, ``3. `` alike); the number must not
    be the end of a longer digit run only when the text has separators, so it is not anchored
    on the left (run-together cells end right before it)."""
    return rf"{n}{_NUMBERING_SEP}{loose(key)}"


@dataclass(frozen=True)
class RowDef:
    key: str
    name: str  # the row's name in the format
    anchor: str  # regex
    group: str | None = None  # the results group a sub-row belongs to


PART3_ROWS: tuple[RowDef, ...] = (
    RowDef("new", "一、本年新收政府信息公开申请数量", loose("本年新收")),
    RowDef("carried_over", "二、上年结转政府信息公开申请数量", loose("上年结转")),
    RowDef("granted", "（一）予以公开", paren("一") + loose("予以公开"), "results"),
    RowDef("partial", "（二）部分公开", paren("二") + loose("部分公开"), "results"),
    RowDef("d1", "（三）不予公开 1.属于国家秘密", numbered(1, "属于国家秘密"), "denied"),
    RowDef("d2", "（三）不予公开 2.其他法律行政法规禁止公开", numbered(2, "其他法律"), "denied"),
    RowDef("d3", "（三）不予公开 3.危及“三安全一稳定”", numbered(3, "危及"), "denied"),
    RowDef("d4", "（三）不予公开 4.保护第三方合法权益", numbered(4, "保护第三方"), "denied"),
    RowDef("d5", "（三）不予公开 5.属于三类内部事务信息", numbered(5, "属于三类"), "denied"),
    RowDef("d6", "（三）不予公开 6.属于四类过程性信息", numbered(6, "属于四类"), "denied"),
    RowDef("d7", "（三）不予公开 7.属于行政执法案卷", numbered(7, "属于行政执法"), "denied"),
    RowDef("d8", "（三）不予公开 8.属于行政查询事项", numbered(8, "属于行政查询"), "denied"),
    RowDef("u1", "（四）无法提供 1.本机关不掌握相关政府信息", numbered(1, "本机关不掌握"), "unable"),
    RowDef("u2", "（四）无法提供 2.没有现成信息需要另行制作", numbered(2, "没有现成信息"), "unable"),
    RowDef("u3", "（四）无法提供 3.补正后申请内容仍不明确", numbered(3, "补正后"), "unable"),
    RowDef("n1", "（五）不予处理 1.信访举报投诉类申请", numbered(1, "信访举报"), "not_processed"),
    RowDef("n2", "（五）不予处理 2.重复申请", numbered(2, "重复申请"), "not_processed"),
    RowDef("n3", "（五）不予处理 3.要求提供公开出版物", numbered(3, "要求提供公开出版物"), "not_processed"),
    RowDef("n4", "（五）不予处理 4.无正当理由大量反复申请", numbered(4, "无正当理由"), "not_processed"),
    RowDef(
        "n5",
        "（五）不予处理 5.要求行政机关确认或重新出具已获取信息",
        numbered(5, "要求行政机关确认"),
        "not_processed",
    ),
    RowDef("o_single", "（六）其他处理", paren("六") + loose("其他"), "other"),
    RowDef("o1", "（六）其他处理 1.申请人无正当理由逾期不补正", numbered(1, "申请人无正当理由"), "other"),
    RowDef(
        "o2", "（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用", numbered(2, "申请人逾期未按"), "other"
    ),
    RowDef("o3", "（六）其他处理 3.其他", numbered(3, "其他"), "other"),
    RowDef("total", "（七）总计", paren("七") + loose("总计")),
    RowDef("carried_forward", "四、结转下年度继续办理", loose("结转下年度继续办理")),
)
PART3_BY_KEY = {row.key: row for row in PART3_ROWS}
#: The sub-rows whose sum is （七）总计 (other: o1..o3 in the 2021 format, o_single in 2019's).
RESULT_ROWS_2021: tuple[str, ...] = tuple(
    r.key for r in PART3_ROWS if r.group is not None and r.key != "o_single"
)
RESULT_ROWS_2019: tuple[str, ...] = tuple(
    r.key for r in PART3_ROWS if r.group is not None and r.key not in ("o1", "o2", "o3")
)
GROUP_NAMES = {
    "denied": "（三）不予公开",
    "unable": "（四）无法提供",
    "not_processed": "（五）不予处理",
    "other": "（六）其他处理",
}


@dataclass(frozen=True)
class Part2Row:
    key: str
    anchor: str
    columns: tuple[str, ...]


#: Part two, 2021 format (item (一) three columns, the others one).
PART2_ROWS_2021: tuple[Part2Row, ...] = (
    Part2Row("规章", loose("规章"), ("本年制发件数", "本年废止件数", "现行有效件数")),
    Part2Row(
        "行政规范性文件", r"(?:行政)?" + loose("规范性文件"), ("本年制发件数", "本年废止件数", "现行有效件数")
    ),
    Part2Row("行政许可", loose("行政许可"), ("本年处理决定数量",)),
    Part2Row("行政处罚", loose("行政处罚"), ("本年处理决定数量",)),
    Part2Row("行政强制", loose("行政强制"), ("本年处理决定数量",)),
    Part2Row("行政事业性收费", loose("行政事业性收费"), ("本年收费金额（万元）",)),
)
#: Part two, 2019 format.
PART2_ROWS_2019: tuple[Part2Row, ...] = (
    Part2Row("规章", loose("规章"), ("本年新制作数量", "本年新公开数量", "对外公开总数量")),
    Part2Row(
        "规范性文件",
        r"(?:行政)?" + loose("规范性文件"),
        ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
    ),
    Part2Row("行政许可", loose("行政许可"), ("上一年项目数量", "本年增/减", "处理决定数量")),
    Part2Row(
        "其他对外管理服务事项", loose("其他对外管理服务事项"), ("上一年项目数量", "本年增/减", "处理决定数量")
    ),
    Part2Row("行政处罚", loose("行政处罚"), ("上一年项目数量", "本年增/减", "处理决定数量")),
    Part2Row("行政强制", loose("行政强制"), ("上一年项目数量", "本年增/减", "处理决定数量")),
    Part2Row("行政事业性收费", loose("行政事业性收费"), ("上一年项目数量", "本年增/减")),
    Part2Row("政府集中采购", loose("政府集中采购"), ("采购项目数量", "采购总金额")),
)

#: Headings that bound the parts.
PART2_START = loose("第二十条")
PART3_HEADING = loose("收到和处理政府信息公开申请")
PART4_START = loose("行政复议")
PART5_HEADING = (
    r"五\s*[、.．]\s*(?:政府信息公开工作)?\s*" + loose("存在的主要问题") + "|" + loose("存在的主要问题")
)
#: Marks of the formats (the notice numbers and the 2019 format's part-two columns).
MARK_2021 = loose("国办公开办函") + r"\s*[〔\[（(]\s*2021\s*[〕\]）)]\s*30\s*号|" + loose("本年制发件数")
MARK_2019 = loose("国办公开办函") + r"\s*[〔\[（(]\s*2019\s*[〕\]）)]\s*60\s*号|" + loose("本年新制作数量")
