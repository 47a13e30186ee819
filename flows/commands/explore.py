"""``gongkai explore``: a read-only Datasette explorer over the store, with canned queries."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click
from gongkai.flows.commands.common import db_option, resolve_db
from gongkai.models import database
from gongkai.models import snapshot as store_snapshot
from gongkai.reports import explorer


@click.command(name="explore", short_help="Open a read-only Datasette explorer with canned queries.")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8001, show_default=True, help="Port; 0 picks a free one."
)
@click.option(
    "--snapshot",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Export the store into this SQLite file and serve that (always done for PostgreSQL; "
    "without this option the PostgreSQL snapshot is temporary).",
)
@click.option("--with-blobs", is_flag=True, help="Copy raw page bytes into the snapshot too (large).")
@click.option(
    "--immutable",
    is_flag=True,
    help="Open a SQLite file as immutable (faster; only for a file nothing writes any more).",
)
@click.option(
    "--time-limit-ms", type=click.IntRange(min=50), default=3000, show_default=True, help="SQL time limit."
)
@click.option("--export-only", is_flag=True, help="Write the --snapshot file and exit without serving.")
def explore(
    db_url: str | None,
    host: str,
    port: int,
    snapshot: Path | None,
    with_blobs: bool,
    immutable: bool,
    time_limit_ms: int,
    export_only: bool,
) -> None:
    """Browse the store read-only in Datasette: tables with facets, Chinese labels, and canned
    queries (policies without 解读 by agency and month, late publications with working-day lags,
    文号 defects, the 26-domain matrix, stale and empty columns, a document's history and archived
    copies), and a second database `catalog` with each site's 标准目录 matrix (domain × item),
    computed at start as `gongkai report` computes it.

    A SQLite store is served in place, read-only. A PostgreSQL store is exported into a SQLite
    snapshot (every table but raw page bytes), which is served immutable; --snapshot FILE keeps it.
    """
    url = database.resolve_url(resolve_db(db_url))
    settings = explorer.ExplorerSettings(sql_time_limit_ms=time_limit_ms)
    live = explorer.sqlite_path(url)
    if export_only and snapshot is None:
        raise click.UsageError("--export-only needs --snapshot FILE")
    with tempfile.TemporaryDirectory(prefix="gongkai-explore-") as scratch:
        if live is not None and snapshot is None:
            explorer.check_sqlite_store(live)
            path, frozen = live, immutable
        else:
            path = snapshot or Path(scratch) / "gongkai.db"
            click.echo(f"exporting {explorer.url_for_display_raw(url)} to {path} …", err=True)
            counts = store_snapshot.export_snapshot(url, path, with_blobs=with_blobs)
            click.echo(f"snapshot: {sum(counts.values())} rows in {len(counts)} tables → {path}", err=True)
            frozen = True
            if export_only:
                return
        coverage = Path(scratch) / "catalog.db"
        rows = explorer.write_coverage_database(path, coverage)
        click.echo(f"标准目录覆盖: {rows} rows computed now (restart to refresh) → /catalog", err=True)
        ds = explorer.make_datasette(path, immutable=frozen, settings=settings, coverage=coverage)
        sock = explorer.bind_socket(host, port)
        shown_host = f"[{host}]" if ":" in host else host
        click.echo(
            f"explorer: http://{shown_host}:{sock.getsockname()[1]}/{explorer.DATABASE_NAME}", err=False
        )
        click.echo("read-only; press Ctrl-C to stop", err=True)
        try:
            explorer.serve(ds, sock)
        finally:
            sock.close()
