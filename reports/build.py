"""Writing the assessment report: one scope, one period, any of HTML, PDF and XLSX.

Each format is written on its own: a format that fails (say, a PDF library missing) is one clear
error and the others are still written. With more than one format and ``workers`` > 1, the XLSX
is written in a forked child while this process writes the HTML and the PDF
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
from gongkai.reports.side_process import SideWriter, can_fork

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
    """``workers`` > 1 lets the XLSX be written by a child process beside the other formats
    (when the platform can fork and has more than one core); 1 writes every format here."""
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
    side: SideWriter | None = None
    if workers > 1 and "xlsx" in formats and len(set(formats)) > 1 and can_fork():
        from gongkai.reports.workbook import write_workbook  # imported here, not in the child

        side = SideWriter(lambda path: write_workbook(report, path), out_dir / f"{stem}.xlsx")
    try:
        _write_formats(written, store, out_dir, stem, formats, log, side)
    finally:
        if side is not None:
            side.stop()  # the parent failed before waiting: no writer left behind
    return written


def _write_formats(
    written: Written,
    store: Store,
    out_dir: Path,
    stem: str,
    formats: Sequence[str],
    log: Callable[[str], None],
    side: SideWriter | None,
) -> None:
    report = written.report
    html: str | None = None
    evidence_name = f"{stem}-evidence.html"
    if "html" in formats or "pdf" in formats:
        from gongkai.reports.charts import all_charts, catalog_charts, cjk_font, ranking_chart
        from gongkai.reports.html import render_evidence_html, render_html

        if cjk_font() is None:
            written.warnings.append(
                "no Chinese font found (Debian package fonts-noto-cjk; `make system-deps`): "
                "chart labels will show empty boxes"
            )
        annual, annual_chart = _annual(store, [s.name for s in report.sites])
        linked = None if report.full_list_inline else evidence_name
        html = render_html(
            report,
            all_charts(report),
            catalog_charts(report),
            annual,
            annual_chart,
            ranking_chart=ranking_chart(report),
            evidence_file=linked,
        )
        if linked is not None:
            # A large report: every finding and its evidence go to a linked page (and the XLSX);
            # the main report (HTML and PDF) keeps the counts and a sample per rule.
            target = out_dir / evidence_name
            target.write_text(render_evidence_html(report, f"{stem}.html"), encoding="utf-8")
            written.files["evidence"] = target
            log(f"wrote {target}")
    for fmt in formats:
        if side is not None and fmt == "xlsx":
            continue  # being written by the side process
        target = out_dir / f"{stem}.{fmt}"
        try:
            if fmt == "html":
                assert html is not None
                target.write_text(html, encoding="utf-8")
            elif fmt == "pdf":
                from gongkai.reports.pdf import write_pdf

                assert html is not None
                write_pdf(html, target)
            elif fmt == "xlsx":
                from gongkai.reports.workbook import write_workbook

                write_workbook(report, target)
            else:
                raise ValueError(f"unknown format {fmt!r} (use {', '.join(FORMATS)})")
        except Exception as exc:  # one format failing must not cost the others
            written.errors[fmt] = f"{type(exc).__name__}: {exc}".splitlines()[0]
            target.unlink(missing_ok=True)
            continue
        written.files[fmt] = target
        log(f"wrote {target}")
    if side is not None:
        target = out_dir / f"{stem}.xlsx"
        error = side.result()
        if error is None:
            written.files["xlsx"] = target
            log(f"wrote {target}")
        else:
            written.errors["xlsx"] = error
            target.unlink(missing_ok=True)
