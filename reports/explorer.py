"""The analysts' explorer: a read-only Datasette over the store.

A SQLite store is served as it is, opened read-only (``mode=ro``; ``immutable`` for a file
nothing writes any more, e.g. a snapshot). Datasette only reads SQLite, so a PostgreSQL store is
first exported into a SQLite snapshot file — every table except the raw page bytes — which is
then served immutable. SQL has a time limit; canned queries and Chinese labels come from
``corpus/reports``. A second, small database (``catalog``) holds each site's 标准目录 matrix,
computed at start by the report's own code: the catalog lives in YAML, not in the store, so SQL
alone cannot match its items.
"""

from __future__ import annotations

import contextlib
import importlib
import socket
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from gongkai.models import database
from gongkai.models.errors import ConfigError, StoreError
from gongkai.models.snapshot import check_revision
from gongkai.models.store import Store
from gongkai.reports.queries import datasette_canned_queries

from gongkai.resources import corpus_path

METADATA_FILE = corpus_path("reports", "datasette.yaml")
DATABASE_NAME = "gongkai"
#: The second database: each site's 标准目录 matrix, computed when the explorer starts.
COVERAGE_DATABASE = "catalog"
COVERAGE_TABLE = "catalog_coverage"
#: The rule registry (label, indicator, weight per rule id), in the same database.
RULES_TABLE = "rules"
_RULES_COLUMNS = (
    "rule_id TEXT PRIMARY KEY",
    "label TEXT",
    "title TEXT",
    "indicator TEXT",
    "weight REAL",
    "scope TEXT",
    "severity TEXT",
    "version TEXT",
    "legal_basis TEXT",
)


@dataclass(frozen=True)
class ExplorerSettings:
    sql_time_limit_ms: int = 3000
    max_returned_rows: int = 2000
    facet_time_limit_ms: int = 500
    default_page_size: int = 100


@lru_cache(maxsize=1)
def _static_metadata() -> dict[str, Any]:
    try:
        data = yaml.safe_load(METADATA_FILE.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{METADATA_FILE}: cannot read the explorer metadata: {exc}") from None
    if not isinstance(data, dict) or DATABASE_NAME not in data.get("databases", {}):
        raise ConfigError(f"{METADATA_FILE}: expected databases.{DATABASE_NAME}")
    _refuse_raw_html(data, str(METADATA_FILE))
    return data


def _refuse_raw_html(node: Any, where: str) -> None:
    # Datasette renders *_html keys unescaped; our metadata never needs them.
    if isinstance(node, dict):
        for key, value in node.items():
            if str(key).endswith("_html"):
                raise ConfigError(f"{where}: key {key!r} would be rendered as raw HTML; use plain text")
            _refuse_raw_html(value, where)
    elif isinstance(node, list):
        for item in node:
            _refuse_raw_html(item, where)


def datasette_metadata() -> dict[str, Any]:
    """Titles, labels and facets from ``datasette.yaml`` plus the canned queries."""
    meta = yaml.safe_load(yaml.safe_dump(_static_metadata(), allow_unicode=True))  # a deep copy
    for name, entry in meta["databases"].items():
        entry["queries"] = datasette_canned_queries(name)
    return meta


# --- the snapshot ---------------------------------------------------------------------------------


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases)."""
    parsed = database.parse_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise StoreError("the explorer needs a database file, not an in-memory database")
    return Path(parsed.database).expanduser()


def check_sqlite_store(path: Path) -> None:
    """A readable gongkai store at the newest schema, checked without writing to it."""
    if not path.is_file():
        raise StoreError(f"no database at {path}: run `gongkai db init` or crawl first")
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error as exc:
        raise StoreError(f"{path} is not a gongkai database ({exc}): run `gongkai db init`") from None
    check_revision(row[0] if row else None, str(path))


# --- the 标准目录 matrix ---------------------------------------------------------------------------

_COVERAGE_COLUMNS = (
    "site TEXT NOT NULL",
    "cell TEXT",
    "row INTEGER",
    "col INTEGER",
    "domain TEXT",
    "catalog_domain TEXT",
    "item_id TEXT",
    "level1 TEXT",
    "level2 TEXT",
    "expect TEXT",
    "expect_label TEXT",
    "time_limit TEXT",
    "status TEXT NOT NULL",
    "status_label TEXT NOT NULL",
    "matches INTEGER",
    "newest_title TEXT",
    "newest_date TEXT",
    "newest_url TEXT",
    "finding_id INTEGER",
    "finding_first_seen TEXT",
    "catalog TEXT",
    "note TEXT",
    "computed_at TEXT NOT NULL",
)


def read_only_store(path: Path) -> Store:
    """A store over a SQLite file opened read-only: nothing here can write to it, not even a lock."""
    engine = sa.create_engine(
        "sqlite://",
        creator=lambda: sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False),
    )
    return Store(engine)


def write_coverage_database(source: Path, target: Path) -> int:
    """Each site's 标准目录 matrix, computed from the store file as ``gongkai report`` computes it
    (same catalogs, same title matching, open catalog_gap findings), into a new SQLite file.

    Returns the number of rows. Sites without a catalog get one row that says why.
    """
    from gongkai.reports.coverage import EXPECT_LABELS, STATUS_LABELS
    from gongkai.reports.dataset import current_coverage

    store = read_only_store(source)
    try:
        coverages = current_coverage(store)
    finally:
        store.close()
    computed = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    rows: list[tuple[Any, ...]] = []
    for coverage in coverages:
        if not coverage.has_matrix:
            empty: list[Any] = [None] * 11
            rows.append(
                (
                    coverage.site,
                    *empty,
                    "no_catalog",
                    "无目录",
                    *empty[:6],
                    coverage.catalog,
                    coverage.note,
                    computed,
                )
            )
            continue
        for cell in coverage.cells:
            rows.append(
                (
                    coverage.site,
                    cell.code,
                    cell.row,
                    cell.column,
                    cell.domain,
                    cell.catalog_domain,
                    cell.item_id,
                    cell.level1,
                    cell.level2,
                    cell.expect,
                    EXPECT_LABELS[cell.expect],
                    cell.time_limit,
                    cell.status,
                    STATUS_LABELS[cell.status],
                    cell.matches,
                    cell.newest_title,
                    cell.newest_date,
                    cell.newest_url,
                    cell.finding_id,
                    cell.finding_first_seen,
                    coverage.catalog,
                    None,
                    computed,
                )
            )
    target.unlink(missing_ok=True)
    with contextlib.closing(sqlite3.connect(target)) as out:
        out.execute(f"CREATE TABLE {COVERAGE_TABLE} ({', '.join(_COVERAGE_COLUMNS)})")
        marks = ", ".join("?" * len(_COVERAGE_COLUMNS))
        out.executemany(f"INSERT INTO {COVERAGE_TABLE} VALUES ({marks})", rows)
        out.execute(f"CREATE INDEX {COVERAGE_TABLE}_site ON {COVERAGE_TABLE} (site, row, col)")
        write_rules_table(out)
        out.commit()
    return len(rows)


def write_rules_table(out: sqlite3.Connection) -> None:
    """The audit's rules as the registry declares them (id, label, indicator, default weight …),
    so that a finding's ``rule_id`` can be read, and joined, in the explorer."""
    from gongkai.audits.rules import RULES

    out.execute(f"CREATE TABLE {RULES_TABLE} ({', '.join(_RULES_COLUMNS)})")
    out.executemany(
        f"INSERT INTO {RULES_TABLE} VALUES ({', '.join('?' * len(_RULES_COLUMNS))})",
        [
            (r.id, r.label, r.title_zh, r.indicator, r.weight, r.scope, r.severity, r.version, r.legal_basis)
            for r in RULES
        ],
    )


