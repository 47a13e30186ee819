"""Crawling one site: the run's lifecycle, fetching, and the frontier worked off in batches, list
pages first, then documents.

Plain functions and one class, no Prefect: tests call them directly, and the Prefect flow in
``flows/crawl.py`` calls :meth:`SiteCrawler.step` inside its batched tasks; many sites at once go
through ``crawler.scheduler``. The seams: this engine (run lifecycle, fetch or reuse a page, record
the response, columns and alerts at the end), ``crawler.pipeline`` (read the page, extract and
store documents, queue links) and ``crawler.spider`` (which links of a page to follow).

Per frontier entry the writes happen in an order that a ``kill -9`` cannot break: the response
is archived (WARC) → the page is read and the document extracted (no lock held) → the page row,
the document rows, what the page links to and the entry's "done" mark are written in one
transaction (``Frontier.defer``/``Frontier.unit``: one commit and one turn of the SQLite writer
lock per entry). A resumed run redoes only the unfinished tail; a page stored during the run is
read back from the store instead of fetched again.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from gongkai.crawler.addresses import AddressPolicy, Resolver
from gongkai.crawler.archive import WarcArchive
from gongkai.crawler.columns import column_kind
from gongkai.crawler.fetch import Fetcher, FetchResult, PostForm, StoredRobots
from gongkai.crawler.frontier import PAGE_KINDS, Entry, Frontier, NewEntry, Run
from gongkai.crawler.pipeline import STOP_KNOWN, Got, Pipeline
from gongkai.crawler.politeness import HostGates
from gongkai.crawler.scope import Scope, host_key, normalise_url
from gongkai.models.records import CrawlPolicy, FetchedPage, SiteColumn, SiteConfig
from gongkai.models.store import Store, sha256_hex, utcnow
from gongkai.models.writelock import SerializedStore


@dataclass
class CrawlLimits:
    """How far a crawl may go (bounds that no site can talk the crawler out of)."""

    #: Navigation hops from a start URL (columns reached through index pages).
    max_depth: int = 6
    #: Pages of one column: an endless calendar stops here at the latest.
    max_list_pages: int = 500
    #: Frontier entries taken per step.
    batch_size: int = 40
    #: Hosts fetched at the same time (each host still one request at a time).
    max_parallel_hosts: int = 8


@dataclass
class CrawlStats:
    requests: int = 0
    pages_fetched: int = 0
    not_modified: int = 0
    reused: int = 0
    bytes_received: int = 0
    new_documents: int = 0
    changed_documents: int = 0
    unchanged_documents: int = 0
    attachments: int = 0
    errors: int = 0
    skipped: int = 0
    out_of_scope: int = 0
    columns: int = 0
    news: int = 0
    #: URLs not tried because their host was left alone for the run (circuit breaker).
    deferred: int = 0
    #: Why the run ended before its frontier was empty ("reached max_pages (50 requests)").
    stopped: str | None = None
    error_lines: list[str] = field(default_factory=list)
    #: Operator alerts (a redesign is our failure, never the government's): one dict each with
    #: ``column``, ``url``, ``reason`` and the archived page (``warc_file``, ``warc_record_id``).
    alerts: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CrawlStats:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def summary(self) -> str:
        text = (
            f"{self.pages_fetched} pages fetched, {self.not_modified} not modified (304), "
            f"{self.new_documents} new and {self.changed_documents} changed documents, "
            f"{self.attachments} attachments, {self.columns} columns, {self.errors} errors"
            + (f", {len(self.alerts)} alerts" if self.alerts else "")
        )
        if self.deferred:
            text += f", {self.deferred} URLs left for the next run (host failing)"
        if self.stopped:
            text += f"; stopped: {self.stopped}, the next run goes on"
        return text

    def alert_lines(self) -> list[str]:
        return [alert_line(alert) for alert in self.alerts]


def alert_line(alert: dict[str, Any]) -> str:
    where = (
        f" (archived: {alert['warc_file']} {alert['warc_record_id']})" if alert.get("warc_record_id") else ""
    )
    name = f" {alert['column']}" if alert.get("column") else ""
    return f"alert: column{name} {alert['url']}: {alert['reason']}{where}"


def policy_for(config: SiteConfig, base: CrawlPolicy | None = None) -> CrawlPolicy:
    """The crawl policy for a site: the base policy with the site's own delay."""
    base = base or CrawlPolicy()
    return base.model_copy(update={"delay_seconds": config.delay_seconds})


