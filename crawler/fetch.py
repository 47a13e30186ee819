"""The polite fetcher: scope, robots.txt, pinned addresses, delays, retries, caps, archive.

Every hop of every request goes through the same checks, in this order, before a connection is
opened: http(s) only → host in ``allowed_hosts`` → robots.txt allows it → the host name resolves
only to allowed addresses (see :mod:`crawler.addresses`). The connection is then opened to the
address we checked, never resolved again, so a DNS answer that changes between check and
connect (rebinding) cannot reach anything else. Redirects are followed here, one checked hop
at a time.

Every request (robots.txt included) has one deadline for connect + headers + body
(``total_timeout_seconds``): a watchdog shuts the socket when it passes, so a server dripping its
headers one byte at a time cannot hold the crawl (urllib3's timeouts are per read). A host whose
URLs keep failing is left alone for the rest of the run after ``max_host_failures`` in a row
(circuit breaker), with one alert.

robots.txt is read by RFC 9309 (protego: wildcards, ``$``, longest match). A robots.txt that
cannot be had (5xx, network trouble, over the size cap) makes the site *unavailable* for this run
— treated as disallowed, said so, and retried next run — never "robots.txt disallows".

Bodies are streamed and stopped at ``max_response_bytes``; gzip/deflate are undone by
:mod:`crawler.bodies` under ``max_decompressed_bytes``. Every response received (errors,
redirects and 304s included) is archived with its request before anything else happens.
"""

from __future__ import annotations

import contextlib
import email.utils
import heapq
import json
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import urllib3
from gongkai.crawler.addresses import AddressPolicy, AddressRefused, Resolver, resolve_checked
from gongkai.crawler.archive import ArchivedRecord, Exchange, WarcArchive
from gongkai.crawler.bodies import BadEncoding, BodyTooLarge, decode_content
from gongkai.crawler.politeness import SHARED_GATES, HostGates
from gongkai.crawler.scope import Scope, host_key, host_port, iri_to_uri, normalise_url
from gongkai.models.records import CrawlPolicy
from protego import Protego
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import HTTPError as Urllib3Error

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ROBOTS_MAX_BYTES = 512 * 1024
_READ_CHUNK = 64 * 1024


@dataclass(frozen=True)
class PostForm:
    """Ask by POST, the way the page's script does: these query parameters of the URL go in the
    body (form-encoded, or a JSON object when the script sends JSON), the others stay in the URL.

    The frontier keys an entry on its URL, so each page of a POSTed list keeps every parameter in
    the URL it is queued under (paging advances them there, whatever the body's encoding); only
    the request moves them into the body.
    """

    fields: tuple[str, ...]
    #: The body is a JSON object (``Content-Type: application/json``), not a form.
    as_json: bool = False
    #: Fields the script writes as numbers: a JSON body sends them as numbers while they are digits.
    numbers: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        if self.as_json:
            return "application/json; charset=UTF-8"
        return "application/x-www-form-urlencoded; charset=UTF-8"

    def split(self, url: str) -> tuple[str, bytes]:
        """(the URL to POST to, the body)."""
        parts = urlsplit(url)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        kept = [(k, v) for k, v in pairs if k not in self.fields]
        body = [(k, v) for k, v in pairs if k in self.fields]
        sent_url = urlunsplit(parts._replace(query=urlencode(kept)))
        if not self.as_json:
            return sent_url, urlencode(body).encode()
        # In the script's order, the same on every page (paging moves a parameter in the URL).
        given = dict(body)
        values = {
            k: int(given[k]) if k in self.numbers and _INTEGER.fullmatch(given[k]) else given[k]
            for k in self.fields
            if k in given
        }
        return sent_url, json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode()


_INTEGER = re.compile(r"-?\d{1,18}")