# --- serving ----------------------------------------------------------------------------------------


def make_datasette(
    path: Path, immutable: bool, settings: ExplorerSettings | None = None, coverage: Path | None = None
) -> Any:
    """A Datasette app over one SQLite file, named ``gongkai``, read-only; with ``coverage`` (a file
    from :func:`write_coverage_database`) also the database ``catalog``."""
    from datasette.app import Datasette  # first: it registers Datasette's own plugins
    from datasette.database import Database

    # Datasette prints every handled error (a typo in the SQL box, a refused write) as a full
    # rich traceback with locals; unexpected server errors are still printed without it.
    # (Imported only after datasette.app: importing this plugin module first registers it
    # half-initialised, without its hook, and every error page then fails.)
    importlib.import_module("datasette.handle_exception").rich = None

    settings = settings or ExplorerSettings()
    ds = Datasette(
        memory=False,
        metadata=datasette_metadata(),
        settings={
            "sql_time_limit_ms": settings.sql_time_limit_ms,
            "max_returned_rows": settings.max_returned_rows,
            "facet_time_limit_ms": settings.facet_time_limit_ms,
            "default_page_size": settings.default_page_size,
            "allow_download": immutable,
            "suggest_facets": False,
        },
    )
    # Not mutable: Datasette opens it with ``?mode=ro`` (live file) or ``?immutable=1`` (frozen).
    db = Database(ds, path=str(path), is_mutable=not immutable)
    ds.add_database(db, name=DATABASE_NAME)
    if coverage is not None:
        ds.add_database(Database(ds, path=str(coverage), is_mutable=False), name=COVERAGE_DATABASE)
    return ds


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind first, so that ``--port 0`` can report the port the system chose."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        # Listen now: connections made between printing the URL and the server's start queue up.
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise StoreError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    return sock


def serve(ds: Any, sock: socket.socket) -> None:
    """Run the explorer until interrupted."""
    import uvicorn

    config = uvicorn.Config(ds.app(), log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    server.run(sockets=[sock])


def url_for_display_raw(url: str) -> str:
    """A database URL with its password hidden, for messages."""
    return database.parse_url(url).render_as_string(hide_password=True)
