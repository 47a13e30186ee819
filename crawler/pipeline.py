"""The pipeline: what the crawl does with a page it has — read it (list, index, API or document
page), extract and store documents, and queue what the page links to.

The engine (``crawler.engine``) owns the run's lifecycle, the fetching and the scheduling, and hands
each fetched (or reused) page here; which links of a page are worth following is decided by the
spider (``crawler.spider``) and the list readers (``listing``, ``pagination``, ``jsonapi``,
``hanweb``). Every entry ends in one frontier transaction: what it links to is queued with its own
"done" mark, so a ``kill -9`` never leaves an entry done whose links were not queued.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from gongkai.crawler.columns import column_kind, column_name
from gongkai.crawler.fetch import FetchResult
from gongkai.crawler.frontier import Entry, Frontier, NewEntry, Run
from gongkai.crawler.hanweb import RANGE_FIELDS, next_group, page_datastore, parse_datastore
from gongkai.crawler.html import Page, is_asset, is_attachment, parse_page
from gongkai.crawler.items import ListItem
from gongkai.crawler.jsonapi import find_api_calls, parse_api
from gongkai.crawler.listing import ListAnalysis, analyse_list
from gongkai.crawler.pagination import next_page
from gongkai.crawler.scope import Scope, normalise_url
from gongkai.crawler.spider import document_links, is_pagination, nav_candidates
from gongkai.extractors.encoding import decode
from gongkai.models.records import DocumentRecord, SiteColumn, SiteConfig
from gongkai.models.store import Store

from gongkai import extractors

if TYPE_CHECKING:
    from gongkai.crawler.engine import CrawlLimits, CrawlStats


def page_kind_for(extracted: str, column_kind: str | None) -> str:
    """A stored page's kind: the extractor's, unless the page was listed in a news column."""
    if column_kind == "news" and extracted in ("document", "other"):
        return "news"
    return extracted


#: Error lines kept in a run's statistics (the newest).
MAX_ERROR_LINES = 200
STOP_KNOWN = "reached items already stored unchanged"


@dataclass(frozen=True)
class Got:
    """An entry's page as this run has it: fetched now, or stored earlier in the run."""

    result: FetchResult | None
    body: bytes | None
    fetched_at: datetime
    sha256: str | None
    content_type: str | None
    final_url: str


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _fingerprint(items: list[ListItem]) -> str:
    return hashlib.sha1("\n".join(sorted(i.url for i in items)).encode()).hexdigest()[:16]


