"""Read the real material the demo facts are made from, in place from ``../shared/data``.

Only ``gongkai demo-facts refresh`` reads it (:mod:`gongkai.demo.refresh`): from these rows it keeps
the bibliographic facts the demo needs (kind, issuing body, title, 文号, dates) in
``corpus/demo/facts.tsv.gz``; no body, URL or page byte is kept. Every reader returns plain records
sorted in a fixed order so the facts are deterministic for a given data folder.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from functools import lru_cache
from pathlib import Path

from gongkai.demo.facts import DOC_NO, ORDER_NO, RealDocument, RealNews, RealRepost
from gongkai.models.errors import GongkaiError

from gongkai.resources import data_dir


class SharedDataMissing(GongkaiError):
    """The real data folder the demo sites are generated from cannot be found."""


def shared_data_dir() -> Path:
    """``$GONGKAI_DATA``, else ``../shared/data`` beside the checkout."""
    folder = data_dir()
    if not (folder / "corpus").is_dir():
        raise SharedDataMissing(
            f"{folder}: the shared real data is missing (set GONGKAI_DATA to the shared/data folder)"
        )
    return folder


def _iso(value: str) -> date | None:
    value = value.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _clean_doc_no(raw: str) -> str:
    """Drop a scraped label prefix (``发文字号：``) and the whitespace scraping put inside."""
    value = raw.split("：")[-1]
    return re.sub(r"[\s\u3000\u00a0]+", "", value)


@lru_cache(maxsize=4)
def real_documents(folder: Path) -> tuple[RealDocument, ...]:
    """Documents present in both ``titles_with_dates.tsv`` and ``doc_numbers.tsv`` (joined on URL).

    Kept only when both dates are known and on the official calendar (2004 on), 成文 ≤ 发布,
    and the 文号 is printed validly (the
    generator plants its own defects; a real one would be an unplanned finding).
    """
    corpus = folder / "corpus"
    numbers: dict[str, str] = {}
    with open(corpus / "doc_numbers.tsv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            numbers[row["url"]] = _clean_doc_no(row["doc_no"] or "")
    out: list[RealDocument] = []
    with open(corpus / "titles_with_dates.tsv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            doc_no = numbers.get(row["url"])
            written, published = _iso(row["written_date"]), _iso(row["published_date"])
            if (
                not doc_no
                or written is None
                or published is None
                or not date(2004, 1, 1) <= written <= published
            ):
                continue
            if not (DOC_NO.match(doc_no) or ORDER_NO.match(doc_no)):
                continue
            title = re.sub(r"\s+", "", row["title"])
            out.append(RealDocument(row["government"], title, doc_no, written, published))
    out.sort(key=lambda d: (d.government, d.published, d.written, d.doc_no, d.title))
    return tuple(out)


@lru_cache(maxsize=4)
def _policy_library(folder: Path) -> tuple[dict[str, str], ...]:
    path = folder / "corpus" / "govcn_policy_library.tsv"
    with open(path, encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def real_reposts(folder: Path) -> list[RealRepost]:
    """State Council 批复/函 with a valid 文号: documents local sites repost in 上级文件 columns."""
    out = []
    for row in _policy_library(folder):
        published, doc_no = _iso(row["pub_date"]), _clean_doc_no(row["pcode"] or "")
        if row["category"] != "国务院文件" or published is None or not DOC_NO.match(doc_no):
            continue
        if not re.search(r"批复|同意", row["title"]) or row["puborg"] not in ("国务院", "国务院办公厅"):
            continue
        out.append(RealRepost(row["title"], doc_no, row["puborg"], published))
    out.sort(key=lambda r: (r.published, r.doc_no))
    return out


def real_news(folder: Path) -> list[RealNews]:
    """News headlines (not interpretations) for 工作动态/要闻 columns."""
    out = []
    for row in _policy_library(folder):
        published = _iso(row["pub_date"])
        title = row["title"].strip()
        if row["category"] != "政策解读" or published is None or not title:
            continue
        if re.search(
            r"解读|问答|图解|一图|答记者|读懂|问：|政策|办法|规定|细则|措施|方案|意见|条例|规划|通知|公告|决定|批复|印发",
            title,
        ):
            continue
        out.append(RealNews(title, published))
    out.sort(key=lambda r: (r.published, r.title))
    return out
