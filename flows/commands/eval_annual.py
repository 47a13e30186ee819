"""``gongkai eval annual``: the annual-report reader and checks against the hand-read reports.

Fails (exit 1) when a metric falls below its floor in ``corpus/eval/annual_baseline.json``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from gongkai.flows.commands.common import print_table
from gongkai.models.errors import GongkaiError

from gongkai.resources import corpus_path, data_dir

DEFAULT_BASELINE = corpus_path("eval", "annual_baseline.json")


@click.command(name="annual")
@click.option(
    "--data",
    "folder",
    type=click.Path(path_type=Path),
    default=None,
    help="The annual reports folder (default <shared data>/annual_reports).",
)
@click.option(
    "--baseline", type=click.Path(path_type=Path), default=DEFAULT_BASELINE, show_default=True, help="Floors."
)
@click.option("--json", "as_json", is_flag=True, help="Print the evaluation as JSON.")
def command(folder: Path | None, baseline: Path, as_json: bool) -> None:
    """Figures read exactly per table cell group, and the real inconsistencies found, on the
    hand-read annual reports; checked against the floors."""
    from gongkai.extractors.annual_report.evaluation import below_floors, evaluate, load_baseline

    folder = folder or data_dir() / "annual_reports"
    if not (folder / "index.jsonl").is_file():
        raise GongkaiError(f"no index.jsonl under {folder}: point --data at the annual reports folder")
    try:
        floors = load_baseline(baseline)
    except (OSError, ValueError) as exc:
        raise GongkaiError(f"cannot read the baseline {baseline}: {exc}") from exc
    evaluation = evaluate(folder)
    problems = below_floors(evaluation, floors)
    if as_json:
        click.echo(
            json.dumps({**evaluation.as_dict(), "below_floors": problems}, ensure_ascii=False, indent=1)
        )
    else:
        metrics, counts = evaluation.metrics(), evaluation.counts()
        print_table(
            ["metric", "value", "floor"],
            [
                (name, f"{value:.3f}", floors.get("floors", {}).get(name, "—"))
                for name, value in metrics.items()
            ]
            + [
                (name, str(value), floors.get("ceilings", {}).get(name, "—"))
                for name, value in counts.items()
            ],
            title=f"annual reports in {folder}",
        )
        for score in evaluation.reports:
            line = f"  {score.file}: cells {score.cells_exact}/{score.cells}, checks {sorted(score.found)}"
            if score.missed:
                line += f", MISSED {sorted(score.missed)}"
            click.echo(line)
            for text in score.invented + score.misses + score.unmapped:
                click.echo(f"    {text}")
            if score.error:
                click.echo(f"    unreadable: {score.error}")
        for problem in problems:
            click.echo(f"BELOW FLOOR: {problem}", err=True)
    if problems:
        sys.exit(1)
