"""Prefect flows for crawling: thin wiring around :mod:`crawler.engine`.

``crawl_site`` works one site off in batched tasks (a task per batch of frontier entries, never
one per document); each task reopens the crawl from the database, so a retried or resumed task
simply carries on where the frontier says. ``crawl_sites`` crawls several sites at once, one
task per site, at most ``max_parallel_sites`` together (per-host politeness is enforced by the
fetcher's host gates whatever the parallelism).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from gongkai.crawler.archive import WarcArchive, resolve_folder
from gongkai.crawler.engine import CrawlLimits, CrawlStats, SiteCrawler
from gongkai.flows.prefect_server import configure_offline, tether_if_temporary
from gongkai.models.records import CrawlPolicy, SiteConfig
from gongkai.models.store import Store, open_store

configure_offline()  # before Prefect is imported

from prefect import flow, task  # noqa: E402
from prefect.task_runners import ThreadPoolTaskRunner  # noqa: E402

# A default crawl (no PREFECT_API_URL) starts Prefect's temporary server: it dies with us.
tether_if_temporary()

#: Set by the command line to draw its progress bar (tasks run in this process's threads).
progress_listener: Callable[[str, CrawlStats], None] | None = None

_open: dict[tuple[str, str | None, str], tuple[Store, WarcArchive, SiteCrawler]] = {}
_open_lock = threading.Lock()


def _crawler(
    config: dict[str, Any], db_url: str | None, archive_dir: str | None, policy: dict[str, Any] | None
) -> SiteCrawler:
    """The site's crawler, opened once per process and reused by every batch task."""
    site = SiteConfig.model_validate(config)
    folder = str(resolve_folder(archive_dir))
    key = (site.name, db_url, folder)
    with _open_lock:
        if key not in _open:
            store = open_store(db_url)
            archive = WarcArchive(folder, site.name)

            def report(stats: CrawlStats, _pending: int) -> None:
                if progress_listener is not None:
                    progress_listener(site.name, stats)

            crawler = SiteCrawler(
                site,
                store,
                archive,
                policy=CrawlPolicy.model_validate(policy) if policy else None,
                progress=report,
            )
            crawler.start()
            _open[key] = (store, archive, crawler)
        return _open[key][2]


def _close(config: dict[str, Any], db_url: str | None, archive_dir: str | None) -> None:
    key = (str(config["name"]), db_url, str(resolve_folder(archive_dir)))
    with _open_lock:
        opened = _open.pop(key, None)
    if opened is not None:
        store, archive, crawler = opened
        crawler.close()
        archive.close()
        store.close()


@task(name="crawl-batch", retries=2, retry_delay_seconds=2)
def crawl_batch(
    config: dict[str, Any],
    db_url: str | None,
    archive_dir: str | None,
    policy: dict[str, Any] | None,
    entries: int,
    max_requests: int | None,
) -> dict[str, Any]:
    """Work off one batch of the site's frontier; returns the run's stats and whether it is done."""
    crawler = _crawler(config, db_url, archive_dir, policy)
    done = crawler.step(entries, max_requests=max_requests)
    return {"done": done, "stats": crawler.stats.to_dict()}


@task(name="crawl-finish", retries=1, retry_delay_seconds=2)
def finish_crawl(
    config: dict[str, Any], db_url: str | None, archive_dir: str | None, policy: dict[str, Any] | None
) -> dict[str, Any]:
    """Record the site's columns and close the run (if its frontier is empty)."""
    try:
        return _crawler(config, db_url, archive_dir, policy).finish().to_dict()
    finally:
        _close(config, db_url, archive_dir)


@flow(name="crawl-site", log_prints=False)
def crawl_site(
    config: dict[str, Any],
    db_url: str | None = None,
    archive_dir: str | None = None,
    max_pages: int | None = None,
    batch_entries: int = 200,
    policy: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Crawl one site (a validated ``SiteConfig`` as a dict) into the store; returns its stats."""
    limit = max_pages if max_pages is not None else int(config.get("max_pages", 5000))
    while True:
        result = crawl_batch(config, db_url, archive_dir, policy, batch_entries, limit)
        if result["done"] or result["stats"]["requests"] >= limit:
            break
    return finish_crawl(config, db_url, archive_dir, policy)


@task(name="crawl-whole-site", retries=1, retry_delay_seconds=5)
def crawl_whole_site(
    config: dict[str, Any],
    db_url: str | None,
    archive_dir: str | None,
    max_pages: int | None,
    policy: dict[str, Any] | None,
) -> dict[str, Any]:
    crawler = _crawler(config, db_url, archive_dir, policy)
    limit = max_pages if max_pages is not None else int(config.get("max_pages", 5000))
    try:
        while not crawler.step(CrawlLimits().batch_size, max_requests=limit):
            if crawler.stats.requests >= limit:
                break
        return crawler.finish().to_dict()
    finally:
        _close(config, db_url, archive_dir)


@flow(name="crawl-sites", task_runner=ThreadPoolTaskRunner(max_workers=8))  # type: ignore[arg-type]
def crawl_sites(
    configs: list[dict[str, Any]],
    db_url: str | None = None,
    archive_dir: str | None = None,
    max_pages: int | None = None,
    policy: dict[str, Any] | None = None,
) -> dict[str, dict[str, Any]]:
    """Crawl several sites concurrently (one task per site); returns stats per site name."""
    futures = {
        str(config["name"]): crawl_whole_site.submit(config, db_url, archive_dir, max_pages, policy)
        for config in configs
    }
    return {name: future.result() for name, future in futures.items()}


def run_crawl_sites(
    configs: list[dict[str, Any]],
    db_url: str | None = None,
    archive_dir: str | None = None,
    max_pages: int | None = None,
    policy: dict[str, Any] | None = None,
    max_parallel_sites: int = 8,
) -> dict[str, dict[str, Any]]:
    """``crawl_sites`` with its concurrency limit taken from the caller's configuration."""
    runner = ThreadPoolTaskRunner(max_workers=max(1, max_parallel_sites))  # type: ignore[var-annotated]
    flow_with_limit = crawl_sites.with_options(task_runner=runner)
    return flow_with_limit(configs, db_url, archive_dir, max_pages, policy)  # type: ignore[no-any-return]
