"""The polite fetcher against real loopback servers, and the address check on its own.

No test here sends traffic outside 127.0.0.0/8: public and private addresses are only ever
given to the address check itself, and name resolution is replaced by a fake resolver (with
the system resolver made to fail loudly) wherever a host name is used.
"""

from __future__ import annotations

import gzip
import ipaddress
import itertools
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from gongkai.crawler.addresses import (
    AddressPolicy,
    AddressRefused,
    Resolver,
    is_public,
    resolve_checked,
    why_not_public,
)
from gongkai.crawler.archive import WarcArchive, read_record, read_response
from gongkai.crawler.bodies import BodyTooLarge, decode_content
from gongkai.crawler.fetch import Fetcher, parse_retry_after
from gongkai.crawler.politeness import HostGates
from gongkai.crawler.scope import Scope, normalise_url
from gongkai.demo.server import Fault, RunningSite, gzip_bomb, serve
from gongkai.demo.site import Response, StaticSite
from gongkai.models.records import CrawlPolicy

FAST = CrawlPolicy(
    delay_seconds=0.0,
    timeout_seconds=0.5,
    total_timeout_seconds=2.0,
    max_retries=2,
    backoff_seconds=0.01,
    max_retry_after_seconds=1.0,
    max_response_bytes=200_000,
    max_decompressed_bytes=400_000,
)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("8.8.8.8", None),
        ("2001:4860:4860::8888", None),
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("::ffff:10.0.0.1", "private"),  # IPv4-mapped private
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:8.8.8.8", None),
        ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
        ("2002:c0a8:0101::1", "private"),  # 6to4 of 192.168.1.1
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "private"),  # reserved (Python files 240/4 under is_private too)
        ("100.64.0.1", "not globally routable"),  # carrier-grade NAT
        ("192.0.2.10", "private"),  # documentation range
    ],
)
def test_address_check(address: str, reason: str | None) -> None:
    assert why_not_public(ipaddress.ip_address(address)) == reason
    assert is_public(address) is (reason is None)
    policy = AddressPolicy()
    if reason is None:
        assert policy.check(address) == ipaddress.ip_address(address)
    else:
        with pytest.raises(AddressRefused):
            policy.check(address)


def test_non_public_allowed_only_when_the_site_itself_is() -> None:
    local = AddressPolicy.for_hosts(["127.0.0.1", "[::1]"])
    assert local.check("127.0.0.1") and local.check("::1") and local.check("::ffff:127.0.0.1")
    for other in ("127.0.0.2", "10.0.0.1", "169.254.169.254"):
        with pytest.raises(AddressRefused):
            local.check(other)
    public = AddressPolicy.for_hosts(["8.8.8.8"])
    with pytest.raises(AddressRefused):
        public.check("127.0.0.1")


class FakeResolver(Resolver):
    """Answers from a table (a list of answers per name, consumed in turn)."""

    def __init__(self, table: dict[str, list[list[str]]]) -> None:
        self.table = table
        self.calls: list[str] = []

    def resolve_all(self, host: str, port: int = 80) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
        self.calls.append(host)
        if host in self.table:
            answers = self.table[host]
            answer = answers.pop(0) if len(answers) > 1 else answers[0]
            return [ipaddress.ip_address(a) for a in answer]
        return super().resolve_all(host, port)


