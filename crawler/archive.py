"""The WARC archive: every response the crawler receives, with the request that asked for it.

Evaluators cite the archived copy, not the live page (pages change after the fact). Records are
content-addressed by their payload digest: a body already archived is written again only as a
``revisit`` record pointing at the first copy (WARC 1.1 "identical payload digest" profile), so
a nightly re-crawl of unchanged pages does not grow the archive by their size.

Files: ``<folder>/gongkai-<site>-<UTC time>-<pid>-<n>.warc.gz``, one gzip member per record.
An SQLite index beside them (``index.sqlite``) maps record ids to file and offset and payload
digests to the record holding that payload; it is a cache of what the files say and can be
rebuilt from them (:meth:`WarcArchive.reindex`).
"""

from __future__ import annotations

import io
import os
import sqlite3
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from gongkai.crawler.bodies import BodyTooLarge, decode_content
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ARCHIVE_ENV = "GONGKAI_ARCHIVE"
DEFAULT_FOLDER = "archive"
#: Start a new file past this size, so no single file grows without bound.
MAX_FILE_BYTES = 512 * 1024 * 1024
#: Hop-by-hop framing that no longer describes the archived payload.
_FRAMING_HEADERS = {"transfer-encoding", "connection", "keep-alive"}


def resolve_folder(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--archive DIR``, else ``GONGKAI_ARCHIVE``, else ``./archive``."""
    return Path(explicit or os.environ.get(ARCHIVE_ENV) or DEFAULT_FOLDER)


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and the response it got, as sent and received."""

    url: str
    method: str
    request_target: str
    request_headers: Mapping[str, str]
    status: int
    reason: str
    response_headers: list[tuple[str, str]]
    #: The body as transferred (still gzip-encoded if the server encoded it).
    payload: bytes
    ip: str | None = None
    #: "length" when the crawler stopped reading at its size cap, "disconnect" if the server did.
    truncated: str | None = None
    #: What a POST sent (its form), archived with the request.
    request_body: bytes = b""


@dataclass(frozen=True)
class ArchivedRecord:
    record_id: str
    warc_file: str
    #: True when the payload was already archived and this record is a revisit pointing at it.
    revisit: bool = False


class ArchiveError(Exception):
    pass


class _SharedIndex:
    """The folder's index connection, shared by every archive of this process on that folder.

    Separate connections from threads of one process would fight over SQLite's write lock
    through its sleeping busy handler; one connection behind one Python lock does not.
    """

    _registry: dict[Path, _SharedIndex] = {}
    _registry_lock = threading.Lock()

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.lock = threading.RLock()
        self.users = 0
        self.conn = sqlite3.connect(folder / "index.sqlite", timeout=60, check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode=WAL")
        # The index is a cache of the WARC files (reindex() rebuilds it): no fsync per record. With
        # the default FULL every archived response cost one fsync, ~8 ms, the crawl's largest wait.
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS records (record_id TEXT PRIMARY KEY, warc_file TEXT NOT NULL,"
            " offset INTEGER NOT NULL, length INTEGER NOT NULL, type TEXT NOT NULL, uri TEXT,"
            " payload_digest TEXT, date TEXT, refers_to TEXT)"
        )
        self.conn.execute("CREATE INDEX IF NOT EXISTS records_digest ON records (payload_digest, type)")
        self.conn.commit()

    @classmethod
    def open(cls, folder: Path) -> _SharedIndex:
        key = folder.resolve()
        with cls._registry_lock:
            shared = cls._registry.get(key)
            if shared is None:
                shared = cls._registry[key] = cls(folder)
            shared.users += 1
            return shared

    def release(self) -> None:
        with self._registry_lock:
            self.users -= 1
            if self.users > 0:
                return
            self._registry.pop(self.folder.resolve(), None)
        with self.lock:
            self.conn.close()


class WarcArchive:
    """Append-only WARC files in one folder; safe to share between threads of one process."""

    def __init__(self, folder: str | os.PathLike[str], site: str = "crawl", dedupe: bool = True) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.site = site
        self.dedupe = dedupe
        self._file: io.BufferedWriter | None = None
        self._file_name: str | None = None
        self._sequence = 0
        self._closed = False
        self._shared = _SharedIndex.open(self.folder)
        # One lock per folder and process: every archive on the folder shares the index connection.
        self._lock = self._shared.lock
        self._index = self._shared.conn

    # --- writing --------------------------------------------------------------------------------

    def _writer(self) -> tuple[WARCWriter, io.BufferedWriter, str]:
        if self._file is not None and self._file.tell() > MAX_FILE_BYTES:
            self._file.close()
            self._file = None
        if self._file is None:
            self._sequence += 1
            stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
            self._file_name = f"gongkai-{self.site}-{stamp}-{os.getpid()}-{self._sequence}.warc.gz"
            self._file = open(self.folder / self._file_name, "ab")  # noqa: SIM115 - kept open across calls
        assert self._file_name is not None
        return WARCWriter(self._file, gzip=True), self._file, self._file_name

    def write(self, exchange: Exchange) -> ArchivedRecord:
        """Archive one exchange (response, then the request concurrent to it)."""
        with self._lock:
            writer, handle, file_name = self._writer()
            headers = [(k, v) for k, v in exchange.response_headers if k.lower() not in _FRAMING_HEADERS]
            # The payload is stored whole (transfer-encoding removed), so its length is exact.
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            headers.append(("Content-Length", str(len(exchange.payload))))
            http_headers = StatusAndHeaders(
                f"{exchange.status} {exchange.reason}".strip(), headers, protocol="HTTP/1.1"
            )
            warc_headers: dict[str, str] = {}
            if exchange.ip:
                warc_headers["WARC-IP-Address"] = exchange.ip
            if exchange.truncated:
                warc_headers["WARC-Truncated"] = exchange.truncated
            record = writer.create_warc_record(
                exchange.url,
                "response",
                payload=io.BytesIO(exchange.payload),
                length=len(exchange.payload),
                http_headers=http_headers,
                warc_headers_dict=warc_headers,
            )
            digest = record.rec_headers.get_header("WARC-Payload-Digest")
            original = self._original(digest) if (self.dedupe and exchange.payload and digest) else None
            revisit = original is not None
            if original is not None:
                orig_id, orig_uri, orig_date = original
                record = writer.create_revisit_record(
                    exchange.url,
                    digest=digest,
                    refers_to_uri=orig_uri,
                    refers_to_date=orig_date,
                    http_headers=http_headers,
                    warc_headers_dict={**warc_headers, "WARC-Refers-To": orig_id},
                )
            record_id = record.rec_headers.get_header("WARC-Record-ID")
            self._append(writer, handle, file_name, record, "revisit" if revisit else "response", digest)
            request = writer.create_warc_record(
                exchange.url,
                "request",
                payload=io.BytesIO(exchange.request_body),
                length=len(exchange.request_body),
                http_headers=StatusAndHeaders(
                    f"{exchange.method} {exchange.request_target} HTTP/1.1",
                    list(exchange.request_headers.items()),
                    is_http_request=True,
                ),
                warc_headers_dict={"WARC-Concurrent-To": record_id},
            )
            self._append(writer, handle, file_name, request, "request", None)
            # Committed at once: an open index transaction would block other processes' archives.
            self._index.commit()
            return ArchivedRecord(record_id, file_name, revisit)

    def _append(
        self,
        writer: WARCWriter,
        handle: io.BufferedWriter,
        file_name: str,
        record: object,
        kind: str,
        digest: str | None,
    ) -> None:
        offset = handle.tell()
        writer.write_record(record)
        handle.flush()  # a kill -9 after this loses nothing already written
        rec_headers = record.rec_headers  # type: ignore[attr-defined]
        self._index.execute(
            "INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                rec_headers.get_header("WARC-Record-ID"),
                file_name,
                offset,
                handle.tell() - offset,
                kind,
                rec_headers.get_header("WARC-Target-URI"),
                digest if kind != "request" else None,
                rec_headers.get_header("WARC-Date"),
                rec_headers.get_header("WARC-Refers-To"),
            ),
        )

    def _original(self, digest: str) -> tuple[str, str, str] | None:
        row = self._index.execute(
            "SELECT record_id, uri, date, warc_file FROM records"
            " WHERE payload_digest = ? AND type = 'response' LIMIT 1",
            (digest,),
        ).fetchone()
        # The index is a cache: trust it only while the file it names still exists.
        if row is None or not (self.folder / row[3]).is_file():
            return None
        return (row[0], row[1], row[2])

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if self._file is not None:
                self._file.close()
                self._file = None
        self._shared.release()

    def __enter__(self) -> WarcArchive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- reading --------------------------------------------------------------------------------

    def locate(self, record_id: str) -> tuple[str, int] | None:
        with self._lock:
            row = self._index.execute(
                "SELECT warc_file, offset FROM records WHERE record_id = ?", (record_id,)
            ).fetchone()
        return (row[0], row[1]) if row else None

    def read(self, record_id: str, warc_file: str | None = None, max_bytes: int = 64 * 1024 * 1024) -> bytes:
        """The body a response record holds, content-decoded (bounded), revisits followed."""
        return read_record(self.folder, record_id, warc_file, max_bytes=max_bytes, archive=self)

    def reindex(self) -> int:
        """Rebuild the index from the WARC files themselves; returns the number of records."""
        count = 0
        with self._lock:
            self._index.execute("DELETE FROM records")
            for path in sorted(self.folder.glob("*.warc.gz")):
                with open(path, "rb") as handle:
                    iterator = ArchiveIterator(handle)
                    for record in iterator:
                        head = record.rec_headers
                        kind = record.rec_type
                        self._index.execute(
                            "INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            (
                                head.get_header("WARC-Record-ID"),
                                path.name,
                                iterator.get_record_offset(),
                                0,
                                kind,
                                head.get_header("WARC-Target-URI"),
                                head.get_header("WARC-Payload-Digest") if kind == "response" else None,
                                head.get_header("WARC-Date"),
                                head.get_header("WARC-Refers-To"),
                            ),
                        )
                        count += 1
            self._index.commit()
        return count


