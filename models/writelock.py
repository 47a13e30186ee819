"""One writer at a time per SQLite file, queued in Python rather than in SQLite's busy handler.

The store opens every SQLite transaction with ``BEGIN IMMEDIATE`` (reads included), so threads
crawling different hosts into one file contend for its lock. SQLite's busy handler retries
with growing sleeps and no fairness: with ten or twenty crawl threads some waited for tens of
seconds. A process-wide lock per database file serialises them without sleeping (SQLite allows
one writer anyway, so nothing is lost). PostgreSQL needs no such lock.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from gongkai.models.store import Store

_locks: dict[str, threading.RLock] = {}
_guard = threading.Lock()


def lock_for(store: Store) -> contextlib.AbstractContextManager[Any]:
    if store.dialect != "sqlite":
        return contextlib.nullcontext()
    key = str(store.engine.url.database or "")
    with _guard:
        lock = _locks.get(key)
        if lock is None:
            lock = _locks[key] = threading.RLock()
    return lock


class SerializedStore:
    """A :class:`Store` whose every method call holds the database file's lock."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = lock_for(store)

    @property
    def inner(self) -> Store:
        return self._store

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._store, name)
        if not callable(value):
            return value
        lock = self._lock

        def locked(*args: Any, **kwargs: Any) -> Any:
            with lock:
                return value(*args, **kwargs)

        return locked

    def call(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return func(*args, **kwargs)
