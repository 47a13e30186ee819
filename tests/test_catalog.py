"""The catalog: schema-valid, all 26 domains, every 公开时限 wording of the real catalogs parsed."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from gongkai.audits.batch import ColumnRow, DocBatch, SiteData
from gongkai.audits.catalog import catalog_for_site, load_standard
from gongkai.audits.rules import RULES_BY_ID, AuditContext
from gongkai.audits.timelimit import parse_time_limit
from gongkai.models.errors import ConfigError
from gongkai.models.records import ColumnConfig, DocumentRecord, SiteConfig

DOMAINS_26 = {
    "重大建设项目", "公共资源交易", "财政预决算", "税收管理", "城乡规划", "征地补偿",
    "国有土地上房屋征收与补偿",
    "保障性住房", "农村危房改造", "市政服务", "城市综合执法", "生态环境", "安全生产", "救灾", "扶贫",
    "食品药品监管", "公共文化服务", "公共法律服务", "就业", "社会保险", "社会救助", "养老服务", "户籍管理",
    "涉农补贴", "义务教育", "医疗卫生",
}  # fmt: skip


def summary_wordings(shared: Path) -> list[str]:
    lines = (shared / "catalogs" / "SUMMARY.md").read_text(encoding="utf-8").splitlines()
    return [line.split("|")[2].strip() for line in lines if re.match(r"^\| \d+ \| ", line)]


def test_every_wording_in_the_real_catalogs_parses(shared_data: Path) -> None:
    wordings = summary_wordings(shared_data)
    assert len(wordings) == 48
    for text in wordings:
        rule = parse_time_limit(text)
        assert rule.kind != "unknown", text
        for part in rule.parts:
            assert part.kind != "unknown", text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "信息形成或者变更之日起20个工作日内",
            {"kind": "relative", "days": 20, "unit": "working", "event": "formation"},
        ),
        (
            "本级人民代表大会或其常务委员会批准后20日内",
            {"kind": "relative", "days": 20, "unit": "calendar", "event": "approval"},
        ),
        ("收到征地批准文件之日起10个工作日内公开。", {"kind": "relative", "days": 10, "event": "approval"}),
        ("分配结果确定后20个工作日内", {"kind": "relative", "event": "result"}),
        ("制定或获取信息之日起10个工作日内,公示7个工作日", {"days": 10, "display_working_days": 7}),
        ("每年1月31日前", {"kind": "annual", "month": 1, "day": 31}),
        ("6月底前", {"kind": "annual", "month": 6, "day": 30}),
        ("半年至少更新1次", {"kind": "periodic", "period_days": 183}),
        ("实时公开", {"kind": "continuous"}),
        ("常态化", {"kind": "standing"}),
        ("及时公开", {"kind": "immediate"}),
        ("同上", {"kind": "same_as_above"}),
        ("自收到申请之日起20个工作日内", {"kind": "on_request", "days": 20}),
        ("随采购公告、采购文件公开", {"kind": "with_event"}),
        (
            "信息形成或者变更之日起20个工作日内。法律、法规对政府信息公开的期限另有规定的,从其规定。",
            {"days": 20, "proviso": True},
        ),
    ],
)
def test_time_limit_parser(text: str, expected: dict[str, object]) -> None:
    parsed = parse_time_limit(text).as_dict()
    assert {k: parsed.get(k) for k in expected} == expected


def test_compound_limits_keep_what_each_part_applies_to() -> None:
    rule = parse_time_limit("1.除处罚决定外其他内容:长期公开(动态调整);2.处罚决定:20个工作日内。")
    assert rule.kind == "compound"
    assert [(p.kind, p.applies_to, p.event) for p in rule.parts] == [
        ("standing", "除处罚决定外其他内容", None),
        ("relative", "处罚决定", "decision"),
    ]


def test_standard_catalog_covers_the_26_domains_with_sources() -> None:
    catalog = load_standard()
    assert set(catalog.domains) >= DOMAINS_26
    ids = [item.id for item in catalog.items]
    assert len(ids) == len(set(ids))
    for item in catalog.items:
        assert item.sources and all(s in catalog.sources for s in item.sources), item.id
        assert item.time_limit.kind not in ("unknown", "same_as_above"), item.id
        assert item.match.any
    assert {o.id for o in catalog.overrides} == {"budget_final_accounts", "licence_penalty_decision"}


def test_a_site_catalog_extends_and_is_validated(tmp_path: Path) -> None:
    good = tmp_path / "county.yaml"
    good.write_text(
        "extends: standard\nonly_domains: [社会救助, 综合]\ndisable: [shjz.supervision]\n"
        "domains:\n  - name: 社会救助\n    items:\n"
        "      - {id: local.lowincome, level1: 低保, level2: 低保标准, time_limit: 每年1月31日前,\n"
        "         match: {any: [低保标准]}}\n",
        encoding="utf-8",
    )
    catalog = catalog_for_site(str(good))
    assert catalog.gap_check
    ids = {item.id for item in catalog.items}
    assert "local.lowincome" in ids and "shjz.supervision" not in ids and "zh.annual_report" in ids
    assert {item.domain for item in catalog.items} == {"社会救助", "综合"}
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "domains:\n  - name: x\n    items:\n"
        "      - {id: Bad Id, level1: a, level2: b, time_limit: c, match: {any: [d]}}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"bad\.yaml: catalog field domains/0/items/0/id"):
        catalog_for_site(str(bad))


def run_rule(rule_id: str, data: SiteData, today: date) -> list:  # type: ignore[type-arg]
    return RULES_BY_ID[rule_id].run(data, AuditContext(today=today))


def test_catalog_gap_on_a_site_that_names_a_catalog(tmp_path: Path) -> None:
    site = SiteConfig(
        name="county", start_urls=["http://127.0.0.1:1/"], allowed_hosts=["127.0.0.1"], catalog="standard"
    )
    records = [
        DocumentRecord(
            url="http://127.0.0.1:1/1",
            title="某县2024年政府信息公开工作年度报告",
            published_date=date(2025, 1, 20),
        ),
        DocumentRecord(
            url="http://127.0.0.1:1/2", title="某县政府信息公开指南", published_date=date(2019, 3, 1)
        ),
    ]
    data = SiteData(
        site="county", config=site, docs=DocBatch.from_records(records), catalog=catalog_for_site("standard")
    )
    subjects = {f.subject for f in run_rule("catalog_gap", data, date(2025, 6, 1))}
    assert "catalog:zh.annual_report" not in subjects and "catalog:zh.guide" not in subjects
    assert "catalog:shjz.policy" in subjects  # no 社会救助 document at all
    assert not any(s.startswith("catalog:zdbc.approval") for s in subjects)  # on_event items are not expected
    # a year later the 2024 report no longer covers the 2025 one due by 2026-01-31
    assert "catalog:zh.annual_report" in {f.subject for f in run_rule("catalog_gap", data, date(2026, 2, 1))}
    # a site that names no catalog is not checked
    plain = SiteData(
        site="county", config=None, docs=DocBatch.from_records(records), catalog=catalog_for_site(None)
    )
    assert run_rule("catalog_gap", plain, date(2025, 6, 1)) == []


@pytest.mark.parametrize(
    ("kind", "latest", "today", "stale"),
    [
        ("news", date(2025, 3, 1), date(2025, 3, 15), False),  # 14 days
        ("news", date(2025, 3, 1), date(2025, 3, 16), True),
        ("notice", date(2024, 9, 30), date(2025, 3, 30), False),  # 6 months to the day
        ("policy", date(2024, 9, 29), date(2025, 3, 30), True),
        ("policy", None, date(2025, 3, 30), True),  # items without dates count as not updated
        ("other", date(2020, 1, 1), date(2025, 3, 30), False),  # not checked unless configured
    ],
)
def test_stale_column_thresholds(kind: str, latest: date | None, today: date, stale: bool) -> None:
    column = ColumnRow(
        url="http://127.0.0.1:1/col/", name="栏目", kind=kind, item_count=3, latest_item_date=latest
    )
    data = SiteData(site="s", config=None, docs=DocBatch.empty(), columns=[column])
    assert bool(run_rule("stale_column", data, today)) is stale


def test_column_config_overrides_the_threshold_and_empty_columns() -> None:
    config = SiteConfig(
        name="s", start_urls=["http://127.0.0.1:1/"], allowed_hosts=["127.0.0.1"],
        columns=[ColumnConfig(url="http://127.0.0.1:1/a/", kind="other", max_age_days=30)],
    )  # fmt: skip
    columns = [
        ColumnRow(
            url="http://127.0.0.1:1/a/",
            name="统计信息",
            kind="other",
            item_count=5,
            latest_item_date=date(2025, 1, 1),
        ),
        ColumnRow(
            url="http://127.0.0.1:1/b/", name="通知公告", kind="notice", item_count=0, latest_item_date=None
        ),
    ]
    data = SiteData(site="s", config=config, docs=DocBatch.empty(), columns=columns)
    [stale] = run_rule("stale_column", data, date(2025, 2, 15))
    assert stale.subject == "http://127.0.0.1:1/a/" and stale.evidence.values["age_days"] == 45
    [empty] = run_rule("empty_column", data, date(2025, 2, 15))
    assert empty.subject == "http://127.0.0.1:1/b/"
