"""The indicators of BRIEF §5.5 the stored data supports, per scope, agency, domain and month.

Each document indicator is a share: of the documents it applies to ("eligible"), how many carry
an open finding of its rules ("failing"). Failing documents are always counted as eligible, so a
rate never rests on findings it does not count, and every failing count is a list of finding ids.
Column and catalog indicators count findings. Extra figures (lag median/p90, field presence) are
computed from the documents and say so.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from gongkai.audits.rules import rules_feeding
from gongkai.reports.dataset import Doc, ReportData
from gongkai.reports.labels import DOMAINS, OTHER_DOMAIN, report_domain

Level = Literal["document", "column", "catalog"]
LATE_LIMIT_WD = 20


@dataclass(frozen=True)
class IndicatorDef:
    id: str
    name: str
    rules: tuple[str, ...]
    basis: str
    definition: str
    level: Level = "document"
    applies: Callable[[Doc, ReportData], bool] | None = None


def _timeliness_tested(doc: Doc, _: ReportData) -> bool:
    # What late_publication tests: own documents, 主动公开 or unmarked, with both dates.
    return doc.timeliness_tested


def _needs_interpretation(doc: Doc, _: ReportData) -> bool:
    # What the 解读 rules tested (the audit's record; by default the site's own policies only).
    return doc.interpretation_tested


def _has_linked_interpretation(doc: Doc, data: ReportData) -> bool:
    return _needs_interpretation(doc, data) and doc.id in data.interpretation_lags


INDICATORS: tuple[IndicatorDef, ...] = (
    IndicatorDef(
        "timely_publication",
        "按时发布率",
        rules_feeding("timely_publication"),
        "《政府信息公开条例》第二十六条",
        "本机关文件中，成文至发布不超过20个工作日（不计起始日，按国务院节假日安排含调休）或法定特别时限的比例。",
        applies=_timeliness_tested,
    ),
    IndicatorDef(
        "interpretation_coverage",
        "解读覆盖率",
        rules_feeding("interpretation_coverage"),
        "国办发〔2016〕80号",
        "需要解读的政策文件（规章、规范性文件等）中，已关联政策解读的比例。",
        applies=_needs_interpretation,
    ),
    IndicatorDef(
        "interpretation_timeliness",
        "解读及时率",
        rules_feeding("interpretation_timeliness"),
        "国办发〔2016〕80号（同步）；地方规定（3个工作日）",
        "已关联解读的政策文件中，解读在宽限期内发布的比例。",
        applies=_has_linked_interpretation,
    ),
    IndicatorDef(
        "metadata_completeness",
        "元数据完整率",
        rules_feeding("metadata_completeness"),
        "《政府信息公开条例》第十二条",
        "索引号、名称、发布机构、成文日期、发布日期齐全的文件比例。",
        applies=lambda d, _: True,
    ),
    IndicatorDef(
        "doc_no_validity",
        "文号规范率",
        rules_feeding("doc_no_validity"),
        "GB/T 9704-2012 第7.2.5条",
        "有文号的文件中，文号格式规范（六角括号、四位年份、无“第”、无前导零）的比例。",
        applies=lambda d, _: bool(d.doc_no),
    ),
    IndicatorDef(
        "disclosure_attribute",
        "公开属性规范率",
        rules_feeding("disclosure_attribute"),
        "国办发〔2016〕80号（公开属性源头认定）",
        "标注了可识别且与页面一致的公开属性的文件比例。",
        applies=lambda d, _: True,
    ),
    IndicatorDef(
        "date_consistency",
        "日期一致率",
        rules_feeding("date_consistency"),
        "《政府信息公开条例》第二十六条；GB/T 9704-2012",
        "有日期的文件中，成文不晚于发布、日期不在未来、文号年份与成文年份一致的比例。",
        applies=lambda d, _: d.written_date is not None or d.published_date is not None,
    ),
    IndicatorDef(
        "index_no_uniqueness",
        "索引号唯一率",
        rules_feeding("index_no_uniqueness"),
        "《政府信息公开条例》第十二条",
        "有索引号的文件中，索引号在本站唯一的比例。",
        applies=lambda d, _: bool(d.index_no),
    ),
    IndicatorDef(
        "column_upkeep",
        "栏目维护",
        rules_feeding("column_upkeep"),
        "国办秘函〔2019〕19号",
        "空白栏目与超期未更新栏目（动态/要闻2周，通知公告/政策文件6个月）的数量。",
        level="column",
    ),
    IndicatorDef(
        "catalog_coverage",
        "标准目录覆盖",
        rules_feeding("catalog_coverage"),
        "国办发〔2019〕54号",
        "标准目录中本期应公开而站点没有对应文件的事项数。",
        level="catalog",
    ),
)
BY_ID = {indicator.id: indicator for indicator in INDICATORS}
DOCUMENT_INDICATORS = tuple(i for i in INDICATORS if i.level == "document")


@dataclass
class Result:
    """One indicator over one group of documents (or one scope of columns/catalog items)."""

    indicator: str
    eligible: int
    failing: int
    finding_ids: list[int] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def assessed(self) -> bool:
        """Whether there was anything to assess (a score leaves out what was not)."""
        return self.eligible > 0 or self.failing > 0 or bool(self.extra.get("assessed"))

    @property
    def rate(self) -> float | None:
        """The compliant share, or None where nothing was assessed."""
        if self.eligible == 0:
            return None
        return (self.eligible - self.failing) / self.eligible


def percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile (the value at rank ceil(share × n)); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return float(ordered[rank - 1])


def median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


#: The indicators whose extra figures (:func:`_extra`) read the documents in their denominator.
NEEDS_DOCUMENTS = frozenset(
    {"timely_publication", "interpretation_timeliness", "metadata_completeness", "disclosure_attribute"}
)


def document_result(
    indicator: IndicatorDef, docs: Sequence[Doc], data: ReportData, ids: set[int] | None = None
) -> Result:
    """One document indicator over ``docs`` (``ids``: their ids, when the caller has the set).

    Set arithmetic over the verdicts worked out once per report (:func:`_verdicts`): the
    documents with no finding count by one intersection, the few with one are looked at."""
    verdicts = _verdicts(indicator, data)
    ids = {d.id for d in docs} if ids is None else ids
    in_denominator = ids & verdicts.applying
    failing = 0
    found_ids: list[int] = []
    held: list[int] = []
    special = verdicts.special
    unseen = ids - verdicts.seen
    if unseen:  # documents the report did not load (a caller's own list): judged one by one
        special = {**special, **{d.id: _verdict(indicator, d, data) for d in docs if d.id in unseen}}
    for doc_id in ids & special.keys():
        found, doubtful, applies = special[doc_id]
        if doubtful:
            # Held back as uncertain: neither passed nor failed, so out of the denominator.
            held.extend(doubtful)
            continue
        if applies:
            in_denominator.add(doc_id)
        if found:
            failing += 1
            found_ids.extend(found)
    applying = [d for d in docs if d.id in in_denominator] if indicator.id in NEEDS_DOCUMENTS else []
    extra = _extra(indicator.id, applying, data)
    extra["held_back"] = sorted(held)
    return Result(indicator.id, len(in_denominator), failing, sorted(found_ids), extra)


Verdict = tuple[list[int], list[int], bool]


@dataclass
class Verdicts:
    """Every document of the report under one indicator: the few with a finding (confirmed or to
    review) keep their verdict; of the rest only whether they are in the denominator."""

    special: dict[int, Verdict]
    applying: set[int]
    seen: set[int]


def _verdict(indicator: IndicatorDef, doc: Doc, data: ReportData) -> Verdict:
    """One document under one indicator: (confirmed finding ids, to-review ids when there is no
    confirmed one, whether it is in the denominator)."""
    assert indicator.applies is not None
    found = [fid for rule in indicator.rules for fid in data.by_doc.get((rule, doc.id), ())]
    doubtful = (
        [] if found else [fid for rule in indicator.rules for fid in data.held_back.get((rule, doc.id), ())]
    )
    # News, list and other pages are not official documents: never in a denominator
    # (unless a confirmed finding is about them, which is always counted).
    applies = bool(found) or (not doubtful and doc.page_kind == "document" and indicator.applies(doc, data))
    return found, doubtful, applies


def _verdicts(indicator: IndicatorDef, data: ReportData) -> Verdicts:
    """Every document's verdict under ``indicator``, worked out once per report: the scopes (all,
    each site, each government, 发布机构, 领域, 月份) then only add them up. Only documents with a
    finding of the indicator's rules need :func:`_verdict`; the others apply or not."""
    cached = data.verdicts.get(indicator.id)
    if cached is None:
        rules = set(indicator.rules)
        flagged = {doc_id for (rule, doc_id) in (*data.by_doc, *data.held_back) if rule in rules}
        applies = indicator.applies
        assert applies is not None
        special: dict[int, Verdict] = {}
        plain: set[int] = set()
        for doc in data.docs:
            if doc.id in flagged:
                special[doc.id] = _verdict(indicator, doc, data)
            elif doc.page_kind == "document" and applies(doc, data):
                plain.add(doc.id)
        cached = data.verdicts[indicator.id] = Verdicts(special, plain, {d.id for d in data.docs})
    return cached


