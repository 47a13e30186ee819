"""标准目录覆盖 (BRIEF §5.5 indicator 19): which catalog items of each domain a site shows.

The catalog is the one the audit uses (:func:`audits.catalog.catalog_for_site` on the site
config's ``catalog``). For each item, the site's documents (up to the period's end) are matched
with the item's own title words (:class:`audits.catalog.Match`, the ``catalog_gap`` rule's test)
and the item's ``catalog_gap`` finding, if the report counts one, is looked up by its subject
``catalog:<item id>``. A cell is then:

- ``gap`` — the audit found the item missing and no document ever matched it;
- ``outdated`` — the audit found the item missing, though older documents matched it (an annual
  or periodic item not renewed in time; the finding's evidence names the newest one);
- ``covered`` — no finding, and at least one document matches;
- ``on_event`` — an item published only when its event happens (a 征地 approval, a penalty):
  the audit does not expect it, and no document matches (yet);
- ``to_review`` — the audit could not say the item is missing: a document might belong to its
  domain on an unsure classifier call (the ``catalog_gap`` finding is ``to_review``); listed, never
  scored;
- ``unassessed`` — an item the audit checks, with no document matching and no finding in the
  report's scope (the audit has not run on this site since, or found it only after the period).

Rows are the catalog's domains in the guide's order, named as the report names them (the
catalog's 征地补偿 is the 农村集体土地征收 row); columns are the item's position within its
domain. Every cell has a code ``row-column`` that the chart prints and the tables list.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from gongkai.audits.catalog import Catalog, CatalogItem, catalog_for_site
from gongkai.models.errors import ConfigError
from gongkai.models.records import SiteConfig
from gongkai.reports.labels import domain_order, report_domain
from pydantic import ValidationError

Status = Literal["covered", "gap", "outdated", "on_event", "to_review", "unassessed"]
STATUS_LABELS: dict[str, str] = {
    "covered": "已覆盖",
    "gap": "缺失",
    "outdated": "未更新",
    "on_event": "依事项发生公开",
    "to_review": "待复核",
    "unassessed": "未评估",
}
#: What the chart writes in a cell (the count of matching documents for covered cells).
STATUS_MARKS: dict[str, str] = {
    "gap": "缺",
    "outdated": "旧",
    "on_event": "—",
    "to_review": "疑",
    "unassessed": "?",
}
#: Cell colours of the matrix (chart and XLSX), by status; a position with no item stays white.
STATUS_COLOURS: dict[str, str] = {
    "covered": "#70ad47",
    "outdated": "#f4b183",
    "gap": "#c00000",
    "unassessed": "#ffd966",
    "to_review": "#9dc3e6",
    "on_event": "#d9d9d9",
}
EXPECT_LABELS: dict[str, str] = {
    "standing": "常设（应有至少一件）",
    "annual": "每年（到期后应有新件）",
    "periodic": "定期（期内应有新件）",
    "on_event": "事项发生时公开（不作缺项检查）",
}
CATALOG_GAP = "catalog_gap"


@dataclass(frozen=True)
class TitleRow:
    """One document as the catalog matching sees it."""

    id: int
    url: str
    title: str | None
    ref_date: str | None


@dataclass(frozen=True)
class CoverageCell:
    code: str
    row: int
    column: int
    domain: str
    catalog_domain: str
    item_id: str
    level1: str
    level2: str
    expect: str
    time_limit: str
    status: Status
    #: Documents (dated up to the period's end) whose title matches the item.
    matches: int
    newest_url: str | None = None
    newest_title: str | None = None
    newest_date: str | None = None
    finding_id: int | None = None
    finding_status: str | None = None
    finding_first_seen: str | None = None
    finding_closed_on: str | None = None
    finding_detail: str | None = None

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def mark(self) -> str:
        return str(self.matches) if self.status == "covered" else STATUS_MARKS[self.status]


@dataclass
class SiteCoverage:
    site: str
    #: The catalog as the site config names it (``standard`` or a file), None when it names none.
    catalog: str | None
    catalog_name: str | None = None
    catalog_version: str | None = None
    #: Why there is no matrix (no catalog configured, an unreadable catalog file), else None.
    note: str | None = None
    documents: int = 0
    #: (report domain, catalog domain) per row, in row order.
    rows: list[tuple[str, str]] = field(default_factory=list)
    cells: list[CoverageCell] = field(default_factory=list)
    #: catalog_gap findings of the site whose item is not in its catalog now (the config or the
    #: catalog file changed since the audit): listed beside the matrix so none goes untraced.
    orphans: list[Mapping[str, Any]] = field(default_factory=list)

    @property
    def has_matrix(self) -> bool:
        return bool(self.cells)

    @property
    def width(self) -> int:
        return max((cell.column for cell in self.cells), default=0)

    def counts(self) -> dict[str, int]:
        found = Counter(cell.status for cell in self.cells)
        return {status: found.get(status, 0) for status in STATUS_LABELS}

    def row_label(self, index: int) -> str:
        domain, catalog_domain = self.rows[index]
        return domain if domain == catalog_domain else f"{domain}（目录：{catalog_domain}）"


def site_catalog(
    site: str, config: Mapping[str, Any] | None
) -> tuple[str | None, Catalog | None, str | None]:
    """(catalog as configured, the loaded catalog, why there is none) for a stored site config.

    The config is read as the audit reads it (``audits.engine``): a config without start URLs is
    a name-only site, and an invalid one names no catalog.
    """
    if not config or "start_urls" not in config:
        return None, None, f"站点 {site} 未配置标准目录（站点配置中没有 catalog 项），不评估标准目录覆盖。"
    try:
        parsed = SiteConfig.model_validate(dict(config))
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"]
        return None, None, f"站点 {site} 的配置无效（{reason}），不评估标准目录覆盖。"
    if not parsed.catalog:
        return None, None, f"站点 {site} 未配置标准目录（站点配置中没有 catalog 项），不评估标准目录覆盖。"
    try:
        catalog = catalog_for_site(parsed.catalog)
    except ConfigError as exc:
        return parsed.catalog, None, f"站点 {site} 配置的标准目录无法读取：{exc}"
    return parsed.catalog, catalog, None


class TitleMatcher:
    """Matches catalog items against many titles: each title word is searched once in one string.

    ``str.find`` over all titles joined is C-speed; only the rows holding a word are then tested
    with the item's full rule (all / exclude words), exactly as the audit tests a title.
    """

    def __init__(self, rows: Sequence[TitleRow]) -> None:
        self.rows = list(rows)
        self.titles = [(row.title or "").replace("\n", " ") for row in self.rows]
        self.text = "\n".join(self.titles)
        self.starts: list[int] = []
        offset = 0
        for title in self.titles:
            self.starts.append(offset)
            offset += len(title) + 1
        self._hits: dict[str, set[int]] = {}

    def _rows_with(self, word: str) -> set[int]:
        if word not in self._hits:
            found: set[int] = set()
            position = self.text.find(word)
            while position != -1:
                row = bisect.bisect_right(self.starts, position) - 1
                found.add(row)
                # continue after this title: one hit per row is enough
                position = self.text.find(word, self.starts[row] + len(self.titles[row]) + 1)
            self._hits[word] = found
        return self._hits[word]

    def matching(self, item: CatalogItem) -> list[TitleRow]:
        candidates: set[int] = set()
        for word in item.match.any:
            candidates |= self._rows_with(word)
        return [self.rows[i] for i in sorted(candidates) if item.match.matches(self.titles[i])]


def _newest(rows: Iterable[TitleRow]) -> TitleRow | None:
    # Undated documents sort oldest; among equals the later id (stored later) wins.
    return max(rows, key=lambda r: (r.ref_date or "", r.id), default=None)


def _evidence_values(finding: Mapping[str, Any]) -> Mapping[str, Any]:
    evidence = finding.get("evidence")
    values = evidence.get("values") if isinstance(evidence, Mapping) else None
    return values if isinstance(values, Mapping) else {}


def build_site_coverage(
    site: str,
    configured: str | None,
    catalog: Catalog | None,
    note: str | None,
    titles: Sequence[TitleRow],
    findings: Sequence[Mapping[str, Any]],
) -> SiteCoverage:
    """The matrix of one site: its catalog's items, matched documents and ``catalog_gap`` findings."""
    coverage = SiteCoverage(site=site, catalog=configured, note=note, documents=len(titles))
    by_item = {
        str(f["subject"]).removeprefix("catalog:"): f
        for f in findings
        if f.get("rule") == CATALOG_GAP and f.get("site") == site
    }
    known = {item.id for item in catalog.items} if catalog is not None else set()
    coverage.orphans = [f for item_id, f in sorted(by_item.items()) if item_id not in known]
    if catalog is None:
        return coverage
    coverage.catalog_name, coverage.catalog_version = catalog.name, catalog.version
    by_domain: dict[str, list[CatalogItem]] = {}
    for item in catalog.items:
        by_domain.setdefault(item.domain, []).append(item)
    ordered = sorted(by_domain, key=lambda name: domain_order(report_domain(name)))
    matcher = TitleMatcher(titles)
    for row_index, catalog_domain in enumerate(ordered, start=1):
        coverage.rows.append((report_domain(catalog_domain), catalog_domain))
        for column, item in enumerate(by_domain[catalog_domain], start=1):
            matched = matcher.matching(item)
            newest = _newest(matched)
            finding = by_item.get(item.id)
            expect = item.expectation()[0]
            status: Status
            if finding is not None and finding.get("certainty") == "to_review":
                status = "to_review"
            elif finding is not None:
                had_match = _evidence_values(finding).get("newest_match_url") or matched
                status = "outdated" if had_match else "gap"
            elif matched:
                status = "covered"
            elif expect == "on_event":
                status = "on_event"
            else:
                status = "unassessed"
            coverage.cells.append(
                CoverageCell(
                    code=f"{row_index}-{column}",
                    row=row_index,
                    column=column,
                    domain=report_domain(catalog_domain),
                    catalog_domain=catalog_domain,
                    item_id=item.id,
                    level1=item.level1,
                    level2=item.level2,
                    expect=expect,
                    time_limit=item.time_limit.text,
                    status=status,
                    matches=len(matched),
                    newest_url=newest.url if newest else None,
                    newest_title=newest.title if newest else None,
                    newest_date=newest.ref_date if newest else None,
                    finding_id=int(finding["id"]) if finding is not None else None,
                    finding_status=finding.get("status") if finding is not None else None,
                    finding_first_seen=finding.get("first_seen") if finding is not None else None,
                    finding_closed_on=finding.get("closed_on") if finding is not None else None,
                    finding_detail=finding.get("detail") if finding is not None else None,
                )
            )
    return coverage


