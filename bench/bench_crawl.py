"""Crawl benchmark: politeness at scale, and what an unchanged re-crawl costs.

300 loopback hosts (synthetic town sites from ``tests/sites.py``, each on its own port, served
from a separate process so the servers do not share the crawler's interpreter), each crawled
with a 3 s per-host delay, all at once on 16 shared worker threads (``crawler.scheduler``).
Figures, written to ``bench/results/crawl.json``:

- achieved request rate ÷ (hosts × 1/delay): 1.0 means every host was asked exactly as often as
  its delay allows, never more (goal ≥ 0.9);
- bytes of the second crawl of the unchanged sites ÷ bytes of the first (goal ≤ 5%);
- the crawler's peak memory (max RSS);
- a CPU-bound run (20 hosts, no delay): end-to-end pages/s, CPU ms per page, and a profile of
  where the crawler's own time goes (fetch, list analysis, extract, WARC, store).

Run: ``.venv/bin/python bench/bench_crawl.py`` (about 3 minutes; ``--hosts``/``--delay``/``--workers``
to vary, ``--cpu-hosts 0`` to skip the CPU-bound run).
"""

from __future__ import annotations

import argparse
import faulthandler
import json
import multiprocessing
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gongkai.crawler.archive import WarcArchive  # noqa: E402
from gongkai.crawler.engine import CrawlLimits, CrawlStats, SiteCrawler  # noqa: E402
from gongkai.crawler.scheduler import ManySites  # noqa: E402
from gongkai.crawler.shards import crawl_in_processes  # noqa: E402
from gongkai.models.records import CrawlPolicy, SiteConfig  # noqa: E402
from gongkai.models.store import open_store  # noqa: E402

#: Median size of the real HTML pages in ``../shared/data`` (144 pages: median 27.7 KB, mean 52 KB,
#: p10 8.5 KB; ``find ../shared/data -name '*.htm*' | xargs stat -c %s``). The synthetic town pages
#: are ~0.75 KB, so without padding the re-crawl ratio measures mostly the HTTP headers of 304s.
REAL_PAGE_BYTES = 27_700


def realistic(site: object, page_bytes: int) -> object:
    """Pad every HTML page to ``page_bytes`` with an inline stylesheet, as real CMS templates
    carry (invented rules; no page text or links change, so the crawl finds the same things)."""
    from dataclasses import replace

    for path, response in list(site.routes.items()):  # type: ignore[attr-defined]
        if not response.content_type.startswith("text/html") or len(response.body) >= page_bytes:
            continue
        rules, n = [], 0
        room = page_bytes - len(response.body) - len("<style></style>")
        while room > 0:
            rule = f".gk-nav-{n} {{ margin: 0 {n % 40}px; color: #{n * 7919 % 0xFFFFFF:06x}; }}\n"
            rules.append(rule)
            room -= len(rule)
            n += 1
        style = f"<style>{''.join(rules)}</style>".encode()
        body = response.body.replace(b"</head>", style + b"</head>", 1)
        site.routes[path] = replace(response, body=body)  # type: ignore[attr-defined]
    return site


def serve_sites(count: int, sizes: dict[str, int], conn: object, stop: object, page_bytes: int = 0) -> None:
    """Child process: serve ``count`` town sites, report their ports, then serve until told."""
    from gongkai.demo.server import serve

    from tests.sites import build_town

    running = [serve(realistic(build_town(None, **sizes)[0], page_bytes)) for _ in range(count)]
    conn.send([r.port for r in running])  # type: ignore[attr-defined]
    stop.wait()  # type: ignore[attr-defined]
    conn.send([r.bytes_sent for r in running])  # type: ignore[attr-defined]
    for r in running:
        r.stop()


#: Database transactions begun by the last single-process crawl (reads included: on SQLite each
#: is a turn of the file's writer lock, ``BEGIN IMMEDIATE``). Counted, so not subject to the load.
TRANSACTIONS = [0]


def _count_transaction(_conn: object) -> None:
    TRANSACTIONS[0] += 1


