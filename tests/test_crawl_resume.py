"""kill -9 in the middle of a crawl, run again: nothing lost, nothing duplicated, and no page that
was already stored is fetched a second time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import sqlalchemy as sa
import yaml
from gongkai.crawler.archive import read_record
from gongkai.demo.server import serve
from gongkai.demo.site import StaticSite
from gongkai.models.store import open_store
from gongkai.models.tables import document_versions, documents, frontier, pages, runs

from tests.sites import build_town, town_config

GONGKAI = Path(sys.executable).with_name("gongkai")


def start_crawl(config: Path, db_url: str, archive: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            str(GONGKAI),
            "crawl",
            "--site",
            str(config),
            "--db",
            db_url,
            "--archive",
            str(archive),
            "--no-prefect",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stored_urls(db_url: str) -> set[str]:
    with open_store(db_url) as store, store.engine.connect() as conn:
        return set(conn.execute(sa.select(pages.c.url)).scalars())


def test_kill_9_mid_crawl_then_resume(tmp_path: Path, sqlite_url: str) -> None:
    offsite = serve(StaticSite("offsite", {}))
    static, truth = build_town(offsite.base_url, policies=18, notices=9)
    site = serve(static)
    try:
        config = tmp_path / "town.yaml"
        # A small delay keeps the crawl going long enough to be killed in the middle of it.
        data = town_config(site.base_url, site.host, delay=0.03)
        config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        archive = tmp_path / "archive"
        kills: list[tuple[int, set[str]]] = []  # (requests seen at the kill, paths stored by then)
        for kill_after in (18, 40):
            process = start_crawl(config, sqlite_url, archive)
            deadline = time.monotonic() + 60
            while len(site.requests_seen) < kill_after and process.poll() is None:
                assert time.monotonic() < deadline, "crawl made no progress"
                time.sleep(0.005)
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
            assert process.returncode == -signal.SIGKILL, "the crawl finished before it could be killed"
            stored = {u.removeprefix(site.base_url) for u in stored_urls(sqlite_url)}
            kills.append((len(site.requests_seen), stored))
        finished = start_crawl(config, sqlite_url, archive)
        assert finished.wait(timeout=120) == 0

        seen = site.requests_seen
        with open_store(sqlite_url) as store:
            # nothing lost
            urls = {row["url"] for row in store.list_documents("town")}
            assert urls == {site.base_url + p for p in truth.documents}
            with store.engine.connect() as conn:
                # nothing duplicated: one row and one version per document, one run resumed twice
                assert conn.execute(sa.select(sa.func.count()).select_from(documents)).scalar_one() == len(
                    urls
                )
                versions = conn.execute(
                    sa.select(sa.func.count()).select_from(document_versions)
                ).scalar_one()
                assert versions == len(urls)
                assert conn.execute(sa.select(runs.c.status)).scalars().all() == ["finished"]
                pending = conn.execute(
                    sa.select(sa.func.count()).select_from(frontier).where(frontier.c.state == "pending")
                ).scalar_one()
                assert pending == 0
                rows = conn.execute(sa.select(pages.c.url, pages.c.warc_record_id, pages.c.warc_file)).all()
            for url, record_id, warc_file in rows:
                assert read_record(archive, record_id, warc_file) == store.page_body(url)
        # no page stored before a kill was fetched again afterwards (robots.txt included: it is
        # read back from the store within a run)
        for mark, stored in kills:
            assert stored, "the kill came before anything was stored"
            assert [r.path for r in seen[mark:] if r.path in stored] == []
        # every page was fetched once, or twice if it was in flight at a kill
        counts = Counter(r.path for r in seen)
        assert sum(n - 1 for n in counts.values()) <= len(kills)
        assert offsite.requests_seen == []
    finally:
        site.stop()
        offsite.stop()