#: The Art. 12 fields whose presence 元数据完整率 reports (attribute → label).
METADATA_FIELDS = {
    "index_no": "索引号",
    "title": "名称",
    "publisher": "发布机构",
    "written_date": "成文日期",
    "published_date": "发布日期",
}


def _presence(doc: Doc) -> tuple[bool, ...]:
    return tuple(getattr(doc, name) not in (None, "") for name in METADATA_FIELDS)


def _extra(indicator: str, docs: Sequence[Doc], data: ReportData) -> dict[str, Any]:
    if indicator == "timely_publication":
        lags = [d.lag for d in docs if d.lag is not None]
        return {
            "median_wd": median(lags),
            "p90_wd": percentile(lags, 0.9),
            "max_wd": max(lags) if lags else None,
            "over_limit_by_lag": sum(lag > LATE_LIMIT_WD for lag in lags),
            "provisional": sum(d.lag_provisional for d in docs),
        }
    if indicator == "interpretation_timeliness":
        lags = [data.interpretation_lags[d.id] for d in docs if d.id in data.interpretation_lags]
        return {"median_wd": median(lags), "p90_wd": percentile(lags, 0.9)}
    if indicator == "metadata_completeness":
        total = len(docs)
        presence = data.presence
        if len(presence) != len(data.docs):
            presence.update((d.id, _presence(d)) for d in data.docs)
        counts = [
            sum(column) for column in zip(*(presence.get(d.id) or _presence(d) for d in docs), strict=True)
        ]
        return {
            f"present_{name}": (counts[index] / total if total else None)
            for index, name in enumerate(METADATA_FIELDS)
        }
    if indicator == "disclosure_attribute":
        total = len(docs)
        return {"present_disclosure": sum(d.disclosure is not None for d in docs) / total if total else None}
    return {}


