"""The 信息公开 metadata block: label–value pairs in whatever layout the template uses.

One mechanism covers the layouts seen on government sites, because it works on the visible lines
(see :mod:`extractors.dom`) rather than on a particular markup:

* label and value in one line — ``<li>索&ensp;引&ensp;号：<font>…</font></li>``,
  ``<p><strong>文号</strong>：无</p>``, ``<span>来源：…</span><span>时间：…</span>``, or plain text
  "索 引 号:QZ05908-… 发布机构:…" — the line is split at every label followed by a colon;
* a line that is only a label — ``<td>发文字号：</td><td>国办函〔2018〕71号</td>``, ``<dt>/<dd>``,
  ``<div class="l">…</div><div class="r">…</div>`` — its value is the next line, taken only when
  that line lies in the label's own element or in its next sibling (a table cell's value must
  be in the same row), so an empty value cell never borrows the text that follows the block.

Every label comes from :mod:`extractors.patterns`; nothing here knows a site.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from gongkai.extractors import patterns as p
from gongkai.extractors.dom import CELL_TAGS, Line, is_inside, tag_of
from lxml import etree

#: Lines longer than this are running text, not a label line.
MAX_LABEL_LINE = 600
#: A value that spreads over more lines than this is not a metadata value.
MAX_VALUE_LINES = 6
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ROW_TAGS = frozenset({"tr"})


@dataclass(frozen=True)
class Candidate:
    """One value the block offers for a field."""

    field: str
    value: str
    #: The label as printed (spaces removed), e.g. "发文字号".
    label: str
    #: Position of the label in the field's vocabulary: lower is more specific.
    rank: int
    #: Index of the line the label is on (reading order).
    position: int
    from_script: bool = False


def _label_key(printed: str) -> str:
    return p.SPACE_RUN.sub("", printed)


def _field_of(printed: str) -> tuple[str | None, int]:
    return p.LABEL_INDEX.get(_label_key(printed), (None, 0))


def _is_label_line(text: str) -> bool:
    if text.lstrip(p.LINE_OPENERS)[:1] not in p.LABEL_FIRST_CHARS:
        return False
    return bool(p.LABEL_ONLY_LINE.match(text) or p.LABEL_START_LINE.match(text))


def _mid_line_label_ok(text: str, start: int, label: str) -> bool:
    """A label further along a line needs a boundary before it unless it is long (发布日期).

    Short labels (来源, 名称, 时间) also occur inside words (网站名称, 数据来源), so they count only
    after a space or punctuation.
    """
    if start == 0 or len(_label_key(label)) >= 3:
        return True
    return not _CJK.match(text[start - 1])


def _label_ok(text: str, match: re.Match[str]) -> bool:
    return _mid_line_label_ok(text, match.start("label"), match.group("label"))


def split_label_line(text: str, spaced: bool = False) -> list[tuple[str, str]]:
    """ "索引号：A 主题分类：B" → [("索引号", "A"), ("主题分类", "B")] (labels as printed).

    ``spaced``: the line separates its labels from their values by spaces only ("索引号 A 主题分类 B").
    """
    pattern = p.LABEL_IN_SPACED_LINE if spaced else p.LABEL_IN_LINE
    known = [m for m in pattern.finditer(text) if m.group("label") is None or _label_ok(text, m)]
    if not known:
        return []
    cuts = [(m.start(), m.end(), m.group("label") or m.groupdict().get("long") or "") for m in known]
    for generic in p.GENERIC_LABEL_IN_LINE.finditer(text):
        if all(generic.end() <= s or generic.start() >= e for s, e, _ in cuts):
            cuts.append((generic.start(), generic.end(), ""))
    cuts.sort()
    pairs: list[tuple[str, str]] = []
    for i, (_start, end, label) in enumerate(cuts):
        if not label:
            continue
        stop = cuts[i + 1][0] if i + 1 < len(cuts) else len(text)
        pairs.append((label, text[end:stop].strip()))
    return pairs


def _value_owner(label_owner: etree._Element, next_owner: etree._Element | None) -> etree._Element | None:
    """The element the value must sit in, given where the next line is; None when it is elsewhere."""
    if next_owner is None:
        return None
    if is_inside(next_owner, label_owner):
        return label_owner
    chain = [next_owner, *next_owner.iterancestors()]
    element = label_owner
    for level in range(2):
        parent = element.getparent()
        if parent is None:
            return None
        for ancestor in chain:
            if ancestor.getparent() is parent:
                if ancestor is element:
                    return None
                # A cell's value lives in the same row, never in the next one.
                if tag_of(element) in CELL_TAGS and tag_of(ancestor) in _ROW_TAGS:
                    return None
                return ancestor
        # Climb out of a wrapper (<div class="item"><div class="label">…</div></div>) only when it
        # holds nothing but the label; a table cell never climbs.
        if level or tag_of(element) in CELL_TAGS or len(parent) != 1:
            return None
        element = parent
    return None


def _value_after(lines: list[Line], i: int) -> str:
    """The value of a label-only line ``lines[i]`` ("" when its value cell is empty)."""
    if i + 1 >= len(lines):
        return ""
    label_line, following = lines[i], lines[i + 1]
    if following.from_script != label_line.from_script or _is_label_line(following.text):
        return ""
    if label_line.owner is None:  # plain text: the next line is the value, unless it is labelled
        spaced = len(following.text) <= p.MAX_SPACED_LABEL_LINE and p.LABEL_START_SPACED.match(following.text)
        return "" if spaced else following.text
    target = _value_owner(label_line.owner, following.owner)
    if target is None:
        return ""
    parts: list[str] = []
    for line in lines[i + 1 : i + 1 + MAX_VALUE_LINES]:
        if line.owner is None or not is_inside(line.owner, target) or _is_label_line(line.text):
            break
        if not parts or parts[-1] != line.text:  # a value rendered twice (one copy shown by script)
            parts.append(line.text)
    return " ".join(parts)


#: A title label counts only this close (in lines) to another field's label: a metadata block is a
#: cluster of labels, and a lone "名称：" deep in a text names something else (a bank account).
MAX_TITLE_GAP = 6


def clustered(candidates: list[Candidate]) -> list[Candidate]:
    """``candidates`` without the title labels that stand alone, far from any other field's label."""
    titles = [c for c in candidates if c.field == "title"]
    if not titles:
        return candidates
    others = [c.position for c in candidates if c.field != "title"]
    lone = {
        id(c) for c in titles if not any(abs(position - c.position) <= MAX_TITLE_GAP for position in others)
    }
    return [c for c in candidates if id(c) not in lone] if lone else candidates


