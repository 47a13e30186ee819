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
