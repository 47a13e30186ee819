"""Issue #17, the crawl: no stuck site, no silent loss, one clear line (loopback servers only)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from gongkai.crawler.archive import WarcArchive, read_record
from gongkai.crawler.engine import CrawlStats, SiteCrawler, crawl_site
from gongkai.crawler.politeness import HostGates
from gongkai.demo.server import Fault, serve
from gongkai.demo.site import Response, StaticSite
from gongkai.models.records import CrawlPolicy, SiteConfig
from gongkai.models.store import open_store
from gongkai.models.tables import runs

from tests.sites import Doc, _detail, _li_list, town_config
from tests.test_crawl import Town, make_town

POLICY = CrawlPolicy(
    timeout_seconds=1.0, total_timeout_seconds=3.0, backoff_seconds=0.01, max_retries=0, max_host_failures=3
)


@pytest.fixture
def town(tmp_path: Path, sqlite_url: str) -> Iterator[Town]:
    with make_town(tmp_path, sqlite_url) as opened:
        yield opened


def crawl(town: Town, **kwargs: object) -> CrawlStats:
    return crawl_site(town.config, town.store, town.archive, policy=POLICY, gates=HostGates(), **kwargs)  # type: ignore[arg-type]


def stored_urls(town: Town) -> set[str]:
    return {row["url"] for row in town.store.list_documents("town")}


def statuses(town: Town) -> list[str]:
    with town.store.engine.connect() as conn:
        return list(conn.execute(sa.select(runs.c.status).order_by(runs.c.id)).scalars())


def test_a_site_over_max_pages_is_finished_over_the_next_nights(town: Town) -> None:
    """Failure 2: the run stopped at max_pages stayed "running"; every later night resumed it,
    sent 0 requests and printed the old summary: the site stayed half-crawled for ever."""
    nights: list[CrawlStats] = []
    for _night in range(12):
        nights.append(crawl(town, max_pages=20))
        if statuses(town)[-1] == "finished":
            break
    assert len(nights) > 1  # the limit did stop the first night
    assert all(night.requests > 0 for night in nights)
    assert all(night.stopped and "max_pages" in night.summary() for night in nights[:-1])
    assert statuses(town) == ["stopped-limit"] * (len(nights) - 1) + ["finished"]
    assert stored_urls(town) == {town.url(p) for p in town.truth.documents}
    # each document was new in exactly one night
    assert sum(night.new_documents for night in nights) == len(town.truth.documents)


def test_new_documents_counted_right_after_a_resume(town: Town) -> None:
    """A kill -9 between storing documents and saving the run's stats lost them from the count."""
    first = SiteCrawler(town.config, town.store, town.archive, policy=POLICY, gates=HostGates())
    first.start()
    first.frontier.save_run = lambda *args, **kwargs: None  # type: ignore[method-assign]  # killed before saving
    first.step(max_entries=25)
    first.close()
    assert town.store.list_documents("town")  # some documents were stored before the "kill"
    resumed = crawl(town)
    assert statuses(town) == ["finished"]  # the same run, resumed and finished
    assert resumed.new_documents == len(town.truth.documents)


def test_a_failing_host_ends_the_night_with_one_alert_and_heals_next_run(town: Town) -> None:
    town.site.inject("/xxgk/zcwj/20*", Fault("status", status=500))  # every 政策文件 document
    stats = crawl(town)
    alerts = [line for line in stats.error_lines if line.startswith("alert:")]
    assert len(alerts) == 1 and "after 3 failed URLs in a row" in alerts[0]
    assert stats.deferred > 0
    failing = [p for p in town.site.paths_seen() if p.startswith("/xxgk/zcwj/20")]
    assert len(failing) == 3  # not one request per URL for the rest of the night
    town.site.clear_faults()
    again = crawl(town)
    assert again.errors == 0 and not [line for line in again.error_lines if line.startswith("alert:")]
    assert {row["url"] for row in town.store.list_documents("town")} == {
        town.url(p) for p in town.truth.documents
    }


def test_robots_txt_unavailable_is_an_error_retried_next_run(town: Town) -> None:
    """A 503 robots.txt: not "robots.txt disallows", 0 errors, exit 0 — an unavailable site."""
    town.site.inject("/robots.txt", Fault("status", status=503))
    stats = crawl(town)
    assert stats.errors >= 1 and stats.skipped == 0
    assert all("robots.txt unavailable (HTTP 503" in line for line in stats.error_lines)
    assert not any("disallows" in line for line in stats.error_lines)
    assert town.store.list_documents("town") == []
    town.site.clear_faults()
    crawl(town)
    assert {row["url"] for row in town.store.list_documents("town")} == {
        town.url(p) for p in town.truth.documents
    }


def test_links_with_raw_chinese_characters_keep_their_document(tmp_path: Path, sqlite_url: str) -> None:
    """Failure 3: the server answered 200, then the WARC write raised UnicodeEncodeError."""
    raw_paths = ["/xxgk/ldjj/detail.jsp?itemName=总局领导&id=1", "/xxgk/ldjj/领导 简介.html"]
    docs = [
        Doc(raw, f"示例县领导分工情况{n}", date(2025, 3, 1 + n), "领导信息")
        for n, raw in enumerate(raw_paths)
    ]
    encoded = [quote(raw, safe="/?&=") for raw in raw_paths]
    routes = {"/xxgk/ldjj/": Response(_li_list(docs, "领导信息", "").encode())}
    for doc, path in zip(docs, encoded, strict=True):
        routes[path] = Response(_detail(doc, f"000-{path[-1]}", None).encode())
    running = serve(StaticSite("iri", routes))
    try:
        config = SiteConfig.model_validate(
            {
                **town_config(running.base_url, running.host, name="iri"),
                "start_urls": [f"{running.base_url}/xxgk/ldjj/"],
            }
        )
        with open_store(sqlite_url) as store, WarcArchive(tmp_path / "warc", "iri") as archive:
            stats = crawl_site(config, store, archive, policy=POLICY, gates=HostGates())
            # (the page template's menu links to columns this small site lacks: 404s, not ours)
            assert not [line for line in stats.error_lines if "/xxgk/ldjj/" in line], stats.error_lines
            stored = {row["url"]: row for row in store.list_documents("iri")}
            assert set(stored) == {running.base_url + path for path in encoded}  # one form: encoded once
            assert {row["title"] for row in stored.values()} == {d.title for d in docs}
            for path in encoded:
                page = store.get_page(running.base_url + path)
                assert page is not None and page.warc_record_id
                assert "领导" in read_record(archive.folder, page.warc_record_id).decode()
        assert set(encoded) <= set(running.paths_seen())  # the request carried the same form
    finally:
        running.stop()


def test_a_failed_extraction_is_an_error_line_not_silence(
    town: Town, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Failure 4's second half: a record blanked by a failed extraction was "0 errors"."""
    from gongkai.models.records import DocumentRecord

    from gongkai import extractors

    real = extractors.extract
    victim = sorted(town.truth.documents)[0]

    def extract(raw: bytes, url: str, content_type: str | None = None) -> DocumentRecord:
        if url.endswith(victim):
            return DocumentRecord(url=url, warnings=["extraction failed: ValueError: broken"])
        return real(raw, url, content_type)

    monkeypatch.setattr(extractors, "extract", extract)
    stats = crawl(town)
    [line] = [line for line in stats.error_lines if victim in line]
    assert stats.errors == 1 and "extraction failed" in line
