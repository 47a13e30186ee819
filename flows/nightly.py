"""The nightly Prefect flow: for every configured site, crawl → extract → classify → audit → report.

Thin wiring only; the steps are plain functions in :mod:`flows.pipeline`. One ``site-night``
sub-flow per site, run from a task so that several sites proceed at once (``max_parallel_sites``);
each host is crawled by one run at a time across every worker sharing the Prefect server (a
global concurrency limit per host). A site that fails is one line in the summary and the others
go on. The night ends with a summary artifact in the Prefect UI.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from gongkai.flows.prefect_server import configure_offline

from gongkai.resources import corpus_path

configure_offline()

from gongkai.flows import pipeline  # noqa: E402
from gongkai.models.errors import GongkaiError  # noqa: E402
from gongkai.models.records import SiteConfig  # noqa: E402
from gongkai.models.siteconfig import load_site_config  # noqa: E402
from gongkai.models.store import open_store  # noqa: E402
from prefect import flow, get_run_logger, task  # noqa: E402
from prefect.artifacts import create_markdown_artifact  # noqa: E402
from prefect.concurrency.sync import concurrency  # noqa: E402
from prefect.task_runners import ThreadPoolTaskRunner  # noqa: E402

CHINA = ZoneInfo("Asia/Shanghai")
DEFAULT_SITES_DIR = str(corpus_path("sites"))


def host_limit_names(config: SiteConfig) -> list[str]:
    """Global concurrency limit names, one per host the site is crawled on."""
    return [f"gongkai-host-{host.replace(':', '-')}" for host in sorted(set(config.allowed_hosts))]


def ensure_host_limits(configs: list[SiteConfig], client: Any = None) -> None:
    """One crawl at a time per host, across all workers sharing this Prefect server."""
    if client is None:
        from prefect.client.orchestration import get_client

        with get_client(sync_client=True) as client:
            ensure_host_limits(configs, client)
        return
    from prefect.exceptions import ObjectAlreadyExists

    for name in sorted({n for c in configs for n in host_limit_names(c)}):
        try:
            client.upsert_global_concurrency_limit_by_name(name, 1)
        except ObjectAlreadyExists:
            # Prefect's upsert reads, then creates: two nights starting together both create, and
            # one is refused (409). The limit exists now, so the upsert's update path sets it.
            client.upsert_global_concurrency_limit_by_name(name, 1)


def wait_after_handover(sites: list[SiteConfig], sleep: Callable[[float], None] = time.sleep) -> float:
    """Just after taking a host's limit, wait one politeness delay before its first request.

    The limit passes from worker to worker: the one that released it may have asked the host a
    moment ago, and its per-host clock lives in its own process. Waiting out the longest delay of
    the sites taken (once per crawl task, seconds a night) keeps the gap across the handover."""
    wait = max((site.delay_seconds for site in sites), default=0.0)
    if wait > 0:
        sleep(wait)
    return wait


def _logger() -> logging.Logger | logging.LoggerAdapter[logging.Logger]:
    try:
        return get_run_logger()
    except Exception:  # called outside a run (plain function tests)
        return logging.getLogger("gongkai.nightly")


@task(name="crawl", retries=1, retry_delay_seconds=30)
def crawl_task(config: dict[str, Any], db_url: str | None, archive_dir: str | None) -> dict[str, Any]:
    site = SiteConfig.model_validate(config)
    with concurrency(host_limit_names(site), occupy=1, strict=False), open_store(db_url) as store:
        wait_after_handover([site])
        return pipeline.crawl_step(site, store, archive_dir)


@task(name="crawl-all", retries=1, retry_delay_seconds=30)
def crawl_all_task(
    configs: list[dict[str, Any]],
    db_url: str | None,
    archive_dir: str | None,
    workers: int,
    processes: int = 1,
) -> dict[str, dict[str, Any]]:
    """Every site's crawl side by side on ``workers`` threads (politeness bounds a night), over
    ``processes`` processes when the pages' CPU work needs more than one core."""
    sites = [SiteConfig.model_validate(config) for config in configs]
    names = sorted({name for site in sites for name in host_limit_names(site)})
    with concurrency(names, occupy=1, strict=False), open_store(db_url) as store:
        wait_after_handover(sites)
        return pipeline.crawl_many_step(sites, store, archive_dir, workers, processes)


@task(name="extract")
def extract_task(site: str, db_url: str | None) -> dict[str, Any]:
    with open_store(db_url) as store:
        return pipeline.extract_step(store, site)


@task(name="classify", retries=1, retry_delay_seconds=10)
def classify_task(site: str, db_url: str | None) -> dict[str, Any]:
    with open_store(db_url) as store:
        return pipeline.classify_step(store, site)


@task(name="audit", retries=1, retry_delay_seconds=10)
def audit_task(site: str, db_url: str | None, today: str) -> dict[str, Any]:
    with open_store(db_url) as store:
        return pipeline.audit_step(store, site, date.fromisoformat(today))


@task(name="report")
def report_task(site: str, db_url: str | None, report_dir: str) -> dict[str, Any]:
    with open_store(db_url) as store:
        return pipeline.report_step(store, site, Path(report_dir))