def block_candidates(lines: Iterable[Line]) -> list[Candidate]:
    """Every (field, value) pair the page's label lines offer, in reading order."""
    ordered = list(lines)
    found: list[Candidate] = []
    for i, line in enumerate(ordered):
        text = line.text
        if len(text) > MAX_LABEL_LINE or text.lstrip(p.LINE_OPENERS)[:1] not in p.LABEL_FIRST_CHARS:
            continue
        only = p.LABEL_ONLY_LINE.match(text)
        if only:
            field, rank = _field_of(only.group("label"))
            if field is not None:
                value = _value_after(ordered, i)
                label = _label_key(only.group("label"))
                found.append(Candidate(field, value, label, rank, line.index, line.from_script))
            continue
        if p.LABEL_START_LINE.match(text):
            pairs = split_label_line(text)
        elif len(text) <= p.MAX_SPACED_LABEL_LINE and p.LABEL_START_SPACED.match(text):
            pairs = split_label_line(text, spaced=True)
        else:
            continue
        if pairs and not pairs[-1][1]:
            # "废止日期： 时效性：" whose last value sits in a block of its own inside the line's
            # element (<li>…<strong>时效性：</strong><div>有效</div></li>) or the next cell.
            pairs[-1] = (pairs[-1][0], _value_after(ordered, i))
        for label, value in pairs:
            field, rank = _field_of(label)
            if field is not None:
                found.append(Candidate(field, value, _label_key(label), rank, line.index, line.from_script))
    return found