def column_result(data: ReportData, sites: Sequence[str] | None = None) -> Result:
    indicator = BY_ID["column_upkeep"]
    chosen = set(sites) if sites is not None else set(data.sites)
    findings = [f for f in data.findings_of(indicator.rules) if f["site"] in chosen]
    columns = [c for c in data.columns if c["site"] in chosen]
    empty = sum(f["rule"] == "empty_column" for f in findings)
    stale = sum(f["rule"] == "stale_column" for f in findings)
    return Result(
        indicator.id,
        eligible=len(columns),
        failing=len(findings),
        finding_ids=sorted(int(f["id"]) for f in findings),
        # 国办秘函〔2019〕19号: ≥5 stale columns or ≥5 empty columns is a single veto (单项否决).
        extra={
            "empty": empty,
            "stale": stale,
            "veto": empty >= 5 or stale >= 5,
            "held_back": _held_back(data, indicator.rules, chosen),
        },
    )


def catalog_result(data: ReportData, sites: Sequence[str] | None = None) -> Result:
    """Catalog gaps, counted; assessed only where a site names a catalog (or has gap findings).

    ``eligible`` is the number of items the audit checks (every item but those published only
    when their event happens) over the sites with a catalog matrix.
    """
    indicator = BY_ID["catalog_coverage"]
    chosen = set(sites) if sites is not None else set(data.sites)
    findings = [f for f in data.findings_of(indicator.rules) if f["site"] in chosen]
    matrices = [c for c in data.coverage if c.site in chosen and c.has_matrix]
    cells = [cell for coverage in matrices for cell in coverage.cells]
    by_domain: dict[str, int] = defaultdict(int)
    for finding in findings:
        by_domain[catalog_domain(finding)] += 1
    return Result(
        indicator.id,
        # An item held back as to review is neither a gap nor covered: out of the denominator.
        eligible=sum(cell.expect != "on_event" and cell.status != "to_review" for cell in cells),
        failing=len(findings),
        finding_ids=sorted(int(f["id"]) for f in findings),
        extra={
            "by_domain": dict(by_domain),
            "assessed": bool(matrices),
            "items": len(cells),
            "covered": sum(cell.status == "covered" for cell in cells),
            "sites_with_catalog": [c.site for c in matrices],
            "sites_without_catalog": [c.site for c in data.coverage if c.site in chosen and not c.has_matrix],
            "held_back": _held_back(data, indicator.rules, chosen),
        },
    )


