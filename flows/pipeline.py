"""The nightly steps for one site as plain functions: crawl → extract → classify → audit → report.

Each takes plain values (ids, paths, URLs — never document text, which would not fit in Prefect
parameters) and returns a small JSON-ready summary. ``flows/nightly.py`` wires them as Prefect
tasks; tests and the command line can call them directly.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import asdict
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any

from gongkai.crawler.archive import WarcArchive, resolve_folder
from gongkai.crawler.engine import crawl_site
from gongkai.models.records import DocumentRecord, SiteConfig
from gongkai.models.store import Store, as_utc

#: Bump when the extractor's output changes: the next night re-extracts stored pages (no re-crawl).
EXTRACTOR_VERSION_FILES = ("extractors",)


def extractor_version() -> str:
    """A fingerprint of the extractor's source: changes whenever its code changes."""
    digest = hashlib.sha256()
    for folder in EXTRACTOR_VERSION_FILES:
        for path in sorted(Path(str(files(f"gongkai.{folder}"))).glob("*.py")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def crawl_step(config: SiteConfig, store: Store, archive_dir: str | None) -> dict[str, Any]:
    """Incremental crawl of one site; detail pages are extracted as they are stored."""
    archive = WarcArchive(resolve_folder(archive_dir), config.name)
    try:
        stats = crawl_site(config, store, archive)
    finally:
        archive.close()
    out = asdict(stats)
    out.pop("error_lines", None)
    out["errors_text"] = list(stats.error_lines[:20])
    out["alerts_text"] = stats.alert_lines()
    return out


def crawl_many_step(
    configs: list[SiteConfig], store: Store, archive_dir: str | None, workers: int = 16, processes: int = 1
) -> dict[str, dict[str, Any]]:
    """Incremental crawl of many sites side by side (``crawler.scheduler``): a bounded pool of
    ``workers`` threads shared by every site, each host at its own politeness rate; over
    ``processes`` processes when more than one (``crawler.shards``: the CPU work on every core)."""
    from gongkai.crawler.engine import SiteCrawler
    from gongkai.crawler.scheduler import ManySites
    from gongkai.crawler.shards import crawl_in_processes

    folder = resolve_folder(archive_dir)
    if processes > 1:
        db_url = store.engine.url.render_as_string(hide_password=False)
        results, failures = crawl_in_processes(configs, db_url, folder, processes=processes, workers=workers)
    else:
        archives = [WarcArchive(folder, config.name) for config in configs]
        crawlers = [SiteCrawler(c, store, a) for c, a in zip(configs, archives, strict=True)]
        try:
            scheduler = ManySites(crawlers, workers=workers)
            results = scheduler.run()
            failures = scheduler.failures
        finally:
            for crawler in crawlers:
                crawler.close()
            for archive in archives:
                archive.close()
    out: dict[str, dict[str, Any]] = {}
    for config in configs:
        if config.name in failures:
            out[config.name] = {"failed": failures[config.name]}
            continue
        stats = results[config.name]
        summary = asdict(stats)
        summary.pop("error_lines", None)
        summary["errors_text"] = list(stats.error_lines[:20])
        summary["alerts_text"] = stats.alert_lines()
        out[config.name] = summary
    return out


def extract_step(store: Store, site: str, *, force: bool = False) -> dict[str, Any]:
    """Re-extract the site's documents from their stored page bytes when the extractor changed.

    Raw bytes are kept, so a better extractor never needs a re-crawl: the documents whose
    content changes under the new extractor get a new version, the rest stay as they are.
    """
    from gongkai.extractors import extract

    version = extractor_version()
    previous = _last_run_stat(store, site, "extract", "extractor_version")
    if previous is None and not force:
        # First night: the crawl has just extracted every page with this very extractor.
        _record_run(store, site, "extract", {"extractor_version": version, "reextracted": 0, "changed": 0})
        return {"extractor_version": version, "reextracted": 0, "changed": 0}
    if previous == version and not force:
        return {"extractor_version": version, "reextracted": 0, "changed": 0}
    rows = store.document_pages(site)
    changed = 0
    batch: list[DocumentRecord] = []

    def flush() -> None:
        nonlocal changed
        if batch:
            results = store.save_documents(batch, site)
            changed += sum(1 for result in results if result.status == "changed")
            batch.clear()

    for row in rows:
        raw = store.get_blob(row.sha256)
        if raw is None:
            continue
        record = extract(raw, row.url, (row.headers or {}).get("content-type"))
        record.site, record.column = site, row.column_name
        if row.page_kind == "news" and record.page_kind == "document":
            record.page_kind = "news"  # listed in a news column: the crawler's call stands
        record.page_sha256, record.fetched_at = row.sha256, as_utc(row.fetched_at)
        batch.append(record)
        if len(batch) >= 200:
            flush()
    flush()
    _record_run(
        store, site, "extract", {"extractor_version": version, "reextracted": len(rows), "changed": changed}
    )
    return {"extractor_version": version, "reextracted": len(rows), "changed": changed}


def classify_step(store: Store, site: str) -> dict[str, Any]:
    """Classify the site's new and changed documents (models are loaded once, batches of 500)."""
    from gongkai.classifiers.batch import classify_stored

    return {"classified": classify_stored(store, site, only_missing=True)}


def audit_step(store: Store, site: str, today: date, grace_days: int | None = None) -> dict[str, Any]:
    """Link 解读 and run every rule for the site; returns findings opened/kept/closed per rule."""
    from gongkai.audits.engine import run_audit

    errors: list[str] = []
    result = run_audit(store, today=today, site=site, grace_days=grace_days, on_error=errors.append)
    rules: dict[str, dict[str, int]] = {}
    links = 0
    for outcome in result.sites:
        links += outcome.links
        for rule, counts in outcome.rules.items():
            rules[rule] = dict(counts)
    annual = annual_reports_step(store, site, today, errors)
    rules.update(annual.pop("rules", {}))
    return {"rules": rules, "links": links, "errors": errors, "annual_reports": annual}


def annual_reports_step(store: Store, site: str, today: date, errors: list[str]) -> dict[str, Any]:
    """The site's 政府信息公开工作年度报告 read and checked (``audits.annual_site``)."""
    from gongkai.audits.annual_site import annual_step

    try:
        return annual_step(store, site, today)
    except Exception as exc:  # a report that breaks the reader must not stop the night
        errors.append(f"annual reports of {site}: {type(exc).__name__}: {exc}")
        return {}


def report_step(
    store: Store, site: str, out_dir: Path, formats: tuple[str, ...] = ("html", "xlsx")
) -> dict[str, Any]:
    """Refresh the site's assessment report (all periods) in ``out_dir``."""
    from gongkai.reports.build import write_report
    from gongkai.reports.period import parse_period

    written = write_report(store, [site], parse_period(None), out_dir, formats=formats)
    return {"files": {fmt: str(path) for fmt, path in written.files.items()}, "errors": written.errors}


def document_counts(store: Store, site: str) -> dict[str, int]:
    return store.document_counts(site)


def summarise(nights: dict[str, dict[str, Any]]) -> str:
    """The night in a few Markdown lines: documents new/changed, findings opened/closed by rule."""
    lines = [
        "| site | documents | news | new | changed | pages fetched | 304 | opened | closed | errors"
        " | alerts |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    alerts: list[str] = []
    opened: Counter[str] = Counter()
    closed: Counter[str] = Counter()
    for name, night in sorted(nights.items()):
        if "failed" in night:
            lines.append(f"| {name} | – | – | – | – | – | – | – | – | {night['failed']} | – |")
            continue
        crawl, audit = night.get("crawl", {}), night.get("audit", {})
        site_opened = site_closed = 0
        for rule, counts in audit.get("rules", {}).items():
            opened[rule] += counts.get("opened", 0) + counts.get("reopened", 0)
            closed[rule] += counts.get("closed", 0)
            site_opened += counts.get("opened", 0) + counts.get("reopened", 0)
            site_closed += counts.get("closed", 0)
        errors = len(crawl.get("errors_text", [])) + len(audit.get("errors", []))
        site_alerts = list(crawl.get("alerts_text", []))
        alerts += [f"- {name}: {line}" for line in site_alerts]
        counts = night.get("counts", {})
        lines.append(
            f"| {name} | {counts.get('documents', 0)} | {counts.get('news', 0)} "
            f"| {crawl.get('new_documents', 0)} "
            f"| {crawl.get('changed_documents', 0)} | {crawl.get('pages_fetched', 0)} "
            f"| {crawl.get('not_modified', 0)} | {site_opened} | {site_closed} | {errors or ''} "
            f"| {len(site_alerts) or ''} |"
        )
    lines += ["", "| rule | opened | closed |", "|---|---:|---:|"]
    for rule in sorted(set(opened) | set(closed)):
        lines.append(f"| {rule} | {opened[rule]} | {closed[rule]} |")
    if alerts:
        # Crawl failures for the operator (a redesign is ours to fix), never findings.
        lines += ["", "**Operator alerts** (crawl, not findings):", *alerts]
    return "\n".join(lines)


# --- the runs table as a small log of what each step last did -----------------------------------


def _record_run(store: Store, site: str, kind: str, stats: dict[str, Any]) -> None:
    store.record_run(kind, site, stats)


def _last_run_stat(store: Store, site: str, kind: str, key: str) -> Any:
    stats = store.last_run_stats(site, kind)
    return None if stats is None else stats.get(key)
