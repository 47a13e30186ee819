"""The report's charts (matplotlib, PNG bytes) with a Chinese font from Debian's ``fonts-noto-cjk``.

Charts: the working-day lag histogram with the 20-working-day line, 解读 coverage by agency, the
domain × indicator heatmap, the monthly trend, and the 标准目录 matrix (domain × catalog item) of
each site with a catalog. Without a CJK font the labels would be empty
boxes; the report then says so once and still renders.
"""

from __future__ import annotations

import glob
import io
import math
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from gongkai.reports.coverage import STATUS_COLOURS, STATUS_LABELS, AggregateCell, SiteCoverage, aggregate
from gongkai.reports.indicators import BY_ID, LATE_LIMIT_WD
from gongkai.reports.model import Report
from matplotlib import font_manager
from matplotlib.colors import LinearSegmentedColormap, ListedColormap
from matplotlib.patches import Patch

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
)
HEATMAP_ITEMS = (
    "timely_publication",
    "interpretation_coverage",
    "metadata_completeness",
    "doc_no_validity",
    "disclosure_attribute",
    "date_consistency",
)
DPI = 150


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    png: bytes


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of an installed Chinese font (registered with matplotlib), or None.

    The Noto CJK files are collections; matplotlib indexes every face, so the Simplified
    Chinese one ("… CJK SC") is chosen over the collection's first (Japanese) face.
    """
    paths = [p for p in FONT_CANDIDATES if os.path.exists(p)]
    if not paths and shutil.which("fc-match"):
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", "Noto Sans CJK SC:lang=zh-cn"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        if found and os.path.exists(found) and "CJK" in found:
            paths.append(found)
    if not paths:
        paths = sorted(glob.glob("/usr/share/fonts/**/*CJK*", recursive=True))
    for path in paths:
        try:
            font_manager.fontManager.addfont(path)
        except (OSError, RuntimeError, ValueError):
            continue
    names = {font.name for font in font_manager.fontManager.ttflist}
    for preferred in ("Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei"):
        if preferred in names:
            return preferred
    return next((name for name in sorted(names) if "CJK" in name), None)


def _style() -> None:
    family = cjk_font()
    plt.rcParams["font.family"] = [family, "DejaVu Sans"] if family else ["DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    plt.rcParams["svg.fonttype"] = "none"


def _png(fig: plt.Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def lag_histogram(lags: Sequence[int]) -> bytes:
    _style()
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    if lags:
        top = max(max(lags), LATE_LIMIT_WD + 5)
        width = max(1, math.ceil(top / 30))
        bins = list(range(0, top + width + 1, width))
        late = [x for x in lags if x > LATE_LIMIT_WD]
        ontime = [x for x in lags if x <= LATE_LIMIT_WD]
        ax.hist([ontime, late], bins=bins, stacked=True, color=["#4472c4", "#c0504d"], label=["按时", "逾期"])
        ax.legend(loc="upper right")
    else:
        ax.text(0.5, 0.5, "无可计算时滞的文件", ha="center", va="center", transform=ax.transAxes)
    ax.axvline(LATE_LIMIT_WD + 0.5, color="#c00000", linestyle="--", linewidth=1.5)
    ax.text(
        LATE_LIMIT_WD + 0.8, 0.95, "20个工作日", color="#c00000", transform=ax.get_xaxis_transform(), va="top"
    )
    ax.set_xlabel("成文至发布（工作日）")
    ax.set_ylabel("文件数")
    ax.set_title(f"发布时滞分布（n={len(lags)}）")
    return _png(fig)


def coverage_by_agency(rows: Sequence[tuple[str, int, int]], limit: int = 20) -> bytes:
    """Horizontal bars: (agency, eligible, covered) → coverage share with counts."""
    _style()
    shown = [r for r in rows if r[1] > 0][:limit]
    fig, ax = plt.subplots(figsize=(7.5, max(2.2, 0.42 * len(shown) + 1.2)))
    if shown:
        names = [r[0] for r in shown][::-1]
        shares = [r[2] / r[1] * 100 for r in shown][::-1]
        labels = [f"{r[2]}/{r[1]}" for r in shown][::-1]
        bars = ax.barh(names, shares, color=["#70ad47" if s >= 100 else "#ed7d31" for s in shares])
        for bar, label in zip(bars, labels, strict=True):
            ax.text(bar.get_width() + 1, bar.get_y() + bar.get_height() / 2, label, va="center", fontsize=8)
        ax.set_xlim(0, 115)
    else:
        ax.text(0.5, 0.5, "无需要解读的政策文件", ha="center", va="center", transform=ax.transAxes)
        ax.set_yticks([])
    ax.set_xlabel("解读覆盖率（%）")
    ax.set_title("各发布机构政策解读覆盖率")
    return _png(fig)


def domain_heatmap(report: Report) -> bytes:
    """Domains (26 + 其他) × indicators: the compliant share, grey where nothing was assessed."""
    _style()
    rows = report.per_domain
    values = []
    for row in rows:
        values.append([(row.results[i].rate if row.results[i].eligible else math.nan) for i in HEATMAP_ITEMS])
    labels = []
    for row in rows:
        gaps = report.catalog_gaps_by_domain.get(row.name, 0)
        suffix = f"（{row.documents}件" + (f"，目录缺{gaps}项）" if gaps else "）")
        labels.append(row.name + suffix)
    fig, ax = plt.subplots(figsize=(8.2, 0.3 * len(rows) + 1.6))
    cmap = LinearSegmentedColormap.from_list("coverage", ["#c00000", "#ffd966", "#70ad47"]).with_extremes(
        bad="#e7e6e6"
    )
    grid = np.ma.masked_invalid(np.array(values, dtype=float))
    image = ax.imshow(grid, cmap=cmap, vmin=0, vmax=1, aspect="auto")
    for r, row_values in enumerate(values):
        for c, value in enumerate(row_values):
            if not math.isnan(value):
                color = "white" if value < 0.35 else "black"
                ax.text(c, r, f"{value * 100:.0f}", ha="center", va="center", fontsize=7, color=color)
    ax.set_xticks(range(len(HEATMAP_ITEMS)), [BY_ID[i].name for i in HEATMAP_ITEMS], fontsize=8)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(rows)), labels, fontsize=7.5)
    fig.colorbar(image, ax=ax, fraction=0.03, pad=0.02, label="合规比例")
    ax.set_title("26个领域 × 指标合规热力图（灰色：无可评估文件）", pad=28)
    return _png(fig)


#: Above this many sites with a catalog, one matrix of all sites replaces the per-site ones.
MAX_SITE_MATRICES = 6


def _matrix_axes(rows: Sequence[str], width: int, title: str) -> tuple[plt.Figure, plt.Axes]:
    fig, ax = plt.subplots(figsize=(3.4 + 1.05 * width, 0.34 * len(rows) + 1.7))
    ax.set_xticks(range(width), [f"事项{c + 1}" for c in range(width)], fontsize=8)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(rows)), [f"{r + 1}  {name}" for r, name in enumerate(rows)], fontsize=7.5)
    ax.set_xticks(np.arange(-0.5, width, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, len(rows), 1), minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    ax.set_title(title, pad=24, fontsize=10)
    return fig, ax


def status_grid(coverage: SiteCoverage) -> np.ndarray:
    """Rows × item positions: the index of each cell's status in ``STATUS_COLOURS``, NaN where a
    domain has fewer items (what the heatmap paints)."""
    statuses = list(STATUS_COLOURS)
    grid = np.full((len(coverage.rows), max(coverage.width, 1)), np.nan)
    for cell in coverage.cells:
        grid[cell.row - 1, cell.column - 1] = statuses.index(cell.status)
    return grid


def catalog_heatmap(coverage: SiteCoverage) -> bytes:
    """One site's 标准目录: domains × item position, coloured by status; every cell is coded r-c.

    A covered cell shows how many documents match the item; 缺 a gap, 旧 an item not renewed in
    time, ? an item with no verdict in the period, — one published only when its event happens.
    """
    _style()
    statuses = list(STATUS_COLOURS)
    rows = [coverage.row_label(i) for i in range(len(coverage.rows))]
    width = max(coverage.width, 1)
    grid = status_grid(coverage)
    title = f"{coverage.site} 标准目录覆盖（{coverage.catalog_name} {coverage.catalog_version}）：领域 × 事项"
    fig, ax = _matrix_axes(rows, width, title)
    cmap = ListedColormap([STATUS_COLOURS[s] for s in statuses]).with_extremes(bad="white")
    ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=-0.5, vmax=len(statuses) - 0.5, aspect="auto")
    for cell in coverage.cells:
        colour = "white" if cell.status == "gap" else "black"
        ax.text(
            cell.column - 1, cell.row - 1, cell.mark, ha="center", va="center", fontsize=7.5, color=colour
        )
    counts = coverage.counts()
    handles = [
        Patch(facecolor=STATUS_COLOURS[s], edgecolor="#999999", label=f"{STATUS_LABELS[s]} {counts[s]}")
        for s in statuses
    ]
    ax.legend(
        handles=handles,
        title="状态（格内数字：匹配文件数）",
        title_fontsize=7.5,
        loc="upper left",
        bbox_to_anchor=(1.02, 1.0),
        fontsize=7.5,
        frameon=False,
    )
    return _png(fig)


def catalog_aggregate_heatmap(rows: Sequence[str], cells: Sequence[AggregateCell]) -> bytes:
    """Several sites at once: the share of the sites owing each item that show it (k/n in the cell)."""
    _style()
    width = max((cell.column for cell in cells), default=1)
    grid = np.full((len(rows), width), np.nan)
    for cell in cells:
        grid[cell.row - 1, cell.column - 1] = cell.covered / cell.sites if cell.sites else np.nan
    fig, ax = _matrix_axes(rows, width, f"标准目录覆盖（{len(rows)}个领域，各事项覆盖站点数/应有站点数）")
    cmap = LinearSegmentedColormap.from_list("coverage", ["#c00000", "#ffd966", "#70ad47"]).with_extremes(
        bad="white"
    )
    image = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=0, vmax=1, aspect="auto")
    for cell in cells:
        share = cell.covered / cell.sites if cell.sites else 1.0
        colour = "white" if share < 0.35 else "black"
        ax.text(
            cell.column - 1,
            cell.row - 1,
            f"{cell.covered}/{cell.sites}",
            ha="center",
            va="center",
            fontsize=7,
            color=colour,
        )
    fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02, label="覆盖站点比例")
    return _png(fig)


def catalog_charts(report: Report) -> list[Chart]:
    """The 标准目录 matrices: one per site with a catalog, or one for all when there are many."""
    matrices = [c for c in report.coverage if c.has_matrix]
    if len(matrices) <= MAX_SITE_MATRICES:
        return [
            Chart(f"catalog_{c.site}", f"{c.site} 标准目录覆盖：领域 × 事项", catalog_heatmap(c))
            for c in matrices
        ]
    rows, cells = aggregate(matrices)
    return [
        Chart("catalog_all", "标准目录覆盖（全部站点）：领域 × 事项", catalog_aggregate_heatmap(rows, cells))
    ]


def monthly_trend(report: Report) -> bytes:
    _style()
    months = [row.name for row in report.per_month]
    fig, ax = plt.subplots(figsize=(7.5, 3.2))
    for indicator, color in (
        ("timely_publication", "#4472c4"),
        ("interpretation_coverage", "#ed7d31"),
        ("metadata_completeness", "#70ad47"),
    ):
        series = [
            (row.results[indicator].rate * 100 if row.results[indicator].rate is not None else math.nan)
            for row in report.per_month
        ]
        ax.plot(months, series, marker="o", color=color, label=BY_ID[indicator].name)
    ax.set_ylim(-5, 105)
    ax.set_ylabel("%")
    ax.set_title("按月趋势")
    ax.legend(loc="lower left", fontsize=8)
    ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    return _png(fig)


def all_charts(report: Report) -> list[Chart]:
    coverage_rows = [
        (
            row.name,
            row.results["interpretation_coverage"].eligible,
            row.results["interpretation_coverage"].eligible - row.results["interpretation_coverage"].failing,
        )
        for row in report.per_agency
    ]
    charts = [
        Chart("lag_histogram", "发布时滞分布（工作日）", lag_histogram(report.lags)),
        Chart("interpretation_by_agency", "各发布机构解读覆盖率", coverage_by_agency(coverage_rows)),
        Chart("domain_heatmap", "领域 × 指标合规热力图", domain_heatmap(report)),
    ]
    if len(report.per_month) > 1:
        charts.append(Chart("monthly_trend", "按月趋势", monthly_trend(report)))
    return charts


#: Above this many ranked sites the score chart labels bars by rank (the table names them).
NAMED_BARS = 30


def ranking_chart(report: Report) -> Chart | None:
    """The ranked sites' scores: named horizontal bars, or bars by rank for a long ranking."""
    rows = [r for r in report.ranking if r.score is not None]
    if not rows:
        return None
    _style()
    scores = [float(r.score or 0.0) for r in rows]
    mean = sum(scores) / len(scores)
    colours = ["#2f5597" if s >= mean else "#ed7d31" for s in scores]
    if len(rows) <= NAMED_BARS:
        fig, ax = plt.subplots(figsize=(9.5, max(2.4, 0.32 * len(rows) + 1.2)))
        labels = [f"{r.rank}{'=' if r.tied else ''}  {r.name}" for r in rows][::-1]
        bars = ax.barh(labels, scores[::-1], color=colours[::-1])
        for bar, value in zip(bars, scores[::-1], strict=True):
            middle = bar.get_y() + bar.get_height() / 2
            ax.text(bar.get_width() + 0.5, middle, f"{value:.1f}", va="center", fontsize=8)
        ax.axvline(mean, color="#555", linestyle="--", linewidth=1)
        ax.set_xlim(0, report.score.scale * 1.08)
        ax.set_xlabel(f"得分（满分 {report.score.scale:g}；虚线为平均 {mean:.1f}）")
    else:
        fig, ax = plt.subplots(figsize=(10.5, 3.8))
        positions = list(range(1, len(rows) + 1))
        ax.bar(positions, scores, color=colours, width=0.8)
        ax.axhline(mean, color="#555", linestyle="--", linewidth=1)
        ax.set_xlim(0.3, len(rows) + 0.7)
        ax.set_ylim(max(0.0, min(scores) - 10), report.score.scale)
        step = max(1, len(rows) // 20)
        ticks = positions[::step]
        ax.set_xticks(ticks, [str(rows[p - 1].rank) for p in ticks], fontsize=8)
        ax.set_xlabel("排名（名称见排名表）")
        ax.set_ylabel("得分")
        ax.set_title(f"{len(rows)} 个评估对象得分（虚线为平均 {mean:.1f}）")
    return Chart("ranking", "评估对象得分排名", _png(fig))
