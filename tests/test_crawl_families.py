"""Each CMS family's test site crawled with no hints: every item found, paging followed to its
end, every 解读 behind a row's icon fetched, no navigation page stored as a document, and a
second night that re-reads only the first list page."""

from __future__ import annotations

import gzip
import time
from pathlib import Path

import pytest
from gongkai.crawler.archive import WarcArchive
from gongkai.crawler.engine import crawl_site
from gongkai.crawler.politeness import HostGates
from gongkai.models.records import CrawlPolicy, SiteConfig
from gongkai.models.store import open_store

from tests.family_sites import FAMILIES, build_family, serve_family

POLICY = CrawlPolicy(timeout_seconds=2.0, total_timeout_seconds=5.0, backoff_seconds=0.01, max_retries=1)


@pytest.mark.parametrize("family", FAMILIES)
def test_family_site_is_crawled_completely_with_no_hints(family: str, tmp_path: Path) -> None:
    site = build_family(family, count=14)
    with serve_family(site) as served:
        config = SiteConfig(
            name=family,
            start_urls=[served.base_url + site.start_path],
            allowed_hosts=[served.host],
            delay_seconds=0,
        )
        with (
            open_store(f"sqlite:///{tmp_path / 'f.db'}") as store,
            WarcArchive(tmp_path / "a", family) as archive,
        ):
            stats = crawl_site(config, store, archive, policy=POLICY, gates=HostGates())
            stored = {row["url"].removeprefix(served.base_url) for row in store.list_documents(family)}
            columns = store.list_columns(family)
            before = len(served.seen)
            again = crawl_site(config, store, archive, policy=POLICY, gates=HostGates())
            second_night = served.paths()[before:]
    assert stats.errors == 0, stats.error_lines
    missing = set(site.documents) - stored
    assert not missing, f"{family}: {len(missing)} documents not found: {sorted(missing)[:5]}"
    assert not stored & site.chrome_pages, f"{family}: navigation stored as documents"
    assert stored == set(site.documents), sorted(stored - set(site.documents))
    # The column is recorded with every item over all its pages.
    assert max(c.item_count for c in columns) == site.column_items
    # The next night re-reads the first list page only: no document, no deeper page of the list.
    assert again.errors == 0 and again.alerts == []
    assert not [p for p in second_night if p in site.documents], second_night
    assert len(second_night) <= 3, second_night


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_hanweb_groups_are_asked_for_with_record_ranges(method: str, tmp_path: Path) -> None:
    """The proxy only answers the way the page's jpage script asks: by POST with the record range
    in the form body (the jpage default), or by GET with it in the query string."""
    family = f"hanweb_{method.lower()}"
    site = build_family(family, count=23)
    with serve_family(site) as served:
        config = SiteConfig(
            name="hw",
            start_urls=[served.base_url + site.start_path],
            allowed_hosts=[served.host],
            delay_seconds=0,
        )
        with (
            open_store(f"sqlite:///{tmp_path / 'f.db'}") as store,
            WarcArchive(tmp_path / "a", "hw") as archive,
        ):
            stats = crawl_site(config, store, archive, policy=POLICY, gates=HostGates())
        proxy = [(m, p) for m, p in served.seen if "dataproxy.jsp" in p]
    assert stats.errors == 0, stats.error_lines
    # 23 records, 9 on the page, groups of 9 after it: records 10-18 and 19-27, then the end.
    assert [m for m, _p in proxy] == [method, method]
    if method == "POST":
        forms = [form for path, form in site.posts if "dataproxy.jsp" in path]
        assert [(f["startrecord"], f["endrecord"], f["perpage"]) for f in forms] == [
            ("10", "18", "3"),
            ("19", "27", "3"),
        ]
        assert not any("startrecord=" in p for _m, p in proxy)  # the range went in the body
    else:
        assert all("startrecord=" in p and "endrecord=" in p and "perpage=3" in p for _m, p in proxy)


def test_post_only_list_api_is_asked_for_by_post(tmp_path: Path) -> None:
    """A JSON list API called by ``$.ajax({type: "POST", data: {…}})`` that refuses GET: every page
    asked for by POST with the call's parameters in the form body, every item found."""
    site = build_family("post_api", count=14)
    with serve_family(site) as served:
        config = SiteConfig(
            name="pa", start_urls=[served.base_url + site.start_path], allowed_hosts=[served.host]
        )
        config = config.model_copy(update={"delay_seconds": 0})
        with (
            open_store(f"sqlite:///{tmp_path / 'f.db'}") as store,
            WarcArchive(tmp_path / "a", "pa") as archive,
        ):
            stats = crawl_site(config, store, archive, policy=POLICY, gates=HostGates())
            stored = {row["url"].removeprefix(served.base_url) for row in store.list_documents("pa")}
        api = [(m, p) for m, p in served.seen if "getList.do" in p]
    assert stats.errors == 0, stats.error_lines
    assert stored == set(site.documents)
    assert api and all(m == "POST" for m, _p in api), api
    forms = [form for path, form in site.posts if "getList.do" in path]
    assert sorted(f["pageNo"] for f in forms) == ["1", "2", "3"]  # 14 items, 6 a page
    assert all(f["channelId"] == "88" for f in forms)


