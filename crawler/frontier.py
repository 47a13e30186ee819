"""The crawl frontier in the database, so a killed crawl resumes where it stopped.

Each URL of a site has one row (``frontier`` table): its kind, state (pending | done | failed |
skipped), and a ``hint`` — what the page that linked it said (a list item's title and date and
column; a list page's own items). A crawl *run* (``runs`` row, kind ``crawl``) gives the epoch
that separates "handled in this run" from "handled in an earlier run":

- a run that was killed (status still ``running``) is resumed: pending rows are worked off, and
  pages already stored during the run are reused, never fetched again;
- a run that stopped at ``max_pages`` ends (``stopped-limit``): the next run is a new one, and
  the rows it left pending are worked off in it (they are "current" for the new run);
- a new run re-checks list pages (conditional GET) but re-queues a document page only when its
  list entry changed (new title or date) — the incremental nightly crawl.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, TypedDict

from gongkai.models.store import Store, as_utc, utcnow
from gongkai.models.writelock import lock_for

Kind = Literal["seed", "nav", "list", "api", "detail", "attachment"]
PAGE_KINDS: tuple[str, ...] = ("seed", "nav", "list", "api")
#: Work order: every list page before any document, documents before attachments.
PRIORITY: tuple[tuple[str, ...], ...] = (PAGE_KINDS, ("detail",), ("attachment",))
AddStatus = Literal["new", "changed", "known", "current", "requeued"]


class EntryState(TypedDict, total=False):
    """What the crawl keeps about one frontier entry (the ``frontier.hint`` JSON column).

    A list/API page carries its column and its paging; a document or attachment carries what
    the list said of it (title, date: a changed listing re-queues it) and how it was reached.
    """

    # --- a column's pages (seed, nav, list, api) ---
    column_url: str | None  #: the column's first list page: items and counts are filed under it
    column: str | None  #: the column's name (config, ColumnName meta, breadcrumb, heading …)
    page: int  #: 1-based page number within the column
    trail: list[str]  #: fingerprints of the column's earlier pages (endless pagination stops)
    items: list[list[Any]]  #: [url, title, ISO date or None] of this page's items
    fingerprint: str
    empty: str  #: the empty-list signal this page showed (暂无信息 …, ``zero_rows``) or ""
    stopped: str | None  #: why paging stopped here (None: it went on)
    base: str | None  #: base URL for relative links in an API answer (the page that called it)
    total: int | None  #: Hanweb: the column's total record count (jpage ``totalRecord``)
    known_items: dict[str, str | None]  #: first page only: every item known over all pages
    post: list[str]  #: asked for by POST (as the page's script does): these URL parameters form the body
    post_json: list[str]  #: present: the POST body is JSON, not a form; these of its fields are numbers
    role: str  #: a page that is no column: hub, detail or nav
    # --- documents and attachments ---
    title: str  #: the list's title for it
    date: str | None  #: the list's date for it (ISO)
    column_kind: str  #: kind of the column that listed it (news columns → page_kind news)
    via: str  #: how it was reached from a document: interpretation, policy or attachment
    link_text: str


@dataclass(frozen=True)
class Run:
    id: int
    started_at: datetime
    resumed: bool


@dataclass
class Entry:
    id: int
    url: str
    kind: str
    depth: int
    state: str
    attempts: int
    discovered_from: str | None
    hint: EntryState
    last_error: str | None
    updated_at: datetime


@dataclass(frozen=True)
class NewEntry:
    url: str
    kind: Kind
    depth: int = 0
    discovered_from: str | None = None
    hint: EntryState = field(default_factory=lambda: EntryState())
    #: Page kinds: fetch again in this run even if an earlier run already did (conditional GET).
    refresh: bool = False


def _same_listing(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """A list entry is unchanged when its title and date are as before.

    Only list items carry ``title``/``date``; a link met elsewhere (a 相关解读 box) says nothing
    about whether the document changed.
    """
    if "title" not in new:
        return True
    return (old.get("title"), old.get("date")) == (new.get("title"), new.get("date"))


def _merge_hint(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Keep what we knew; a column learnt from a proper column list beats none."""
    merged = {**new, **{k: v for k, v in old.items() if v is not None}}
    if new.get("column_url") and not old.get("column_url"):
        merged["column_url"], merged["column"] = new["column_url"], new.get("column")
    for key in ("title", "date"):  # the newest listing is what "changed" compares against
        if key in new:
            merged[key] = new[key]
    return merged


