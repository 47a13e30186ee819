"""A site as data: a mapping of request paths to responses, served by :mod:`demo.server`."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Response:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class StaticSite:
    """``routes`` maps a path with its query string (``/xxgk/index.html``, ``/api/list?page=2``)
    to the response. A path ending in ``/`` is also served at ``…/index.html`` if only one is given.
    """

    name: str
    routes: dict[str, Response] = field(default_factory=dict)
    #: Last-Modified for every response (HTTP date) so conditional GETs can be answered with 304.
    last_modified: str = "Sun, 01 Nov 2026 00:00:00 GMT"

    def lookup(self, path: str) -> Response | None:
        if path in self.routes:
            return self.routes[path]
        if path.endswith("/"):
            return self.routes.get(path + "index.html")
        if path.endswith("/index.html"):
            return self.routes.get(path[: -len("index.html")])
        return None
