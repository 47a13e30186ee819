"""A crawl of a site whose server misbehaves in every way we know: every good document is still
stored, each broken page is one clear error line, and a later run picks up what healed."""

from __future__ import annotations

from pathlib import Path

from gongkai.crawler.archive import WarcArchive
from gongkai.crawler.engine import crawl_site
from gongkai.crawler.politeness import HostGates
from gongkai.demo.server import Fault, serve
from gongkai.demo.site import Response, StaticSite
from gongkai.models.records import CrawlPolicy, SiteConfig
from gongkai.models.store import open_store

from tests.sites import build_town, town_config

POLICY = CrawlPolicy(
    timeout_seconds=0.4,
    total_timeout_seconds=2.0,
    max_retries=1,
    backoff_seconds=0.01,
    max_retry_after_seconds=1.0,
    max_response_bytes=1_000_000,
    max_decompressed_bytes=2_000_000,
)


def test_faults_survived_and_every_good_document_stored(tmp_path: Path, sqlite_url: str) -> None:
    offsite = serve(StaticSite("offsite", {}))
    static, truth = build_town(offsite.base_url, policies=12, notices=7)
    site = serve(static)
    try:
        details = sorted(p for p, d in truth.documents.items() if d.column in ("政策文件", "通知公告"))
        healing, slow, gbk, hanging, truncated, looping, huge, bomb, gone = details[:9]
        site.inject(healing, Fault("status", status=500, times=1))  # heals on the retry
        site.inject("/xxgk/tzgg/", Fault("retry_after", seconds=0.1, times=1))
        site.inject(slow, Fault("slow", seconds=0.3))
        # a GBK page whose header claims UTF-8
        gbk_html = static.routes[gbk].body.decode("utf-8").replace('charset="utf-8"', 'charset="gbk"')
        static.routes[gbk] = Response(gbk_html.encode("gbk"))
        site.inject(gbk, Fault("charset", charset="utf-8"))
        broken = {
            hanging: Fault("hang", seconds=1.5),
            truncated: Fault("truncate"),
            looping: Fault("redirect_loop"),
            huge: Fault("huge", size=50 * 1024 * 1024),
            bomb: Fault("gzip_bomb", size=100 * 1024 * 1024),
            gone: Fault("status", status=404),
        }
        for path, fault in broken.items():
            site.inject(path + ("*" if fault.kind == "redirect_loop" else ""), fault)

        config = SiteConfig.model_validate(town_config(site.base_url, site.host))
        with open_store(sqlite_url) as store, WarcArchive(tmp_path / "archive", "town") as archive:
            stats = crawl_site(config, store, archive, policy=POLICY, gates=HostGates())
            stored = {row["url"].removeprefix(site.base_url): row for row in store.list_documents("town")}
            assert set(stored) == set(truth.documents) - set(broken)
            assert stored[gbk]["title"] == truth.documents[gbk].title  # decoded despite the lying header
            errors = [line for line in stats.error_lines if line.startswith("error:")]
            assert stats.errors == len(broken) == len(errors)
            for path in broken:
                [line] = [e for e in errors if f"{site.base_url}{path}:" in e]
                assert "\n" not in line and len(line) < 400
            taken_down = store.get_page(site.base_url + gone)  # a 404 is kept as evidence, archived
            assert taken_down is not None and taken_down.status == 404 and taken_down.warc_record_id
            assert not [p for p in site.paths_seen() if p.startswith(truth.disallowed_prefix)]
            assert offsite.requests_seen == []

            # The server heals; the next run retries what failed and leaves the rest alone.
            site.clear_faults()
            static.routes[gbk] = Response(gbk_html.encode("gbk"), "text/html; charset=gbk")
            before = len(site.requests_seen)
            again = crawl_site(config, store, archive, policy=POLICY, gates=HostGates())
            assert again.errors == 0 and again.new_documents == len(broken)
            assert {row["url"].removeprefix(site.base_url) for row in store.list_documents("town")} == set(
                truth.documents
            )
            fetched = {r.path for r in site.requests_seen[before:] if r.path in truth.documents}
            assert fetched == set(broken)
    finally:
        site.stop()
        offsite.stop()