class SiteCrawler:
    """One site's crawl against a store and an archive; resumable across processes."""

    def __init__(
        self,
        config: SiteConfig,
        store: Store,
        archive: WarcArchive,
        *,
        policy: CrawlPolicy | None = None,
        limits: CrawlLimits | None = None,
        gates: HostGates | None = None,
        resolver: Resolver | None = None,
        progress: Callable[[CrawlStats, int], None] | None = None,
    ) -> None:
        self.config = config
        #: Every store call holds the SQLite file's lock (see models.writelock); a no-op on PostgreSQL.
        self.store: Store = SerializedStore(store)  # type: ignore[assignment]
        self.archive = archive
        self.policy = policy_for(config, policy)
        self.limits = limits or CrawlLimits()
        self.scope = Scope.from_allowed(config.allowed_hosts)
        resolver = resolver or Resolver()
        self.fetcher = Fetcher(
            self.policy,
            self.scope,
            AddressPolicy.for_hosts(self.scope.host_names(), resolver),
            archive=archive,
            gates=gates,
            resolver=resolver,
            on_robots=self._save_robots,
            stored_robots=self._stored_robots,
        )
        self.progress = progress
        self.site_id = self.store.upsert_site(config)
        self.frontier = Frontier(store, self.site_id)
        self.stats = CrawlStats()
        self.run: Run | None = None
        self._lock = threading.Lock()
        #: The stored responses of the entries :meth:`next_entries` handed out (None: not stored).
        self._stored: dict[str, FetchedPage | None] = {}
        #: Reading pages, storing documents, queueing links (crawler.pipeline).
        self.pipeline = Pipeline(
            config, self.store, self.frontier, self.scope, self.limits, self.stats, self._lock
        )

    # --- run lifecycle ---------------------------------------------------------------------------

    def start(self) -> Run:
        """Resume the unfinished run or begin a new one, and queue the start URLs."""
        self.run = self.frontier.begin_run()
        self.stats = CrawlStats.from_dict(self.frontier.run_stats(self.run))
        self.pipeline.run, self.pipeline.stats = self.run, self.stats
        seeds = []
        for url in self.config.start_urls:
            normalised = normalise_url(url)
            if normalised:
                seeds.append(NewEntry(normalised, "seed", 0, None, {}, refresh=True))
        for column in self.config.columns:
            normalised = normalise_url(column.url)
            if normalised:
                hint = {"column_url": normalised, "column": column.name, "page": 1}
                seeds.append(NewEntry(normalised, "list", 0, None, hint, refresh=True))
        hints = self.config.hints
        if hints and hints.json_list_api and seeds:
            api = normalise_url(hints.json_list_api, seeds[0].url)
            if api:
                column_url = seeds[0].url
                hint = {"column_url": column_url, "column": None, "page": 1}
                seeds.append(NewEntry(api, "api", 0, column_url, hint, refresh=True))
        if not self.run.resumed:
            self.frontier.add(seeds, self.run)
        else:
            # A resumed run keeps its own decisions; only seeds never queued are added.
            self.frontier.add([s for s in seeds if self.frontier.get(s.url) is None], self.run)
        return self.run

    def step(self, max_entries: int | None = None, max_requests: int | None = None) -> bool:
        """Work off up to ``max_entries`` frontier entries. True when nothing is left to do.

        Reaching ``max_requests`` is remembered (``stats.stopped``), whichever caller loops over
        the steps, so :meth:`finish` ends the run as stopped at the limit, not resumable.
        """
        done = self._step(max_entries, max_requests)
        if not done and max_requests is not None and self.stats.requests >= max_requests:
            self._limit_reached(max_requests)
        return done

    def _step(self, max_entries: int | None, max_requests: int | None) -> bool:
        assert self.run is not None, "call start() first"
        budget = max_entries if max_entries is not None else self.limits.batch_size
        done_entries = 0
        while done_entries < budget:
            if max_requests is not None and self.stats.requests >= max_requests:
                return False
            batch = self.frontier.pending(min(self.limits.batch_size, budget - done_entries))
            if not batch:
                return True
            by_host: dict[str, list[Entry]] = defaultdict(list)
            for entry in batch:
                by_host[host_key(entry.url)].append(entry)

            def work(entries: list[Entry]) -> int:
                count = 0
                for entry in entries:
                    if max_requests is not None and self.stats.requests >= max_requests:
                        break
                    self._process(entry)
                    count += 1
                return count

            if len(by_host) == 1:
                done_entries += work(next(iter(by_host.values())))
            else:
                workers = min(len(by_host), self.limits.max_parallel_hosts)
                with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="crawl") as pool:
                    done_entries += sum(pool.map(work, by_host.values()))
            self.frontier.save_run(self.run, self.stats.to_dict())
        return self.frontier.count_pending() == 0

    def _limit_reached(self, max_requests: int) -> None:
        with self._lock:
            self.stats.stopped = f"reached max_pages ({max_requests} requests)"

    def finish(self) -> CrawlStats:
        """Record the columns and close the run.

        The frontier empty: ``finished``. Stopped at ``max_pages``: ``stopped-limit`` — the run
        is over, and the next one starts afresh and works off what is still pending. Otherwise
        (a batch budget, not a limit) the run stays ``running`` and the next call resumes it.
        """
        assert self.run is not None
        columns = self._with_empty_history(self.columns())
        self.store.save_columns(self.config.name, columns)
        self.stats.columns = len(columns)
        # Counted from the store, not the counter: after a kill -9 the documents stored since the
        # last saved stats would otherwise be missed (or counted as unchanged when redone).
        self.stats.new_documents = self.frontier.documents_first_seen_since(self.run.started_at)
        complete = self.frontier.count_pending() == 0
        if complete:
            self.stats.stopped = None
            status = "finished"
        else:
            status = "stopped-limit" if self.stats.stopped else "running"
        self.frontier.save_run(self.run, self.stats.to_dict(), status)
        return self.stats

    def crawl(self, max_pages: int | None = None) -> CrawlStats:
        """Start (or resume), work until done or ``max_pages`` requests, finish."""
        self.start()
        while not self.step(self.limits.batch_size, max_requests=max_pages):
            if max_pages is not None and self.stats.requests >= max_pages:
                break
        return self.finish()

    def close(self) -> None:
        self.fetcher.close()

    # --- for schedulers that drive many sites (crawler.scheduler) ---------------------------------

    def next_entries(self, limit: int) -> list[Entry]:
        """The next pending entries, their stored responses read in the same transaction: one turn
        of the SQLite writer lock for the batch, not one per entry before its fetch."""
        with self.frontier.unit() as conn:
            entries = self.frontier.pending(limit)
            stored = self.store.get_pages([e.url for e in entries], conn=conn)
        self._stored = {e.url: stored.get(e.url) for e in entries}
        return entries

    def process(self, entry: Entry) -> None:
        """Work off one frontier entry (never raises: a broken page is one error line)."""
        self._process(entry)

    def limit_reached(self, max_requests: int) -> None:
        """The site's request budget is spent: :meth:`finish` ends the run as stopped at the limit."""
        self._limit_reached(max_requests)

    def save_progress(self) -> None:
        assert self.run is not None
        self.frontier.save_run(self.run, self.stats.to_dict())

    def next_start(self, host: str) -> float:
        """When ``host`` may be asked again (``time.monotonic()`` clock)."""
        return self.fetcher.gates.gate(host).next_start

    # --- one entry ---------------------------------------------------------------------------

    def _process(self, entry: Entry) -> None:
        try:
            got = self._get(entry)
            result = got.result
            if result is not None and result.deferred:
                # Host left alone for this run: failed quietly (one alert was said), retried next run.
                with self._lock:
                    self.stats.deferred += 1
                self.frontier.mark(entry, "failed", error=(result.error or "")[:1000])
                return
            if result is not None and result.error is not None:
                self.pipeline.fail(entry, result.error, permanent=result.robots_disallowed)
                if result.alert:
                    with self._lock:
                        self.stats.error_lines.append(result.alert)
                return
            if entry.kind in PAGE_KINDS:
                self.pipeline.process_page(entry, got)
            elif entry.kind == "detail":
                self.pipeline.process_detail(entry, got)
            else:
                self.frontier.mark(entry, "done")
                with self._lock:
                    self.stats.attachments += 1
        except Exception as exc:  # one broken page must never stop the crawl
            self.pipeline.fail(entry, f"{type(exc).__name__}: {exc}")
        finally:
            # Every path marks its entry, which commits the entry's page; should one not, the page
            # is still stored now, never carried into the next entry's transaction.
            try:
                self.frontier.flush()
            except Exception as exc:  # the entry stays pending: the next run fetches it again
                with self._lock:
                    self.stats.errors += 1
                    self.stats.error_lines.append(f"error: {entry.url}: {type(exc).__name__}: {exc}")
            if self.progress is not None:
                self.progress(self.stats, 0)

    def _get(self, entry: Entry) -> Got:
        """The entry's body: stored earlier in this run (never fetched twice), or fetched now."""
        assert self.run is not None
        # Read with the batch (next_entries) when there was one: only this entry stores its URL.
        stored = self._stored.pop(entry.url) if entry.url in self._stored else self.store.get_page(entry.url)
        if stored is not None and stored.status not in (200, 304):
            stored = None  # an error page kept as evidence: nothing to reuse or revalidate
        if stored is not None and stored.fetched_at >= self.run.started_at:
            with self._lock:
                self.stats.reused += 1
            body = self.store.get_blob(stored.sha256) if stored.sha256 else None
            content_type = stored.headers.get("content-type")
            return Got(None, body, stored.fetched_at, stored.sha256, content_type, entry.url)
        post = entry.hint.get("post")
        # A POST answer carries no validators worth sending back: it is asked for afresh.
        etag = stored.headers.get("etag") if stored and post is None else None
        modified = stored.headers.get("last-modified") if stored and post is None else None
        accept = "application/json,text/javascript,*/*;q=0.5" if entry.kind == "api" else None
        kwargs: dict[str, Any] = {"accept": accept} if accept else {}
        if post is not None:
            numbers = entry.hint.get("post_json")
            kwargs["post"] = PostForm(tuple(post), as_json=numbers is not None, numbers=tuple(numbers or ()))
        result = self.fetcher.fetch(entry.url, etag=etag, last_modified=modified, **kwargs)
        with self._lock:
            self.stats.requests += max(result.requests_sent, 0)
            self.stats.bytes_received += result.bytes_received
        kind = {"seed": "list", "nav": "list", "list": "list", "api": "api"}.get(entry.kind, entry.kind)
        if result.error is not None:
            if result.status is not None and result.status >= 400 and result.body is not None:
                # A 404/410/403 is evidence too (a document taken down): keep it, archived.
                self._save_page_with_mark(self._page_record(entry.url, result, kind), result.body)
            return Got(result, None, result.fetched_at, None, None, entry.url)
        page = self._page_record(entry.url, result, kind)
        if result.not_modified and stored is not None and stored.sha256:
            with self._lock:
                self.stats.not_modified += 1
            self._save_page_with_mark(page, None)
            content_type = stored.headers.get("content-type")
            body = self.store.get_blob(stored.sha256)
            return Got(result, body, result.fetched_at, stored.sha256, content_type, result.final_url)
        if result.not_modified:  # a 304 for a page we never stored: the server is confused
            return Got(result, None, result.fetched_at, None, None, entry.url)
        assert result.body is not None
        self._save_page_with_mark(page, result.body)
        with self._lock:
            self.stats.pages_fetched += 1
        return Got(
            result,
            result.body,
            result.fetched_at,
            sha256_hex(result.body),
            result.content_type,
            result.final_url,
        )

    def _save_page_with_mark(self, page: FetchedPage, body: bytes | None) -> None:
        """Store the response in the transaction that marks its entry (``Frontier.defer``)."""
        store = self.store
        self.frontier.defer(lambda conn: store.save_page(page, body, conn=conn))

    def _page_record(self, url: str, result: FetchResult, kind: str) -> FetchedPage:
        return FetchedPage(
            url=url,
            final_url=result.final_url,
            status=result.status or 0,
            headers=result.headers,
            size=len(result.body or b""),
            fetched_at=result.fetched_at,
            site=self.config.name,
            kind=kind,  # type: ignore[arg-type]
            warc_record_id=result.archived.record_id if result.archived else None,
            warc_file=result.archived.warc_file if result.archived else None,
        )

    def _stored_robots(self, url: str) -> StoredRobots:
        stored = self.store.get_page(url)
        if stored is None or stored.status not in (200, 304):
            return StoredRobots()
        fresh = self.run is not None and stored.fetched_at >= self.run.started_at
        return StoredRobots(
            stored.headers.get("etag"), stored.headers.get("last-modified"), self.store.page_body(url), fresh
        )

    def _save_robots(self, result: FetchResult) -> None:
        with self._lock:
            self.stats.requests += result.requests_sent
            self.stats.bytes_received += result.bytes_received
        if result.status not in (200, 304) or (result.status == 200 and result.body is None):
            return
        page = FetchedPage(
            url=result.url,
            final_url=result.final_url,
            status=result.status,
            headers=result.headers,
            size=len(result.body or b""),
            fetched_at=result.fetched_at,
            site=self.config.name,
            kind="robots",
            warc_record_id=result.archived.record_id if result.archived else None,
            warc_file=result.archived.warc_file if result.archived else None,
        )
        self.store.save_page(page, result.body if result.status == 200 else None)

    # --- columns -------------------------------------------------------------------------------

    def columns(self) -> list[SiteColumn]:
        """Every column seen, with its item count over all its pages and newest item date.

        A column paged to its end in this run is recounted from what this run saw (items gone
        from the site drop out). A column whose paging stopped early at known items keeps the
        items known from earlier runs too: they sit on the pages this run did not need to read.
        """
        assert self.run is not None
        started = self.run.started_at
        by_column: dict[str, list[Entry]] = defaultdict(list)
        for entry in self.frontier.iter_entries(PAGE_KINDS):
            column_url = entry.hint.get("column_url")
            if column_url and "items" in entry.hint:
                by_column[column_url].append(entry)
        now = utcnow()
        out = []
        for column_url in sorted(by_column):
            entries = by_column[column_url]
            first = next((e for e in entries if e.url == column_url), entries[0])
            previous: dict[str, str | None] = dict(first.hint.get("known_items") or {})
            this_run = [e for e in entries if e.updated_at >= started]
            visited: dict[str, str | None] = {}
            for entry in this_run or entries:
                for url, _title, when in entry.hint["items"]:
                    visited[url] = when
            stopped_early = any(e.hint.get("stopped") == STOP_KNOWN for e in this_run)
            if stopped_early:
                known = {**(previous or self._union(entries)), **visited}
            else:
                known = visited if this_run else (previous or visited)
            if known != previous:
                self.frontier.mark(first, first.state, hint={**first.hint, "known_items": known})
            name = first.hint.get("column") or next(
                (e.hint.get("column") for e in entries if e.hint.get("column")), None
            )
            dates = [d for d in known.values() if d]
            signal = None
            if not known:
                seen = this_run or entries
                marks = [e.hint.get("empty") for e in seen if isinstance(e.hint.get("empty"), str)]
                signal = next((m for m in marks if m), None) or "none"
            out.append(
                SiteColumn(
                    url=column_url,
                    name=name,
                    kind=column_kind(name, column_url, self.config),  # type: ignore[arg-type]
                    item_count=len(known),
                    latest_item_date=date.fromisoformat(max(dates)) if dates else None,
                    checked_at=now,
                    empty_signal=signal,
                    empty_since=now if signal not in (None, "none") else None,
                )
            )
        return out

    def _with_empty_history(self, columns: list[SiteColumn]) -> list[SiteColumn]:
        """Carry empty-since dates over from the stored columns; a column that yielded items before
        and none now, with no empty-list signal, is an alert ("layout changed") and keeps its
        stored row: a redesign is never reported as an empty column."""
        previous = {c.url: c for c in self.store.list_columns(self.config.name)}
        out = []
        for column in columns:
            before = previous.get(column.url)
            if column.item_count > 0:
                out.append(column)
                continue
            if column.empty_signal == "none":
                if before is not None and before.item_count > 0:
                    reason = f"layout changed: {before.item_count} items before, none recognised now"
                    self.pipeline.alert(column, reason)
                    out.append(before)
                    continue
                self.pipeline.alert(
                    column, "no items recognised and no empty-list marker (layout not understood)"
                )
            elif before is not None and before.item_count == 0 and before.empty_signal not in (None, "none"):
                column = column.model_copy(update={"empty_since": before.empty_since or before.checked_at})
            out.append(column)
        return out

    @staticmethod
    def _union(entries: list[Entry]) -> dict[str, str | None]:
        return {url: when for entry in entries for url, _title, when in entry.hint["items"]}


def crawl_site(
    config: SiteConfig,
    store: Store,
    archive: WarcArchive,
    *,
    policy: CrawlPolicy | None = None,
    limits: CrawlLimits | None = None,
    max_pages: int | None = None,
    progress: Callable[[CrawlStats, int], None] | None = None,
    resolver: Resolver | None = None,
    gates: HostGates | None = None,
) -> CrawlStats:
    """Crawl one site to the end (or ``max_pages`` requests) without Prefect."""
    crawler = SiteCrawler(
        config,
        store,
        archive,
        policy=policy,
        limits=limits,
        progress=progress,
        resolver=resolver,
        gates=gates,
    )
    try:
        return crawler.crawl(max_pages=max_pages if max_pages is not None else config.max_pages)
    finally:
        crawler.close()
