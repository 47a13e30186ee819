"""Issue #17, the fetcher: what real servers do must never hang, loop or mislead the crawl.

Every server here runs on 127.0.0.1 inside the test; every wait is bounded (a dripping server
gives up on its own after ``DRIP_GIVE_UP`` seconds, so even a broken fetcher ends).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from gongkai.crawler.addresses import AddressPolicy
from gongkai.crawler.fetch import Fetcher
from gongkai.crawler.politeness import HostGates
from gongkai.crawler.scope import Scope
from gongkai.demo.server import Fault, RunningSite, serve
from gongkai.demo.site import Response, StaticSite
from gongkai.models.records import CrawlPolicy

#: Deadline per request in these tests (connect + headers + body).
DEADLINE = 1.5
#: A dripping server stops on its own after this long: a fetcher without a whole-request
#: deadline fails the assertions below instead of hanging the suite.
DRIP_GIVE_UP = 12.0

POLICY = CrawlPolicy(
    delay_seconds=0.0,
    timeout_seconds=1.0,  # per read: a byte every 0.25 s never trips it
    total_timeout_seconds=DEADLINE,
    max_retries=0,
    backoff_seconds=0.01,
    max_retry_after_seconds=0.6,
    max_response_bytes=2_000_000,
    max_decompressed_bytes=4_000_000,
)


@dataclass
class DripServer:
    """A raw HTTP server: chosen paths drip their response headers one byte at a time."""

    drip_paths: set[str]
    ok_body: bytes = b"<html><title>ok</title></html>"
    paths: list[str] = field(default_factory=list)
    sock: socket.socket = field(default_factory=socket.socket)
    stopping: threading.Event = field(default_factory=threading.Event)

    def start(self) -> DripServer:
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.sock.getsockname()[1]}"

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(DRIP_GIVE_UP)
            data = b""
            try:
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    data += chunk
                path = data.split(b" ", 2)[1].decode("latin-1")
                self.paths.append(path)
                if path in self.drip_paths:
                    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Padding: " + b"x" * 400
                    given_up = time.monotonic() + DRIP_GIVE_UP
                    for byte in head:
                        if self.stopping.is_set() or time.monotonic() > given_up:
                            return
                        conn.sendall(bytes([byte]))
                        time.sleep(0.25)
                    return
                body = self.ok_body if path != "/robots.txt" else b"User-agent: *\nAllow: /\n"
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n"
                    + f"Content-Length: {len(body)}\r\n\r\n".encode()
                    + body
                )
            except OSError:
                return

    def stop(self) -> None:
        self.stopping.set()
        self.sock.close()


def fetcher(host: str, **policy: object) -> Fetcher:
    return Fetcher(
        POLICY.model_copy(update=policy),
        Scope.from_allowed([host]),
        AddressPolicy.for_hosts(["127.0.0.1"]),
        gates=HostGates(),
    )


@pytest.fixture
def drip() -> Iterator[DripServer]:
    server = DripServer({"/drip.html"}).start()
    yield server
    server.stop()


def test_dripping_headers_stop_at_the_whole_request_deadline(drip: DripServer) -> None:
    """Failure 1: one header byte every 0.25 s held the crawl; the deadline covered the body only."""
    result = fetcher(drip.host).fetch(drip.base_url + "/drip.html")
    assert result.error is not None
    assert f"no complete response in {DEADLINE:g}s (connect + headers + body)" in result.error
    # the same fetcher still works for the next URL of the host
    assert fetcher(drip.host).fetch(drip.base_url + "/fine.html").ok


def test_dripping_robots_txt_is_unavailable_not_a_hang(drip: DripServer) -> None:
    """Failure 1 on robots.txt: the site's first page waited forever behind it."""
    drip.drip_paths.add("/robots.txt")
    result = fetcher(drip.host).fetch(drip.base_url + "/fine.html")
    assert result.error is not None and "robots.txt unavailable" in result.error
    assert "no complete response" in result.error
    assert "disallows" not in result.error and not result.robots_disallowed
    assert "/fine.html" not in drip.paths  # treated as disallowed for now


