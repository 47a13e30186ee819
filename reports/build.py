"""Writing the assessment report: one scope, one period, any of HTML, PDF and XLSX.

Each format is written on its own: a format that fails (say, a PDF library missing) is one clear
error and the others are still written. With more than one format and ``workers`` > 1, the XLSX
and a large report's evidence page are written in a forked child while this process writes the
HTML and the PDF
(reports/side_process.py); ``workers=1`` keeps everything in one process.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from gongkai.models.store import Store
from gongkai.reports.dataset import load_report_data
from gongkai.reports.model import Report, build_report
from gongkai.reports.period import Period
from gongkai.reports.scoring import load_weights
from gongkai.reports.side_process import Jobs, SideWriter, can_fork, error_line

FORMATS: tuple[str, ...] = ("html", "pdf", "xlsx")


@dataclass
class Written:
    report: Report
    files: dict[str, Path] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def slug(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z_-]+", "_", text).strip("_") or "report"


def _annual(store: Store, sites: Sequence[str]) -> tuple[object, bytes | None]:
    """The annual-report section and its chart (None, None when no site published a report)."""
    from gongkai.reports.annual import annual_section, trend_chart

    section = annual_section(store, sites)
    return section, trend_chart(section) if section else None


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a report is built and written. A large report
    allocates about a million long-lived objects (rows, findings, cells) and frees them at the end;
    the collector would re-scan them again and again as they pile up (≈ 4.5 of 63 CPU s for
    51,246 findings) and finds next to no cycles among them. Reference counting still frees
    everything as usual; the collector is back on when the report is done."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def write_report(
    store: Store,
    sites: Sequence[str] | None,
    period: Period,
    out_dir: Path,
    formats: Sequence[str] = FORMATS,
    weights_path: Path | None = None,
    title: str | None = None,
    log: Callable[[str], None] = lambda _: None,
    workers: int = 2,
) -> Written:
    """``workers`` > 1 lets the XLSX and the evidence page be written by a child process beside
    the HTML and the PDF (when the platform can fork and has more than one core); 1 writes every
    file in this process."""
    with collector_paused():
        return _write_report(store, sites, period, out_dir, formats, weights_path, title, log, workers)


def _write_report(
    store: Store,
    sites: Sequence[str] | None,
    period: Period,
    out_dir: Path,
    formats: Sequence[str],
    weights_path: Path | None,
    title: str | None,
    log: Callable[[str], None],
    workers: int,
) -> Written:
    weights = load_weights(weights_path)
    data = load_report_data(store, sites, period)
    report = build_report(data, weights, title)
    written = Written(report)
    out_dir.mkdir(parents=True, exist_ok=True)
    scope = sites[0] if sites and len(sites) == 1 else "all"
    stem = f"gongkai-report-{slug(scope)}-{slug(period.label if period.start else 'all-time')}"
    wants_html = "html" in formats or "pdf" in formats
    # A large report: every finding and its evidence go to a linked page (and the XLSX); the main
    # report (HTML and PDF) keeps the counts and a sample per rule.
    linked = wants_html and not report.full_list_inline
    jobs = _side_jobs(report, out_dir, stem, formats, linked)
    side: SideWriter | None = None
    if workers > 1 and jobs and wants_html and can_fork():
        side = SideWriter(jobs)
    try:
        html = _render_html(written, store, f"{stem}-evidence.html" if linked else None) if wants_html else ""
        if side is None and "evidence" in jobs:
            _attempt(written, "evidence", *jobs["evidence"], log)
        for fmt in formats:
            target = out_dir / f"{stem}.{fmt}"
            if fmt == "xlsx":
                if side is None:
                    _attempt(written, fmt, *jobs[fmt], log)
            elif fmt == "html":
                _attempt(written, fmt, lambda path: path.write_text(html, encoding="utf-8"), target, log)
            elif fmt == "pdf":
                from gongkai.reports.pdf import write_pdf

                _attempt(written, fmt, lambda path: write_pdf(html, path), target, log)
            else:
                written.errors[fmt] = f"ValueError: unknown format {fmt!r} (use {', '.join(FORMATS)})"
        if side is not None:
            for kind, error in side.results().items():
                _settle(written, kind, jobs[kind][1], error, log)
    finally:
        if side is not None:
            side.stop()  # the parent failed before waiting: no writer left behind
    return written


def _side_jobs(report: Report, out_dir: Path, stem: str, formats: Sequence[str], linked: bool) -> Jobs:
    """The files that need only the model, not the store: the evidence page and the XLSX."""
    jobs: Jobs = {}
    if linked:
        from gongkai.reports.html import render_evidence_html

        def evidence(path: Path) -> None:
            path.write_text(render_evidence_html(report, f"{stem}.html"), encoding="utf-8")

        jobs["evidence"] = (evidence, out_dir / f"{stem}-evidence.html")
    if "xlsx" in formats:
        from gongkai.reports.workbook import write_workbook

        jobs["xlsx"] = (lambda path: write_workbook(report, path), out_dir / f"{stem}.xlsx")
    return jobs


def _render_html(written: Written, store: Store, evidence_file: str | None) -> str:
    from gongkai.reports.charts import all_charts, catalog_charts, cjk_font, ranking_chart
    from gongkai.reports.html import render_html

    report = written.report
    if cjk_font() is None:
        written.warnings.append(
            "no Chinese font found (Debian package fonts-noto-cjk; `make system-deps`): "
            "chart labels will show empty boxes"
        )
    annual, annual_chart = _annual(store, [s.name for s in report.sites])
    return render_html(
        report,
        all_charts(report),
        catalog_charts(report),
        annual,
        annual_chart,
        ranking_chart=ranking_chart(report),
        evidence_file=evidence_file,
    )


def _attempt(
    written: Written, kind: str, write: Callable[[Path], None], target: Path, log: Callable[[str], None]
) -> None:
    """One file written here; its failure is one error line and costs no other file."""
    try:
        write(target)
    except Exception as exc:
        _settle(written, kind, target, error_line(exc), log)
    else:
        _settle(written, kind, target, None, log)


def _settle(written: Written, kind: str, target: Path, error: str | None, log: Callable[[str], None]) -> None:
    if error is None:
        written.files[kind] = target
        log(f"wrote {target}")
    else:
        written.errors[kind] = error
        target.unlink(missing_ok=True)