@dataclass(frozen=True)
class AggregateCell:
    """One item across several sites: how many of the sites that owe it show it."""

    code: str
    row: int
    column: int
    domain: str
    item_id: str
    level2: str
    sites: int
    covered: int
    gaps: int
    finding_ids: tuple[int, ...]


def aggregate(coverages: Sequence[SiteCoverage]) -> tuple[list[str], list[AggregateCell]]:
    """One matrix over several sites' catalogs: rows are domains, columns items in first-seen order.

    A site counts for an item when its catalog has the item; it covers it when its cell is
    ``covered`` (or ``on_event``: nothing owed), and lacks it when the audit found a gap.
    """
    columns: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    cells: dict[str, list[CoverageCell]] = {}
    for coverage in coverages:
        for cell in coverage.cells:
            items = columns.setdefault(cell.domain, [])
            if cell.item_id not in items:
                items.append(cell.item_id)
            names[cell.item_id] = cell.level2
            cells.setdefault(cell.item_id, []).append(cell)
    rows = sorted(columns, key=domain_order)
    out = []
    for row_index, domain in enumerate(rows, start=1):
        for column, item_id in enumerate(columns[domain], start=1):
            group = cells[item_id]
            out.append(
                AggregateCell(
                    code=f"{row_index}-{column}",
                    row=row_index,
                    column=column,
                    domain=domain,
                    item_id=item_id,
                    level2=names[item_id],
                    sites=len(group),
                    covered=sum(c.status in ("covered", "on_event") for c in group),
                    gaps=sum(c.status in ("gap", "outdated") for c in group),
                    finding_ids=tuple(sorted(c.finding_id for c in group if c.finding_id is not None)),
                )
            )
    return rows, out