ROBOTS = (
    "User-agent: *\n"
    "Disallow: /xxgk/\n"
    "Allow: /xxgk/public/\n"
    "Disallow: /*.pdf$\n"
    "Disallow: /search*\n"
    "Disallow: /tie/\n"
    "Allow: /tie/\n"
)


@pytest.fixture
def site() -> Iterator[RunningSite]:
    running = serve(StaticSite("r", {"/robots.txt": Response(ROBOTS.encode(), "text/plain")}))
    yield running
    running.stop()


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/xxgk/public/a.html", True),  # longest match wins, whatever the order of the lines
        ("/xxgk/internal.html", False),
        ("/files/a.pdf", False),  # wildcard with end anchor
        ("/files/a.pdf?download=1", True),  # "$": the URL does not end in .pdf
        ("/search?q=1", False),  # trailing wildcard
        ("/searching", False),
        ("/tie/a.html", True),  # Allow and Disallow of equal length: Allow (RFC 9309 2.2.2)
        ("/other.html", True),
    ],
)
def test_robots_txt_by_rfc_9309(site: RunningSite, path: str, allowed: bool) -> None:
    assert fetcher(site.host).robots_allows(site.base_url + path) is allowed


@pytest.mark.parametrize(
    ("robots", "reason"),
    [
        (Response(b"busy", "text/plain", status=503), "HTTP 503"),
        (Response(b"Disallow: /x\n" * 50_000, "text/plain"), "over 512 KiB"),
    ],
)
def test_robots_unavailable_is_said_and_retried_later(robots: Response, reason: str) -> None:
    """A 5xx or oversized robots.txt is not "robots.txt disallows": the run says it is unavailable."""
    running = serve(StaticSite("u", {"/robots.txt": robots, "/a.html": Response(b"<p>a</p>")}))
    try:
        result = fetcher(running.host).fetch(running.base_url + "/a.html")
        assert result.error is not None
        assert "robots.txt unavailable" in result.error and reason in result.error
        assert "retried next run" in result.error
        assert not result.robots_disallowed  # the engine keeps it as a failure, not a skip
        assert "/a.html" not in running.paths_seen()
    finally:
        running.stop()


def test_a_capped_retry_after_is_still_honoured(site: RunningSite) -> None:
    """429 with Retry-After: 3600 is capped (0.6 s here); the host's next request still waits."""
    site.site.routes["/a.html"] = Response(b"<p>a</p>")
    site.inject("/limited.html", Fault("retry_after", seconds=3600))
    got = fetcher(site.host)
    refused = got.fetch(site.base_url + "/limited.html")
    assert refused.error is not None and "over the" in refused.error
    assert got.fetch(site.base_url + "/a.html").ok
    [limited] = [r for r in site.requests_seen if r.path == "/limited.html"]
    [after] = [r for r in site.requests_seen if r.path == "/a.html"]
    assert after.at - limited.at >= POLICY.max_retry_after_seconds - 0.05


def test_a_failing_host_trips_the_circuit_breaker_with_one_alert(site: RunningSite) -> None:
    site.inject("/bad/*", Fault("status", status=500))
    got = fetcher(site.host, max_host_failures=3)
    results = [got.fetch(f"{site.base_url}/bad/{n}.html") for n in range(8)]
    alerts = [r.alert for r in results if r.alert]
    assert len(alerts) == 1 and "after 3 failed URLs in a row" in alerts[0]
    assert [r.deferred for r in results] == [False] * 3 + [True] * 5
    assert sorted({p for p in site.paths_seen() if p.startswith("/bad/")}) == [
        f"/bad/{n}.html" for n in range(3)
    ]


def test_a_success_resets_the_breaker(site: RunningSite) -> None:
    site.site.routes["/a.html"] = Response(b"<p>a</p>")
    site.inject("/bad/*", Fault("status", status=500))
    got = fetcher(site.host, max_host_failures=3)
    for n in range(6):
        got.fetch(f"{site.base_url}/bad/{n}.html" if n % 2 == 0 else f"{site.base_url}/a.html")
    assert not got.fetch(f"{site.base_url}/bad/9.html").deferred
