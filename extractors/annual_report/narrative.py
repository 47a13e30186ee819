"""Numbers the report's text states about its own tables (收到…申请75件, 行政复议7件 …).

Each :class:`Claim` names the table figure it speaks of (``metric``), the number, and the words it
was read from. Only phrasings that name one figure unambiguously are read; the checks compare
them with the tables (``audits.annual``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MID = r"(?P<mid>[^，,。；;：:\d]{0,24}?)"
_N = r"(?P<n>\d+)\s*"


@dataclass(frozen=True)
class Claim:
    metric: str
    value: int
    words: str
    offset: int


#: (metric, pattern, words the text between keyword and number must contain, words it must not)
PATTERNS: tuple[tuple[str, re.Pattern[str], tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "received",
        re.compile(r"(?:收到|接收)" + _MID + _N + r"件(?P<after>申请)?"),
        ("申请",),
        ("案件", "复议", "诉讼"),
    ),
    (
        "accepted",
        re.compile(r"受理" + _MID + _N + r"件(?P<after>申请)?"),
        ("申请",),
        ("案件", "复议", "诉讼", "审批"),
    ),
    (
        "handled",  # 办结N件, 办理…申请N件; not 办理人大代表建议N件: 申请 or nothing in between
        re.compile(r"(?:办结|答复|办理)" + _MID + _N + r"件"),
        ("申请", ""),
        ("案件", "复议", "诉讼", "费", "审批", "事项"),
    ),
    ("carried_forward", re.compile(r"结转(?:至|到)?\s*(?:下一?年度?|\d{4}\s*年)\s*" + _N + r"件"), (), ()),
    ("carried_forward", re.compile(_N + r"件\s*(?:申请)?\s*结转(?:至|到)?\s*下一?年"), (), ()),
    ("review", re.compile(r"行政复议(?:案件)?\s*" + _N + r"[件起]"), (), ()),
    ("litigation", re.compile(r"(?:行政)?诉讼(?:案件)?\s*" + _N + r"[件起]"), (), ()),
    ("granted_partial", re.compile(r"予以公开(?:及|和|、)部分公开\s*" + _N + r"件"), (), ()),
    ("denied", re.compile(r"(?<!予以公开及)不予公开\s*" + _N + r"件"), (), ()),
    ("unable", re.compile(r"无法提供\s*" + _N + r"件"), (), ()),
    ("not_processed", re.compile(r"不予处理\s*" + _N + r"件"), (), ()),
    ("other", re.compile(r"其他处理\s*" + _N + r"件"), (), ()),
)
ALL_MAINTAINED = re.compile(r"均(?:获|被|予以)?维持")
#: "受理117件，办结171件，办结率100%": the text contradicts itself.
DONE_ALL = re.compile(
    r"受理[^，。；\d]{0,10}?(?P<a>\d+)\s*件\s*[，,、]\s*办结\s*(?P<b>\d+)\s*件\s*[，,、]\s*办结率\s*100\s*%"
)


def claims(narrative: str) -> list[Claim]:
    out: list[Claim] = []
    for metric, pattern, must, must_not in PATTERNS:
        for m in pattern.finditer(narrative):
            groups = m.groupdict()
            between = (groups.get("mid") or "") + (groups.get("after") or "")
            if must and not any((w in between) if w else not between.strip() for w in must):
                continue
            if any(w in between for w in must_not):
                continue
            out.append(Claim(metric, int(m.group("n")), " ".join(m.group(0).split()), m.start()))
    return sorted(out, key=lambda c: c.offset)


def narrative_of(text: str, tables_start: int) -> str:
    """The report's words before its tables (where 总体情况 states the year's figures)."""
    return text[:tables_start] if tables_start > 0 else text
