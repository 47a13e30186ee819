"""The page's heading: the document's title as a reader sees it above the text.

A heading is a line in an ``<h1>``–``<h6>`` or in an element whose class or id names a title
(``div.gab-detail-title``, ``div.Article_bt``); a heading broken by ``<br>`` is joined. Among the
candidates the one that the ``<title>`` element or ``<meta name="ArticleTitle">`` repeats wins,
then the most heading-like tag; breadcrumbs, column names, the site's own name and link lines
never count. Nothing here knows a site: the hints are in :mod:`extractors.patterns`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gongkai.extractors import patterns as p
from gongkai.extractors.dates import is_date_line, iter_dates
from gongkai.extractors.doc_no import is_doc_no
from gongkai.extractors.dom import Line, tag_of
from lxml import etree

#: How many lines under the heading the article's date may sit.
_DATE_LINES_BELOW = 4
#: How many lines under the heading its 文号 may sit.
_DOC_NO_LINES_BELOW = 2


@dataclass(frozen=True)
class Heading:
    text: str
    #: Index of the heading's last line.
    last_index: int


def date_under(lines: list[Line], last_index: int) -> tuple[date, str] | None:
    """The first date printed on the few lines under the heading ("2024-07-30 来源：…")."""
    position = next((k for k, line in enumerate(lines) if line.index == last_index), None)
    if position is None:
        return None
    previous = lines[position].text
    for line in lines[position + 1 : position + 1 + _DATE_LINES_BELOW]:
        text = line.text
        if len(text) > 120:
            break  # the text has begun
        if is_date_line(text) and p.ORG_SUFFIX.search(previous.strip()):
            break  # a 落款: the document is signed right under its heading, no date line there
        previous = text
        if text.startswith(p.SUBTITLE_OPENERS):
            continue  # （二〇二五年十二月一日…通过）: a 题注 under the title, not its date
        for _start, _end, value in iter_dates(text):
            return value, text
        if text.rstrip().endswith(("：", ":")) and len(text) > 12:
            break  # the 主送机关 line ("各乡镇人民政府，县政府各部门："): the text has begun
    return None


def doc_no_under(lines: list[Line], last_index: int) -> str | None:
    """The 文号 printed on a line of its own right under the heading (GB/T 9704: 发文字号 under
    the title), outside the main text on templates that put the heading and the text apart."""
    position = next((k for k, line in enumerate(lines) if line.index == last_index), None)
    if position is None:
        return None
    for line in lines[position + 1 : position + 1 + _DOC_NO_LINES_BELOW]:
        text = line.text
        inner = text[1:-1].strip() if text[:1] in "（(" and text[-1:] in "）)" else text
        if is_doc_no(inner) and not p.REGISTRATION_NO.match(inner):
            return inner
    return None


#: How many lines from the top of the page a heading may sit (menus can be long).
_MAX_LINE_INDEX = 600
_HEADING_TAGS = {"h1": 3.0, "h2": 2.5, "h3": 2.0, "h4": 1.5, "h5": 1.2, "h6": 1.2}


def _class_weight(node: etree._Element, cache: dict[etree._Element | str, bool]) -> bool:
    """True when the element's class or id names a title (cached by element, as siblings share a
    parent, and by words, as list items share a class: the two regexes cost microseconds)."""
    found = cache.get(node)
    if found is None:
        words = f"{node.get('class') or ''} {node.get('id') or ''}"
        found = cache.get(words)
        if found is None:
            found = bool(
                len(words) > 1 and p.TITLE_HINTS.search(words) and not p.TITLE_NEGATIVE_HINTS.search(words)
            )
            cache[words] = found
        cache[node] = found
    return found


def _hint_weight(element: etree._Element, cache: dict[etree._Element | str, bool]) -> float:
    weight = _HEADING_TAGS.get(tag_of(element) or "", 0.0)
    if weight < 2.0 and _class_weight(element, cache):
        return 2.0
    parent = element.getparent()
    if weight < 1.5 and parent is not None and _class_weight(parent, cache):
        return 1.5
    return weight


def _spaceless(text: str) -> str:
    return p.SPACE_RUN.sub("", text)


def _plausible(text: str, site_name: str | None) -> bool:
    compact = _spaceless(text)
    if not (p.MIN_TITLE_CHARS <= len(compact) <= p.MAX_TITLE_CHARS):
        return False
    if not p.CJK.search(compact) or p.BREADCRUMB.search(text) or p.NOT_A_TITLE.search(compact):
        return False
    return not (site_name and compact == _spaceless(site_name))


def _repeats(heading: str, hint: str) -> bool:
    """True when <title>/ArticleTitle holds the heading, or the heading holds it."""
    return heading in hint or (len(hint) >= p.MIN_TITLE_CHARS and hint in heading)


#: How many lines a title spelled by <title>/ArticleTitle may spread over (a joint notice prints
#: each of its bodies on a line of its own above 关于…).
_MAX_SPELLING_LINES = 14


def _title_key(text: str) -> str:
    return p.TITLE_MARKS.sub("", text)


def _bracketed_doc_no(text: str) -> bool:
    inner = text[1:-1].strip() if text[:1] in "（(" and text[-1:] in "）)" else None
    return bool(inner) and is_doc_no(inner)


def spelled_heading(lines: list[Line], hints: list[str]) -> Heading | None:
    """The visible lines that together spell a <title>/ArticleTitle ``hints`` (marks such as 《》
    and spaces aside), for pages whose only heading element is a column name, or that have none.

    A bracketed 文号 line that the hint appends ("…出让公告（合自然资规公告[2021]11号）") is the 文号,
    not part of the title (GB/T 9704 prints them apart).
    """
    # The longest title first: when the lines spell both "主题" and "主题——副题" (<title> cut at its
    # dash, ArticleTitle whole), the whole title is the heading. (A set here made the choice hang on
    # string hashing, so the same page gave either title from one process to the next.)
    keys = sorted(
        {key for key in (_title_key(hint) for hint in hints) if len(key) >= p.MIN_TITLE_CHARS},
        key=lambda key: (-len(key), key),
    )
    if not keys:
        return None
    firsts = {key[0] for key in keys}
    top = lines[:_MAX_LINE_INDEX]
    for start, line in enumerate(top):
        if line.owner is None or line.from_script or line.link_chars * 2 > len(line.text):
            continue
        spelled = _title_key(line.text) if line.text.lstrip(p.SPACE_CHARS + "《“‘「\"'")[:1] in firsts else ""
        if not spelled:
            continue
        for key in keys:
            if not key.startswith(spelled):
                continue
            run, so_far = [line], spelled
            for below in top[start + 1 : start + _MAX_SPELLING_LINES]:
                if so_far == key:
                    break
                piece = _title_key(below.text)
                if not piece or not key.startswith(so_far + piece):
                    break
                run.append(below)
                so_far += piece
            if so_far != key:
                continue
            while len(run) > 1 and _bracketed_doc_no(run[-1].text):
                run.pop()
            return Heading("".join(part.text for part in run), run[-1].index)
    return None


def page_heading(
    lines: list[Line], hints: list[str], site_name: str | None, titles: list[str] | None = None
) -> Heading | None:
    """The heading of the page, or None. ``hints``: <title> and ArticleTitle texts; ``titles``:
    the same without the site's name around them.

    When no heading element is repeated by a hint, the lines that spell a title win
    (:func:`spelled_heading`): the heading element was a column name, or there was none.
    """
    found = _heading_element(lines, hints, site_name)
    if found is not None and found[1]:
        return found[0]
    titles = titles if titles is not None else hints
    spelled = spelled_heading(lines, titles) if titles else None
    if spelled is not None and _plausible(spelled.text, site_name):
        compact = _spaceless(spelled.text)
        # Never a body's name (a <title> "栏目-某某中心" spells the 落款); over a heading element,
        # only a title that ends like a 公文 (…的通知, …公告).
        if not p.ORG_SUFFIX.search(compact) and (found is None or p.DOCUMENT_TITLE_END.search(compact)):
            return spelled
    return found[0] if found is not None else None


def _heading_element(
    lines: list[Line], hints: list[str], site_name: str | None
) -> tuple[Heading, bool] | None:
    """The best heading element and whether a hint repeats it."""
    groups: list[tuple[etree._Element, list[Line]]] = []
    for line in lines[:_MAX_LINE_INDEX]:
        owner = line.owner
        if owner is None or line.from_script or line.link_chars * 2 > len(line.text):
            continue
        if groups and groups[-1][0] is owner and groups[-1][1][-1].index == line.index - 1:
            groups[-1][1].append(line)
            continue
        groups.append((owner, [line]))
    compact_hints = [_spaceless(h) for h in hints if h]
    cache: dict[etree._Element | str, bool] = {}
    best: tuple[float, int, Heading, bool] | None = None
    for owner, group in groups:
        text = "".join(line.text for line in group[:4]) if len(group) > 1 else group[0].text
        if not p.MIN_TITLE_CHARS <= len(text) <= 2 * p.MAX_TITLE_CHARS:
            continue  # a cheap test first: most lines of a page are too short or too long
        weight = _hint_weight(owner, cache)
        if not weight or not _plausible(text, site_name):
            continue
        compact = _spaceless(text)
        score = weight
        repeated = any(_repeats(compact, hint) for hint in compact_hints)
        if repeated:
            score += 3.0
        if p.DOCUMENT_TITLE_END.search(compact):
            score += 1.0
        key = (score, -group[0].index, Heading(text, group[min(len(group), 4) - 1].index), repeated)
        if best is None or key[:2] > best[:2]:
            best = key
    return (best[2], best[3]) if best else None


def _opens_a_document(text: str) -> bool:
    """A 文号 line, or the 主送机关 line ("各区医疗保障局，…：") that opens a 公文's text."""
    compact = _spaceless(text).strip("（）()")
    return bool(p.DOC_NO_LINE.match(compact) or (len(compact) <= 80 and compact.endswith(("：", ":"))))


