"""Chinese labels for what the reports show: domains, document types, severities.

The domain strings are exactly the classifier's label set (issue #5). A rule's label is not here:
each rule carries its own (``audits.rules``: ``RULE_LABELS``, ``rule_label``).
"""

from __future__ import annotations

from gongkai.models.labels import DOMAINS, OTHER_DOMAIN  # one label set for every stage

#: Catalog domain names (``corpus/catalogs/standard.yaml``, as the guidelines title them) that the
#: classifier and the reports call otherwise; every other catalog domain is named as a report domain.
CATALOG_DOMAIN_ALIASES: dict[str, str] = {"征地补偿": "农村集体土地征收", "医疗卫生": "卫生健康"}
#: The catalog's items every agency owes whatever its domains (annual report, 公开指南).
GENERAL_CATALOG_DOMAIN = "综合"

DOC_TYPES: dict[str, str] = {
    "normative": "规范性文件",
    "administrative": "行政决定",
    "interpretation": "政策解读",
    "announcement": "公告公示",
    "report": "报告总结",
    "other": "其他",
}

SEVERITIES: dict[str, str] = {"high": "高", "medium": "中", "low": "低", "info": "提示"}

STATUSES: dict[str, str] = {"open": "未整改", "closed": "已关闭"}

#: Shown where a document names no 发布机构 and the site has no agency configured either.
NO_VALUE = "（无）"


def report_domain(catalog_domain: str) -> str:
    """The report's name of a catalog domain (征地补偿 → 农村集体土地征收); others unchanged."""
    return CATALOG_DOMAIN_ALIASES.get(catalog_domain, catalog_domain)


def domain_order(name: str) -> tuple[int, str]:
    """Sort key: the 26 domains in the guide's order, then 综合, 其他 and anything else by name."""
    if name in DOMAINS:
        return DOMAINS.index(name), ""
    if name == GENERAL_CATALOG_DOMAIN:
        return len(DOMAINS), ""
    if name == OTHER_DOMAIN:
        return len(DOMAINS) + 1, ""
    return len(DOMAINS) + 2, name
