"""Metadata rules: ``metadata_missing``, ``doc_no_format``, ``date_inconsistency``,
``index_no_duplicate``, ``disclosure_attribute``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from typing import Any

import numpy as np
from gongkai.audits.batch import SiteData, iso
from gongkai.audits.rules.base import AuditContext, Rule, document_finding, guess_reason
from gongkai.extractors.values import doc_no_year, index_no_year
from gongkai.models.records import DISCLOSURE_VALUES, Finding

#: field → its name on the page, for details a reader understands.
FIELD_LABELS = {
    "index_no": "索引号",
    "title": "名称/标题",
    "publisher": "发布机构",
    "written_date": "成文日期",
    "published_date": "发布日期",
}


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def check_metadata_missing(data: SiteData, ctx: AuditContext, params: Mapping[str, Any]) -> list[Finding]:
    docs = data.docs
    columns: dict[str, Any] = {
        "index_no": np.asarray([_blank(v) for v in docs.index_no], dtype=bool),
        "title": np.asarray([_blank(v) for v in docs.titles], dtype=bool),
        "publisher": np.asarray([_blank(v) for v in docs.publisher], dtype=bool),
        "written_date": docs.written == 0,
        "published_date": docs.published == 0,
    }
    fields = [f for f in params["fields"] if f in columns]
    if not len(docs) or not fields:
        return []
    any_missing = np.zeros(len(docs), dtype=bool)
    for name in fields:
        any_missing |= columns[name]
    # A value only guessed from <meta> or the URL is not "missing" here: the rules that read the
    # value (late_publication, date_inconsistency …) say "to review" when they rest on it.
    findings = []
    for row in np.flatnonzero(any_missing):
        missing = [name for name in fields if columns[name][row]]
        labels = "、".join(FIELD_LABELS[name] for name in missing)
        findings.append(
            document_finding(
                METADATA_MISSING,
                data,
                int(row),
                f"the page shows no {labels}",
                {"missing": missing, "labels": [FIELD_LABELS[n] for n in missing]},
                severity="high" if {"title", "published_date"} & set(missing) else None,
            )
        )
    return findings


#: Extraction's defects that are about dates, not typography: date_inconsistency reports them,
#: so one fact is not counted under two rules.
DATE_DEFECTS = frozenset({"year_mismatch"})


def check_doc_no_format(data: SiteData, ctx: AuditContext, params: Mapping[str, Any]) -> list[Finding]:
    docs = data.docs
    cutoff = params["lenient_before"]
    findings = []
    for row, all_defects in enumerate(docs.doc_no_defects):
        defects = [d for d in all_defects if d not in DATE_DEFECTS]
        if not defects:
            continue
        old = docs.written[row] > 0 and docs.written[row] < cutoff.toordinal()
        values = {
            "doc_no": docs.doc_no[row],
            "doc_no_normalized": docs.doc_no_normalized[row],
            "defects": list(defects),
        }
        detail = f"文号 {docs.doc_no[row]!r} deviates from GB/T 9704-2012: {', '.join(defects)}"
        if old:
            detail += f" (document before {cutoff.isoformat()}, when GB/T 9704-2012 took effect)"
        findings.append(
            document_finding(
                DOC_NO_FORMAT,
                data,
                row,
                detail,
                values,
                severity="info" if old else None,
                review_reason=guess_reason(data, row, ("doc_no",)),
            )
        )
    return findings


def years_of(ordinals: np.ndarray) -> np.ndarray:
    """Calendar year of each day ordinal (0 → 0), vectorised through numpy's datetime64."""
    days = (ordinals - date(1970, 1, 1).toordinal()).astype("datetime64[D]")
    return np.where(ordinals > 0, days.astype("datetime64[Y]").astype(np.int64) + 1970, 0)


def _cached_years(values: list[str | None], parse: Any) -> np.ndarray:
    """Parse each distinct value once (a site has far fewer distinct 文号/索引号 shapes than rows)."""
    cache: dict[str, int] = {}
    out = np.zeros(len(values), dtype=np.int64)
    for row, value in enumerate(values):
        if value:
            year = cache.get(value)
            if year is None:
                year = cache[value] = parse(value) or 0
            out[row] = year
    return out


