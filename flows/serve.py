"""The nightly deployment, served on this machine: cron 02:00 Asia/Shanghai over a sites folder.

``serve_nightly`` needs a real Prefect server (the temporary one Prefect starts by itself
registers schedules but never creates their runs): it uses ``PREFECT_API_URL`` when set, else
starts ``prefect server start`` on loopback (:mod:`flows.prefect_server`). For a shared server
with workers, use the deployment in ``prefect.yaml`` instead (docs/scale.md).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from gongkai.flows.prefect_server import PrefectServer

NIGHTLY_CRON = "0 2 * * *"
TIMEZONE = "Asia/Shanghai"
DEPLOYMENT = "nightly"


def nightly_deployment(
    sites_dir: str,
    db_url: str | None,
    archive_dir: str | None,
    report_dir: str | None,
    cron: str = NIGHTLY_CRON,
    timezone: str = TIMEZONE,
) -> Any:
    from gongkai.flows.nightly import nightly
    from prefect.schedules import Cron

    return nightly.to_deployment(
        name=DEPLOYMENT,
        schedule=Cron(cron, timezone=timezone),
        parameters={
            "sites_dir": str(Path(sites_dir).resolve()),
            "db_url": db_url,
            "archive_dir": str(Path(archive_dir).resolve()) if archive_dir else None,
            "report_dir": str(Path(report_dir).resolve()) if report_dir else None,
        },
        description="gongkai: crawl, extract, classify, audit and report every configured site",
        tags=["gongkai"],
    )


def serve_nightly(
    sites_dir: str,
    db_url: str | None,
    archive_dir: str | None,
    report_dir: str | None,
    prefect_home: Path,
    port: int | None = None,
    cron: str = NIGHTLY_CRON,
    run_now: bool = False,
    log: Callable[[str], None] = print,
    prefect_db: str | None = None,
) -> None:
    """Register the deployment and run its scheduled (and on-demand) runs until interrupted.

    ``prefect_db``: a PostgreSQL URL for the started server's own database (its SQLite default
    stalls when several runs report at once; docs/scale.md).
    """
    from gongkai.flows.workers import start_prefect_server

    server: PrefectServer = start_prefect_server(prefect_home, prefect_db, port)
    try:
        log(f"Prefect API: {server.api_url}" + (" (started here)" if server.process else ""))
        deployment = nightly_deployment(sites_dir, db_url, archive_dir, report_dir, cron)
        if run_now:
            _trigger_when_registered(log)
        from prefect import serve

        serve(deployment, print_starting_message=False)
    finally:
        server.stop()


def _trigger_when_registered(log: Callable[[str], None]) -> None:
    """Start one run as soon as ``serve`` has registered the deployment (a background thread)."""
    import threading
    import time

    def trigger() -> None:
        from prefect.deployments import run_deployment

        for _ in range(120):
            try:
                run = run_deployment(f"gongkai-nightly/{DEPLOYMENT}", timeout=0)
                log(f"started run {run.name} now")
                return
            except Exception:
                time.sleep(1)
        log("could not start a run now: the deployment did not register")

    threading.Thread(target=trigger, name="gongkai-run-now", daemon=True).start()
