"""Reading real titles: which need a 解读, which clearly do not, and the document a notice issues.

The generator only uses titles a classifier cannot reasonably disagree on, so the per-document
``needs_interpretation`` in the truth is a fair check of the classifier (issue #5).
"""

from __future__ import annotations

import re

#: 规章 and 行政规范性文件 words: such a document needs a 解读 (BRIEF §2.4).
NEEDS = re.compile(r"办法|实施细则|若干措施|若干政策措施|规定")
#: Words that make a title administrative, internal or otherwise unclear: never used as "needs".
NOT_NEEDS_CLEARLY = re.compile(
    r"批复|复函|同意|任免|表彰|废止|修改|编制规定|职责|公示|公告|会议|成立|调整|命名|通报|解读|领导小组|"
    r"奖励|考核|评议|评估|研究|政务|机关|工作规则|预算|决算|许可|处罚|收费|转发|印发.*和.*的通知|《.*》《"
)
#: Individual decisions that need no 解读 (任免, 表彰, 批复, 同意…的函).
ADMINISTRATIVE = re.compile(r"任免|表彰|批复|复函|同意")
#: Policy words: a title with one of these is not used as a clear "no 解读 needed" example.
POLICY_WORDS = re.compile(
    r"办法|细则|措施|规定|意见|方案|规划|条例|计划|要点|标准|指南|目录|清单|预算|决算|许可|处罚|收费|解读"
)
#: Catalog items with their own deadlines (budgets, 许可/处罚 decisions): kept out of the demo so the
#: 20-working-day rule is the only one that applies.
SPECIAL_DEADLINE = re.compile(r"预算|决算|许可|处罚|采购|招标")

_ISSUED = re.compile(r"印发(?:关于)?《?(?P<inner>.+?)》?的通知$")


def needs_interpretation(title: str) -> bool | None:
    """True/False when the title is unambiguous, None when the generator should not use it."""
    if SPECIAL_DEADLINE.search(title):
        return None
    if NEEDS.search(title) and not NOT_NEEDS_CLEARLY.search(title):
        return True
    if ADMINISTRATIVE.search(title) and not POLICY_WORDS.search(title):
        return False
    return None


def inner_title(title: str) -> str:
    """The document a 印发…的通知 issues (the attachment's name), else the title itself."""
    match = _ISSUED.search(title)
    return match.group("inner").strip("《》") if match else title


def body_kind(title: str) -> str:
    if "任免" in title:
        return "appoint"
    if "表彰" in title:
        return "commend"
    if re.search(r"批复|复函|同意", title):
        return "reply"
    if _ISSUED.search(title):
        return "issue"
    return "notice"


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=年|—|－|-|–|）|\)|〕|级|届|度)")


def shift_years(text: str, years: int) -> str:
    """Move the years a title mentions along with its dates (2022年 → 2025年 for +3 years).

    A title naming a year before 1990 (a chronicle, a range back in time) keeps all its years,
    so a range such as 1986—2006 is never half moved.
    """
    found = [int(m.group(1)) for m in _YEAR.finditer(text)]
    if years == 0 or not found or min(found) < 1990:
        return text
    return _YEAR.sub(lambda m: str(int(m.group(1)) + years), text)