def check_date_inconsistency(data: SiteData, ctx: AuditContext, params: Mapping[str, Any]) -> list[Finding]:
    docs = data.docs
    if not len(docs):
        return []
    today = ctx.today_ordinal
    written, published = docs.written, docs.published
    written_year, published_year = years_of(written), years_of(published)
    doc_nos = [n or d for n, d in zip(docs.doc_no_normalized, docs.doc_no, strict=True)]
    doc_no_years = _cached_years(doc_nos, doc_no_year)
    index_years = _cached_years(docs.index_no, index_no_year)
    before = (written > 0) & (published > 0) & (published < written)
    written_future = written > today
    published_future = published > today
    doc_no_off = (written > 0) & (doc_no_years > 0) & (doc_no_years != written_year)
    # Platforms number by 成文 or by 发布 year (BRIEF §4.3): flag only when it is neither.
    index_off = (
        (written > 0) & (index_years > 0) & (index_years != written_year) & (index_years != published_year)
    )
    any_problem = before | written_future | published_future | doc_no_off | index_off
    findings = []
    for row in np.flatnonzero(any_problem):
        problems: list[dict[str, Any]] = []
        w, p = iso(written[row]), iso(published[row])
        if before[row]:
            problems.append({"kind": "published_before_written", "written_date": w, "published_date": p})
        if written_future[row]:
            problems.append({"kind": "written_in_future", "written_date": w, "today": ctx.today.isoformat()})
        if published_future[row]:
            problems.append(
                {"kind": "published_in_future", "published_date": p, "today": ctx.today.isoformat()}
            )
        if doc_no_off[row]:
            # A document signed in late December may carry the next year's number (BRIEF §4.2).
            december = bool(w and w[5:7] == "12" and doc_no_years[row] == written_year[row] + 1)
            problems.append(
                {
                    "kind": "doc_no_year",
                    "doc_no": doc_nos[row],
                    "doc_no_year": int(doc_no_years[row]),
                    "written_year": int(written_year[row]),
                    "late_december": december,
                }
            )
        if index_off[row]:
            problems.append(
                {
                    "kind": "index_no_year",
                    "index_no": docs.index_no[row],
                    "index_no_year": int(index_years[row]),
                    "written_year": int(written_year[row]),
                }
            )
        used = ["written_date"] if (written_future[row] or doc_no_off[row] or index_off[row]) else []
        if before[row]:
            used += ["written_date", "published_date"]
        if published_future[row]:
            used.append("published_date")
        serious = bool(before[row] or written_future[row] or published_future[row])
        only_december = all(problem.get("late_december") for problem in problems)
        findings.append(
            document_finding(
                DATE_INCONSISTENCY,
                data,
                int(row),
                "; ".join(_describe(problem) for problem in problems),
                {"problems": problems, "written_date": w, "published_date": p},
                severity="high" if serious else ("info" if only_december else "low"),
                review_reason=guess_reason(data, int(row), used),
            )
        )
    return findings


def _describe(problem: dict[str, Any]) -> str:
    kind = problem["kind"]
    if kind == "published_before_written":
        return f"发布日期 {problem['published_date']} is before 成文日期 {problem['written_date']}"
    if kind == "written_in_future":
        return f"成文日期 {problem['written_date']} is after today ({problem['today']})"
    if kind == "published_in_future":
        return f"发布日期 {problem['published_date']} is after today ({problem['today']})"
    if kind == "doc_no_year":
        note = " (late-December document numbered in the new year)" if problem["late_december"] else ""
        return f"文号 year {problem['doc_no_year']} ≠ 成文 year {problem['written_year']}{note}"
    return f"索引号 year {problem['index_no_year']} ≠ 成文 year {problem['written_year']} (and ≠ 发布 year)"


def _index_key(value: str) -> str:
    return "".join(value.split()).upper()


def check_index_no_duplicate(data: SiteData, ctx: AuditContext, params: Mapping[str, Any]) -> list[Finding]:
    docs = data.docs
    groups: dict[str, list[int]] = defaultdict(list)
    for row, value in enumerate(docs.index_no):
        if value and value.strip():
            groups[_index_key(value)].append(row)
    findings = []
    for rows in groups.values():
        if len(rows) < 2:
            continue
        # One document reposted into several columns is one document (BRIEF §6): compare what it is.
        identities = {(docs.titles[r] or "", docs.doc_no_normalized[r] or docs.doc_no[r] or "") for r in rows}
        if len(identities) < 2:
            continue
        others = [docs.urls[r] for r in rows]
        for row in rows:
            values = {
                "index_no": docs.index_no[row],
                "documents": [{"url": docs.urls[r], "title": docs.titles[r]} for r in rows],
            }
            count = len(others) - 1
            detail = f"索引号 {docs.index_no[row]} is also carried by {count} other document(s) of the site"
            findings.append(document_finding(INDEX_NO_DUPLICATE, data, row, detail, values))
    return findings


