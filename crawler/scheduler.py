"""Many sites at once on a bounded pool of workers, each host at its own politeness rate.

A night crawls hundreds of sites, each allowed about one request every few seconds: politeness,
not CPU, bounds the night, so the sites must run side by side by the hundred — without a thread
per site sleeping out its delay. Here a few workers share every site: a heap orders the sites by
the moment their next host may be asked again (its gate's ``next_start``), a worker takes the site
that is due soonest, works off one frontier entry, and puts the site back at its new due time.
A site is held by one worker at a time (its entries stay in order: list pages first), and the
host gates still enforce the delay, so the schedule can only be early, never impolite.

Memory is bounded by the number of sites (one crawler each, a few frontier entries buffered) and
threads by ``workers``; a site whose frontier is empty, or that reached its request budget, is
finished (columns recorded, run closed) by the worker that noticed.
"""

from __future__ import annotations

import heapq
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from gongkai.crawler.engine import CrawlStats, SiteCrawler
from gongkai.crawler.frontier import Entry
from gongkai.crawler.scope import host_key

#: Entries taken from a site's frontier at a time (re-read when used up: new list items go first).
PREFETCH = 8
#: Run statistics are saved every this many entries of a site (and when it finishes).
SAVE_EVERY = 25


@dataclass
class _Site:
    crawler: SiteCrawler
    budget: int | None
    queue: deque[Entry] = field(default_factory=deque)
    since_save: int = 0


@dataclass(order=True)
class _Due:
    at: float
    seq: int
    index: int = field(compare=False)


class ManySites:
    """Crawl ``crawlers`` to the end (or each to ``max_requests``) with ``workers`` threads."""

    def __init__(
        self,
        crawlers: list[SiteCrawler],
        *,
        workers: int = 16,
        max_requests: int | None = None,
        on_finished: Callable[[SiteCrawler, CrawlStats], None] | None = None,
    ) -> None:
        self.sites = [
            _Site(c, max_requests if max_requests is not None else c.config.max_pages) for c in crawlers
        ]
        self.workers = max(1, min(workers, len(crawlers) or 1))
        self.on_finished = on_finished
        self.results: dict[str, CrawlStats] = {}
        self.failures: dict[str, str] = {}
        self._heap: list[_Due] = []
        self._seq = 0
        self._cond = threading.Condition()
        self._active = 0

    def run(self) -> dict[str, CrawlStats]:
        for index, site in enumerate(self.sites):
            site.crawler.start()
            self._push(index, 0.0)
        threads = [
            threading.Thread(target=self._work, name=f"crawl-{n}", daemon=True) for n in range(self.workers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return self.results

    # --- scheduling ------------------------------------------------------------------------------

    def _push(self, index: int, at: float) -> None:
        with self._cond:
            self._seq += 1
            heapq.heappush(self._heap, _Due(at, self._seq, index))
            self._cond.notify()

    def _take(self) -> int | None:
        """The site due soonest, once it is due; None when every site is finished."""
        with self._cond:
            while True:
                if not self._heap:
                    if self._active == 0:
                        self._cond.notify_all()
                        return None
                    self._cond.wait(0.5)
                    continue
                due = self._heap[0]
                wait = due.at - time.monotonic()
                if wait <= 0:
                    heapq.heappop(self._heap)
                    self._active += 1
                    return due.index
                self._cond.wait(min(wait, 0.5))

    def _release(self, index: int, at: float | None) -> None:
        with self._cond:
            self._active -= 1
            if at is not None:
                self._seq += 1
                heapq.heappush(self._heap, _Due(at, self._seq, index))
            self._cond.notify_all()

    def _work(self) -> None:
        while True:
            index = self._take()
            if index is None:
                return
            again: float | None = None
            try:
                again = self._one(self.sites[index])
            except Exception as exc:  # one site's trouble is one line; the others go on
                name = self.sites[index].crawler.config.name
                self.failures[name] = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
            finally:
                self._release(index, again)

    def _one(self, site: _Site) -> float | None:
        """Work off one entry of ``site``; when it is due next (None: finished)."""
        crawler = site.crawler
        if site.budget is not None and crawler.stats.requests >= site.budget:
            if crawler.frontier.count_pending():
                crawler.limit_reached(site.budget)
            self._finish(site)
            return None
        if not site.queue:
            site.queue.extend(crawler.next_entries(PREFETCH))
            if not site.queue:
                self._finish(site)
                return None
        # A worker never sleeps out a host's delay: an entry whose host is not yet due (the queue was
        # just refilled, or robots.txt was just read) puts the site back at that host's due time.
        # Sleeping here cost one worker a whole delay per site start and per refill — with 300 hosts
        # at 3 s, most of the night's worker time.
        host = host_key(site.queue[0].url)
        if not crawler.fetcher.robots_known(site.queue[0].url):
            crawler.fetcher.robots_allows(site.queue[0].url)  # one request of its own, then wait
            return crawler.next_start(host)
        due = crawler.next_start(host)
        if due > time.monotonic():
            return due
        entry = site.queue.popleft()
        crawler.process(entry)
        site.since_save += 1
        if site.since_save >= SAVE_EVERY:
            site.since_save = 0
            crawler.save_progress()
        if not site.queue:
            return time.monotonic()
        return crawler.next_start(host_key(site.queue[0].url))

    def _finish(self, site: _Site) -> None:
        stats = site.crawler.finish()
        self.results[site.crawler.config.name] = stats
        if self.on_finished is not None:
            self.on_finished(site.crawler, stats)