def _label_or_date_line(text: str) -> bool:
    """Lines of a text page that are never its title: label lines, 文号 lines, date lines."""
    if p.LABEL_START_LINE.match(text) or p.LABEL_ONLY_LINE.match(text) or p.LABEL_START_SPACED.match(text):
        return True
    if p.NOT_A_TEXT_TITLE.match(text) or is_date_line(text):
        return True
    return bool(p.DOC_NO_LINE.match(_spaceless(text).strip("（）()")))


def text_heading(lines: list[Line], first_label: int | None, last_label: int | None = None) -> Heading | None:
    """The heading of a page given as text: a plausible title line that a date, a label line or
    the metadata block follows closely, a 公文 title ending (通知, 办法 …) preferred; the earliest
    of the best wins."""
    best: tuple[float, int, Heading] | None = None
    for k, line in enumerate(lines[:_MAX_LINE_INDEX]):
        text = line.text
        if len(_spaceless(text)) < p.MIN_TEXT_TITLE_CHARS or not _plausible(text, None):
            continue
        if _label_or_date_line(text):
            continue
        compact = _spaceless(text)
        if compact.endswith(p.SENTENCE_ENDS) or (p.ORG_SUFFIX.search(compact) and "关于" not in compact):
            continue  # a sentence of the text, or a signing body
        if len(p.MENU_BAR.findall(text)) >= 2:
            continue  # a menu
        if any(p.BREADCRUMB.search(below.text) for below in lines[k + 1 : k + 3]):
            continue  # the page's heading comes after its breadcrumb, never above it
        score = 0.0
        if first_label is not None and line.index == first_label - 1:
            score += 2.0
        elif last_label is not None and 0 < line.index - last_label <= 2:
            score += 1.0  # right under the block (a block printed above the heading)
        if date_under(lines[k:], line.index) is not None:
            score += 2.0
        if any(_opens_a_document(below.text) for below in lines[k + 1 : k + 4]):
            score += 2.0
        if p.DOCUMENT_TITLE_END.search(_spaceless(text)):
            score += 1.5
        if score < 2.0:
            continue
        if compact.startswith("关于") and k and p.ORG_SUFFIX.search(lines[k - 1].text):
            # GB/T 9704 title: 发文机关 + 关于…, the body's name often on the line above.
            text = lines[k - 1].text + text
        key = (score, -line.index, Heading(text, line.index))
        if best is None or key[:2] > best[:2]:
            best = key
    return best[2] if best else None
