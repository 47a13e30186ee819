"""公开时限 as printed in 标准目录 tables → a machine-readable rule.

The wordings vary a lot (``../shared/data/catalogs/SUMMARY.md`` lists every one seen); they
reduce to a few kinds:

- ``relative``: N working or calendar days from an event (信息形成或变更, 作出决定, 批准, …);
- ``annual``: a fixed date each year (每年1月31日前, 6月底前; 每年年初 read as by 3月31日);
- ``periodic``: an update cycle (半年至少更新1次, 1年, 6个月);
- ``continuous`` (实时), ``immediate`` (及时公开), ``standing`` (长期/永久公开, 常态化, 动态调整);
- ``with_event``: published together with something else (随采购公告公开, 在…时公开);
- ``on_request``: counted from receipt of an application (自收到申请之日起…);
- ``same_as_above`` (同上, resolved by the catalog to the row above) and ``compound`` (several
  clauses for different kinds of information, e.g. 7 working days for 处罚决定, 20 for the rest).

A clause may add a display period (公示7个工作日, 公告期限为5个工作日) and a proviso (法律、法规另有
规定的从其规定), kept as ``display_working_days`` and ``proviso``.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Kind = Literal[
    "relative",
    "annual",
    "periodic",
    "continuous",
    "immediate",
    "standing",
    "with_event",
    "on_request",
    "same_as_above",
    "compound",
    "unknown",
]
Event = Literal["formation", "decision", "approval", "result", "application", "other"]

_FULLWIDTH = str.maketrans("０１２３４５６７８９：；，。（）", "0123456789:;,.()")
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "六": 6, "十": 10}


@dataclass
class TimeLimit:
    text: str
    kind: Kind
    days: int | None = None
    unit: Literal["working", "calendar"] | None = None
    event: Event | None = None
    #: the event as printed (信息形成或者变更, 收到征地批准文件, …)
    event_text: str | None = None
    month: int | None = None
    day: int | None = None
    period_days: int | None = None
    display_working_days: int | None = None
    proviso: bool = False
    approximate: bool = False
    #: for ``compound``: what each part applies to (处罚决定, 其他内容, …) and its rule.
    applies_to: str | None = None
    parts: list[TimeLimit] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["parts"] = [part.as_dict() for part in self.parts]
        return {k: v for k, v in data.items() if v not in (None, [], False) or k in ("text", "kind")}


_EVENT_WORDS: tuple[tuple[Event, re.Pattern[str]], ...] = (
    ("application", re.compile(r"收到申请")),
    ("decision", re.compile(r"决定|作出")),
    ("approval", re.compile(r"批准|批复")),
    ("result", re.compile(r"结果确定|结果")),
    ("formation", re.compile(r"形成|变更|制定|制作|获取|生成")),
)
_WORKING = re.compile(r"(\d+)个?工作日")
_CALENDAR = re.compile(r"(\d+)(?:个自然日|日内|天)")
_ANNUAL = re.compile(r"每年(\d{1,2})月(\d{1,2})日(?:前|之前)")
_MONTH_END = re.compile(r"(\d{1,2})月(?:底|末)(?:前|之前)")
_PERIOD = re.compile(r"(半年|(\d+|[一二两三六十])个?(年|月|季度|周))")
_DISPLAY = re.compile(r"(?:公示|公告期限为?|公告期为?)(\d+)个?工作日")
_PROVISO = re.compile(r"另有规定|除外")
_DECISION_SUBJECT = re.compile(r"((?:行政许可和)?(?:行政)?(?:处罚|许可|执法)决定(?:信息)?)")
_SPLIT = re.compile(r"[;.]|,(?=[^0-9])|(?<=公开)(?=自)")


def parse_time_limit(text: str) -> TimeLimit:
    """Parse one 公开时限 cell; never raises (``kind="unknown"`` when nothing is recognised)."""
    clean = re.sub(r"\s+", "", text).translate(_FULLWIDTH)
    if clean in ("同上", "同上。"):
        return TimeLimit(text, "same_as_above")
    clean = re.sub(r"(^|[;.])\d+[.、](?=\D)", r"\1", clean)
    clauses = [c for c in (_strip_number(part) for part in _SPLIT.split(clean)) if c]
    parsed: list[TimeLimit] = []
    proviso = False
    for clause in clauses:
        display = _DISPLAY.search(clause)
        if display and parsed and _DISPLAY.sub("", clause).strip(":") == "":
            parsed[-1].display_working_days = int(display.group(1))
            continue
        if _PROVISO.search(clause) and not _WORKING.search(clause) and not _CALENDAR.search(clause):
            proviso = True
            continue
        rule = _parse_clause(clause)
        if display:
            rule.display_working_days = int(display.group(1))
        if _PROVISO.search(clause):
            rule.proviso = True
        if rule.kind != "unknown" or not parsed:
            parsed.append(rule)
    if not parsed:
        return TimeLimit(text, "unknown")
    if len(parsed) == 1:
        only = parsed[0]
        only.text, only.proviso = text, only.proviso or proviso
        return only
    return TimeLimit(text, "compound", proviso=proviso, parts=parsed)


def _strip_number(clause: str) -> str:
    return re.sub(r"^\d+[、.)]", "", clause).strip()


def _parse_clause(clause: str) -> TimeLimit:
    applies_to = None
    if ":" in clause:
        applies_to, clause = clause.split(":", 1)
    elif (m := _DECISION_SUBJECT.search(clause)) is not None and re.search(r"\d+个?工作日", clause):
        applies_to = m.group(1)
    elif clause.startswith("其他"):
        applies_to = re.split(r"形成|在|自", clause, maxsplit=1)[0] or "其他"
    rule = _kind_of(clause)
    rule.applies_to = applies_to
    if rule.kind == "relative" and applies_to and "决定" in applies_to and "除" not in applies_to:
        rule.event = "decision"
    return rule


def _kind_of(clause: str) -> TimeLimit:
    if "实时" in clause:
        return TimeLimit(clause, "continuous")
    if re.search(r"长期公开|永久公开|常态化|动态调整|动态更新|长期", clause):
        return TimeLimit(clause, "standing")
    if (m := _ANNUAL.search(clause)) is not None:
        return TimeLimit(clause, "annual", month=int(m.group(1)), day=int(m.group(2)))
    if (m := _MONTH_END.search(clause)) is not None:
        month = int(m.group(1))
        return TimeLimit(clause, "annual", month=month, day=_month_end(month))
    if "年初" in clause:
        return TimeLimit(clause, "annual", month=3, day=31, approximate=True)
    if "收到申请" in clause:
        days = _WORKING.search(clause)
        return TimeLimit(
            clause,
            "on_request",
            days=int(days.group(1)) if days else None,
            unit="working" if days else None,
            event="application",
            event_text="收到申请",
        )
    working, calendar = _WORKING.search(clause), _CALENDAR.search(clause)
    if working or calendar:
        match = working or calendar
        assert match is not None
        event, event_text = _event_of(clause[: match.start()])
        return TimeLimit(
            clause,
            "relative",
            days=int(match.group(1)),
            unit="working" if working else "calendar",
            event=event,
            event_text=event_text,
        )
    if (
        (m := _PERIOD.search(clause)) is not None and not re.search(r"公开$", clause.replace("更新", ""))
    ) or (m and "更新" in clause):
        assert m is not None
        return TimeLimit(clause, "periodic", period_days=_period_days(m))
    if "及时" in clause:
        return TimeLimit(clause, "immediate")
    if re.search(r"^随|时$|时,|同步", clause):
        return TimeLimit(clause, "with_event", event="other", event_text=clause)
    return TimeLimit(clause, "unknown")


def _event_of(prefix: str) -> tuple[Event, str | None]:
    text = re.sub(r"^(?:自|在|于)|(?:之日起|之日|之后|后|起|内)$", "", prefix)
    text = re.sub(r"(?:之日起|之日|之后|后|起)$", "", text)
    for event, pattern in _EVENT_WORDS:
        if pattern.search(text):
            return event, text or None
    # "20个工作日" printed alone: the 条例's own default event (formation or change).
    return "formation", text or None


def _month_end(month: int) -> int:
    return 30 if month in (4, 6, 9, 11) else 28 if month == 2 else 31


def _period_days(match: re.Match[str]) -> int:
    if match.group(1) == "半年":
        return 183
    raw = match.group(2)
    count = int(raw) if raw.isdigit() else _CN_DIGITS[raw]
    return count * {"年": 365, "月": 30, "季度": 91, "周": 7}[match.group(3)]