class ProfiledSites(ManySites):
    """The scheduler with a profiler in each worker thread (cProfile sees one thread only), timed
    by the thread's own CPU clock: a thread waiting on a lock, the database or a socket costs nothing
    (with the default wall clock, 16 threads queueing for SQLite put ~95 % of the time in "store")."""

    profiles: list[object] = []

    def _work(self) -> None:
        import cProfile

        profiler = cProfile.Profile(time.thread_time)
        profiler.enable()
        try:
            super()._work()
        finally:
            profiler.disable()
            self.profiles.append(profiler)


def crawl_all(
    configs: list[SiteConfig],
    db_url: str,
    folder: Path,
    policy: CrawlPolicy,
    workers: int,
    scheduler_class: type[ManySites] = ManySites,
    processes: int = 1,
) -> tuple[float, list[CrawlStats], list[float]]:
    """Crawl every site at once on ``workers`` threads (crawler.scheduler), over ``processes``
    processes (crawler.shards) if more than one; wall time, per-host rates."""
    if processes > 1:
        started = time.monotonic()  # process start-up and imports count against the rate
        by_name, failures = crawl_in_processes(
            configs,
            db_url,
            folder,
            processes=processes,
            workers=workers,
            policy=policy,
            limits=CrawlLimits(batch_size=100),
        )
        wall = time.monotonic() - started
        if failures:
            print("failures:", failures, file=sys.stderr)
        results = [by_name[c.name] for c in configs]
        return wall, results, [r.requests / wall for r in results]
    with open_store(db_url) as store:
        import sqlalchemy as sa

        TRANSACTIONS[0] = 0
        sa.event.listen(store.engine, "begin", _count_transaction)
        archives = [WarcArchive(folder, config.name) for config in configs]
        crawlers = [
            SiteCrawler(config, store, archive, policy=policy, limits=CrawlLimits(batch_size=100))
            for config, archive in zip(configs, archives, strict=True)
        ]
        spans: dict[str, tuple[float, float]] = {}
        started = time.monotonic()

        def finished(crawler: SiteCrawler, _stats: CrawlStats) -> None:
            spans[crawler.config.name] = (started, time.monotonic())

        scheduler = scheduler_class(crawlers, workers=workers, on_finished=finished)
        by_name = scheduler.run()
        if scheduler.failures:
            print("failures:", scheduler.failures, file=sys.stderr)
        for crawler in crawlers:
            crawler.close()
        for archive in archives:
            archive.close()
    results = [by_name[c.name] for c in configs]
    wall = max(end for _s, end in spans.values()) - started
    per_host = [by_name[c.name].requests / max(spans[c.name][1] - spans[c.name][0], 1e-9) for c in configs]
    return wall, results, per_host


