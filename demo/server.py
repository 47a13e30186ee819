"""Serve :class:`StaticSite` objects on 127.0.0.1 ports, with conditional GET and a request log.

Only loopback: the server binds 127.0.0.1 and nothing else. Tests read ``requests_seen`` to
assert what a crawler asked for (robots obeyed, scope kept, no page fetched twice).
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from demo.site import Response, StaticSite


@dataclass
class SeenRequest:
    method: str
    path: str
    headers: dict[str, str]
    status: int


@dataclass
class RunningSite:
    site: StaticSite
    server: ThreadingHTTPServer
    thread: threading.Thread
    requests_seen: list[SeenRequest] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:16] + '"'


def make_handler(running: RunningSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "gongkai-demo/0.1"

        def log_message(self, format: str, *args: object) -> None:  # quiet by default
            return

        def do_HEAD(self) -> None:
            self._serve(send_body=False)

        def do_GET(self) -> None:
            self._serve(send_body=True)

        def _serve(self, send_body: bool) -> None:
            response = running.site.lookup(self.path)
            if response is None:
                response = Response(b"<html><body>404 Not Found</body></html>", status=404)
            status, body = response.status, response.body
            headers = {"Content-Type": response.content_type, **response.headers}
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
            with running.lock:
                running.requests_seen.append(
                    SeenRequest(self.command, self.path, {k: v for k, v in self.headers.items()}, status)
                )
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if send_body and body:
                self.wfile.write(body)

    return Handler


def serve(site: StaticSite, port: int = 0) -> RunningSite:
    """Start serving ``site`` on 127.0.0.1:``port`` (0 = any free port) in a background thread."""
    running = RunningSite.__new__(RunningSite)
    running.site, running.requests_seen, running.lock = site, [], threading.Lock()
    server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(running))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=f"demo-{site.name}", daemon=True)
    running.server, running.thread = server, thread
    thread.start()
    return running
