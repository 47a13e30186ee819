"""One request at a time per host, never closer together than the host's delay.

Each host (``host:port``) has a gate: a lock held for the whole request, and the earliest time the
next request may start. Threads working on different hosts never wait on each other; threads on
the same host queue. A server that says "slow down" (429/503 with Retry-After) pushes the next
allowed time back for every request to that host, not just the one that was refused.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class HostGate:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.next_start = 0.0

    @contextmanager
    def turn(self, delay: float, sleep: Callable[[float], None] = time.sleep) -> Iterator[None]:
        """Wait for this host's turn, then hold it for the duration of one request."""
        with self.lock:
            wait = self.next_start - time.monotonic()
            if wait > 0:
                sleep(wait)
            started = time.monotonic()
            try:
                yield
            finally:
                # Delay counts from the start of a request (Scrapy's DOWNLOAD_DELAY), so a slow
                # response does not add its own duration on top of the delay.
                self.next_start = max(self.next_start, started + delay)

    def hold_off(self, seconds: float) -> None:
        """The server asked us to wait: no request to this host before ``seconds`` from now."""
        self.next_start = max(self.next_start, time.monotonic() + seconds)


class HostGates:
    """The gates of every host, shared by all crawls in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._gates: dict[str, HostGate] = {}

    def gate(self, host: str) -> HostGate:
        with self._lock:
            gate = self._gates.get(host)
            if gate is None:
                gate = self._gates[host] = HostGate()
            return gate


#: Process-wide: two crawls (or two Prefect tasks) that touch the same host share its gate.
SHARED_GATES = HostGates()
