"""Which URLs belong to a crawl: http(s) only, on the configured hosts only.

``allowed_hosts`` entries are ``host`` or ``host:port``. A bare host means the scheme's default
port (80 for http, 443 for https); a test site on ``127.0.0.1:8801`` must be listed with its
port, so a link to another port of the same machine is out of scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urldefrag, urljoin, urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


def host_port(url: str) -> tuple[str, str, int] | None:
    """(scheme, lower-case host, port) of an http(s) URL, or None for anything else."""
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS or not parts.hostname:
            return None
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError:  # a malformed port such as ":99999" or ":abc"
        return None
    return scheme, parts.hostname.lower().rstrip("."), port


#: Characters kept as they are when a URL is made ASCII: the reserved ones and existing escapes.
_URI_SAFE = "!#$%&'()*+,/:;=?@[]~"


def iri_to_uri(url: str) -> str | None:
    """The URL in ASCII, as a browser sends it: non-ASCII characters (and spaces) in the path
    and query percent-encoded as UTF-8, a non-ASCII host name IDNA-encoded.

    Idempotent (existing ``%XX`` escapes are kept), so calling it on an already-encoded URL is
    harmless. One form of each URL for the request, the WARC record and the store. None when the
    host name cannot be encoded.
    """
    if url.isascii() and " " not in url:
        return url
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if not netloc.isascii():
            userinfo, at, hostport = netloc.rpartition("@")
            host, colon, port = hostport.partition(":")
            netloc = userinfo + at + host.encode("idna").decode("ascii") + colon + port
    except (ValueError, UnicodeError):
        return None
    path = quote(parts.path, safe=_URI_SAFE)
    query = quote(parts.query, safe=_URI_SAFE)
    return urlunsplit((parts.scheme, netloc, path, query, quote(parts.fragment, safe=_URI_SAFE)))


def normalise_url(url: str, base: str | None = None) -> str | None:
    """Absolute URL without fragment, scheme and host lower-cased, default port dropped.

    None when the link is not http(s) (``javascript:``, ``mailto:``) or cannot be parsed.
    """
    raw = url.strip()
    if not raw or raw.startswith(("javascript:", "mailto:", "tel:", "data:", "#")):
        return None
    try:
        absolute = urljoin(base, raw) if base else raw
        absolute, _fragment = urldefrag(absolute)
        parts = urlsplit(absolute)
    except ValueError:
        return None
    found = host_port(absolute)
    if found is None:
        return None
    scheme, host, port = found
    netloc = host if port == DEFAULT_PORTS[scheme] else f"{host}:{port}"
    if ":" in host and not host.startswith("["):  # IPv6 literal
        netloc = f"[{host}]" if port == DEFAULT_PORTS[scheme] else f"[{host}]:{port}"
    path = parts.path or "/"
    # Raw Chinese characters, spaces and other unsafe characters: percent-encoded once, here, so
    # the request, the WARC record and the store all see the same ASCII URL.
    return iri_to_uri(urlunsplit((scheme, netloc, path, parts.query, "")))


def host_key(url: str) -> str:
    """``host:port`` of a URL: the unit of politeness (one request at a time per host)."""
    found = host_port(url)
    if found is None:
        return ""
    _scheme, host, port = found
    return f"{host}:{port}"


@dataclass(frozen=True)
class Scope:
    """The set of ``host:port`` pairs a site config allows."""

    hosts: frozenset[tuple[str, int | None]]

    @classmethod
    def from_allowed(cls, allowed_hosts: list[str]) -> Scope:
        out: set[tuple[str, int | None]] = set()
        for entry in allowed_hosts:
            text = entry.strip().lower()
            if "://" in text:
                text = urlsplit(text).netloc
            text = text.rstrip("/")
            if text.startswith("["):  # [::1]:8080
                host, _, rest = text[1:].partition("]")
                port = int(rest[1:]) if rest.startswith(":") and rest[1:].isdigit() else None
            elif text.count(":") == 1:
                host, _, port_text = text.partition(":")
                port = int(port_text) if port_text.isdigit() else None
            else:
                host, port = text, None
            out.add((host.rstrip("."), port))
        return cls(frozenset(out))

    def allows(self, url: str) -> bool:
        found = host_port(url)
        if found is None:
            return False
        scheme, host, port = found
        if (host, port) in self.hosts:
            return True
        return (host, None) in self.hosts and port == DEFAULT_PORTS[scheme]

    def host_names(self) -> list[str]:
        return sorted({host for host, _port in self.hosts})