@pytest.fixture
def no_system_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any lookup of a real name fails the test instead of leaving this machine."""
    real = socket.getaddrinfo

    def guarded(host: object, *args: object, **kwargs: object) -> object:
        try:
            ipaddress.ip_address(str(host))
        except ValueError:
            raise AssertionError(f"system DNS asked for {host!r}") from None
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", guarded)


def test_resolution_refuses_mixed_answers() -> None:
    resolver = FakeResolver({"mixed.test": [["8.8.8.8", "10.0.0.1"]]})
    with pytest.raises(AddressRefused):
        resolve_checked("mixed.test", 80, AddressPolicy(), resolver)


@pytest.fixture
def site() -> Iterator[RunningSite]:
    pages = {
        "/robots.txt": Response(b"User-agent: *\nDisallow: /private/\n", "text/plain"),
        "/a.html": Response("<html><title>甲页</title><p>正文</p></html>".encode()),
        "/b.html": Response("<html><title>乙页</title></html>".encode()),
        "/private/x.html": Response(b"<html>secret</html>"),
        "/moved": Response(b"", status=301, headers={"Location": "/a.html"}),
    }
    running = serve(StaticSite("f", pages))
    yield running
    running.stop()


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[WarcArchive]:
    with WarcArchive(tmp_path / "warc", "f") as opened:
        yield opened


def fetcher_for(site: RunningSite, archive: WarcArchive | None = None, **policy: object) -> Fetcher:
    return Fetcher(
        FAST.model_copy(update=policy),
        Scope.from_allowed([site.host]),
        AddressPolicy.for_hosts(["127.0.0.1"]),
        archive=archive,
        gates=HostGates(),
    )


def test_fetch_archive_and_conditional_get(site: RunningSite, archive: WarcArchive) -> None:
    fetcher = fetcher_for(site, archive)
    first = fetcher.fetch(site.base_url + "/a.html")
    assert first.ok and "甲页" in (first.body or b"").decode()
    assert first.archived is not None
    # the archived record reads back, by id, as the bytes we got
    assert read_record(archive.folder, first.archived.record_id) == first.body
    response = read_response(archive.folder, first.archived.record_id, first.archived.warc_file)
    assert response.status == 200 and response.uri == site.base_url + "/a.html"
    again = fetcher.fetch(site.base_url + "/a.html", etag=first.headers["etag"])
    assert again.not_modified and again.body is None
    assert again.bytes_received < 400  # headers only
    seen = site.requests_seen
    assert [s.path for s in seen] == ["/robots.txt", "/a.html", "/a.html"]
    assert seen[2].headers["If-None-Match"] == first.headers["etag"]
    ua = seen[1].headers["User-Agent"]
    assert ua == FAST.user_agent and "gongkai" in ua and "http" in ua
    assert "gzip" in seen[1].headers["Accept-Encoding"]


def test_identical_payloads_are_archived_once(site: RunningSite, archive: WarcArchive) -> None:
    fetcher = fetcher_for(site, archive)
    first = fetcher.fetch(site.base_url + "/b.html")
    second = fetcher.fetch(site.base_url + "/b.html")  # unconditional: same body again
    assert first.archived and second.archived
    assert second.archived.revisit and not first.archived.revisit
    assert read_record(archive.folder, second.archived.record_id) == first.body
    # the index is only a cache: rebuilt from the files, reading still works
    assert archive.reindex() >= 4
    assert archive.read(second.archived.record_id) == first.body


def test_robots_scope_and_redirects(site: RunningSite) -> None:
    fetcher = fetcher_for(site)
    refused = fetcher.fetch(site.base_url + "/private/x.html")
    assert refused.error and "robots.txt" in refused.error
    other = serve(StaticSite("other", {"/": Response(b"x")}))
    try:
        off = fetcher.fetch(other.base_url + "/")
        assert off.error and "out of scope" in off.error
        assert other.requests_seen == []
    finally:
        other.stop()
    moved = fetcher.fetch(site.base_url + "/moved")
    assert moved.ok and moved.final_url == site.base_url + "/a.html" and moved.redirects
    site.site.routes["/away"] = Response(b"", status=302, headers={"Location": "http://10.0.0.1/"})
    away = fetcher.fetch(site.base_url + "/away")
    assert away.error and "out of scope" in away.error
    assert "/private/x.html" not in site.paths_seen()


def test_redirect_hops_are_checked_against_addresses(site: RunningSite, no_system_dns: None) -> None:
    """A redirect to an allowed *name* that resolves to a private address is refused."""
    resolver = FakeResolver({"gov.test": [["10.0.0.7"]]})
    fetcher = Fetcher(
        FAST,
        Scope.from_allowed([site.host, "gov.test"]),
        AddressPolicy.for_hosts(["127.0.0.1"]),
        gates=HostGates(),
        resolver=resolver,
    )
    site.site.routes["/hop"] = Response(b"", status=302, headers={"Location": "http://gov.test/"})
    result = fetcher.fetch(site.base_url + "/hop")
    assert result.error and "address refused" in result.error and "10.0.0.7" in result.error
    assert "gov.test" in resolver.calls


def test_connection_is_pinned_to_the_checked_address(site: RunningSite, no_system_dns: None) -> None:
    """The host name is never resolved again at connect time; a rebinding answer is refused."""
    port = site.port
    name = "town.test"
    resolver = FakeResolver({name: [["127.0.0.1"]]})
    fetcher = Fetcher(
        FAST,
        Scope.from_allowed([f"{name}:{port}"]),
        AddressPolicy.for_hosts([name], resolver),  # the site itself is loopback: allowed
        gates=HostGates(),
        resolver=resolver,
    )
    result = fetcher.fetch(f"http://{name}:{port}/a.html")
    assert result.ok, result.error  # connected although the system resolver knows no town.test
    assert site.requests_seen[-1].headers["Host"] == f"{name}:{port}"
    # now the name "rebinds" to another address: refused before any connection
    resolver.table[name] = [["127.0.0.9"]]
    before = len(site.requests_seen)
    rebound = fetcher.fetch(f"http://{name}:{port}/b.html")
    assert rebound.error and "address refused" in rebound.error
    assert len(site.requests_seen) == before


def test_retries_honour_retry_after_and_give_up(site: RunningSite) -> None:
    fetcher = fetcher_for(site)
    site.inject("/a.html", Fault("status", status=503, times=2))
    healed = fetcher.fetch(site.base_url + "/a.html")
    assert healed.ok and healed.attempts == 3
    site.inject("/b.html", Fault("retry_after", seconds=0.3, times=1))
    started = time.monotonic()
    waited = fetcher.fetch(site.base_url + "/b.html")
    assert waited.ok and time.monotonic() - started >= 0.3  # waited as the server asked
    site.inject("/b.html", Fault("retry_after", seconds=3600))
    too_long = fetcher.fetch(site.base_url + "/b.html")
    assert too_long.error and "over the" in too_long.error and too_long.attempts == 1
    site.inject("/a.html", Fault("status", status=500))
    broken = fetcher.fetch(site.base_url + "/a.html")
    assert broken.error and "gave up after 3 tries" in broken.error


def test_caps_timeouts_and_broken_bodies(site: RunningSite) -> None:
    fetcher = fetcher_for(site)
    site.inject("/huge", Fault("huge", size=50 * 1024 * 1024))
    huge = fetcher.fetch(site.base_url + "/huge")
    assert huge.error and "cap" in huge.error and huge.bytes_received < 100_000
    site.inject("/bomb", Fault("gzip_bomb", size=50 * 1024 * 1024))
    # Compressed (and cached) before the fetch, so its 0.5 s read timeout times the fetcher, not
    # the server compressing 50 MB on a loaded machine.
    gzip_bomb(50 * 1024 * 1024)
    bomb = fetcher.fetch(site.base_url + "/bomb")
    assert bomb.error and "decompressed body over" in bomb.error
    site.inject("/hang", Fault("hang", seconds=2))
    hang = fetcher.fetch(site.base_url + "/hang")
    assert hang.error and "timed out" in hang.error
    site.inject("/a.html", Fault("truncate"))
    cut = fetcher.fetch(site.base_url + "/a.html")
    assert cut.error and "truncated" in cut.error
    site.inject("/loop*", Fault("redirect_loop"))
    loop = fetcher.fetch(site.base_url + "/loop")
    assert loop.error and "redirect loop" in loop.error
    site.site.routes["/slow"] = Response(b"<p>" + b"s" * 2000 + b"</p>")
    site.inject("/slow", Fault("slow", seconds=0.3))
    slow = fetcher.fetch(site.base_url + "/slow")
    assert slow.ok and len(slow.body or b"") == 2007


def test_per_host_delay(site: RunningSite) -> None:
    # The gaps are seen by the server, whose threads a loaded machine schedules late: a delay well
    # above that jitter keeps the test about politeness, not about the scheduler (at 0.4 s a loaded
    # server once saw a 0.28 s gap). Without the gate the gaps would be a few milliseconds.
    fetcher = fetcher_for(site, delay_seconds=0.6)
    for _ in range(3):
        assert fetcher.fetch(site.base_url + "/a.html").ok
    times = [s.at for s in site.requests_seen]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert all(gap >= 0.3 for gap in gaps), gaps


def test_bounded_decoding() -> None:
    body = "政务公开".encode() * 1000
    assert decode_content(gzip.compress(body), "gzip", 10**6) == body
    import zlib

    assert decode_content(zlib.compress(body), "deflate", 10**6) == body
    raw_deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
    assert decode_content(raw_deflate.compress(body) + raw_deflate.flush(), "deflate", 10**6) == body
    with pytest.raises(BodyTooLarge):
        decode_content(gzip.compress(b"\0" * 5_000_000), "gzip", 1_000_000)


def test_retry_after_and_urls() -> None:
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480 - 60) == 60
    assert parse_retry_after("soon") is None
    assert normalise_url("../a.html#x", "http://Example.gov.cn:80/b/c/") == "http://example.gov.cn/b/a.html"
    assert normalise_url("javascript:void(0)", "http://a/") is None
    assert normalise_url("http://a:99999/", None) is None
    scope = Scope.from_allowed(["127.0.0.1:8801", "www.gov.test"])
    assert scope.allows("http://127.0.0.1:8801/x") and not scope.allows("http://127.0.0.1:8802/x")
    assert scope.allows("https://www.gov.test/x") and not scope.allows("http://www.gov.test:8080/x")
    assert not scope.allows("ftp://www.gov.test/x")
