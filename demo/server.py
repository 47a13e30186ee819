"""Serve :class:`StaticSite` objects on 127.0.0.1 ports, with conditional GET and a request log.

Only loopback: the server binds 127.0.0.1 and nothing else. Tests read ``requests_seen`` to
assert what a crawler asked for (robots obeyed, scope kept, no page fetched twice).

Faults can be switched on per running site (``running.inject(path, Fault(...))``) to show that a
crawler survives what real government servers do: 500s, 429 with Retry-After, slow and hanging
responses, truncated bodies, redirect loops, endless calendar pagination, huge bodies, gzip
bombs and lying charset headers. A path ending in ``*`` matches every path with that prefix.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal
from urllib.parse import parse_qs, urlsplit

from gongkai.demo.site import Response, StaticSite

FaultKind = Literal[
    "status",  # answer ``status`` (e.g. 500, 503) with a short error page
    "retry_after",  # answer 429 with ``Retry-After: seconds``
    "slow",  # send the real body, trickled over ``seconds``
    "hang",  # read the request, send nothing for ``seconds``, then close
    "truncate",  # announce the full Content-Length, send half the body, close
    "redirect_loop",  # 302 to ``<path>?loop=1``, which 302s back
    "calendar",  # endless "下一页" pagination, one page per month back in time
    "huge",  # a body of ``size`` bytes, streamed (default 50 MB)
    "gzip_bomb",  # a small gzip body that inflates to ``size`` bytes (default 1 GB)
    "charset",  # the real body with a lying ``Content-Type`` charset (``charset``)
]

_BOMB_CACHE: dict[int, bytes] = {}
_BOMB_LOCK = threading.Lock()


@dataclass
class Fault:
    kind: FaultKind
    #: Apply to the first ``times`` matching requests only (None: always). A 500 that heals
    #: after two tries is ``Fault("status", times=2)``.
    times: int | None = None
    status: int = 500
    seconds: float = 1.0
    size: int = 50 * 1024 * 1024
    charset: str = "utf-8"
    #: calendar: "empty" pages, the same items on every page ("repeat"), or new items ("fresh").
    mode: Literal["empty", "repeat", "fresh"] = "repeat"
    used: int = 0


@dataclass
class SeenRequest:
    method: str
    path: str
    headers: dict[str, str]
    status: int
    #: time.monotonic() when the request arrived (politeness tests measure gaps with it).
    at: float = 0.0


@dataclass
class RunningSite:
    site: StaticSite
    server: ThreadingHTTPServer
    thread: threading.Thread
    requests_seen: list[SeenRequest] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    faults: dict[str, Fault] = field(default_factory=dict)
    #: Total bytes written to clients (status line, headers, bodies), for transfer benchmarks.
    bytes_sent: int = 0

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def inject(self, path: str, fault: Fault) -> Fault:
        """Switch a fault on for ``path`` (or every path under ``prefix*``)."""
        with self.lock:
            self.faults[path] = fault
        return fault

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def paths_seen(self) -> list[str]:
        with self.lock:
            return [seen.path for seen in self.requests_seen]

    def fault_for(self, path: str) -> Fault | None:
        with self.lock:
            fault = self.faults.get(path)
            if fault is None:
                matches = [p for p in self.faults if p.endswith("*") and path.startswith(p[:-1])]
                if matches:
                    fault = self.faults[max(matches, key=len)]
            if fault is None:
                return None
            if fault.times is not None and fault.used >= fault.times:
                return None
            fault.used += 1
            return fault

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:16] + '"'


def gzip_bomb(size: int) -> bytes:
    """``size`` zero bytes, gzip-compressed (about 1000:1), cached per size."""
    with _BOMB_LOCK:
        if size not in _BOMB_CACHE:
            compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
            block = b"\0" * (1024 * 1024)
            parts = [compressor.compress(block) for _ in range(size // len(block))]
            parts.append(compressor.compress(b"\0" * (size % len(block))))
            parts.append(compressor.flush())
            _BOMB_CACHE[size] = b"".join(parts)
        return _BOMB_CACHE[size]


def calendar_page(path: str, fault: Fault) -> Response:
    """One month of an endless archive calendar: each page links to the month before it."""
    parts = urlsplit(path)
    if parts.path.endswith(".html") and not parts.path.endswith("/index.html"):
        name = parts.path.rsplit("/", 1)[-1]
        page = f"<html><head><title>日历条目 {name}</title></head><body><p>示例正文。</p></body></html>"
        return Response(page.encode("utf-8"))
    month = int((parse_qs(parts.query).get("month") or ["0"])[0] or 0)
    base = parts.path if parts.path.endswith("/") else parts.path.rsplit("/", 1)[0] + "/"
    items = ""
    if fault.mode == "repeat":
        items = "".join(
            f'<li><a href="{base}item-{n}.html">日历栏目示例条目{n}</a><span>2026-10-0{n}</span></li>'
            for n in (1, 2)
        )
    elif fault.mode == "fresh":
        items = "".join(
            f'<li><a href="{base}m{month}-{n}.html">第{month}月示例条目{n}</a>'
            f"<span>2026-10-{n + 10}</span></li>"
            for n in (1, 2)
        )
    body = (
        f"<html><head><title>活动日历</title></head><body><h2>活动日历</h2><ul>{items}</ul>"
        f'<a href="{parts.path}?month={month + 1}">下一页</a></body></html>'
    )
    return Response(body.encode("utf-8"))


def make_handler(running: RunningSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "gongkai-demo/0.1"
        # Headers and body go out in separate writes; without TCP_NODELAY, Nagle plus the
        # client's delayed ACK stall every keep-alive response by ~40 ms.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: object) -> None:  # quiet by default
            return

        def do_HEAD(self) -> None:
            self._serve(send_body=False)

        def do_GET(self) -> None:
            self._serve(send_body=True)

        def _log(self, status: int) -> None:
            with running.lock:
                running.requests_seen.append(
                    SeenRequest(
                        self.command,
                        self.path,
                        {k: v for k, v in self.headers.items()},
                        status,
                        self._arrived,
                    )
                )

        def _count(self, n: int) -> None:
            with running.lock:
                running.bytes_sent += n

        def send_response(self, code: int, message: str | None = None) -> None:
            super().send_response(code, message)
            self._count(len(f"HTTP/1.1 {code} {message or ''}\r\n"))

        def send_header(self, keyword: str, value: str) -> None:
            super().send_header(keyword, value)
            self._count(len(keyword) + len(str(value)) + 4)

        def _write(self, data: bytes) -> None:
            self.wfile.write(data)
            self._count(len(data))

        def _serve(self, send_body: bool) -> None:
            self._arrived = time.monotonic()
            fault = running.fault_for(self.path)
            if fault is not None and self._serve_fault(fault, send_body):
                return
            response = running.site.lookup(self.path)
            if fault is not None and fault.kind == "calendar":
                response = calendar_page(self.path, fault)
            if response is None:
                response = Response(b"<html><body>404 Not Found</body></html>", status=404)
            status, body = response.status, response.body
            headers = {"Content-Type": response.content_type, **response.headers}
            if fault is not None and fault.kind == "charset":
                headers["Content-Type"] = f"text/html; charset={fault.charset}"
            if status == 200:
                etag = _etag(body)
                headers.setdefault("ETag", etag)
                headers.setdefault("Last-Modified", running.site.last_modified)
                if self.headers.get("If-None-Match") == headers["ETag"] or (
                    "If-None-Match" not in self.headers
                    and self.headers.get("If-Modified-Since") == headers["Last-Modified"]
                ):
                    status, body = 304, b""
            if (
                body
                and "gzip" in (self.headers.get("Accept-Encoding") or "")
                and "Content-Encoding" not in headers
            ):
                body = gzip.compress(body)
                headers["Content-Encoding"] = "gzip"
            if fault is not None and fault.kind == "truncate":
                self._log(status)
                self._head(status, headers, len(body))
                if send_body:
                    self._write(body[: len(body) // 2])
                self.close_connection = True
                return
            self._log(status)
            self._head(status, headers, len(body))
            if not (send_body and body):
                return
            if fault is not None and fault.kind == "slow":
                pieces = 10
                step = max(1, len(body) // pieces + 1)
                for start in range(0, len(body), step):
                    self._write(body[start : start + step])
                    self.wfile.flush()
                    time.sleep(fault.seconds / pieces)
                return
            self._write(body)

        def _head(self, status: int, headers: dict[str, str], length: int) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(length))
            self.end_headers()

        def _serve_fault(self, fault: Fault, send_body: bool) -> bool:
            """Answer a fault that replaces the response entirely; False to serve normally."""
            kind = fault.kind
            if kind == "status":
                self._log(fault.status)
                self._head(fault.status, {"Content-Type": "text/html"}, 0)
                return True
            if kind == "retry_after":
                self._log(429)
                self._head(429, {"Retry-After": f"{fault.seconds:g}", "Content-Type": "text/html"}, 0)
                return True
            if kind == "hang":
                self._log(0)
                time.sleep(fault.seconds)
                self.close_connection = True
                return True
            if kind == "redirect_loop":
                parts = urlsplit(self.path)
                target = parts.path if "loop=1" in parts.query else parts.path + "?loop=1"
                self._log(302)
                self._head(302, {"Location": target}, 0)
                return True
            if kind == "huge":
                self._log(200)
                self._head(200, {"Content-Type": "text/html; charset=utf-8"}, fault.size)
                if send_body:
                    block = b"<p>" + b"x" * 65530 + b"</p>"
                    sent = 0
                    try:
                        while sent < fault.size:
                            piece = block[: fault.size - sent]
                            self._write(piece)
                            sent += len(piece)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                self.close_connection = True
                return True
            if kind == "gzip_bomb":
                body = gzip_bomb(fault.size)
                self._log(200)
                self._head(
                    200, {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"}, len(body)
                )
                if send_body:
                    self._write(body)
                return True
            return False

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that hangs up mid-response (a crawler hitting its size cap) is expected here.
        return


def serve(site: StaticSite, port: int = 0) -> RunningSite:
    """Start serving ``site`` on 127.0.0.1:``port`` (0 = any free port) in a background thread."""
    running = RunningSite.__new__(RunningSite)
    running.site, running.requests_seen, running.lock = site, [], threading.Lock()
    running.faults, running.bytes_sent = {}, 0
    server = _QuietServer(("127.0.0.1", port), make_handler(running))
    thread = threading.Thread(target=server.serve_forever, name=f"demo-{site.name}", daemon=True)
    running.server, running.thread = server, thread
    thread.start()
    return running


def serve_many(sites: list[StaticSite]) -> list[RunningSite]:
    """Serve several sites, each on its own free port."""
    return [serve(site) for site in sites]