def profile_cpu_bound(
    sizes: dict[str, int], hosts: int, workers: int, page_bytes: int = 0
) -> dict[str, object]:
    """End-to-end pages/s with no politeness delay (CPU-bound), and where the time goes."""
    import pstats
    import resource

    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    stop = ctx.Event()
    server = ctx.Process(target=serve_sites, args=(hosts, sizes, child, stop, page_bytes), daemon=True)
    server.start()
    ports = parent.recv()
    work = Path(tempfile.mkdtemp(prefix="gongkai-bench-cpu-"))
    db_url = f"sqlite:///{work / 'bench.db'}"
    configs = [
        SiteConfig(
            name=f"cpu{i:03d}",
            start_urls=[f"http://127.0.0.1:{port}/xxgk/"],
            allowed_hosts=[f"127.0.0.1:{port}"],
            delay_seconds=0.0,
        )
        for i, port in enumerate(ports)
    ]
    ProfiledSites.profiles = []
    policy = CrawlPolicy(timeout_seconds=10)
    try:
        # Measured without the profiler (it costs as much CPU as the crawl), then profiled on a
        # fresh database and archive: the same pages crawled again from scratch.
        open_store(db_url).close()
        cpu0 = time.process_time()
        seconds, stats, _ = crawl_all(configs, db_url, work / "warc", policy, workers)
        cpu = time.process_time() - cpu0
        transactions = TRANSACTIONS[0]
        profiled_db = f"sqlite:///{work / 'profiled.db'}"
        open_store(profiled_db).close()
        crawl_all(configs, profiled_db, work / "warc-profiled", policy, workers, ProfiledSites)
    finally:
        stop.set()
        parent.recv()
        server.join(timeout=10)
    pages = sum(s.pages_fetched for s in stats)
    table = pstats.Stats(*ProfiledSites.profiles).stats  # type: ignore[attr-defined]
    buckets = {
        "fetch (crawler/fetch.py, bodies, urllib3, sockets)": (
            "crawler/fetch.py", "crawler/bodies.py", "urllib3", "socket", "http/client",
        ),
        "extract (extractors/)": ("extractors/",),
        "list analysis (listing, pagination, jsonapi, hanweb, html)": (
            "crawler/listing.py", "crawler/pagination.py", "crawler/jsonapi.py", "crawler/hanweb.py",
            "crawler/html.py",
        ),
        "WARC (crawler/archive.py, warcio)": ("crawler/archive.py", "warcio"),
        "store (models/store.py, frontier, sqlalchemy, sqlite3)": (
            "models/store", "models/bulk.py", "models/writelock.py", "crawler/frontier.py",
            "sqlalchemy", "sqlite3",
        ),
        "HTML parsing (lxml)": ("lxml",),
        "records (pydantic)": ("pydantic",),
        "crawl logic (engine, spider, scheduler)": (
            "crawler/engine.py", "crawler/spider.py", "crawler/scheduler.py",
        ),
    }  # fmt: skip

    # Own time (tottime) of every function, attributed to the stage whose files it lives in; C
    # functions (lxml, regex, sqlite3 …: no file) go to the stages of their callers, pro rata.
    def bucket_of(filename: str) -> str | None:
        for bucket, markers in buckets.items():
            if any(marker in filename for marker in markers):
                return bucket
        return None

    waits = ("acquire", "sleep", "wait", "recv", "poll", "select")
    shares = dict.fromkeys([*buckets, "other (scheduler, pydantic, stdlib …)"], 0.0)
    waiting = 0.0
    for (filename, _line, name), row in table.items():
        own = row[2]
        if filename == "~" and any(w in name for w in waits):
            waiting += own  # blocked, not working: left out of the shares
            continue
        bucket = bucket_of(filename)
        if bucket is not None:
            shares[bucket] += own
            continue
        callers = row[4] or {}
        called = sum(c[2] for c in callers.values()) if filename == "~" else 0.0
        if not called:
            shares["other (scheduler, pydantic, stdlib …)"] += own
            continue
        for (caller_file, _l, _n), c in callers.items():
            share = own * c[2] / called
            shares[bucket_of(caller_file) or "other (scheduler, pydantic, stdlib …)"] += share
    total_own = sum(shares.values()) or 1.0
    return {
        "hosts": hosts,
        "workers": workers,
        "pages_fetched": pages,
        "requests": sum(s.requests for s in stats),
        "seconds": round(seconds, 2),
        "pages_per_second": round(pages / seconds, 1),
        "cpu_seconds_crawler_process": round(cpu, 2),
        "cpu_ms_per_page": round(1000 * cpu / max(pages, 1), 2),
        "transactions_per_request": round(transactions / max(sum(s.requests for s in stats), 1), 2),
        "profile_share_of_cpu": {k: round(v / total_own, 3) for k, v in shares.items()},
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "errors": sum(s.errors for s in stats),
    }


