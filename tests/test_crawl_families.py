"""Each CMS family's test site crawled with no hints: every item found, paging followed to its
end, every 解读 behind a row's icon fetched, and no navigation page stored as a document."""

from __future__ import annotations

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
    site = build_family(family, count=23)
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
    assert stats.errors == 0, stats.error_lines
    missing = set(site.documents) - stored
    assert not missing, f"{family}: {len(missing)} documents not found: {sorted(missing)[:5]}"
    assert not stored & site.chrome_pages, f"{family}: navigation stored as documents"
    assert stored == set(site.documents), sorted(stored - set(site.documents))
    # The column is recorded with every item over all its pages.
    assert max(c.item_count for c in columns) == site.column_items


def test_hanweb_groups_are_asked_for_with_record_ranges(tmp_path: Path) -> None:
    site = build_family("hanweb_post", count=23)
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
            crawl_site(config, store, archive, policy=POLICY, gates=HostGates())
        proxy = [p for p in served.paths() if "dataproxy.jsp" in p]
    # 23 records, 9 on the page, groups of 9 after it: records 10-18 and 19-27, then the end.
    assert len(proxy) == 2
    assert all("startrecord=" in p and "endrecord=" in p and "perpage=3" in p for p in proxy)
