"""``gongkai eval annual``: the reader and the checks against the hand-read annual reports.

The shared folder's ``index.jsonl`` gives, per report, every table-3 cell (``by_column``; null = a
blank cell), table 4, the template, the year, the publication date, and the real inconsistencies
in words. Figures are scored per cell and per cell group (a table-3 row of seven cells, a table-4
group of five): a group counts only when all its cells are exact. Inconsistencies are mapped to
problem codes by their wording (:data:`EXPECTED_CODES`); a problem of another code on a report is
*invented*. Reading problems (``unreadable``) are listed but are neither.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongkai.audits.annual import check_run
from gongkai.extractors.annual_report import PART3_COLUMNS, PART4_COLUMNS, PART4_GROUPS, read_report
from gongkai.extractors.annual_report.model import AnnualReport, Table
from gongkai.extractors.annual_report.source import UnreadableReport

#: (words of the index's inconsistency, problem code). The first match decides; None = not a
#: finding about the report (a note about the transcription).
EXPECTED_CODES: tuple[tuple[tuple[str, ...], str | None], ...] = (
    (("部分核对",), None),
    (("晚于",), "late"),
    (("表式偏差",), "outdated_template"),
    (("分项之和", "分列不符", "总计列为空白"), "table_sum"),
    (("叙述数字矛盾",), "text_numbers"),
    (("套用",), "copied_passage"),
    (("节标题偏差", "标题错字"), "section_heading"),
    (("正文",), "text_table"),
)
NOT_FINDINGS = {"unreadable"}


def expected_code(words: str) -> tuple[bool, str | None]:
    """(mapped, code) for one inconsistency of the index."""
    for keys, code in EXPECTED_CODES:
        if any(k in words for k in keys):
            return True, code
    return False, None


@dataclass
class ReportScore:
    file: str
    cells: int = 0
    cells_exact: int = 0
    groups: int = 0
    groups_exact: int = 0
    template_ok: bool = False
    year_ok: bool = False
    published_ok: bool = False
    expected: set[str] = field(default_factory=set)
    found: set[str] = field(default_factory=set)
    #: code → how many of the index's inconsistencies / of our problems carry it
    expected_count: dict[str, int] = field(default_factory=dict)
    found_count: dict[str, int] = field(default_factory=dict)
    invented: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def missed(self) -> set[str]:
        return self.expected - self.found


@dataclass
class Evaluation:
    folder: str
    reports: list[ReportScore] = field(default_factory=list)

    def _ratio(self, num: int, den: int) -> float:
        return num / den if den else 1.0

    def metrics(self) -> dict[str, float]:
        r = self.reports
        expected = sum(len(s.expected) for s in r)
        return {
            "reports_read": self._ratio(sum(s.error is None for s in r), len(r)),
            "cells": self._ratio(sum(s.cells_exact for s in r), sum(s.cells for s in r)),
            "cell_groups": self._ratio(sum(s.groups_exact for s in r), sum(s.groups for s in r)),
            "template": self._ratio(sum(s.template_ok for s in r), len(r)),
            "year": self._ratio(sum(s.year_ok for s in r), len(r)),
            "published": self._ratio(sum(s.published_ok for s in r), len(r)),
            "checks_found": self._ratio(expected - sum(len(s.missed) for s in r), expected),
            # each inconsistency of the index, not just each code per report
            "inconsistencies_found": self._ratio(
                sum(min(n, s.found_count.get(c, 0)) for s in r for c, n in s.expected_count.items()),
                sum(sum(s.expected_count.values()) for s in r),
            ),
        }

    def counts(self) -> dict[str, int]:
        r = self.reports
        return {
            "reports": len(r),
            "cells": sum(s.cells for s in r),
            "cell_groups": sum(s.groups for s in r),
            "expected_checks": sum(len(s.expected) for s in r),
            "inconsistencies": sum(sum(s.expected_count.values()) for s in r),
            "invented": sum(len(s.invented) for s in r),
            "unmapped": sum(len(s.unmapped) for s in r),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "folder": self.folder,
            "metrics": self.metrics(),
            "counts": self.counts(),
            "reports": [
                {
                    "file": s.file,
                    "cells": f"{s.cells_exact}/{s.cells}",
                    "groups": f"{s.groups_exact}/{s.groups}",
                    "template_ok": s.template_ok,
                    "year_ok": s.year_ok,
                    "published_ok": s.published_ok,
                    "expected": sorted(s.expected),
                    "found": sorted(s.found),
                    "missed": sorted(s.missed),
                    "invented": s.invented,
                    "unmapped": s.unmapped,
                    "misses": s.misses,
                    "error": s.error,
                }
                for s in self.reports
            ],
        }


def load_index(folder: Path) -> list[dict[str, Any]]:
    path = folder / "index.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _cell_matches(table: Table, row: str, column: str, expected: Any) -> tuple[bool, Any]:
    cell = table.get(row, column)
    if cell is None:
        return False, "missing"
    if expected is None:  # a blank cell (or one the transcription could not read)
        return cell.blank or cell.value is None, cell.value
    return (cell.value == expected and not cell.blank) or (expected == 0 and cell.blank), cell.value


def _score_figures(score: ReportScore, report: AnnualReport, entry: dict[str, Any]) -> None:
    by_column = (entry.get("part3") or {}).get("by_column")
    if by_column:
        assert by_column["columns"] == list(PART3_COLUMNS)
        for row, values in by_column.items():
            if row == "columns":
                continue
            ok_row = True
            for column, expected in zip(PART3_COLUMNS, values, strict=True):
                ok, got = _cell_matches(report.part3, row, column, expected)
                score.cells += 1
                score.cells_exact += ok
                if not ok:
                    ok_row = False
                    score.misses.append(f"part3 {row}/{column}: expected {expected}, got {got}")
            score.groups += 1
            score.groups_exact += ok_row
    part4 = entry.get("part4") or {}
    for group in PART4_GROUPS:
        values = part4.get(group)
        if not isinstance(values, dict):
            continue
        ok_group = True
        for column in PART4_COLUMNS:
            ok, got = _cell_matches(report.part4, group, column, values.get(column))
            score.cells += 1
            score.cells_exact += ok
            if not ok:
                ok_group = False
                score.misses.append(f"part4 {group}/{column}: expected {values.get(column)}, got {got}")
        score.groups += 1
        score.groups_exact += ok_group


def _template_ok(report: AnnualReport, entry: dict[str, Any]) -> bool:
    fmt = entry.get("format")
    if fmt == "2021":
        return report.template == "2021"
    if "2019" in str(entry.get("template_note", "")):
        return report.template == "2019"
    return report.template == "older"


def evaluate(folder: Path) -> Evaluation:
    entries = load_index(folder)
    evaluation = Evaluation(str(folder))
    reports: list[AnnualReport] = []
    scores: dict[str, ReportScore] = {}
    for entry in entries:
        score = ReportScore(entry["file"])
        evaluation.reports.append(score)
        for words in entry.get("inconsistencies", []):
            mapped, code = expected_code(words)
            if not mapped:
                score.unmapped.append(words)
            elif code:
                score.expected.add(code)
                score.expected_count[code] = score.expected_count.get(code, 0) + 1
        try:
            report = read_report(folder / entry["file"])
        except UnreadableReport as exc:
            score.error = str(exc)
            continue
        reports.append(report)
        scores[report.path] = score
        score.template_ok = _template_ok(report, entry)
        score.year_ok = report.year == entry.get("year")
        got = report.published.isoformat() if report.published else None
        score.published_ok = got == entry.get("published")
        if not score.published_ok:
            score.misses.append(f"published: expected {entry.get('published')}, got {got}")
        if not score.template_ok:
            score.misses.append(f"template: index {entry.get('format')}, got {report.template}")
        _score_figures(score, report, entry)
    for checked in check_run(reports):
        score = scores[checked.report.path]
        for problem in checked.problems:
            if problem.code in NOT_FINDINGS:
                continue
            score.found.add(problem.code)
            score.found_count[problem.code] = score.found_count.get(problem.code, 0) + 1
            if problem.code not in score.expected:
                score.invented.append(f"{problem.code}: {problem.detail}")
    return evaluation


def load_baseline(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def below_floors(evaluation: Evaluation, baseline: dict[str, Any]) -> list[str]:
    problems = []
    metrics, counts = evaluation.metrics(), evaluation.counts()
    eps = float(baseline.get("epsilon", 0.0))
    for name, floor in baseline.get("floors", {}).items():
        if metrics.get(name, 0.0) + eps < float(floor):
            problems.append(f"{name} {metrics.get(name, 0.0):.3f} < floor {floor}")
    for name, ceiling in baseline.get("ceilings", {}).items():
        if counts.get(name, 0) > int(ceiling):
            problems.append(f"{name} {counts.get(name, 0)} > ceiling {ceiling}")
    for name, least in baseline.get("minimums", {}).items():
        if counts.get(name, 0) < int(least):
            problems.append(f"{name} {counts.get(name, 0)} < minimum {least}")
    return problems
