"""Crawl benchmark: politeness at scale, and what an unchanged re-crawl costs.

20 loopback hosts (synthetic town sites from ``tests/sites.py``, served from a separate process
so the servers do not share the crawler's interpreter), each crawled with a 0.2 s per-host
delay, all at once. Figures, written to ``bench/results/crawl.json``:

- achieved request rate ÷ (hosts × 1/delay): 1.0 means every host was asked exactly as often as
  its delay allows, never more (goal ≥ 0.9);
- bytes of the second crawl of the unchanged sites ÷ bytes of the first (goal ≤ 5%).

Run: ``.venv/bin/python bench/bench_crawl.py`` (about a minute; ``--hosts``/``--delay`` to vary).
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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gongkai.crawler.archive import WarcArchive  # noqa: E402
from gongkai.crawler.engine import CrawlLimits, CrawlStats, crawl_site  # noqa: E402
from gongkai.models.records import CrawlPolicy, SiteConfig  # noqa: E402
from gongkai.models.store import open_store  # noqa: E402


def serve_sites(count: int, sizes: dict[str, int], conn: object, stop: object) -> None:
    """Child process: serve ``count`` town sites, report their ports, then serve until told."""
    from gongkai.demo.server import serve

    from tests.sites import build_town

    running = [serve(build_town(None, **sizes)[0]) for _ in range(count)]
    conn.send([r.port for r in running])  # type: ignore[attr-defined]
    stop.wait()  # type: ignore[attr-defined]
    conn.send([r.bytes_sent for r in running])  # type: ignore[attr-defined]
    for r in running:
        r.stop()


def crawl_all(
    configs: list[SiteConfig], db_url: str, folder: Path, policy: CrawlPolicy
) -> tuple[float, list[CrawlStats], list[float]]:
    """Crawl every site at once (a thread per site, one shared store); wall time and per-host rates."""
    with open_store(db_url) as store:
        archives = [WarcArchive(folder, config.name) for config in configs]
        spans: list[tuple[float, float]] = [(0.0, 0.0)] * len(configs)

        def one(index: int) -> CrawlStats:
            started = time.monotonic()
            stats = crawl_site(
                configs[index], store, archives[index], policy=policy, limits=CrawlLimits(batch_size=100)
            )
            spans[index] = (started, time.monotonic())
            return stats

        with ThreadPoolExecutor(max_workers=len(configs)) as pool:
            results = list(pool.map(one, range(len(configs))))
        for archive in archives:
            archive.close()
    wall = max(end for _s, end in spans) - min(start for start, _e in spans)
    per_host = [s.requests / (end - start) for s, (start, end) in zip(results, spans, strict=True)]
    return wall, results, per_host


def main() -> None:
    faulthandler.register(signal.SIGUSR1, all_threads=True)  # `kill -USR1 PID` shows where it waits
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--policies", type=int, default=40)
    parser.add_argument("--notices", type=int, default=20)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "crawl.json")
    args = parser.parse_args()

    sizes = {"policies": args.policies, "notices": args.notices, "api_items": 8}
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    stop = ctx.Event()
    server = ctx.Process(target=serve_sites, args=(args.hosts, sizes, child, stop), daemon=True)
    server.start()
    ports = parent.recv()
    work = Path(tempfile.mkdtemp(prefix="gongkai-bench-"))
    db_url = f"sqlite:///{work / 'bench.db'}"
    configs = [
        SiteConfig(
            name=f"bench{i:02d}",
            start_urls=[f"http://127.0.0.1:{port}/xxgk/"],
            allowed_hosts=[f"127.0.0.1:{port}"],
            delay_seconds=args.delay,
        )
        for i, port in enumerate(ports)
    ]
    policy = CrawlPolicy(timeout_seconds=10)
    try:
        open_store(db_url).close()  # create and migrate the database before the clock starts
        first_seconds, first, per_host = crawl_all(configs, db_url, work / "warc", policy)
        second_seconds, second, _ = crawl_all(configs, db_url, work / "warc", policy)
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
        "first_crawl": {
            "requests": requests,
            "seconds": round(first_seconds, 2),
            "requests_per_second": round(rate, 2),
            "bytes_received": first_bytes,
            "errors": sum(s.errors for s in first),
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
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