class Pipeline:
    """One site's page handling; the engine sets :attr:`run` and :attr:`stats` when a run starts."""

    def __init__(
        self,
        config: SiteConfig,
        store: Store,
        frontier: Frontier,
        scope: Scope,
        limits: CrawlLimits,
        stats: CrawlStats,
        lock: threading.Lock,
    ) -> None:
        self.config = config
        self.store = store
        self.frontier = frontier
        self.scope = scope
        self.limits = limits
        self.stats = stats
        self._lock = lock
        self.run: Run | None = None
        self._prefixes = self._nav_prefixes()
        #: Start URLs and configured columns: a configured hint matching nothing there is an alert.
        self._configured = {
            u for u in (normalise_url(x) for x in [*config.start_urls, *(c.url for c in config.columns)]) if u
        }

    def fail(self, entry: Entry, error: str, permanent: bool = False) -> None:
        line = f"{'skipped' if permanent else 'error'}: {entry.url}: {error}"
        with self._lock:
            if permanent:
                self.stats.skipped += 1
            else:
                self.stats.errors += 1
            self.stats.error_lines.append(line)
            del self.stats.error_lines[:-MAX_ERROR_LINES]
        self.frontier.mark(entry, "skipped" if permanent else "failed", error=error[:1000])

    # --- list, index and API pages ---------------------------------------------------------------

    def process_page(self, entry: Entry, got: Got) -> None:
        assert self.run is not None
        body = got.body
        if body is None:
            self.fail(entry, "no body stored for this page")
            return
        content_type, base_url = got.content_type, got.final_url
        if entry.kind == "api":
            base = entry.hint.get("base") or entry.discovered_from
            store = parse_datastore(decode(body, content_type).text, base or base_url)
            if store is not None:  # a Hanweb dataproxy group
                if store.total is None:
                    store.total = entry.hint.get("total")
                self._column_page(
                    entry, store.items, next_group(store, entry.url), kind="api", page=None, analysis=None
                )
                return
            api = parse_api(body, base_url, base=base)
            self._column_page(entry, api.items, api.next_url, kind="api", page=None, analysis=None)
            return
        page = parse_page(body, base_url, content_type)
        analysis = self._analyse(page)
        api_calls = find_api_calls(page)
        datastore = page_datastore(page)
        if datastore is not None and datastore.proxy_url:
            endpoint = datastore.proxy_url.split("?", 1)[0]
            api_calls = [c for c in api_calls if c.url.split("?", 1)[0] != endpoint]  # paged by its groups
        api_urls = [c.url for c in api_calls]
        in_column = bool(entry.hint.get("column_url"))
        framed = (
            not analysis.items and not analysis.hub and not analysis.detail and not api_urls
        ) and analysis.frames
        if analysis.detail and not in_column:
            # A page reached as navigation that carries a metadata block is a document: never lost.
            links = self._store_document(entry, got, column=None, page=page)
            self.frontier.mark(
                entry, "done", hint={**entry.hint, "role": "detail"}, queue=links, run=self.run
            )
            return
        is_column = in_column or (
            not analysis.hub
            and not analysis.detail
            and (bool(analysis.items) or analysis.empty_marker or bool(api_urls) or bool(framed))
        )
        # Everything the page links to besides its items is queued with the entry's own mark, in
        # one transaction: a kill -9 never leaves a page done whose links were not queued.
        if is_column:
            next_url = self._next_url(page, entry)
            next_kind, extra = "list", dict[str, Any]()
            if (
                datastore is not None
                and next_url is None
                and not (self.config.hints and self.config.hints.pagination_pattern)
            ):
                # Hanweb jpage: the records after the page's own come from its dataproxy.
                next_url = next_group(datastore)
                next_kind, extra = "api", {"base": page.base, "total": datastore.total}
                if not datastore.by_get:
                    extra["post"] = list(RANGE_FIELDS)
            queue = self._related_entries(entry, analysis.related)
            column_hint = {
                "column_url": entry.hint.get("column_url") or entry.url,
                "column": entry.hint.get("column") or column_name(page),
                "page": 1,
            }
            for frame in framed or []:
                if self.scope.allows(frame):
                    queue.append(NewEntry(frame, "list", entry.depth, entry.url, dict(column_hint), True))  # type: ignore[arg-type]
            for call in api_calls if entry.hint.get("page", 1) == 1 else []:
                hint = {**column_hint, "base": page.base}
                if call.post is not None:
                    hint["post"] = list(call.post)
                    if call.json_body:
                        hint["post_json"] = list(call.numbers)
                queue.append(NewEntry(call.url, "api", entry.depth, entry.url, hint, True))  # type: ignore[arg-type]
            if not analysis.detail:
                queue += self._nav_entries(entry, page, analysis, next_url)
            self._column_page(
                entry, analysis.items, next_url, "list", page, analysis, next_kind, extra, queue=queue
            )
        else:
            queue = self._nav_entries(entry, page, analysis, None) if not analysis.detail else []
            hint = {**entry.hint, "role": self._role(analysis)}
            with self.frontier.unit():
                self._queue_items(entry, analysis.other_items, column=None, column_url=None)
                self.frontier.mark(entry, "done", hint=hint, queue=queue, run=self.run)

    def _related_entries(self, entry: Entry, urls: list[str]) -> list[NewEntry]:
        """A list row's text-less second link (its 解读 icon): a document to fetch."""
        new = []
        for url in urls:
            if not self.scope.allows(url):
                continue
            kind = "attachment" if is_attachment(url) else "detail"
            new.append(
                NewEntry(url, kind, entry.depth + 1, entry.url, {"via": "interpretation", "link_text": ""})
            )  # type: ignore[arg-type]
        return new

    def _role(self, analysis: ListAnalysis) -> str:
        return "hub" if analysis.hub else "detail" if analysis.detail else "nav"

    def _analyse(self, page: Page) -> ListAnalysis:
        hints = self.config.hints
        analysis = analyse_list(page)
        if hints and (hints.list_item_selector or hints.detail_url_pattern):
            from gongkai.crawler.listing import hinted_items

            generic = analysis.items
            analysis.items = hinted_items(page, hints.list_item_selector, hints.detail_url_pattern)
            analysis.hub = analysis.detail = False
            if not analysis.items and page.url in self._configured and not analysis.empty_marker:
                found = f" (the page shows {len(generic)} items to generic discovery)" if generic else ""
                column = SiteColumn(url=page.url, name=column_name(page))
                self.alert(column, f"layout changed: the configured hints match nothing{found}")
        return analysis

    def _next_url(self, page: Page, entry: Entry) -> str | None:
        hints = self.config.hints
        if hints and hints.pagination_pattern:
            number = int(entry.hint.get("page", 1)) + 1
            first = entry.hint.get("column_url") or entry.url
            return normalise_url(hints.pagination_pattern.format(n=number, n0=number - 1), first)
        return next_page(page)

    def _column_page(
        self,
        entry: Entry,
        items: list[ListItem],
        next_url: str | None,
        kind: str,
        page: Page | None,
        analysis: ListAnalysis | None,
        next_kind: str | None = None,
        next_extra: dict[str, Any] | None = None,
        *,
        queue: list[NewEntry] | None = None,
    ) -> None:
        """File a column page's items under its column, queue them, decide on the next page, and
        mark the entry done (with ``queue``, what else the page links to, in the same step)."""
        assert self.run is not None
        queue = list(queue or [])
        hint = dict(entry.hint)
        number = int(hint.get("page", 1))
        if not hint.get("column_url"):
            hint["column_url"] = entry.url
        if not hint.get("column") and page is not None:
            hint["column"] = column_name(page)
        column, column_url = hint.get("column"), hint["column_url"]
        # The items are queued and the page marked in one transaction (whether the next page is
        # worth reading depends on what the items were): one commit for the whole page.
        with self.frontier.unit():
            statuses = self._queue_items(entry, items, column=column, column_url=column_url)
            if analysis is not None and analysis.other_items:
                self._queue_items(entry, analysis.other_items, column=None, column_url=None)
            fingerprint = _fingerprint(items)
            trail = list(hint.get("trail", []))
            hint.update(
                page=number,
                items=[[i.url, i.title, _iso(i.date)] for i in items],
                fingerprint=fingerprint,
                empty=(analysis.empty_marker or "") if analysis is not None and not items else "",
            )
            reason = self._stop_paging(number, items, statuses, fingerprint, trail)
            if next_url and reason is None:
                next_hint = {
                    "column_url": column_url,
                    "column": column,
                    "page": number + 1,
                    "trail": [*trail, fingerprint][-20:],
                }
                if kind == "api":
                    next_hint["base"] = hint.get("base")
                    next_hint["total"] = hint.get("total")
                    for key in ("post", "post_json"):  # the next page is asked for as this one was
                        if hint.get(key) is not None:
                            next_hint[key] = hint[key]
                next_hint.update(next_extra or {})
                new = NewEntry(next_url, next_kind or kind, entry.depth, entry.url, next_hint, True)  # type: ignore[arg-type]
                queue.insert(0, new)
            hint["stopped"] = reason
            self.frontier.mark(
                entry,
                "done",
                hint=hint,
                kind="list" if kind == "list" and entry.kind == "seed" else None,
                queue=queue,
                run=self.run,
            )

    def _stop_paging(
        self, number: int, items: list[ListItem], statuses: dict[str, str], fingerprint: str, trail: list[str]
    ) -> str | None:
        if number >= self.limits.max_list_pages:
            return f"reached {self.limits.max_list_pages} pages"
        if not items:
            return "no items on this page"
        if fingerprint in trail:
            return "same items as an earlier page (endless pagination)"
        last = statuses.get(items[-1].url)
        if last == "known":
            # Lists run newest first: once the oldest item here is one we have unchanged, the
            # pages after it hold nothing new (pinned items at the top do not trigger this).
            return STOP_KNOWN
        return None

    def _queue_items(
        self, entry: Entry, items: list[ListItem], column: str | None, column_url: str | None
    ) -> dict[str, str]:
        assert self.run is not None
        new: list[NewEntry] = []
        for item in items:
            if not self.scope.allows(item.url):
                with self._lock:
                    self.stats.out_of_scope += 1
                continue
            if is_asset(item.url):
                continue
            kind = "attachment" if is_attachment(item.url) else "detail"
            hint: dict[str, Any] = {"title": item.title, "date": _iso(item.date)}
            if column_url:
                hint.update(
                    column=column,
                    column_url=column_url,
                    column_kind=column_kind(column, column_url, self.config),
                )
            new.append(NewEntry(item.url, kind, entry.depth + 1, entry.url, hint))  # type: ignore[arg-type]
        return dict(self.frontier.add(new, self.run))

    def _nav_entries(
        self, entry: Entry, page: Page, analysis: ListAnalysis, next_url: str | None
    ) -> list[NewEntry]:
        if entry.depth + 1 > self.limits.max_depth:
            return []
        skip = {i.url for i in analysis.items} | {i.url for i in analysis.other_items} | {entry.url}
        skip |= set(analysis.related) | set(analysis.frames)
        if next_url:
            skip.add(next_url)
        series_dir = urlsplit(entry.url).path.rsplit("/", 1)[0]
        new: list[NewEntry] = []
        for url in nav_candidates(page, entry.url, skip):
            if not self.scope.allows(url):
                with self._lock:
                    self.stats.out_of_scope += 1
                continue
            parts = urlsplit(url)
            if not any(parts.path.startswith(prefix) for prefix in self._prefixes):
                continue
            if is_pagination(url, parts.path, series_dir):
                continue
            skip.add(url)
            new.append(NewEntry(url, "nav", entry.depth + 1, entry.url, {}, refresh=True))
        return new

    def _nav_prefixes(self) -> list[str]:
        """Index pages are followed only below the folders of the start URLs and columns."""
        prefixes = set()
        for url in [*self.config.start_urls, *(c.url for c in self.config.columns)]:
            path = urlsplit(url).path or "/"
            prefixes.add(path.rsplit("/", 1)[0] + "/")
        return sorted(prefixes)

    # --- documents ----------------------------------------------------------------------------

    def process_detail(self, entry: Entry, got: Got) -> None:
        body, result, content_type = got.body, got.result, got.content_type
        if body is None:
            self.fail(entry, "no body stored for this page")
            return
        if result is not None and result.not_modified and self.store.document_id(entry.url, self.config.name):
            self.frontier.mark(entry, "done")
            with self._lock:
                self.stats.unchanged_documents += 1
            return
        page = None
        if entry.hint.get("via") in ("interpretation", "policy"):
            # Reached through a link that named a 解读 or a policy: if it is a column list after
            # all (a breadcrumb or menu link), it is navigation, never a document.
            page = parse_page(body, got.final_url, content_type)
            analysis = analyse_list(page)
            if not analysis.detail and (analysis.hub or len(analysis.items) >= 3 or analysis.empty_marker):
                self.frontier.mark(entry, "done", hint={**entry.hint, "role": "list"})
                return
        links = self._store_document(entry, got, column=entry.hint.get("column"), page=page)
        assert self.run is not None
        self.frontier.mark(entry, "done", queue=links, run=self.run)

    def _store_document(
        self, entry: Entry, got: Got, column: str | None, page: Page | None
    ) -> list[NewEntry]:
        """Extract the page and store it as a document (with its page kind); what it links to,
        for the caller to queue with the entry's own mark (one transaction)."""
        body, content_type = got.body, got.content_type
        assert body is not None
        record = extractors.extract(body, entry.url, content_type)
        column_kind_ = entry.hint.get("column_kind")
        update: dict[str, Any] = {
            "site": self.config.name,
            "column": column,
            "fetched_at": got.fetched_at,
            "page_sha256": got.sha256,
        }
        kind = page_kind_for(record.page_kind, column_kind_)
        if kind != record.page_kind:
            update["page_kind"] = kind
        record = record.model_copy(update=update)
        failed = next((w for w in record.warnings if w.startswith("extraction failed")), None)
        if failed is not None:  # stored (the page is kept for re-extraction), but never silent
            with self._lock:
                self.stats.errors += 1
                self.stats.error_lines.append(f"error: {entry.url}: {failed}")
        self.frontier.defer(lambda conn: self._save_document(record, conn))
        page = page or parse_page(body, got.final_url, content_type)
        return self._document_links(entry, record, page)

    def _save_document(self, record: DocumentRecord, conn: Any) -> None:
        """Store the document in its entry's transaction (run by the frontier, ``Frontier.defer``)."""
        [saved] = self.store.save_documents([record], self.config.name, conn=conn)
        with self._lock:
            if saved.status == "new":
                self.stats.new_documents += 1
            elif saved.status == "changed":
                self.stats.changed_documents += 1
            else:
                self.stats.unchanged_documents += 1
            if record.page_kind == "news":
                self.stats.news += 1

    def _document_links(self, entry: Entry, record: DocumentRecord, page: Page) -> list[NewEntry]:
        """Interpretations, the policy an interpretation answers, and attachments: the record's
        links (the extractor's reading, the one the audit uses), plus the 解读 icons and 文件链接
        the page shows outside its boxes — never breadcrumb or menu links (crawler.spider)."""
        found = document_links(record, page, entry.url)
        found.pop(entry.url, None)
        new: list[NewEntry] = []
        for url, (kind, text) in found.items():
            if not self.scope.allows(url):
                with self._lock:
                    self.stats.out_of_scope += 1
                continue
            frontier_kind = "attachment" if kind == "attachment" or is_attachment(url) else "detail"
            hint = {"link_text": text, "via": kind}
            new.append(NewEntry(url, frontier_kind, entry.depth + 1, entry.url, hint))  # type: ignore[arg-type]
        return new

    def alert(self, column: SiteColumn, reason: str) -> None:
        self.frontier.flush()  # the page being read may be the column's: its archive is named
        stored = self.store.get_page(column.url)
        alert = {
            "column": column.name,
            "url": column.url,
            "reason": reason,
            "warc_file": stored.warc_file if stored else None,
            "warc_record_id": stored.warc_record_id if stored else None,
        }
        with self._lock:
            if alert not in self.stats.alerts:
                self.stats.alerts.append(alert)