def _held_back(data: ReportData, rules: Sequence[str], sites: set[str]) -> list[int]:
    """Ids of the to-review findings of these rules and sites (counted apart, never scored)."""
    return sorted(int(f["id"]) for f in data.findings_of(rules, to_review=True) if f["site"] in sites)


def catalog_domain(finding: dict[str, Any]) -> str:
    evidence = finding.get("evidence") if isinstance(finding.get("evidence"), dict) else {}
    values = evidence.get("values") if isinstance(evidence.get("values"), dict) else {}
    domain = values.get("domain") or finding.get("domain")
    return report_domain(str(domain)) if domain else OTHER_DOMAIN


def scope_results(data: ReportData, docs: Sequence[Doc], sites: Sequence[str] | None) -> dict[str, Result]:
    """Every indicator over one scope: these documents, and the columns/catalog of these sites."""
    ids = {d.id for d in docs}
    results = {i.id: document_result(i, docs, data, ids) for i in DOCUMENT_INDICATORS}
    results["column_upkeep"] = column_result(data, sites)
    results["catalog_coverage"] = catalog_result(data, sites)
    return results


def grouped(
    data: ReportData, key: Callable[[Doc], str | None], order: Sequence[str] | None = None
) -> dict[str, dict[str, Result]]:
    """Document indicators per group of documents (agency, domain, month …)."""
    groups: dict[str, list[Doc]] = defaultdict(list)
    for doc in data.docs:
        name = key(doc)
        if name is not None:
            groups[name].append(doc)
    names = list(order) if order is not None else sorted(groups, key=lambda n: (-len(groups[n]), n))
    out = {}
    for name in names:
        members = groups.get(name, [])
        ids = {d.id for d in members}
        out[name] = {i.id: document_result(i, members, data, ids) for i in DOCUMENT_INDICATORS}
    return out


def by_agency(data: ReportData) -> dict[str, dict[str, Result]]:
    return grouped(data, lambda d: d.agency)


def by_domain(data: ReportData) -> dict[str, dict[str, Result]]:
    return grouped(
        data, lambda d: d.domain if d.domain in DOMAINS else OTHER_DOMAIN, [*DOMAINS, OTHER_DOMAIN]
    )


def by_month(data: ReportData) -> dict[str, dict[str, Result]]:
    months = data.period.months() or sorted({d.month for d in data.docs if d.month})
    return grouped(data, lambda d: d.month, months)


def doc_counts(
    data: ReportData, key: Callable[[Doc], str], docs: Sequence[Doc] | None = None
) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for doc in data.docs if docs is None else docs:
        counts[key(doc)] += 1
    return dict(counts)
