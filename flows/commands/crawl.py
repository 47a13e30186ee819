"""``gongkai crawl``: Crawl configured sites' disclosure columns (polite, incremental, archived)."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import click
from gongkai.crawler.archive import ARCHIVE_ENV, resolve_folder
from gongkai.crawler.engine import CrawlStats
from gongkai.flows.commands.common import db_option, make_console, printable, resolve_db, safe
from gongkai.models.siteconfig import load_site_config
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

#: Error lines printed per site; the rest are counted (all are kept in the run's stats).
MAX_ERROR_LINES = 20


@click.command(name="crawl", short_help="Crawl sites' disclosure columns: polite, incremental, archived.")
@db_option
@click.option(
    "--site",
    "site_files",
    multiple=True,
    required=True,
    type=click.Path(path_type=Path),
    metavar="FILE.yaml",
    help="Site config to crawl (repeat for several sites).",
)
@click.option("--max-pages", type=click.IntRange(min=1), default=None, help="Stop after N requests per site.")
@click.option(
    "--archive",
    "archive_dir",
    default=None,
    metavar="DIR",
    help=f"WARC archive folder (default: ${ARCHIVE_ENV}, else ./archive).",
)
@click.option(
    "--prefect/--no-prefect",
    default=True,
    show_default=True,
    help="Run as a Prefect flow (batched tasks, retries) or as plain functions.",
)
def crawl(
    db_url: str | None,
    site_files: tuple[Path, ...],
    max_pages: int | None,
    archive_dir: str | None,
    prefect: bool,
) -> None:
    """Crawl each site's disclosure columns into the database and the WARC archive.

    Obeys robots.txt, one request at a time per host with the site's delay, conditional GETs
    (an unchanged page costs a 304), and resumes a killed crawl where it stopped. Detail pages
    are extracted as they are stored: `gongkai docs --site NAME` lists them afterwards.
    """
    configs = [load_site_config(path) for path in site_files]  # a bad config: one clear line, exit 2
    db = resolve_db(db_url)
    folder = str(resolve_folder(archive_dir))
    console = make_console(stderr=True)
    failures = 0
    for config in configs:
        stats = _run_one(config.model_dump(mode="json"), db, folder, max_pages, prefect, console)
        for line in stats.error_lines[:MAX_ERROR_LINES]:
            click.echo(printable(line), err=True)  # URLs and server text: never raw escapes
        hidden = len(stats.error_lines) - MAX_ERROR_LINES
        if hidden > 0:
            click.echo(f"… and {hidden} more lines (kept in the run's stats in the database)", err=True)
        for line in stats.alert_lines():
            click.echo(printable(f"{config.name}: {line}"))
        click.echo(printable(f"{config.name}: {stats.summary()}"))
        if stats.errors and not stats.pages_fetched and not stats.not_modified:
            failures += 1
    if failures == len(configs):
        sys.exit(1)  # nothing reachable at all: let schedulers notice


def _run_one(
    config: dict[str, object],
    db: str | None,
    folder: str,
    max_pages: int | None,
    prefect: bool,
    console: object,
) -> CrawlStats:
    name = str(config["name"])
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        TextColumn("{task.fields[line]}"),
        TimeElapsedColumn(),
        console=console,  # type: ignore[arg-type]
        transient=True,
    ) as progress:
        bar = progress.add_task(safe(name), total=None, line="starting")
        last = [0.0]
        lock = threading.Lock()

        def show(_site: str, stats: CrawlStats) -> None:
            now = time.monotonic()
            with lock:
                if now - last[0] < 0.2:
                    return
                last[0] = now
            progress.update(
                bar,
                line=f"{stats.requests} requests · {stats.not_modified} unchanged (304) · "
                f"{stats.new_documents} new docs · {stats.errors} errors",
            )

        if prefect:
            from gongkai.flows import crawl as crawl_flows

            crawl_flows.progress_listener = show
            try:
                result = crawl_flows.crawl_site(config, db, folder, max_pages)
            finally:
                crawl_flows.progress_listener = None
            return CrawlStats.from_dict(result)
        return _plain(config, db, folder, max_pages, show)


def _plain(
    config: dict[str, object], db: str | None, folder: str, max_pages: int | None, show: object
) -> CrawlStats:
    from gongkai.crawler.archive import WarcArchive
    from gongkai.crawler.engine import crawl_site
    from gongkai.models.records import SiteConfig
    from gongkai.models.store import open_store

    site = SiteConfig.model_validate(config)
    with open_store(db) as store, WarcArchive(folder, site.name) as archive:
        return crawl_site(
            site,
            store,
            archive,
            max_pages=max_pages,
            progress=lambda stats, _pending: show(site.name, stats),  # type: ignore[operator]
        )