def test_many_sites_share_a_few_workers_each_host_at_its_own_pace(tmp_path: Path) -> None:
    """Sites crawled side by side on fewer threads than sites, each to its end."""
    import threading
    from contextlib import ExitStack

    from gongkai.crawler.engine import SiteCrawler
    from gongkai.crawler.scheduler import ManySites

    families = ("li_inside", "table", "gkmlpt", "trs_write", "iframe")
    delay = 0.05
    with ExitStack() as stack:
        served = [stack.enter_context(serve_family(build_family(f, count=8))) for f in families]
        store = stack.enter_context(open_store(f"sqlite:///{tmp_path / 'm.db'}"))
        gates = HostGates()
        crawlers = []
        for family, one in zip(families, served, strict=True):
            config = SiteConfig(
                name=family,
                start_urls=[one.base_url + one.site.start_path],
                allowed_hosts=[one.host],
                delay_seconds=delay,
            )
            archive = stack.enter_context(WarcArchive(tmp_path / "a", family))
            crawler = SiteCrawler(config, store, archive, policy=POLICY, gates=gates)
            stack.callback(crawler.close)
            crawlers.append(crawler)
        threads_seen: list[int] = []

        def finished(_crawler: SiteCrawler, _stats: object) -> None:
            threads_seen.append(sum(1 for t in threading.enumerate() if t.name.startswith("crawl-")))

        slept: list[float] = []  # a worker sleeping out a host's delay is a worker lost to all sites
        for crawler in crawlers:
            crawler.fetcher.sleep = lambda seconds: (slept.append(seconds), time.sleep(seconds))
        scheduler = ManySites(crawlers, workers=2, on_finished=finished)
        results = scheduler.run()
        assert scheduler.failures == {}
        # Each site goes back to the queue until its host is due (robots.txt included): no gate waits.
        assert slept == []
        for family, one in zip(families, served, strict=True):
            stored = {row["url"].removeprefix(one.base_url) for row in store.list_documents(family)}
            assert stored == set(one.site.documents), family
            assert results[family].errors == 0
        # Bounded threads: the two workers served all five sites (the host gates keep each delay).
        assert max(threads_seen) <= 2


def test_sites_dealt_out_to_processes_by_host_each_crawled_completely(tmp_path: Path) -> None:
    """Two processes share the sites (crawler.shards); sites sharing a host stay in one process,
    so its politeness gate sees every request to that host."""
    from contextlib import ExitStack

    from gongkai.crawler.shards import crawl_in_processes, shard_sites

    def site(name: str, *hosts: str) -> SiteConfig:
        return SiteConfig(name=name, start_urls=[f"http://{hosts[0]}/"], allowed_hosts=list(hosts))

    dealt = shard_sites([site("a", "h1"), site("b", "h2"), site("c", "h3", "h1"), site("d", "h4")], 2)
    names = [{c.name for c in shard} for shard in dealt]
    assert len(dealt) == 2 and any({"a", "c"} <= shard for shard in names)
    assert sorted(n for shard in names for n in shard) == ["a", "b", "c", "d"]

    families = ("table", "gkmlpt")
    with ExitStack() as stack:
        served = [stack.enter_context(serve_family(build_family(f, count=8))) for f in families]
        db_url = f"sqlite:///{tmp_path / 'p.db'}"
        configs = [
            SiteConfig(
                name=family,
                start_urls=[one.base_url + one.site.start_path],
                allowed_hosts=[one.host],
                delay_seconds=0.0,
            )
            for family, one in zip(families, served, strict=True)
        ]
        open_store(db_url).close()  # created and migrated once, before the processes open it
        results, failures = crawl_in_processes(
            configs, db_url, tmp_path / "a", processes=2, workers=2, policy=POLICY
        )
        assert failures == {}
        with open_store(db_url) as store:
            for family, one in zip(families, served, strict=True):
                stored = {row["url"].removeprefix(one.base_url) for row in store.list_documents(family)}
                assert stored == set(one.site.documents), family
                assert results[family].errors == 0 and results[family].requests > 0


def test_json_body_list_api_is_asked_for_with_a_json_post(tmp_path: Path) -> None:
    """A list API called with ``contentType: "application/json"`` and a ``JSON.stringify`` body,
    which refuses a form (415) and GET (405): every page POSTed as JSON with the script's types
    (numbers stay numbers), paging advanced in the body to the list's end, the body archived."""
    site = build_family("json_post", count=12)
    with serve_family(site) as served:
        config = SiteConfig(
            name="jp",
            start_urls=[served.base_url + site.start_path],
            allowed_hosts=[served.host],
            delay_seconds=0,
        )
        with (
            open_store(f"sqlite:///{tmp_path / 'f.db'}") as store,
            WarcArchive(tmp_path / "a", "jp") as archive,
        ):
            stats = crawl_site(config, store, archive, policy=POLICY, gates=HostGates())
            stored = {row["url"].removeprefix(served.base_url) for row in store.list_documents("jp")}
        api = [(m, p) for m, p in served.seen if p.startswith("/api/list")]
    assert stats.errors == 0, stats.error_lines
    assert stored == set(site.documents)
    assert api and all(m == "POST json" and p == "/api/list" for m, p in api), api
    assert not [path for path, _form in site.posts if path.startswith("/api/list")]  # no form sent
    bodies = [body for path, body in site.json_posts if path == "/api/list"]
    assert sorted(b["pageNo"] for b in bodies) == [1, 2, 3]  # 12 items, 5 a page
    assert all(b["pageSize"] == 5 and b["columnId"] == "123" for b in bodies), bodies
    warc = b"".join(gzip.decompress(f.read_bytes()) for f in sorted((tmp_path / "a").rglob("*.warc.gz")))
    assert b"Content-Type: application/json" in warc
    # Archived with the request, in the script's order on every page (paging moved pageNo in the URL).
    assert b'{"pageNo":2,"pageSize":5,"columnId":"123"}' in warc
