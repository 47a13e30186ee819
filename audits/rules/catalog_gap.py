"""``catalog_gap``: a 标准目录 item the site should show for the period with no matching document.

Only for sites whose config names a catalog (基层 governments compile one under 国办发〔2019〕54号).
What "expected" means comes from the item (see :meth:`audits.catalog.CatalogItem.expectation`):
``standing`` items need at least one matching document ever; ``annual`` ones one published after
the due date a year before the latest due date; ``periodic`` ones one within the period; items
that only arise on an event (a 征地 approval, a penalty) cannot be expected and are not checked.

A gap is *confirmed* only when the site shows no document of the item's domain in the window: no
title matches the item and every document of the window is confidently classified into another
domain (calibrated probability ≥ ``min_domain_probability``, :mod:`audits.rules.confidence`).
Otherwise a document the words missed may cover the item, and the gap is listed *to review*,
naming how many documents may be of the domain and the best unsure call's probability.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from gongkai.audits.batch import SiteData, iso
from gongkai.audits.catalog import Catalog, CatalogItem, due_dates
from gongkai.audits.rules.base import AuditContext, Rule, subject_finding
from gongkai.audits.rules.confidence import domain_probability, threshold
from gongkai.models.records import Finding


class TitleIndex:
    """All titles of a site, newest first, in one string: a search is a C-speed ``str.find``.

    The first hit of a word is the newest document holding it, so "is there a recent match" stops
    early, and a word absent from the site costs one scan of a few megabytes at most.
    """

    def __init__(self, titles: list[str | None], published: np.ndarray) -> None:
        order = np.lexsort((np.arange(len(titles)), -published))
        self.rows = order
        parts = [(titles[i] or "").replace("\n", " ") for i in order]
        self.text = "\n".join(parts)
        self.starts = np.zeros(len(parts) + 1, dtype=np.int64)
        if parts:
            self.starts[1:] = np.cumsum([len(p) + 1 for p in parts])
        self.titles = parts

    def newest_match(self, item: CatalogItem) -> int | None:
        """The row of the newest document whose title matches the item, or None."""
        best: int | None = None  # position in newest-first order
        for word in item.match.any:
            position = self.text.find(word)
            while position != -1:
                k = int(np.searchsorted(self.starts, position, side="right") - 1)
                if best is not None and k >= best:
                    break
                if item.match.matches(self.titles[k]):
                    best = k
                    break
                position = self.text.find(word, int(self.starts[k + 1]))
        return int(self.rows[best]) if best is not None else None


class DomainCandidates:
    """Per domain, the publication dates of the documents that may belong to it.

    A document may belong to domain D when its call is D, when it is unclassified, or when its
    call is unsure (below ``limit``) and D is among its top-scored domains.
    """

    def __init__(self, data: SiteData, limit: float) -> None:
        docs = data.docs
        self.limit = limit
        self.same: dict[str, list[int]] = {}
        self.unsure: dict[str, list[tuple[int, float]]] = {}
        self.anything: list[int] = []
        for row in range(len(docs)):
            domain = docs.domain[row]
            if domain is None or docs.scores[row] is None:
                self.anything.append(row)
                continue
            top = (docs.scores[row] or {}).get("domain") or {}
            p = domain_probability(docs.scores[row], domain) or 0.0
            if p >= limit:
                self.same.setdefault(domain, []).append(row)
                continue
            for label, score in top.items() if isinstance(top, dict) else []:
                self.unsure.setdefault(label, []).append((row, float(score)))

    def review_reason(self, data: SiteData, domain: str, since: int | None) -> str | None:
        published = data.docs.published

        def in_window(row: int) -> bool:
            return since is None or int(published[row]) >= since

        same = [r for r in self.same.get(domain, []) if in_window(r)]
        unsure = [(r, p) for r, p in self.unsure.get(domain, []) if in_window(r)]
        unknown = [r for r in self.anything if in_window(r)]
        if not (same or unsure or unknown):
            return None
        parts = []
        if same:
            parts.append(
                f"{len(same)} document(s) confidently of domain {domain} match none of the item's words"
            )
        if unsure:
            best = max(p for _, p in unsure)
            parts.append(
                f"{len(unsure)} document(s) may be of domain {domain} (best P = {best:.2f} < "
                f"threshold {self.limit:.2f})"
            )
        if unknown:
            parts.append(f"{len(unknown)} document(s) are not classified")
        return "; ".join(parts)


def check_catalog_gap(data: SiteData, ctx: AuditContext, params: Mapping[str, Any]) -> list[Finding]:
    catalog: Catalog | None = data.catalog
    docs = data.docs
    if catalog is None or not catalog.gap_check or not len(docs):
        return []
    index = TitleIndex(docs.titles, docs.published)
    candidates = DomainCandidates(data, float(params["min_domain_probability"]))
    today = ctx.today
    findings = []
    for item in catalog.items:
        expect, period, due = item.expectation()
        if expect == "on_event":
            continue
        row = index.newest_match(item)
        newest = int(docs.published[row]) if row is not None else 0
        if expect == "standing":
            since = None
            ok = row is not None
            need = "at least one document"
        elif expect == "periodic":
            since = today.toordinal() - int(period or 365)
            ok = row is not None and newest >= since
            need = f"a document within the last {period} days"
        else:
            assert due is not None
            last_due, previous_due = due_dates(due[0], due[1], today)
            since = previous_due.toordinal() + 1
            ok = row is not None and newest >= since
            need = f"a document published after {previous_due.isoformat()} (due by {last_due.isoformat()})"
        if ok:
            continue
        values = {
            "item": item.id,
            "domain": item.domain,
            "level1": item.level1,
            "level2": item.level2,
            "expect": expect,
            "time_limit": item.time_limit.text,
            "match": {"any": list(item.match.any), "all": list(item.match.all)},
            "newest_match_url": docs.urls[row] if row is not None else None,
            "newest_match_date": iso(newest) if row is not None else None,
            "window_start": iso(since) if since else None,
            "sources": [catalog.sources.get(s, {}).get("url", s) for s in item.sources],
        }
        window = None if since is None else int(since)
        reason = candidates.review_reason(data, item.domain, window)
        if reason is not None and row is not None:
            reason = f"an older document matches; {reason}"
        found = f"; the newest matching document is from {iso(newest)}" if row is not None else "; none found"
        detail = f"标准目录 {item.domain} / {item.level1} / {item.level2}: expected {need}{found}"
        findings.append(
            subject_finding(
                CATALOG_GAP,
                data,
                f"catalog:{item.id}",
                detail,
                values,
                severity="low" if expect == "periodic" else None,
                review_reason=reason,
            )
        )
    return findings


CATALOG_GAP = Rule(
    id="catalog_gap",
    version="2",
    title_zh="标准目录事项未见公开",
    title_en="Catalog item not published",
    legal_basis=(
        "《中华人民共和国政府信息公开条例》第二十条、第二十一条; 国办发〔2019〕54号 基层政务公开标准化规范化 "
        "及26个领域基层政务公开标准指引 [S]"
    ),
    #: Below it a document's domain call is unsure: it may be of the item's domain.
    parameters={"min_domain_probability": threshold("domain")},
    severity="medium",
    scope="catalog",
    check=check_catalog_gap,
    label="目录事项缺失",
    indicator="catalog_coverage",
    weight=5,
)