class FetchError(Exception):
    """Why a URL could not be fetched; ``permanent`` errors are not worth retrying this run."""

    def __init__(self, message: str, *, permanent: bool = False, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after


@dataclass
class FetchResult:
    url: str
    final_url: str
    status: int | None = None
    reason: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    #: The decoded body (Content-Encoding undone); None for a 304 or an error.
    body: bytes | None = None
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    error: str | None = None
    archived: ArchivedRecord | None = None
    redirects: list[str] = field(default_factory=list)
    attempts: int = 0
    #: Bytes received on the wire for this URL (status line, headers and bodies of every hop/try).
    bytes_received: int = 0
    #: Requests actually sent (hops × tries).
    requests_sent: int = 0
    #: robots.txt forbids this URL: skipped for good (not an error).
    robots_disallowed: bool = False
    #: Not tried: the host is left alone for the rest of the run (circuit breaker open).
    deferred: bool = False
    #: This failure opened the host's circuit breaker: the one alert line to show.
    alert: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.status == 200

    @property
    def not_modified(self) -> bool:
        return self.error is None and self.status == 304

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")


class _Deadline:
    """One deadline for a whole request: when it passes, a timer shuts the connection's socket.

    urllib3's timeouts bound each read, so a server sending one header byte every few seconds
    never trips them; shutting the socket wakes the blocked read wherever it is (connect, status
    line, headers, body).
    """

    _local = threading.local()

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expires = time.monotonic() + seconds
        self.expired = False
        self._lock = threading.Lock()
        self._conn: Any = None
        self._done = False

    @classmethod
    def current(cls) -> _Deadline | None:
        return getattr(cls._local, "deadline", None)

    def remaining(self) -> float:
        return max(0.01, self.expires - time.monotonic())

    def __enter__(self) -> _Deadline:
        self._local.deadline = self
        _WATCHDOG.watch(self)
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._conn = None  # done: a late timer must not shut a connection back in the pool
            self._done = True
        self._local.deadline = None

    def attach(self, conn: Any) -> None:
        with self._lock:
            self._conn = conn
            expired = self.expired
        if expired:
            _shut(conn)

    def _fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.expired = True
            conn = self._conn
        if conn is not None:
            _shut(conn)


class _Watchdog:
    """One thread fires every request's deadline (a timer thread per request cost ~2 ms each)."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, _Deadline]] = []
        self._cond = threading.Condition()
        self._seq = 0
        self._thread: threading.Thread | None = None

    def watch(self, deadline: _Deadline) -> None:
        with self._cond:
            self._seq += 1
            heapq.heappush(self._heap, (deadline.expires, self._seq, deadline))
            # Finished deadlines are dropped lazily; keep the heap from growing with them.
            if len(self._heap) > 4096:
                self._heap = [item for item in self._heap if not item[2]._done]
                heapq.heapify(self._heap)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="fetch-deadlines", daemon=True)
                self._thread.start()
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._heap and self._heap[0][2]._done:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._cond.wait(1.0)
                    continue
                wait = self._heap[0][0] - time.monotonic()
                if wait > 0:
                    self._cond.wait(min(wait, 1.0))
                    continue
                _at, _seq, due = heapq.heappop(self._heap)
            due._fire()


_WATCHDOG = _Watchdog()


def _shut(conn: Any) -> None:
    sock = getattr(conn, "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):  # already closed: nothing left to wake
            sock.shutdown(socket.SHUT_RDWR)


class _DeadlineMixin:
    """Connections put themselves under the running request's deadline before sending."""

    def connect(self) -> None:
        # HTTPS connects (TLS handshake included) before request(): under the deadline too.
        deadline = _Deadline.current()
        if deadline is not None:
            deadline.attach(self)
        super().connect()  # type: ignore[misc]

    def request(self, *args: Any, **kwargs: Any) -> Any:
        deadline = _Deadline.current()
        if deadline is not None:
            deadline.attach(self)
        return super().request(*args, **kwargs)  # type: ignore[misc]


class _PinnedHTTPConnection(_DeadlineMixin, HTTPConnection):
    """Connects to the address we checked, whatever the host name resolves to now."""

    def __init__(self, *args: Any, pinned_ip: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pinned_ip = pinned_ip

    def _new_conn(self) -> socket.socket:
        try:
            return socket.create_connection(
                (self.pinned_ip, self.port),
                self.timeout if isinstance(self.timeout, int | float) else None,
                source_address=self.source_address,
            )
        except TimeoutError as exc:
            raise urllib3.exceptions.ConnectTimeoutError(
                self, f"connect to {self.host} ({self.pinned_ip}) timed out"
            ) from exc
        except OSError as exc:
            raise urllib3.exceptions.NewConnectionError(
                self, f"cannot connect to {self.host} ({self.pinned_ip}): {exc}"
            ) from exc


class _PinnedHTTPSConnection(_DeadlineMixin, HTTPSConnection):
    """TLS to the checked address; SNI and certificate checks still use the host name."""

    def __init__(self, *args: Any, pinned_ip: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pinned_ip = pinned_ip

    _new_conn = _PinnedHTTPConnection._new_conn  # type: ignore[assignment]


class _PinnedHTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _PinnedHTTPConnection  # type: ignore[assignment]


class _PinnedHTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection  # type: ignore[assignment]


@dataclass
class _Robots:
    parser: Protego | None
    #: "rules", "allow-all" (no robots.txt: 4xx), or "unavailable" (5xx, network, oversized:
    #: RFC 9309 says assume complete disallow for now; retried next run).
    mode: str
    crawl_delay: float | None = None
    #: Why robots.txt is unavailable (one line), for the error lines.
    reason: str = ""


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))  # delta-seconds (some servers send fractions)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now_dt = datetime.fromtimestamp(now, UTC) if now is not None else datetime.now(UTC)
    return max(0.0, (when - now_dt).total_seconds())


class Fetcher:
    """Fetch URLs of one site politely. Thread-safe; share one per site (or per process)."""

    def __init__(
        self,
        policy: CrawlPolicy,
        scope: Scope,
        addresses: AddressPolicy,
        *,
        archive: WarcArchive | None = None,
        gates: HostGates | None = None,
        resolver: Resolver | None = None,
        sleep: Callable[[float], None] = time.sleep,
        on_robots: Callable[[FetchResult], None] | None = None,
        stored_robots: Callable[[str], StoredRobots] | None = None,
    ) -> None:
        self.policy = policy
        self.scope = scope
        self.addresses = addresses
        self.archive = archive
        self.gates = gates or SHARED_GATES
        self.resolver = resolver or Resolver()
        self.sleep = sleep
        self.on_robots = on_robots
        #: robots.txt as stored earlier: reused as is when fresh (fetched in this run), else asked
        #: for conditionally.
        self.stored_robots = stored_robots
        self._pools: dict[tuple[str, str, int, str], urllib3.HTTPConnectionPool] = {}
        self._pools_lock = threading.Lock()
        self._robots: dict[str, _Robots] = {}
        self._robots_lock = threading.Lock()
        #: Circuit breaker: failed URLs in a row per host, and the hosts left alone for this run.
        self._failures: dict[str, int] = {}
        self._open_circuits: dict[str, str] = {}
        self._failures_lock = threading.Lock()

    # --- public -------------------------------------------------------------------------------

    def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = "text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8",
        post: PostForm | None = None,
    ) -> FetchResult:
        """GET ``url`` (or POST it, ``post``) with every check; never raises for network or server
        trouble."""
        url = iri_to_uri(url) or url
        result = FetchResult(url=url, final_url=url)
        host = host_key(url)
        with self._failures_lock:
            opened = self._open_circuits.get(host)
        if opened is not None:
            result.error, result.deferred = f"not tried: {opened}", True
            return result
        conditional: dict[str, str] = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        try:
            self._fetch_following(
                url, result, conditional, accept, check_robots=self.policy.obey_robots_txt, post=post
            )
        except FetchError as exc:
            result.error = str(exc)
            result.robots_disallowed = isinstance(exc, RobotsDisallowed)
            if result.status is None or result.status < 400:
                result.body = None  # an error page (404 …) keeps its body: it is evidence
        self._count_failure(host, result)
        return result

    def _count_failure(self, host: str, result: FetchResult) -> None:
        """Circuit breaker: after ``max_host_failures`` failed URLs in a row, leave the host alone."""
        if result.requests_sent == 0:
            return  # refused before any request (scope, robots): says nothing about the server
        failed = result.error is not None and (result.status is None or result.status >= 500)
        with self._failures_lock:
            if not failed:
                self._failures[host] = 0
                return
            count = self._failures.get(host, 0) + 1
            self._failures[host] = count
            if count >= self.policy.max_host_failures and host not in self._open_circuits:
                self._open_circuits[host] = (
                    f"host {host} left alone for the rest of this run after {count} failed URLs in a row"
                    " (retried next run)"
                )
                result.alert = f"alert: {self._open_circuits[host]}; last error: {result.error}"

    def robots_known(self, url: str) -> bool:
        """Whether robots.txt for ``url``'s origin is already read (or need not be)."""
        if not self.policy.obey_robots_txt:
            return True
        with self._robots_lock:
            return _robots_key(url) in self._robots

    def robots_allows(self, url: str) -> bool:
        """What robots.txt says about ``url`` for our User-Agent (fetched once per host)."""
        if not self.policy.obey_robots_txt:
            return True
        robots = self._robots_for(url)
        if robots.mode == "allow-all":
            return True
        if robots.mode == "unavailable" or robots.parser is None:
            return False
        return bool(robots.parser.can_fetch(url, _product_token(self.policy.user_agent)))

    def host_delay(self, url: str, base_delay: float) -> float:
        """The configured delay, or robots.txt's Crawl-delay when that asks for more (capped)."""
        robots = self._robots.get(_robots_key(url)) if self.policy.obey_robots_txt else None
        crawl_delay = robots.crawl_delay if robots else None
        if crawl_delay:
            return max(base_delay, min(crawl_delay, self.policy.max_retry_after_seconds))
        return base_delay

    def close(self) -> None:
        with self._pools_lock:
            for pool in self._pools.values():
                pool.close()
            self._pools.clear()

    # --- redirects and retries ------------------------------------------------------------------

    def _fetch_following(
        self,
        url: str,
        result: FetchResult,
        conditional: dict[str, str],
        accept: str,
        check_robots: bool,
        post: PostForm | None = None,
    ) -> None:
        current = url
        seen = {url}
        for _hop in range(self.policy.max_redirects + 1):
            self._check_url(current, check_robots)
            status, reason, headers, body = self._with_retries(current, result, conditional, accept, post)
            result.final_url, result.status, result.reason, result.headers = current, status, reason, headers
            if status not in REDIRECT_STATUSES:
                if status == 304:
                    result.body = None
                elif status == 200:
                    result.body = body
                else:
                    result.body = body
                    kind = "gone" if status in (404, 410) else "refused"
                    raise FetchError(f"HTTP {status} {reason}".strip() + f" ({kind})", permanent=True)
                return
            location = headers.get("location")
            target = normalise_url(location, current) if location else None
            if target is None:
                raise FetchError(f"HTTP {status} redirect without a usable Location", permanent=True)
            if target in seen:
                raise FetchError(f"redirect loop at {target}", permanent=True)
            seen.add(target)
            result.redirects.append(target)
            # Conditional headers describe the first URL's stored copy, not the new target's.
            conditional = {}
            post = None  # a redirected POST is followed by GET, as browsers do
            current = target
        raise FetchError(f"more than {self.policy.max_redirects} redirects", permanent=True)

    def _check_url(self, url: str, check_robots: bool) -> None:
        if host_port(url) is None:
            raise FetchError(f"not an http(s) URL: {url}", permanent=True)
        if not self.scope.allows(url):
            raise FetchError(f"out of scope (host not in allowed_hosts): {url}", permanent=True)
        _scheme, host, port = host_port(url)  # type: ignore[misc]
        try:
            # Checked before robots.txt is fetched: that too would open a connection.
            resolve_checked(host, port, self.addresses, self.resolver)
        except AddressRefused as exc:
            raise FetchError(f"address refused for {host}: {exc}", permanent=True) from None
        if check_robots and not self.robots_allows(url):
            robots = self._robots_for(url)
            if robots.mode == "unavailable":
                # Not the site's answer: the next run asks again (RFC 9309 2.3.1.4).
                raise FetchError(
                    f"robots.txt unavailable ({robots.reason}): treated as disallowed for now, not"
                    " fetched; retried next run"
                )
            raise RobotsDisallowed(f"robots.txt disallows {url}", permanent=True)

    def _with_retries(
        self,
        url: str,
        result: FetchResult,
        conditional: dict[str, str],
        accept: str,
        post: PostForm | None = None,
    ) -> tuple[int, str, dict[str, str], bytes]:
        policy = self.policy
        attempt = 0
        while True:
            attempt += 1
            result.attempts += 1
            try:
                status, reason, headers, body = self._request_once(url, result, conditional, accept, post)
                if status not in RETRY_STATUSES:
                    return status, reason, headers, body
                retry_after = parse_retry_after(headers.get("retry-after"))
                error = FetchError(f"HTTP {status} {reason}".strip(), retry_after=retry_after)
            except FetchError as exc:
                if exc.permanent:
                    raise
                error = exc
            if error.retry_after is not None:
                # The whole host asked for a pause, not just this URL: capped, and the cap
                # honoured — the host's next request waits, whether or not this URL is retried.
                self.gates.gate(host_key(url)).hold_off(
                    min(error.retry_after, policy.max_retry_after_seconds)
                )
                if error.retry_after > policy.max_retry_after_seconds:
                    raise FetchError(
                        f"{error}: server asks to retry after {error.retry_after:.0f}s, over the"
                        f" {policy.max_retry_after_seconds:g}s cap; left for the next run"
                    )
            if attempt > policy.max_retries:
                raise FetchError(f"{error} (gave up after {attempt} tries)")
            wait = policy.backoff_seconds * (2 ** (attempt - 1))
            if error.retry_after is not None:
                wait = max(wait, error.retry_after)
            self.sleep(min(wait, policy.max_retry_after_seconds))

    # --- one request ----------------------------------------------------------------------------

    def _request_once(
        self,
        url: str,
        result: FetchResult,
        conditional: dict[str, str],
        accept: str,
        post: PostForm | None = None,
    ) -> tuple[int, str, dict[str, str], bytes]:
        found = host_port(url)
        assert found is not None
        scheme, host, port = found
        try:
            pinned = resolve_checked(host, port, self.addresses, self.resolver)
        except AddressRefused as exc:
            raise FetchError(f"address refused for {host}: {exc}", permanent=True) from None
        sent_url, form = post.split(url) if post is not None else (url, b"")
        parts = urlsplit(sent_url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        default_port = 443 if scheme == "https" else 80
        headers = {
            "Host": host if port == default_port else f"{host}:{port}",
            "User-Agent": self.policy.user_agent,
            "Accept": accept,
            "Accept-Encoding": "gzip, deflate",
            "Accept-Language": "zh-CN,zh;q=0.9",
            **conditional,
        }
        if post is not None:
            headers["Content-Type"] = post.content_type
            headers["X-Requested-With"] = "XMLHttpRequest"
        method = "GET" if post is None else "POST"
        pool = self._pool(scheme, host, port, str(pinned))
        policy = self.policy
        delay = self.host_delay(url, policy.delay_seconds)
        with (
            self.gates.gate(host_key(url)).turn(delay, self.sleep),
            _Deadline(policy.total_timeout_seconds) as deadline,
        ):
            started = time.monotonic()
            result.requests_sent += 1
            per_read = min(policy.timeout_seconds, deadline.remaining())
            timeout = urllib3.Timeout(connect=per_read, read=per_read)
            try:
                response = pool.urlopen(
                    method,
                    target,
                    body=form if post is not None else None,
                    headers=headers,
                    redirect=False,
                    retries=False,
                    assert_same_host=False,
                    preload_content=False,
                    decode_content=False,
                    timeout=timeout,
                    release_conn=False,
                )
            except Urllib3Error as exc:
                if deadline.expired:
                    raise FetchError(
                        f"cannot fetch {url}: no complete response in {policy.total_timeout_seconds:g}s"
                        " (connect + headers + body): stopped"
                    ) from None
                raise FetchError(f"cannot fetch {url}: {_short(exc)}") from None
            try:
                status, reason = response.status, response.reason or ""
                header_pairs = list(response.headers.items())
                result.bytes_received += len(f"HTTP/1.1 {status} {reason}\r\n") + sum(
                    len(k) + len(v) + 4 for k, v in header_pairs
                )
                raw, truncated, read_error = self._read_body(response, started, deadline)
                result.bytes_received += len(raw)
            except BaseException:
                response.close()
                raise
            if truncated or read_error:
                response.close()  # unread bytes remain on this connection: never reuse it
            else:
                response.release_conn()
        response_headers = {k.lower(): v for k, v in header_pairs}
        if self.archive is not None:
            result.archived = self.archive.write(
                Exchange(
                    url=url,
                    method=method,
                    request_target=target,
                    request_headers=headers,
                    request_body=form,
                    status=status,
                    reason=reason,
                    response_headers=header_pairs,
                    payload=raw,
                    ip=str(pinned),
                    truncated=truncated,
                )
            )
        if read_error is not None:
            raise read_error
        if status in REDIRECT_STATUSES or status == 304 or status in RETRY_STATUSES:
            return status, reason, response_headers, b""
        try:
            encoding = response_headers.get("content-encoding")
            body = decode_content(raw, encoding, policy.max_decompressed_bytes)
        except BodyTooLarge as exc:
            raise FetchError(str(exc), permanent=True) from None
        except BadEncoding as exc:
            raise FetchError(str(exc)) from None
        return status, reason, response_headers, body

    def _read_body(
        self, response: Any, started: float, deadline: _Deadline | None = None
    ) -> tuple[bytes, str | None, FetchError | None]:
        """Stream the raw body; stop at the size cap or the total deadline."""
        policy = self.policy
        declared = response.headers.get("content-length")
        if declared and declared.strip().isdigit() and int(declared) > policy.max_response_bytes:
            return (
                b"",
                "length",
                FetchError(
                    f"response of {int(declared)} bytes is over the {policy.max_response_bytes}-byte cap:"
                    " not read",
                    permanent=True,
                ),
            )
        chunks: list[bytes] = []
        size = 0
        watchdog = deadline
        too_slow = FetchError(f"response took over {policy.total_timeout_seconds:g}s: stopped")
        deadline = started + policy.total_timeout_seconds
        try:
            while True:
                chunk = response.read1(_READ_CHUNK, decode_content=False)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > policy.max_response_bytes:
                    return (
                        b"".join(chunks)[: policy.max_response_bytes],
                        "length",
                        FetchError(
                            f"response over the {policy.max_response_bytes}-byte cap: stopped reading",
                            permanent=True,
                        ),
                    )
                if time.monotonic() > deadline:
                    return b"".join(chunks), "time", too_slow
        except Urllib3Error as exc:
            if watchdog is not None and watchdog.expired:
                return b"".join(chunks), "time", too_slow
            return b"".join(chunks), "disconnect", FetchError(f"broken response: {_short(exc)}")
        except (OSError, ValueError) as exc:
            if watchdog is not None and watchdog.expired:
                return b"".join(chunks), "time", too_slow
            return b"".join(chunks), "disconnect", FetchError(f"broken response: {exc}")
        if watchdog is not None and watchdog.expired:
            return b"".join(chunks), "time", too_slow  # the shut socket read as a clean end
        return b"".join(chunks), None, None

    def _pool(self, scheme: str, host: str, port: int, ip: str) -> urllib3.HTTPConnectionPool:
        key = (scheme, host, port, ip)
        with self._pools_lock:
            pool = self._pools.get(key)
            if pool is None:
                cls = _PinnedHTTPSPool if scheme == "https" else _PinnedHTTPPool
                pool = cls(host, port, maxsize=2, block=False, pinned_ip=ip)
                self._pools[key] = pool
            return pool

    # --- robots.txt -------------------------------------------------------------------------------

    def _robots_for(self, url: str) -> _Robots:
        key = _robots_key(url)
        with self._robots_lock:
            cached = self._robots.get(key)
        if cached is not None:
            return cached
        robots = self._load_robots(key)
        with self._robots_lock:
            return self._robots.setdefault(key, robots)

    def _load_robots(self, origin: str) -> _Robots:
        robots_url = normalise_url(origin + "/robots.txt") or origin + "/robots.txt"
        result = FetchResult(url=robots_url, final_url=robots_url)
        stored = self.stored_robots(robots_url) if self.stored_robots else StoredRobots()
        etag, modified, stored_body = stored.etag, stored.last_modified, stored.body
        if stored.fresh and stored_body is not None:
            return self._parse_robots(robots_url, stored_body)
        conditional = {}
        if stored_body is not None:
            conditional = {k: v for k, v in (("If-None-Match", etag), ("If-Modified-Since", modified)) if v}
        try:
            self._fetch_following(robots_url, result, conditional, "text/plain,*/*;q=0.5", check_robots=False)
        except FetchError as exc:
            result.error = str(exc)
        if self.on_robots is not None:
            self.on_robots(result)
        status = result.status
        body = stored_body if result.not_modified else result.body
        if result.error is None and status in (200, 304) and body is not None:
            if len(body) > ROBOTS_MAX_BYTES:
                return _Robots(None, "unavailable", reason=f"over {ROBOTS_MAX_BYTES // 1024} KiB")
            return self._parse_robots(robots_url, body)
        if status is not None and 400 <= status < 500:
            # RFC 9309 2.3.1.3: robots.txt "unavailable" (4xx) means no restrictions.
            return _Robots(None, "allow-all")
        # RFC 9309 2.3.1.4: unreachable (5xx, network) means assume complete disallow — for now.
        reason = f"HTTP {status}" if status is not None and status >= 500 else (result.error or "no answer")
        return _Robots(None, "unavailable", reason=reason[:200])

    def _parse_robots(self, robots_url: str, body: bytes) -> _Robots:
        text = body[:ROBOTS_MAX_BYTES].decode("utf-8", "replace")
        parser = Protego.parse(text)
        delay = parser.crawl_delay(_product_token(self.policy.user_agent))
        return _Robots(parser, "rules", float(delay) if delay is not None else None)


@dataclass(frozen=True)
class StoredRobots:
    etag: str | None = None
    last_modified: str | None = None
    body: bytes | None = None
    #: Fetched during the current crawl run: use it without asking the server again.
    fresh: bool = False


class RobotsDisallowed(FetchError):
    """robots.txt forbids the URL: skipped for good, not an error."""


def _product_token(user_agent: str) -> str:
    """``gongkai`` of ``gongkai/0.1 (+https://…)``: what robots.txt groups name (RFC 9309 2.2.1)."""
    return user_agent.split("/", 1)[0].split()[0] if user_agent.strip() else "*"


def _robots_key(url: str) -> str:
    found = host_port(url)
    if found is None:
        return ""
    scheme, host, port = found
    return f"{scheme}://{host}:{port}"


def _short(exc: BaseException) -> str:
    """One readable line for urllib3's nested exception messages."""
    if isinstance(exc, urllib3.exceptions.ReadTimeoutError):
        return "read timed out"
    if isinstance(exc, urllib3.exceptions.ConnectTimeoutError):
        return "connect timed out"
    text = str(exc)
    incomplete = re.search(r"IncompleteRead\((\d+) bytes read, (\d+) more expected\)", text)
    if incomplete:
        got, more = int(incomplete.group(1)), int(incomplete.group(2))
        return f"connection closed after {got} of {got + more} bytes (truncated body)"
    if isinstance(exc, urllib3.exceptions.NewConnectionError):
        return text.split(": ", 1)[-1][:200]
    for marker in ("Caused by ", "due to "):
        if marker in text:
            text = text.split(marker, 1)[1]
    return text.strip().strip("()").splitlines()[0][:200] if text else type(exc).__name__
