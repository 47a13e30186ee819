"""Crawling a synthetic disclosure site with no hints: everything found, columns recorded,
robots and scope kept, every page archived, and a nightly re-run that costs almost nothing."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from gongkai.crawler.archive import WarcArchive, read_record
from gongkai.crawler.engine import CrawlLimits, CrawlStats, crawl_site
from gongkai.crawler.politeness import HostGates
from gongkai.demo.server import RunningSite, serve
from gongkai.demo.site import StaticSite
from gongkai.models.records import CrawlPolicy, SiteConfig
from gongkai.models.store import Store, open_store
from gongkai.models.tables import document_versions, documents, frontier, pages, runs

from tests.sites import SiteTruth, build_town, town_config

POLICY = CrawlPolicy(timeout_seconds=1.0, total_timeout_seconds=3.0, backoff_seconds=0.01, max_retries=1)


@dataclass
class Town:
    site: RunningSite
    offsite: RunningSite
    truth: SiteTruth
    config: SiteConfig
    store: Store
    archive: WarcArchive

    def crawl(self, **kwargs: object) -> CrawlStats:
        return crawl_site(
            self.config,
            self.store,
            self.archive,
            policy=POLICY,
            gates=HostGates(),
            **kwargs,  # type: ignore[arg-type]
        )

    def url(self, path: str) -> str:
        return self.site.base_url + path

    def detail_requests(self) -> Counter[str]:
        return Counter(p for p in self.site.paths_seen() if p in self.truth.documents)


@contextmanager
def make_town(tmp_path: Path, db_url: str, **build: int) -> Iterator[Town]:
    offsite = serve(StaticSite("offsite", {}))
    static, truth = build_town(offsite.base_url, **build)
    running = serve(static)
    config = SiteConfig.model_validate(town_config(running.base_url, running.host, delay=0.0))
    try:
        with open_store(db_url) as store, WarcArchive(tmp_path / "archive", "town") as archive:
            yield Town(running, offsite, truth, config, store, archive)
    finally:
        running.stop()
        offsite.stop()


@pytest.fixture
def town(tmp_path: Path, db_url: str) -> Iterator[Town]:
    """The town site crawled into SQLite and into PostgreSQL."""
    with make_town(tmp_path, db_url) as opened:
        yield opened


def count(store: Store, table: sa.Table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_finds_every_document_and_column_with_no_hints(town: Town) -> None:
    stats = town.crawl()
    stored = {row["url"]: row for row in town.store.list_documents("town")}
    expected = {town.url(path) for path in town.truth.documents}
    assert set(stored) == expected
    assert stats.new_documents == len(expected) and stats.errors == 0
    # each document knows its column (from the list that led to it), site and page hash
    for doc in town.store.iter_documents("town"):
        truth = town.truth.documents[doc.record.url.removeprefix(town.site.base_url)]
        assert doc.record.column == truth.column, doc.record.url
        assert doc.record.title == truth.title  # extracted from the page, not taken from the list
        assert doc.record.page_sha256 and doc.record.fetched_at and doc.record.site == "town"

    columns = {c.url: c for c in town.store.list_columns("town")}
    assert set(columns) == {town.url(path) for path in town.truth.columns}
    for path, (name, item_count, latest) in town.truth.columns.items():
        column = columns[town.url(path)]
        assert (column.name, column.item_count, column.latest_item_date) == (name, item_count, latest), path
    kinds = {c.name: c.kind for c in columns.values()}
    assert kinds["政策文件"] == "policy" and kinds["通知公告"] == "notice" and kinds["工作动态"] == "news"
    assert kinds["政策解读"] == "other"

    # attachments fetched and kept; robots.txt and scope obeyed
    for path in town.truth.attachments:
        page = town.store.get_page(town.url(path))
        assert page is not None and page.kind == "attachment" and town.store.page_body(town.url(path))
    assert not [p for p in town.site.paths_seen() if p.startswith(town.truth.disallowed_prefix)]
    assert town.truth.offsite_links >= 2 and town.offsite.requests_seen == []
    assert stats.out_of_scope >= 1
    # one request per page: nothing fetched twice in a run
    repeated = {p: n for p, n in Counter(town.site.paths_seen()).items() if n > 1}
    assert repeated == {}


def test_every_stored_page_points_at_its_archived_copy(town: Town) -> None:
    town.crawl()
    with town.store.engine.connect() as conn:
        rows = conn.execute(sa.select(pages.c.url, pages.c.warc_record_id, pages.c.warc_file)).all()
    assert len(rows) >= len(town.truth.documents)
    for url, record_id, warc_file in rows:
        assert record_id and warc_file, url
        assert read_record(town.archive.folder, record_id, warc_file) == town.store.page_body(url)


def test_nightly_rerun_fetches_only_list_pages_conditionally(town: Town) -> None:
    first = town.crawl()
    seen_before = len(town.site.requests_seen)
    second = town.crawl()
    later = town.site.requests_seen[seen_before:]
    assert second.new_documents == second.changed_documents == second.pages_fetched == 0
    assert later and all(r.status == 304 for r in later), [(r.path, r.status) for r in later]
    assert not [r.path for r in later if r.path in town.truth.documents]
    assert second.bytes_received <= 0.1 * first.bytes_received
    assert count(town.store, documents) == count(town.store, document_versions) == len(town.truth.documents)


def test_new_and_changed_documents_are_picked_up(tmp_path: Path, sqlite_url: str) -> None:
    with make_town(tmp_path, sqlite_url, policies=12) as town:
        town.crawl()
        # The site publishes two more policies: rebuild it bigger and serve the new routes.
        bigger, truth = build_town(town.offsite.base_url, policies=14)
        old_paths = set(town.truth.documents)
        town.site.site.routes.clear()
        town.site.site.routes.update(bigger.routes)
        new_paths = set(truth.documents) - old_paths
        assert len(new_paths) >= 2
        before = len(town.site.requests_seen)
        stats = town.crawl()
        later = [r.path for r in town.site.requests_seen[before:]]
        fetched_docs = {p for p in later if p in truth.documents}
        assert fetched_docs == new_paths  # only the new documents were fetched
        assert stats.new_documents == len(new_paths)
        # TRS paging: with 5 per page the column grew a page, but paging stopped on known items
        assert "/xxgk/zcwj/index_2.html" not in later
        columns = {c.name: c for c in town.store.list_columns("town")}
        assert columns["政策文件"].item_count == 14


def test_resumes_after_max_pages(town: Town) -> None:
    partial = town.crawl(max_pages=12)
    assert partial.requests <= 12
    with town.store.engine.connect() as conn:
        pending = conn.execute(
            sa.select(sa.func.count()).select_from(frontier).where(frontier.c.state == "pending")
        ).scalar_one()
    assert pending > 0
    # issue #17: the run stopped at the limit ends as such; the next run goes on where it stopped
    with town.store.engine.connect() as conn:
        assert conn.execute(sa.select(runs.c.status)).scalars().all() == ["stopped-limit"]
    assert partial.stopped and "max_pages" in partial.summary()
    before = Counter(town.site.paths_seen())
    seen_before = len(town.site.requests_seen)
    town.crawl()
    after = Counter(town.site.paths_seen())
    assert {row["url"] for row in town.store.list_documents("town")} == {
        town.url(p) for p in town.truth.documents
    }
    # documents fetched in the first part were not fetched again by the next run; the list
    # pages it re-checked (a new night) cost a conditional GET each, answered 304
    refetched = [p for p in before if p != "/robots.txt" and after[p] > before[p]]
    assert [p for p in refetched if p in town.truth.documents] == []
    rechecks = [r for r in town.site.requests_seen[seen_before:] if r.path in refetched]
    assert rechecks and all(r.status == 304 for r in rechecks)


def test_endless_calendar_pagination_is_bounded(tmp_path: Path, sqlite_url: str) -> None:
    from gongkai.demo.server import Fault

    with make_town(tmp_path, sqlite_url) as town:
        town.site.inject("/xxgk/hdrl/*", Fault("calendar", mode="fresh"))
        town.site.inject("/xxgk/rl2/*", Fault("calendar", mode="repeat"))
        config = town.config.model_copy(
            update={"start_urls": [*town.config.start_urls, town.url("/xxgk/hdrl/"), town.url("/xxgk/rl2/")]}
        )
        stats = crawl_site(
            config,
            town.store,
            town.archive,
            policy=POLICY,
            gates=HostGates(),
            limits=CrawlLimits(max_list_pages=6),
        )
        lists = [p for p in town.site.paths_seen() if urlsplit(p).path.endswith("/")]
        assert len([p for p in lists if p.startswith("/xxgk/hdrl/")]) == 6  # new items forever: capped
        assert len([p for p in lists if p.startswith("/xxgk/rl2/")]) == 2  # page 2 repeats page 1: stop
        assert stats.errors == 0
        assert len(town.store.list_documents("town")) >= len(town.truth.documents)


def test_site_hints_find_what_generic_rules_cannot(tmp_path: Path, sqlite_url: str) -> None:
    """A list without dates (so no generic items), paged by a pattern, plus a JSON API hint."""
    from gongkai.demo.site import Response
    from gongkai.models.records import SiteHints

    def listing(n: int) -> bytes:
        links = "".join(
            f'<a class="doc" href="/wj/d{n}{k}.html">示例文件第{n}页第{k}篇</a><br>' for k in range(3)
        )
        return f"<html><body><div id='docs'>{links}</div></body></html>".encode()

    routes = {
        "/wj/": Response(listing(0)),
        "/wj/list_2.html": Response(listing(2)),
        "/wj/list_3.html": Response(b"<html><body><div id='docs'></div></body></html>"),
        "/data/list.json": Response(
            json.dumps({"rows": [{"title": "接口里的示例文件", "link": "/wj/api1.html"}]}).encode(),
            "application/json",
        ),
    }
    for n in (0, 2):
        for k in range(3):
            routes[f"/wj/d{n}{k}.html"] = Response(f"<html><title>示例文件{n}{k}</title></html>".encode())
    routes["/wj/api1.html"] = Response("<html><title>接口文件</title></html>".encode())
    running = serve(StaticSite("hinted", routes))
    try:
        config = SiteConfig(
            name="hinted",
            start_urls=[running.base_url + "/wj/"],
            allowed_hosts=[running.host],
            delay_seconds=0,
            hints=SiteHints(
                detail_url_pattern=r"/wj/d\d+\.html$",
                pagination_pattern="list_{n}.html",
                json_list_api="/data/list.json",
            ),
        )
        with open_store(sqlite_url) as store, WarcArchive(tmp_path / "a", "hinted") as archive:
            stats = crawl_site(config, store, archive, policy=POLICY, gates=HostGates())
            urls = {row["url"].removeprefix(running.base_url) for row in store.list_documents("hinted")}
        assert urls == {f"/wj/d{n}{k}.html" for n in (0, 2) for k in range(3)} | {"/wj/api1.html"}
        assert stats.errors == 0
    finally:
        running.stop()