@dataclass(frozen=True)
class ArchivedResponse:
    record_id: str
    uri: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    truncated: str | None


def read_response(
    folder: str | os.PathLike[str],
    record_id: str,
    warc_file: str | None = None,
    *,
    max_bytes: int = 64 * 1024 * 1024,
    archive: WarcArchive | None = None,
    _depth: int = 0,
) -> ArchivedResponse:
    """Find a response (or revisit) record by id and return its decoded body.

    Uses the index when it knows the record; otherwise scans ``warc_file`` (or every file).
    """
    folder = Path(folder)
    located = archive.locate(record_id) if archive else _locate(folder, record_id)
    candidates: list[tuple[Path, int | None]] = []
    if located:
        candidates.append((folder / located[0], located[1]))
    if warc_file:
        candidates.append((folder / warc_file, None))
    candidates.extend((path, None) for path in sorted(folder.glob("*.warc.gz")))
    for path, offset in candidates:
        if not path.is_file():
            continue
        with open(path, "rb") as handle:
            if offset is not None:
                handle.seek(offset)
            for record in ArchiveIterator(handle):
                if record.rec_headers.get_header("WARC-Record-ID") != record_id:
                    if offset is not None:
                        break  # the index pointed here and was wrong: fall back to scanning
                    continue
                head = record.rec_headers
                if record.rec_type == "revisit":
                    if _depth > 3:
                        raise ArchiveError(f"{record_id}: revisit chain too long")
                    original = head.get_header("WARC-Refers-To")
                    if not original:
                        raise ArchiveError(f"{record_id}: revisit record without WARC-Refers-To")
                    target = read_response(folder, original, None, max_bytes=max_bytes, _depth=_depth + 1)
                    status, headers = _status_headers(record)
                    return ArchivedResponse(record_id, target.uri, status, headers, target.body, None)
                raw = record.raw_stream.read(max_bytes + 1)
                if len(raw) > max_bytes:
                    raise ArchiveError(f"{record_id}: payload over {max_bytes} bytes")
                status, headers = _status_headers(record)
                encoding = next((v for k, v in headers if k.lower() == "content-encoding"), None)
                try:
                    body = decode_content(raw, encoding, max_bytes)
                except BodyTooLarge as exc:
                    raise ArchiveError(f"{record_id}: {exc}") from None
                return ArchivedResponse(
                    record_id,
                    head.get_header("WARC-Target-URI") or "",
                    status,
                    headers,
                    body,
                    head.get_header("WARC-Truncated"),
                )
    raise ArchiveError(f"record {record_id} not found in {folder}")


def read_record(
    folder: str | os.PathLike[str],
    record_id: str,
    warc_file: str | None = None,
    *,
    max_bytes: int = 64 * 1024 * 1024,
    archive: WarcArchive | None = None,
) -> bytes:
    """The decoded body of the response archived under ``record_id``."""
    return read_response(folder, record_id, warc_file, max_bytes=max_bytes, archive=archive).body


def _status_headers(record: object) -> tuple[int, list[tuple[str, str]]]:
    http = record.http_headers  # type: ignore[attr-defined]
    if http is None:
        return 0, []
    try:
        status = int(http.get_statuscode())
    except (TypeError, ValueError):
        status = 0
    return status, list(http.headers)


def _locate(folder: Path, record_id: str) -> tuple[str, int] | None:
    index = folder / "index.sqlite"
    if not index.is_file():
        return None
    deadline = time.monotonic() + 5
    while True:
        try:
            with sqlite3.connect(index, timeout=5) as conn:
                row = conn.execute(
                    "SELECT warc_file, offset FROM records WHERE record_id = ?", (record_id,)
                ).fetchone()
            return (row[0], row[1]) if row else None
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                return None
            time.sleep(0.05)