@flow(name="site-night", flow_run_name="site-night-{site}")
def site_night(
    site: str,
    config: dict[str, Any],
    db_url: str | None,
    archive_dir: str | None,
    report_dir: str | None,
    today: str,
    crawled: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One site's night: every step in order; what each did, as a small dict. ``crawled``: the
    site was already crawled with the others (the nightly flow crawls every site side by side)."""
    night: dict[str, Any] = {
        "crawl": crawled if crawled is not None else crawl_task(config, db_url, archive_dir)
    }
    night["extract"] = extract_task(site, db_url)
    night["classify"] = classify_task(site, db_url)
    night["audit"] = audit_task(site, db_url, today)
    if report_dir:
        night["report"] = report_task(site, db_url, report_dir)
    with open_store(db_url) as store:
        night["counts"] = pipeline.document_counts(store, site)
    return night


@task(name="site", retries=0)
def site_task(
    config: dict[str, Any],
    db_url: str | None,
    archive_dir: str | None,
    report_dir: str | None,
    today: str,
    crawled: dict[str, Any] | None = None,
) -> dict[str, Any]:
    # A sub-flow called from a task: sites run side by side under the parent's task runner.
    if crawled is not None and "failed" in crawled:
        return {"failed": f"crawl: {crawled['failed']}"}
    try:
        return site_night(str(config["name"]), config, db_url, archive_dir, report_dir, today, crawled)
    except Exception as exc:  # one site's failure is one line; the night goes on
        return {"failed": f"{type(exc).__name__}: {exc}".splitlines()[0][:300]}


def load_configs(sites_dir: str, only: list[str] | None = None) -> tuple[list[SiteConfig], list[str]]:
    """Every site config in the folder; a bad file is one error line and is left out."""
    folder = Path(sites_dir)
    if not folder.is_dir():
        raise GongkaiError(f"{sites_dir}: not a folder of site configs")
    configs, errors = [], []
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        try:
            config = load_site_config(path)
        except GongkaiError as exc:
            errors.append(str(exc))
            continue
        if only is None or config.name in only:
            configs.append(config)
    return configs, errors


@flow(name="gongkai-nightly", task_runner=ThreadPoolTaskRunner(max_workers=4))  # type: ignore[arg-type]
def nightly(
    sites_dir: str = DEFAULT_SITES_DIR,
    db_url: str | None = None,
    archive_dir: str | None = None,
    report_dir: str | None = None,
    today: str | None = None,
    sites: list[str] | None = None,
    max_parallel_sites: int = 4,
    crawl_workers: int = 16,
    crawl_processes: int = 1,
) -> dict[str, Any]:
    """Crawl and audit every configured site; returns per-site results and the Markdown summary.

    Every site is crawled at once, side by side on ``crawl_workers`` shared threads, each host at
    its own politeness rate (hundreds of sites a night), over ``crawl_processes`` processes (sites
    dealt out by host) when one core cannot keep up with the pages. The CPU-bound steps after the crawl run
    for at most ``max_parallel_sites`` sites at once (never more than the task runner's workers).
    """
    logger = _logger()
    day = today or datetime.now(CHINA).date().isoformat()
    db_url = db_url or os.environ.get("GONGKAI_DB")
    configs, errors = load_configs(sites_dir, sites)
    for error in errors:
        logger.error(error)
    with open_store(db_url) as store:  # migrate once, before the sites race to it
        for config in configs:
            store.upsert_site(config)
    ensure_host_limits(configs)
    as_json = [config.model_dump(mode="json") for config in configs]
    crawled = crawl_all_task(as_json, db_url, archive_dir, crawl_workers, crawl_processes) if configs else {}
    nights: dict[str, Any] = {}
    wave = max(1, max_parallel_sites)
    for start in range(0, len(configs), wave):
        futures = {
            config.name: site_task.submit(
                as_json[start + n], db_url, archive_dir, report_dir, day, crawled.get(config.name)
            )
            for n, config in enumerate(configs[start : start + wave])
        }
        nights.update({name: future.result() for name, future in futures.items()})
    summary = pipeline.summarise(nights)
    for name, night in nights.items():
        if "failed" in night:
            logger.error("site %s failed: %s", name, night["failed"])
    create_markdown_artifact(summary, key="gongkai-nightly-summary", description=f"gongkai night of {day}")
    logger.info("night of %s: %d sites, %d config errors\n%s", day, len(configs), len(errors), summary)
    return {"today": day, "sites": nights, "config_errors": errors, "summary": summary}


def run_nightly(
    sites_dir: str,
    db_url: str | None = None,
    archive_dir: str | None = None,
    report_dir: str | None = None,
    today: str | None = None,
    max_parallel_sites: int = 4,
    runner: str = "threads",
    sites: list[str] | None = None,
) -> dict[str, Any]:
    """Run the nightly flow now, with the chosen task runner (threads, or dask for many cores)."""
    if runner == "dask":
        from prefect_dask import DaskTaskRunner

        address = os.environ.get("GONGKAI_DASK_ADDRESS")
        task_runner: Any = (
            DaskTaskRunner(address=address)
            if address
            else DaskTaskRunner(cluster_kwargs={"n_workers": max_parallel_sites, "threads_per_worker": 1})
        )
    elif runner == "threads":
        task_runner = ThreadPoolTaskRunner(max_workers=max(1, max_parallel_sites))
    else:
        raise GongkaiError(f"unknown task runner {runner!r} (use threads or dask)")
    configured = nightly.with_options(task_runner=task_runner)
    return configured(  # type: ignore[no-any-return]
        sites_dir, db_url, archive_dir, report_dir, today, sites, max_parallel_sites
    )
