"""The loopback site server: serves routes, answers conditional GETs with 304, logs requests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from gongkai.demo.server import RunningSite, serve
from gongkai.demo.site import Response, StaticSite


@pytest.fixture
def running() -> Iterator[RunningSite]:
    site = StaticSite(
        "t",
        {
            "/xxgk/": Response("<html><title>信息公开</title></html>".encode()),
            "/robots.txt": Response(b"User-agent: *\nDisallow: /private/\n", "text/plain"),
            "/api/list?page=2": Response(b'{"data": []}', "application/json"),
        },
    )
    server = serve(site)
    yield server
    server.stop()


def test_serves_routes_and_logs(running: RunningSite) -> None:
    assert running.base_url.startswith("http://127.0.0.1:")
    first = requests.get(running.base_url + "/xxgk/index.html", timeout=5)
    assert first.status_code == 200 and "信息公开" in first.content.decode()
    assert requests.get(running.base_url + "/api/list?page=2", timeout=5).json() == {"data": []}
    assert requests.get(running.base_url + "/nope", timeout=5).status_code == 404
    again = requests.get(
        running.base_url + "/xxgk/", headers={"If-None-Match": first.headers["ETag"]}, timeout=5
    )
    assert again.status_code == 304 and again.content == b""
    assert [(r.path, r.status) for r in running.requests_seen] == [
        ("/xxgk/index.html", 200),
        ("/api/list?page=2", 200),
        ("/nope", 404),
        ("/xxgk/", 304),
    ]