class Frontier:
    """One site's frontier and crawl runs. The rows are the store's (``models/store_frontier.py``);
    what they mean — which URL is queued again, which run resumed — is decided here."""

    def __init__(self, store: Store, site_id: int) -> None:
        self.store = store
        self.site_id = site_id
        self._lock = lock_for(store)
        #: Per thread (a site's hosts may be worked by several threads): the open unit's
        #: connection, and the entry's writes deferred to its next frontier transaction.
        self._local = threading.local()

    # --- one transaction per entry ----------------------------------------------------------------

    def defer(self, write: Callable[[Any], None]) -> None:
        """Run ``write(conn)`` at the start of this thread's next frontier transaction.

        An entry's page and document rows go into the transaction that queues its links and marks
        it, so each entry costs one commit and one turn of the SQLite writer lock instead of three
        or four (16 workers queued on that lock). A kill -9 before that commit loses the entry's
        rows together with its mark: the resumed run fetches it again, nothing half-written.
        """
        pending = getattr(self._local, "pending", None)
        if pending is None:
            pending = self._local.pending = []
        pending.append(write)

    def flush(self) -> None:
        """Commit this thread's deferred writes now (something is about to read them)."""
        if getattr(self._local, "pending", None):
            with self.unit():
                pass

    @contextmanager
    def unit(self) -> Iterator[Any]:
        """One transaction (and one turn of the writer lock) for every frontier call inside it.

        Hold it only around writes: reading and extracting pages happens before, outside the lock.
        Inside it, every store call must pass ``conn=`` (a second SQLite connection would wait
        for this transaction's lock).
        """
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            yield conn
            return
        with self._lock, self.store.transaction() as conn:
            self._local.conn = conn
            try:
                self._run_deferred(conn)
                yield conn
            finally:
                self._local.conn = None

    def _run_deferred(self, conn: Any) -> None:
        pending = getattr(self._local, "pending", None)
        if pending:
            self._local.pending = []  # taken before running: a failing write is not retried
            for write in pending:
                write(conn)

    @contextmanager
    def _reading(self) -> Iterator[Any]:
        """The open unit's connection, or None (the store reads on a connection of its own) under
        the writer lock: SQLite's BEGIN IMMEDIATE takes the file's lock for reads too."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            yield conn
            return
        with self._lock:
            yield None

    # --- runs -------------------------------------------------------------------------------------

    def begin_run(self) -> Run:
        """Resume the site's unfinished crawl run, or start a new one."""
        with self.unit() as conn:
            run_id, started_at, resumed = self.store.begin_crawl_run(self.site_id, conn=conn)
        return Run(run_id, started_at, resumed=resumed)

    def run_stats(self, run: Run) -> dict[str, Any]:
        with self._reading() as conn:
            return self.store.crawl_run_stats(run.id, conn=conn)

    def save_run(self, run: Run, stats: dict[str, Any], status: str = "running") -> None:
        with self.unit() as conn:
            self.store.save_crawl_run(run.id, stats, status, conn=conn)

    def documents_first_seen_since(self, since: datetime) -> int:
        """The site's documents stored for the first time since ``since`` (a run's new documents)."""
        with self._reading() as conn:
            return self.store.documents_first_seen_since(self.site_id, since, conn=conn)

    # --- entries ----------------------------------------------------------------------------------

    def _entry(self, row: Any) -> Entry:
        return Entry(
            id=row.id,
            url=row.url,
            kind=row.kind,
            depth=row.depth,
            state=row.state,
            attempts=row.attempts,
            discovered_from=row.discovered_from,
            hint=EntryState(**(row.hint or {})),
            last_error=row.last_error,
            updated_at=as_utc(row.updated_at),  # type: ignore[arg-type]
        )

    def get(self, url: str) -> Entry | None:
        with self._reading() as conn:
            row = self.store.frontier_row(self.site_id, url, conn=conn)
        return self._entry(row) if row else None

    def add(self, entries: Sequence[NewEntry], run: Run) -> dict[str, AddStatus]:
        """Queue discovered URLs; returns what each one is for this run.

        ``new`` never seen; ``changed`` seen in an earlier run but its listing changed (queued
        again); ``known`` seen in an earlier run, unchanged (not queued); ``current`` already
        queued or handled in this run; ``requeued`` a page kind queued again for this run.
        """
        if not entries:
            return {}
        with self.unit() as conn:
            return self._add(conn, entries, run)

    def _add(self, conn: Any, entries: Sequence[NewEntry], run: Run) -> dict[str, AddStatus]:
        out: dict[str, AddStatus] = {}
        unique: dict[str, NewEntry] = {}
        for entry in entries:
            unique.setdefault(entry.url, entry)
        now = utcnow()
        rows = self.store.frontier_rows(self.site_id, list(unique), conn=conn)
        existing = {row.url: self._entry(row) for row in rows}
        inserts: list[dict[str, Any]] = []
        for url, new in unique.items():
            old = existing.get(url)
            if old is None:
                inserts.append(
                    {
                        "site_id": self.site_id,
                        "url": url,
                        "kind": new.kind,
                        "depth": new.depth,
                        "state": "pending",
                        "attempts": 0,
                        "discovered_from": new.discovered_from,
                        "hint": new.hint,
                        "last_error": None,
                        "updated_at": now,
                    }
                )
                out[url] = "new"
                continue
            this_run = old.state == "pending" or old.updated_at >= run.started_at
            if this_run:
                merged = _merge_hint(old.hint, new.hint) if old.kind not in PAGE_KINDS else old.hint
                if merged != old.hint:
                    self.store.update_frontier_row(old.id, {"hint": merged}, conn=conn)
                out[url] = "current"
                continue
            if old.kind not in PAGE_KINDS and new.kind in PAGE_KINDS:
                out[url] = "known"  # a document met again as a navigation link: not a list
                continue
            if old.kind in PAGE_KINDS or new.kind in PAGE_KINDS:
                if new.refresh:
                    hint = {**old.hint, **new.hint}
                    self._requeue(conn, old.id, hint, now, new.depth)
                    out[url] = "requeued"
                else:
                    out[url] = "known"
                continue
            if old.state in ("skipped",) or _same_listing(old.hint, new.hint):
                out[url] = "known"
                continue
            self._requeue(conn, old.id, _merge_hint(old.hint, new.hint), now, min(old.depth, new.depth))
            out[url] = "changed"
        self.store.add_frontier_rows(inserts, conn=conn)  # one statement for the batch
        return out

    def _requeue(self, conn: Any, entry_id: int, hint: dict[str, Any], now: datetime, depth: int) -> None:
        values = {"state": "pending", "attempts": 0, "last_error": None, "hint": hint, "updated_at": now}
        self.store.update_frontier_row(entry_id, {**values, "depth": depth}, conn=conn)

    def pending(self, limit: int) -> list[Entry]:
        """The next pending entries, list pages first (in discovery order)."""
        with self._reading() as conn:
            for kinds in PRIORITY:
                rows = self.store.pending_frontier_rows(self.site_id, kinds, limit, conn=conn)
                if rows:
                    return [self._entry(row) for row in rows]
        return []

    def count_pending(self) -> int:
        with self._reading() as conn:
            return self.store.count_pending_frontier(self.site_id, conn=conn)

    def mark(
        self,
        entry: Entry,
        state: str,
        *,
        error: str | None = None,
        hint: dict[str, Any] | None = None,
        kind: str | None = None,
        queue: Sequence[NewEntry] = (),
        run: Run | None = None,
    ) -> dict[str, AddStatus]:
        """Set an entry's state; ``queue`` (what the entry links to) is added in the same
        transaction, before the entry is marked: one commit per entry, and a kill can never
        leave an entry done whose links were not queued."""
        values: dict[str, Any] = {
            "state": state,
            "last_error": error,
            "updated_at": utcnow(),
            "attempts": entry.attempts + (1 if state == "failed" else 0),
        }
        if hint is not None:
            values["hint"] = hint
        if kind is not None:
            values["kind"] = kind
        added: dict[str, AddStatus] = {}
        with self.unit() as conn:
            if queue:
                assert run is not None, "queueing needs the run"
                added = self._add(conn, queue, run)
            self.store.update_frontier_row(entry.id, values, conn=conn)
        return added

    def iter_entries(self, kinds: Iterable[str]) -> Iterator[Entry]:
        with self._reading() as conn:
            rows = self.store.frontier_rows_of_kinds(self.site_id, kinds, conn=conn)
        for row in rows:
            yield self._entry(row)

    def states(self) -> dict[str, int]:
        with self._reading() as conn:
            return self.store.frontier_states(self.site_id, conn=conn)