def check_disclosure_attribute(data: SiteData, ctx: AuditContext, params: Mapping[str, Any]) -> list[Finding]:
    docs = data.docs
    if not len(docs):
        return []
    value = docs.disclosure
    absent = np.fromiter((v is None for v in value), dtype=bool, count=len(docs))
    raw_given = np.fromiter((bool(r and r.strip()) for r in docs.disclosure_raw), dtype=bool, count=len(docs))
    withheld = np.fromiter((v in ("不予公开", "依申请公开") for v in value), dtype=bool, count=len(docs))
    missing = absent & ~raw_given if params["flag_missing"] else np.zeros(len(docs), dtype=bool)
    unrecognised = raw_given & (absent | ~np.fromiter((v in DISCLOSURE_VALUES for v in value), dtype=bool))
    contradicted = withheld & docs.has_content
    findings = []
    for row in np.flatnonzero(missing | unrecognised | contradicted):
        v, raw = value[row], docs.disclosure_raw[row]
        if missing[row]:
            kind, detail, severity = "missing", "the page states no 公开属性", "low"
        elif unrecognised[row]:
            kind = "unrecognised"
            detail = f"公开属性 {raw!r} is not one of 主动公开/依申请公开/不予公开"
            severity = "low"
        else:
            kind = "published_but_" + ("withheld" if v == "不予公开" else "on_request")
            detail = f"marked {v} but published in full on the site"
            severity = "high" if v == "不予公开" else "medium"
        values = {"kind": kind, "disclosure": v, "disclosure_raw": raw}
        findings.append(
            document_finding(
                DISCLOSURE_ATTRIBUTE,
                data,
                int(row),
                detail,
                values,
                severity=severity,  # type: ignore[arg-type]
                review_reason=guess_reason(data, int(row), ("disclosure",)),
            )
        )
    return findings


METADATA_MISSING = Rule(
    id="metadata_missing",
    version="1",
    title_zh="政府信息公开目录要素缺失",
    title_en="Catalog metadata missing",
    legal_basis=(
        "《中华人民共和国政府信息公开条例》第十二条（政府信息公开目录包括索引、名称、内容概述、生成日期）; "
        "发布机构、发布日期：《政府网站发展指引》国办发〔2017〕47号 [S]"
    ),
    parameters={"fields": ["index_no", "title", "publisher", "written_date", "published_date"]},
    severity="medium",
    scope="document",
    check=check_metadata_missing,
    label="元数据缺项",
    indicator="metadata_completeness",
    weight=15,
)

DOC_NO_FORMAT = Rule(
    id="doc_no_format",
    version="1",
    title_zh="发文字号格式不规范",
    title_en="Document number format",
    legal_basis="GB/T 9704-2012《党政机关公文格式》7.2.5; 《党政机关公文处理工作条例》第九条 [S]",
    parameters={"lenient_before": date(2012, 7, 1)},
    severity="low",
    scope="document",
    check=check_doc_no_format,
    label="文号不规范",
    indicator="doc_no_validity",
    weight=8,
)

DATE_INCONSISTENCY = Rule(
    id="date_inconsistency",
    version="1",
    title_zh="日期要素相互矛盾",
    title_en="Inconsistent dates",
    legal_basis=(
        "《中华人民共和国政府信息公开条例》第十二条（生成日期）; GB/T 9704-2012 7.2.5、7.3.5.4 [S]; "
        "伪造发稿日期为《政府网站与政务新媒体检查指标》国办秘函〔2019〕19号 单项否决项 [S]"
    ),
    parameters={},
    severity="low",
    scope="document",
    check=check_date_inconsistency,
    label="日期矛盾",
    indicator="date_consistency",
    weight=5,
)

INDEX_NO_DUPLICATE = Rule(
    id="index_no_duplicate",
    version="1",
    title_zh="索引号重复",
    title_en="Duplicate index number",
    legal_basis=(
        "《中华人民共和国政府信息公开条例》第十二条（政府信息公开目录的索引）; "
        "索引号唯一为各地编制规则通例 [S]"
    ),
    parameters={},
    severity="medium",
    scope="document",
    check=check_index_no_duplicate,
    label="索引号重复",
    indicator="index_no_uniqueness",
    weight=5,
)

DISCLOSURE_ATTRIBUTE = Rule(
    id="disclosure_attribute",
    version="1",
    title_zh="公开属性缺失、不规范或与公开情况矛盾",
    title_en="Disclosure attribute missing, unrecognised or contradicted",
    legal_basis=(
        "国办发〔2016〕80号（公文拟制时明确主动公开、依申请公开、不予公开属性）[S]; "
        "《中华人民共和国政府信息公开条例》第十四条至第十六条（不予公开的范围）"
    ),
    parameters={"flag_missing": True},
    severity="low",
    scope="document",
    check=check_disclosure_attribute,
    label="公开属性问题",
    indicator="disclosure_attribute",
    weight=7,
)
