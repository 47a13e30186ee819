"""``gongkai serve``: run the nightly Prefect deployment (02:00 Asia/Shanghai) on this machine."""

from __future__ import annotations

import os
from pathlib import Path

import click
from gongkai.flows.commands.common import console, db_option, resolve_db
from gongkai.models.errors import GongkaiError


@click.command(name="serve", short_help="Run the nightly Prefect deployment (02:00 Asia/Shanghai).")
@db_option
@click.option(
    "--sites",
    "sites_dir",
    type=click.Path(path_type=Path),
    default=Path("corpus/sites"),
    show_default=True,
    help="Folder of site configs (*.yaml).",
)
@click.option(
    "--archive",
    "archive_dir",
    default=None,
    help="WARC archive folder (default GONGKAI_ARCHIVE or ./archive).",
)
@click.option(
    "--reports", "report_dir", default="var/reports", show_default=True, help="Where nightly reports go."
)
@click.option(
    "--prefect-home",
    type=click.Path(path_type=Path),
    default=Path("var/prefect-server"),
    show_default=True,
    help="State of the Prefect server started here (unused when PREFECT_API_URL is set).",
)
@click.option(
    "--port", type=int, default=None, help="Port of the Prefect server started here (default: a free one)."
)
@click.option(
    "--prefect-db",
    default=None,
    metavar="URL",
    help="PostgreSQL for the started Prefect server's own database (recommended; default its SQLite).",
)
@click.option("--cron", default="0 2 * * *", show_default=True, help="Schedule, in Asia/Shanghai time.")
@click.option("--run-now", is_flag=True, help="Also start one run right away.")
def serve(
    db_url: str | None, sites_dir: Path, archive_dir: str | None, report_dir: str, prefect_home: Path,
    port: int | None, prefect_db: str | None, cron: str, run_now: bool,
) -> None:  # fmt: skip
    """Serve the nightly deployment against a real Prefect server until Ctrl-C.

    With PREFECT_API_URL set, the deployment registers with that server; otherwise a Prefect
    server is started on 127.0.0.1 (Prefect's temporary server never creates scheduled runs).
    """
    from gongkai.flows.serve import serve_nightly

    if not sites_dir.is_dir():
        raise GongkaiError(f"{sites_dir}: not a folder of site configs (use --sites)")
    db = resolve_db(db_url) or os.environ.get("GONGKAI_DB") or f"sqlite:///{Path('gongkai.db').resolve()}"
    console.print(f"serving gongkai-nightly/nightly: cron {cron!r} Asia/Shanghai, sites {sites_dir}, db {db}")
    try:
        serve_nightly(
            str(sites_dir), db, archive_dir, report_dir, prefect_home, port, cron, run_now, console.print
        )
    except KeyboardInterrupt:
        console.print("stopped")
