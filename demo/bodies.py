"""Body text of the demo pages: our own short templates around the real title and 文号.

No real body text is copied: the page around a real title says what such a document says in a
sentence or two, ends with the signature (发文机关 and 成文日期) where a 公文 has one, and with
"（此件公开发布）" as the 公开属性 note printed on the 版记.
"""

from __future__ import annotations

from datetime import date

from gongkai.demo.model import DemoDocument
from gongkai.demo.titles import inner_title

_DIGITS = "〇一二三四五六七八九"


def chinese_date(day: date) -> str:
    """二〇二六年十月九日: the year digit by digit, month and day as numbers in words."""

    def number(n: int) -> str:
        if n < 10:
            return _DIGITS[n]
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")

    year = "".join(_DIGITS[int(ch)] for ch in str(day.year))
    return f"{year}年{number(day.month)}月{number(day.day)}日"


def arabic_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def paragraphs(doc: DemoDocument, signed_always: bool = False) -> list[tuple[str, str]]:
    """(css class, text) paragraphs of the body, signature included.

    ``signed_always``: a site with no metadata block (meta tags and body only) signs and marks
    every page, 解读 and news included, since the body is the only place 成文日期 and 公开属性 can be.
    """
    lines = _text(doc)
    if doc.body in ("news", "interpretation") and not signed_always:
        return lines
    if doc.body != "unsigned" and doc.written is not None and doc.publisher is not None:
        written = chinese_date(doc.written) if doc.chinese_numeral_date else arabic_date(doc.written)
        lines += [("signature", doc.publisher), ("signature", written)]
    if doc.disclosure == "主动公开":
        lines.append(("note", "（此件公开发布）"))
    return lines


def _text(doc: DemoDocument) -> list[tuple[str, str]]:
    inner = inner_title(doc.title)
    kind = doc.body
    if kind == "news":
        return [
            ("", f"{doc.title}。"),
            ("", "有关情况详见原文报道。本栏目转载中央和国家有关部门的权威发布，供公众了解参考。"),
        ]
    if kind == "interpretation":
        policy = doc.interprets
        assert policy is not None
        named = f"《{policy.title}》" + (f"（{policy.doc_no}）" if policy.doc_no else "")
        return [
            (
                "",
                f"近日，{policy.publisher or '省人民政府'}印发了{named}。"
                "为便于社会公众准确理解和执行，现就有关内容解读如下。",
            ),
            (
                "",
                "一、出台背景。文件依据有关法律法规和国家政策制定，是落实上级部署、回应群众关切的具体举措。",
            ),
            (
                "",
                "二、主要内容。文件明确了适用范围、职责分工、办理程序和保障措施，对相关主体的权利义务作出规定。",
            ),
            ("", "三、实施要求。各地各部门要加强宣传解读，做好政策衔接，确保文件规定落实到位。"),
        ]
    lines: list[tuple[str, str]] = []
    if kind == "issue":
        lines += [
            ("", "各市、县人民政府，省政府各部门、各直属机构："),
            (
                "",
                f"现将《{inner}》印发给你们，请结合实际认真贯彻执行。执行中遇到的问题，请径向有关部门反映。",
            ),
        ]
    elif kind == "order":
        lines += [("", f"《{doc.title}》已经省人民政府常务会议审议通过，现予公布，自公布之日起施行。")]
    elif kind == "reply":
        lines += [
            ("", "你单位关于有关事项的请示收悉。经研究，现批复如下："),
            ("", "一、原则同意所请事项。请按照有关规定抓紧组织实施，确保各项工作依法有序推进。"),
            ("", "二、实施过程中的重大问题，请及时报告。"),
        ]
    elif kind == "commend":
        lines += [
            ("", "为表彰先进、树立典型，经研究，决定对有关集体和个人予以表彰。"),
            ("", "希望受表彰的集体和个人珍惜荣誉，再接再厉，发挥示范带动作用。名单附后（略）。"),
        ]
    elif kind == "appoint":
        lines += [("", "经研究决定，对有关同志职务作如下任免（名单略）。")]
    else:
        lines += [("", "现将有关事项通知如下，请认真抓好落实。")]
    return lines


def attachment_text(doc: DemoDocument) -> str:
    """The text of a policy's attached file: its name, then articles of our own wording."""
    inner = inner_title(doc.title)
    return "\n".join(
        [
            inner,
            "第一条 为规范相关工作，根据有关法律法规，结合本地实际，制定本文件。",
            "第二条 本文件适用于本行政区域内的相关活动及其监督管理。",
            "第三条 有关部门应当按照职责分工，做好组织实施和监督检查工作。",
            "第四条 本文件自印发之日起施行。",
        ]
    )
