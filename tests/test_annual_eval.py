"""``gongkai eval annual`` on the real hand-read annual reports: floors of the baseline hold."""

from __future__ import annotations

from pathlib import Path

from gongkai.extractors.annual_report.evaluation import below_floors, evaluate, load_baseline

from gongkai.resources import corpus_path


def test_annual_reports_meet_the_floors(shared_data: Path) -> None:
    folder = shared_data / "annual_reports"
    evaluation = evaluate(folder)
    baseline = load_baseline(corpus_path("eval", "annual_baseline.json"))
    assert below_floors(evaluation, baseline) == [], evaluation.as_dict()


def test_the_evaluation_can_fail(shared_data: Path) -> None:
    """A floor above what is measured is reported: the gate is not a rubber stamp."""
    evaluation = evaluate(shared_data / "annual_reports")
    assert below_floors(evaluation, {"minimums": {"reports": 10_000}}) == ["reports 13 < minimum 10000"]


def test_real_reports_run_together_are_exact_or_unreadable(shared_data: Path) -> None:
    """A variant made at test time: every space of the real texts removed (cells all run
    together). Each table-3 row is then the hand-read one or reported unreadable, never wrong."""
    import re

    from gongkai.extractors.annual_report import PART3_COLUMNS, read_text
    from gongkai.extractors.annual_report.evaluation import load_index
    from gongkai.extractors.annual_report.source import read_file

    folder = shared_data / "annual_reports"
    checked = read = 0
    for entry in load_index(folder):
        by_column = (entry.get("part3") or {}).get("by_column")
        if not by_column or not entry["file"].endswith(".txt") or "excerpt" in entry["file"]:
            continue
        text, _ = read_file(folder / entry["file"])
        report = read_text(re.sub(r"[ \t]+", "", text))
        unreadable = " ".join(p.detail for p in report.reading)
        for row, values in by_column.items():
            if row == "columns":
                continue
            checked += 1
            if report.part3.has_row(row):
                got = [report.part3.value(row, c) for c in PART3_COLUMNS]
                assert got == [v or 0 for v in values], (entry["file"], row)
                read += 1
            else:
                assert f"row {row}:" in unreadable, (entry["file"], row)
    assert checked > 150 and read / checked > 0.9, (read, checked)
