"""Columns as a crawl sees them over nights: a redesign is an operator alert, never a finding;
an empty column needs a positive signal seen on two nights; news is stored but never audited as
policy; a navigation page with a metadata block is kept as a document; a 解读 page's 文件链接 is
followed and its breadcrumb is not."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from gongkai.audits.batch import ColumnRow
from gongkai.audits.rules.columns import NOT_EMPTY, empty_review_reason
from gongkai.crawler.archive import WarcArchive
from gongkai.crawler.engine import CrawlStats, crawl_site
from gongkai.crawler.politeness import HostGates
from gongkai.flows import pipeline
from gongkai.models.records import CrawlPolicy, SiteConfig, SiteHints
from gongkai.models.store import Store, open_store
from gongkai.models.tables import documents

from tests.family_sites import FamilySite, Reply, ServedFamily, serve_family

POLICY = CrawlPolicy(timeout_seconds=2.0, total_timeout_seconds=5.0, backoff_seconds=0.01, max_retries=1)
AGENCY = "示例县松林镇人民政府"
TODAY = date(2026, 11, 20)


def page(title: str, body: str) -> bytes:
    return (
        f"<html><head><title>{title}</title></head><body>"
        '<div class="nav"><a href="/">首页</a> <a href="/xxgk/">信息公开</a></div>'
        f"{body}<div class='footer'>主办：{AGENCY}</div></body></html>"
    ).encode()


def detail(title: str, n: int, day: date, extra: str = "") -> bytes:
    block = (
        f"<table><tr><td>索引号：</td><td>SL-{n:04d}</td><td>发布机构：</td><td>{AGENCY}</td></tr>"
        f"<tr><td>发文字号：</td><td>松政〔{day.year}〕{n}号</td><td>成文日期：</td><td>{day}</td></tr></table>"
    )
    return page(title, f"{block}<h1>{title}</h1><div id='zoom'><p>正文。</p></div>{extra}")


def dated_list(title: str, items: list[tuple[str, str, date]]) -> bytes:
    rows = "".join(f'<li><a href="{u}">{t}</a><span>{d}</span></li>' for u, t, d in items)
    return page(title, f'<div class="crumb">当前位置：首页 &gt; {title}</div><ul class="list">{rows}</ul>')


@contextmanager
def site(routes: dict[str, bytes]) -> Iterator[ServedFamily]:
    def handler(method: str, target: str, form: dict[str, str]) -> Reply | None:
        body = routes.get(target) or (routes.get(target + "index.html") if target.endswith("/") else None)
        return Reply(body) if body is not None and method == "GET" else None

    with serve_family(FamilySite("t", "/", {}, set(), set(), 0, handler)) as served:
        yield served


def crawl(served: ServedFamily, store: Store, tmp: Path, start: str, **config: object) -> CrawlStats:
    site_config = SiteConfig(
        name="songlin",
        agency=AGENCY,
        start_urls=[served.base_url + start],
        allowed_hosts=[served.host],
        delay_seconds=0,
        **config,  # type: ignore[arg-type]
    )
    with WarcArchive(tmp / "warc", "songlin") as archive:
        return crawl_site(site_config, store, archive, policy=POLICY, gates=HostGates())


def notices(count: int) -> list[tuple[str, str, date]]:
    return [
        (f"/xxgk/tzgg/c{n}.html", f"关于做好第{n}批次防汛物资储备的通知", date(2026, 10, 1 + n))
        for n in range(count)
    ]


def test_a_redesigned_column_is_an_alert_never_a_finding(tmp_path: Path) -> None:
    items = notices(4)
    routes = {"/xxgk/tzgg/": dated_list("通知公告", items)}
    routes |= {u: detail(t, n, d) for n, (u, t, d) in enumerate(items)}
    with site(routes) as served, open_store(f"sqlite:///{tmp_path / 'g.db'}") as store:
        first = crawl(served, store, tmp_path, "/xxgk/tzgg/")
        assert first.alerts == [] and first.errors == 0
        [column] = store.list_columns("songlin")
        assert column.item_count == 4
        # 改版: the list is now rendered in the browser from an endpoint we cannot see.
        routes["/xxgk/tzgg/"] = page(
            "通知公告", '<div id="app"></div><script src="/static/app.min.js"></script>'
        )
        second = crawl(served, store, tmp_path, "/xxgk/tzgg/")
        [alert] = second.alerts
        assert "layout changed" in alert["reason"] and alert["url"].endswith("/xxgk/tzgg/")
        assert alert["warc_record_id"]  # the archived page the operator can look at
        assert any("layout changed" in line for line in second.alert_lines())
        [kept] = store.list_columns("songlin")
        assert kept.item_count == 4  # the stored column is not overwritten with a false zero
        pipeline.audit_step(store, "songlin", TODAY)
        assert store.list_findings("songlin", "empty_column") == []


def test_a_configured_hint_matching_nothing_is_an_alert(tmp_path: Path) -> None:
    items = notices(3)
    routes = {"/xxgk/tzgg/": dated_list("通知公告", items)}
    routes |= {u: detail(t, n, d) for n, (u, t, d) in enumerate(items)}
    with site(routes) as served, open_store(f"sqlite:///{tmp_path / 'g.db'}") as store:
        stats = crawl(
            served, store, tmp_path, "/xxgk/tzgg/", hints=SiteHints(list_item_selector="//ul[@class='wj']/li")
        )
        assert [a["reason"] for a in stats.alerts] == [
            "layout changed: the configured hints match nothing (the page shows 3 items to generic discovery)"
        ]
        pipeline.audit_step(store, "songlin", TODAY)
        assert store.list_findings("songlin", "empty_column") == []


def test_an_empty_marker_is_a_to_review_finding_until_seen_on_a_second_night(tmp_path: Path) -> None:
    routes = {
        "/xxgk/gzdt/": page(
            "工作动态", '<div class="crumb">当前位置：首页 &gt; 工作动态</div><ul><li>暂无信息</li></ul>'
        )
    }
    with site(routes) as served, open_store(f"sqlite:///{tmp_path / 'g.db'}") as store:
        crawl(served, store, tmp_path, "/xxgk/gzdt/")
        [column] = store.list_columns("songlin")
        assert (column.item_count, column.empty_signal) == (0, "暂无信息")
        since = column.empty_since
        pipeline.audit_step(store, "songlin", TODAY)
        [finding] = store.list_findings("songlin", "empty_column")
        assert finding.certainty == "to_review"  # seen by one night's crawl only
        crawl(served, store, tmp_path, "/xxgk/gzdt/")
        [again] = store.list_columns("songlin")
        assert again.empty_since == since  # first seen empty: carried over from night to night
        pipeline.audit_step(store, "songlin", TODAY)
        [finding] = store.list_findings("songlin", "empty_column")
        assert finding.certainty == "confirmed"  # seen again by the next night's crawl
    checked = datetime(2026, 11, 20, 3, tzinfo=UTC)
    row = ColumnRow("u", "工作动态", "news", 0, None, checked, "暂无信息", checked - timedelta(days=1))
    assert empty_review_reason(row) is None  # two nights: confirmed
    assert empty_review_reason(ColumnRow("u", None, None, 0, None, checked, "暂无信息", checked))
    assert empty_review_reason(ColumnRow("u", None, None, 0, None, checked, "none", None)) == NOT_EMPTY


def test_news_is_stored_but_never_audited_as_policy(tmp_path: Path) -> None:
    news = [
        (f"/xxgk/gzdt/n{n}.html", f"松林镇召开第{n}次秋冬季防火工作部署会", date(2026, 10, 3 + n))
        for n in range(3)
    ]
    routes = {"/xxgk/gzdt/": dated_list("工作动态", news)}
    # News pages carry no metadata block: as policy documents they would draw metadata findings.
    routes |= {u: page(t, f"<h1>{t}</h1><div id='zoom'><p>会议要求。</p></div>") for u, t, _d in news}
    with site(routes) as served, open_store(f"sqlite:///{tmp_path / 'g.db'}") as store:
        stats = crawl(served, store, tmp_path, "/xxgk/gzdt/")
        assert stats.news == 3
        with store.engine.connect() as conn:
            kinds = conn.execute(sa.select(documents.c.page_kind)).scalars().all()
        assert kinds == ["news"] * 3
        pipeline.audit_step(store, "songlin", TODAY)
        on_documents = [f for f in store.list_findings("songlin") if f.document_url]
        assert on_documents == []
        assert pipeline.document_counts(store, "songlin")["news"] == 3


def test_navigation_page_with_a_metadata_block_is_a_document_and_policy_links_are_followed(
    tmp_path: Path,
) -> None:
    day = date(2026, 9, 9)
    jds = [
        (f"/xxgk/zcjd/jd{n}.html", f"一图读懂松林镇第{n}号秸秆禁烧实施方案", day + timedelta(days=n))
        for n in range(3)
    ]
    routes = {"/xxgk/zcjd/": dated_list("政策解读", jds)}
    for n, (url, title, _d) in enumerate(jds):
        # A 解读 page: breadcrumb to its column (never a 解读 link), 文件链接 to a policy listed nowhere.
        crumb = (
            '<div class="position">当前位置：<a href="/">首页</a> &gt; '
            '<a href="/xxgk/zcjd/">政策解读</a></div>'
        )
        link = f'<p>文件链接：<a href="/xxgk/zcwj/p{n}.html">松林镇秸秆禁烧实施方案（第{n}号）</a></p>'
        routes[url] = page(title, f"{crumb}<h1>{title}</h1><div id='zoom'><p>解读。</p></div>{link}")
        routes[f"/xxgk/zcwj/p{n}.html"] = detail(f"松林镇秸秆禁烧实施方案（第{n}号）", n, day)
    # The 信息公开 index links a 办事指南 page through its menu: a page with a metadata block.
    routes["/xxgk/"] = page(
        "信息公开",
        '<ul class="menu"><li><a href="/xxgk/zcjd/">政策解读</a></li>'
        '<li><a href="/xxgk/bszn.html">办事指南</a></li></ul>',
    )
    routes["/xxgk/bszn.html"] = detail("松林镇建房审批办事指南", 77, day)
    with site(routes) as served, open_store(f"sqlite:///{tmp_path / 'g.db'}") as store:
        stats = crawl(served, store, tmp_path, "/xxgk/")
        stored = {row["url"].removeprefix(served.base_url) for row in store.list_documents("songlin")}
    assert stats.errors == 0
    assert {f"/xxgk/zcwj/p{n}.html" for n in range(3)} <= stored  # 文件链接 followed
    assert "/xxgk/bszn.html" in stored  # reached as navigation, kept as a document
    assert not {"/xxgk/", "/xxgk/zcjd/", "/"} & stored  # breadcrumbs and columns are not documents
    assert stored == {u for u, _t, _d in jds} | {f"/xxgk/zcwj/p{n}.html" for n in range(3)} | {
        "/xxgk/bszn.html"
    }


def test_the_nights_summary_lists_alerts_and_counts_news_apart() -> None:
    alert = "alert: column 通知公告 http://h/tzgg/: layout changed: 4 items before, none recognised now"
    night = {
        "crawl": {"new_documents": 2, "alerts_text": [alert]},
        "audit": {"rules": {"empty_column": {"opened": 0}}},
        "counts": {"documents": 2, "news": 3},
    }
    summary = pipeline.summarise({"songlin": night})
    assert "| songlin | 2 | 3 | 2 |" in summary
    assert "**Operator alerts** (crawl, not findings):" in summary and f"- songlin: {alert}" in summary
