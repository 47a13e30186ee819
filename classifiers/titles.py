"""The structure of an official document title: who issues what, of which kind (文种).

Chinese government titles follow one grammar, 《党政机关公文处理工作条例》 Art. 9:
``[发文机关]关于[印发|转发|批转…《内文》|事由]的[文种]``; regulations are published under their own
name (``XX管理办法``, ``XX条例``) and orders end with ``（…令第N号）``. The parts found here feed
the weak-labelling rules and the models (as ``G=`` / ``IG=`` / ``ACT=`` tokens).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gongkai.classifiers.text import normalise

#: 文种 and document kinds a title can end with; longest first so 实施意见 wins over 意见.
GENRES: tuple[str, ...] = tuple(
    sorted(
        {
            "通知",
            "紧急通知",
            "补充通知",
            "意见",
            "实施意见",
            "指导意见",
            "若干意见",
            "决定",
            "决议",
            "批复",
            "复函",
            "函",
            "通报",
            "公告",
            "通告",
            "公示",
            "报告",
            "工作报告",
            "公报",
            "命令",
            "令",
            "议案",
            "纪要",
            "请示",
            "规定",
            "暂行规定",
            "若干规定",
            "办法",
            "管理办法",
            "实施办法",
            "暂行办法",
            "细则",
            "实施细则",
            "条例",
            "方案",
            "实施方案",
            "工作方案",
            "行动方案",
            "规划",
            "计划",
            "行动计划",
            "工作计划",
            "要点",
            "工作要点",
            "纲要",
            "指南",
            "指引",
            "标准",
            "规则",
            "工作规则",
            "规范",
            "清单",
            "目录",
            "名单",
            "名录",
            "措施",
            "若干措施",
            "政策措施",
            "解读",
            "问答",
            "答记者问",
            "总结",
            "结果",
            "情况",
            "安排",
            "制度",
            "守则",
            "章程",
            "评估",
            "研究",
            "法",
        },
        key=len,
        reverse=True,
    )
)

#: Verbs that wrap another document: the title's own 文种 is then just the cover (印发…的通知).
WRAP_ACTIONS: tuple[str, ...] = (
    "印发",
    "转发",
    "批转",
    "发布",
    "公布",
    "颁布",
    "下发",
    "修改",
    "废止",
    "修订",
)

_SUFFIX = re.compile(r"[（(]([^（）()]{1,30})[）)]\s*$")
_ORDER = re.compile(r"令第?\s*\d+\s*号|令〔\d{4}〕\s*第?\d+号|\d+号令")
_YEAR = re.compile(r"(19|20)\d{2}\s*(年|—|-|－|至)")
_QUOTED = re.compile(r"《([^《》]{2,80})》|<([^<>]{2,80})>|〈([^〈〉]{2,80})〉")
_ABOUT = re.compile(r"^(?P<issuer>.*?)关于(?P<rest>.+)$")


@dataclass(frozen=True)
class TitleParts:
    title: str
    issuer: str = ""
    action: str | None = None
    inner: str | None = None
    genre: str | None = None
    inner_genre: str | None = None
    suffix: str | None = None
    is_order: bool = False
    has_year: bool = False
    has_about: bool = False
    quoted: tuple[str, ...] = field(default_factory=tuple)

    def tokens(self) -> list[str]:
        """Structure as feature tokens, e.g. ``G=通知 ACT=印发 IG=办法``."""
        out = [f"G={self.genre or 'none'}", f"IG={self.inner_genre or 'none'}"]
        if self.action:
            out.append(f"ACT={self.action}")
        if self.is_order:
            out.append("ORDER")
        if self.has_year:
            out.append("YEAR")
        if not self.has_about:
            out.append("NO_ABOUT")
        if self.suffix:
            out.append("SUFFIX")
        return out


def ending_genre(text: str) -> str | None:
    text = text.rstrip('》>〉”" ')
    for genre in GENRES:
        if text.endswith(genre):
            return genre
    return None


def parse_title(raw: str | None) -> TitleParts:
    title = normalise(raw)
    body = title
    suffix = None
    match = _SUFFIX.search(body)
    if match and len(body) - len(match.group(0)) >= 4:
        suffix = match.group(1)
        body = body[: match.start()].rstrip()
    is_order = bool(_ORDER.search(title))
    quoted = tuple(next(g for g in m.groups() if g) for m in _QUOTED.finditer(body))
    about = _ABOUT.match(body)
    issuer, rest = (about.group("issuer"), about.group("rest")) if about else ("", body)
    genre = ending_genre(body)
    action = next((verb for verb in WRAP_ACTIONS if verb in rest[:12]), None)
    inner: str | None = None
    if quoted:
        inner = quoted[-1]
    elif action and about:
        start = rest.find(action) + len(action)
        end = rest.rfind("的")
        inner = rest[start:end] if end > start else rest[start:]
    inner_genre = ending_genre(inner) if inner else None
    return TitleParts(
        title=title,
        issuer=issuer.strip(),
        action=action,
        inner=inner,
        genre=genre,
        inner_genre=inner_genre,
        suffix=suffix,
        is_order=is_order,
        has_year=bool(_YEAR.search(title)),
        has_about=about is not None,
        quoted=quoted,
    )
