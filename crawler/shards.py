"""Hundreds of sites over several processes: the CPU work of a night on every core.

One process tops out near one core (the GIL): parsing, extracting and storing cost a few to tens of
milliseconds of CPU per page, and 300 hosts at one request every 3 s ask 100 pages a second. The
sites are dealt out to ``processes`` worker processes, each running :class:`ManySites` over its
share; every host belongs to exactly one process (sites sharing a host go together), so the
per-host politeness gates, which live in one process, still see every request to their host.
All processes write to the one store (PostgreSQL, or SQLite where writers queue on the file's
lock) and the one archive folder (each process its own WARC files; the index is shared).
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from gongkai.crawler.engine import CrawlLimits, CrawlStats
from gongkai.crawler.scope import Scope
from gongkai.models.records import CrawlPolicy, SiteConfig


def shard_sites(configs: list[SiteConfig], shards: int) -> list[list[SiteConfig]]:
    """Deal sites out to ``shards`` groups, sites sharing a host in the same group, groups of about
    equal size (largest groups of linked sites first)."""
    parent: dict[int, int] = {i: i for i in range(len(configs))}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for index, config in enumerate(configs):
        for host in Scope.from_allowed(config.allowed_hosts).host_names():
            if host in owner:
                parent[root(index)] = root(owner[host])
            else:
                owner[host] = index
    linked: dict[int, list[int]] = {}
    for index in range(len(configs)):
        linked.setdefault(root(index), []).append(index)
    groups: list[list[int]] = [[] for _ in range(max(1, shards))]
    for members in sorted(linked.values(), key=len, reverse=True):
        min(groups, key=len).extend(members)
    return [[configs[i] for i in sorted(group)] for group in groups if group]


def _crawl_shard(
    configs: list[dict[str, Any]],
    db_url: str,
    archive_dir: str,
    workers: int,
    policy: dict[str, Any] | None,
    limits: dict[str, Any] | None,
    max_requests: int | None,
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """In a worker process: crawl one share of the sites; their stats by site name, and the sites
    that failed outright (one line each)."""
    from gongkai.crawler.archive import WarcArchive
    from gongkai.crawler.engine import SiteCrawler
    from gongkai.crawler.scheduler import ManySites
    from gongkai.models.store import open_store

    sites = [SiteConfig.model_validate(c) for c in configs]
    crawl_policy = CrawlPolicy.model_validate(policy) if policy else None
    with open_store(db_url) as store:
        archives = [WarcArchive(Path(archive_dir), site.name) for site in sites]
        crawlers = [
            SiteCrawler(
                site,
                store,
                archive,
                policy=crawl_policy,
                limits=CrawlLimits(**limits) if limits else None,
            )
            for site, archive in zip(sites, archives, strict=True)
        ]
        try:
            scheduler = ManySites(crawlers, workers=workers, max_requests=max_requests)
            results = scheduler.run()
        finally:
            for crawler in crawlers:
                crawler.close()
            for archive in archives:
                archive.close()
    return {name: stats.to_dict() for name, stats in results.items()}, dict(scheduler.failures)


def crawl_in_processes(
    configs: list[SiteConfig],
    db_url: str,
    archive_dir: str | Path,
    *,
    processes: int,
    workers: int = 16,
    policy: CrawlPolicy | None = None,
    limits: CrawlLimits | None = None,
    max_requests: int | None = None,
) -> tuple[dict[str, CrawlStats], dict[str, str]]:
    """Crawl every site to the end over ``processes`` processes sharing ``workers`` threads;
    the stats by site name, and the sites that failed outright (as ``ManySites.failures``).

    The database must exist and be migrated before (each process opens it). With one process
    (or one site) the work stays in this process.
    """
    shards = shard_sites(configs, processes)
    args = (
        str(archive_dir),
        max(1, workers // max(1, len(shards))) if len(shards) > 1 else workers,
        policy.model_dump(mode="json") if policy else None,
        vars(limits) if limits else None,
        max_requests,
    )
    payloads = [[c.model_dump(mode="json") for c in shard] for shard in shards]
    if len(shards) <= 1:
        found = [_crawl_shard(payload, db_url, *args) for payload in payloads]
    else:
        # spawn, not fork: the parent may hold threads, locks and open database connections.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=len(shards), mp_context=context) as pool:
            found = list(
                pool.map(_crawl_shard, payloads, [db_url] * len(shards), *[[a] * len(shards) for a in args])
            )
    out: dict[str, CrawlStats] = {}
    failures: dict[str, str] = {}
    for shard_stats, shard_failures in found:
        out.update({name: CrawlStats.from_dict(stats) for name, stats in shard_stats.items()})
        failures.update(shard_failures)
    return out, failures