def main() -> None:
    faulthandler.register(signal.SIGUSR1, all_threads=True)  # `kill -USR1 PID` shows where it waits
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=300)
    parser.add_argument("--delay", type=float, default=3.0)
    parser.add_argument("--workers", type=int, default=16, help="crawl threads shared by all sites")
    parser.add_argument(
        "--processes", type=int, default=1, help="crawl processes (sites dealt out by host; crawler.shards)"
    )
    parser.add_argument("--policies", type=int, default=8)
    parser.add_argument("--notices", type=int, default=4)
    parser.add_argument("--cpu-hosts", type=int, default=20, help="hosts of the CPU-bound run (0: skip it)")
    parser.add_argument("--only-cpu", action="store_true", help="the CPU-bound run alone (printed)")
    parser.add_argument(
        "--page-bytes",
        type=int,
        default=REAL_PAGE_BYTES,
        help="pad HTML pages to this size (default: the real pages' median; 0: the bare synthetic pages)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "crawl.json")
    args = parser.parse_args()

    sizes = {"policies": args.policies, "notices": args.notices, "api_items": 4}
    if args.only_cpu:
        cpu = profile_cpu_bound(sizes, args.cpu_hosts, args.workers, args.page_bytes)
        print(json.dumps(cpu, indent=2, ensure_ascii=False))
        return
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    stop = ctx.Event()
    server = ctx.Process(
        target=serve_sites, args=(args.hosts, sizes, child, stop, args.page_bytes), daemon=True
    )
    server.start()
    ports = parent.recv()
    work = Path(tempfile.mkdtemp(prefix="gongkai-bench-"))
    db_url = f"sqlite:///{work / 'bench.db'}"
    configs = [
        SiteConfig(
            name=f"bench{i:03d}",
            start_urls=[f"http://127.0.0.1:{port}/xxgk/"],
            allowed_hosts=[f"127.0.0.1:{port}"],
            delay_seconds=args.delay,
        )
        for i, port in enumerate(ports)
    ]
    policy = CrawlPolicy(timeout_seconds=10)
    try:
        open_store(db_url).close()  # create and migrate the database before the clock starts
        cpu0 = time.process_time()
        first_seconds, first, per_host = crawl_all(
            configs, db_url, work / "warc", policy, args.workers, processes=args.processes
        )
        first_cpu = time.process_time() - cpu0  # this process's threads (one process: all the crawl)
        first_transactions = TRANSACTIONS[0]
        load_after_first = [round(x, 2) for x in os.getloadavg()]
        done = sum(s.requests for s in first)
        print(
            f"first crawl: {done} requests in {first_seconds:.1f} s = {done / first_seconds:.1f}/s"
            f" (limit {args.hosts / args.delay:.1f}/s)",
            file=sys.stderr,
            flush=True,
        )
        second_seconds, second, _ = crawl_all(
            configs, db_url, work / "warc", policy, args.workers, processes=args.processes
        )
    finally:
        stop.set()
        sent = parent.recv()
        server.join(timeout=10)

    requests = sum(s.requests for s in first)
    rate = requests / first_seconds
    ideal = args.hosts / args.delay
    first_bytes = sum(s.bytes_received for s in first)
    second_bytes = sum(s.bytes_received for s in second)
    result = {
        "hosts": args.hosts,
        "delay_seconds": args.delay,
        "documents_per_site": first[0].new_documents,
        "html_page_bytes": args.page_bytes,
        "first_crawl": {
            "requests": requests,
            "seconds": round(first_seconds, 2),
            "requests_per_second": round(rate, 2),
            "bytes_received": first_bytes,
            "errors": sum(s.errors for s in first),
            # CPU (user+sys) of the crawler's own process; with --processes > 1 the shards' is not in it.
            "cpu_seconds_crawler_process": round(first_cpu, 2),
            "cpu_ms_per_request": round(1000 * first_cpu / max(requests, 1), 2),
            # With --processes > 1 the shards' transactions are not counted (0).
            "transactions_per_request": round(first_transactions / max(requests, 1), 2),
            "load_average_after": load_after_first,
        },
        "ideal_requests_per_second": ideal,
        "rate_ratio": round(rate / ideal, 3),
        # Each host's own rate over the time it was being crawled: politeness caps it at 1/delay.
        "per_host_rate_ratio_mean": round(sum(per_host) / len(per_host) * args.delay, 3),
        "per_host_rate_ratio_max": round(max(per_host) * args.delay, 3),
        "rate_goal": 0.9,
        "second_crawl": {
            "requests": sum(s.requests for s in second),
            "seconds": round(second_seconds, 2),
            "not_modified": sum(s.not_modified for s in second),
            "pages_fetched": sum(s.pages_fetched for s in second),
            "bytes_received": second_bytes,
        },
        "transfer_ratio": round(second_bytes / first_bytes, 4),
        "transfer_goal": 0.05,
        "server_bytes_sent_total": sum(sent),
        "machine": {"cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()]},
    }
    result["rate_ok"] = result["rate_ratio"] >= 0.9
    result["transfer_ok"] = result["transfer_ratio"] <= 0.05
    import resource

    result["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["workers"] = args.workers
    result["processes"] = args.processes
    if args.cpu_hosts:
        result["cpu_bound"] = profile_cpu_bound(sizes, args.cpu_hosts, args.workers, args.page_bytes)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
