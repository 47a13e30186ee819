"""``gongkai eval extract``: per-field accuracy of extraction on the real golden pages.

Fails (exit 1) when a field falls below its floor in ``corpus/eval/extract_baseline.json``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from gongkai.extractors.evaluation import below_floors, evaluate, golden_pages, load_baseline
from gongkai.flows.commands.common import print_table
from gongkai.models.errors import GongkaiError

from gongkai.resources import corpus_path

DEFAULT_BASELINE = corpus_path("eval", "extract_baseline.json")


def default_data_dir() -> Path:
    """``GONGKAI_DATA``, else ``../shared/data`` beside the checkout."""
    from gongkai.classifiers.paths import data_dir

    return data_dir()


@click.command(name="extract")
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="The shared data folder (default ../shared/data or GONGKAI_SHARED_DATA).",
)
@click.option(
    "--baseline",
    type=click.Path(path_type=Path),
    default=DEFAULT_BASELINE,
    show_default=True,
    help="Accuracy floors.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--show-failures/--no-show-failures", default=True, help="List every wrong field.")
def command(data_dir: Path | None, baseline: Path, as_json: bool, show_failures: bool) -> None:
    """Per-field extraction accuracy on the real golden pages, checked against the floors."""
    data_dir = data_dir or default_data_dir()
    if not (data_dir / "pages").is_dir():
        raise GongkaiError(f"no pages/ folder under {data_dir}: point --data at the shared data")
    try:
        floors = load_baseline(baseline)
    except (OSError, ValueError) as exc:
        raise GongkaiError(f"cannot read the baseline {baseline}: {exc}") from exc
    pages = golden_pages(data_dir, list(floors.get("negative_globs", [])))
    report = evaluate(pages)
    problems = below_floors(report, floors)
    if as_json:
        click.echo(json.dumps({**report.as_dict(), "below_floors": problems}, ensure_ascii=False, indent=1))
    else:
        accuracy = report.accuracy()
        rows = [
            (
                name,
                f"{accuracy[name]:.3f}",
                f"{report.correct[name]}/{report.pages}",
                floors["fields"].get(name, "—"),
            )
            for name in accuracy
        ]
        rows.append(
            (
                "negatives (no block)",
                f"{report.negatives_accuracy():.3f}",
                f"{report.negatives_clean}/{report.negatives}",
                floors.get("negatives_clean", "—"),
            )
        )
        print_table(
            ["field", "accuracy", "correct", "floor"], rows, title=f"extraction on {data_dir / 'pages'}"
        )
        if show_failures:
            for miss in report.mismatches:
                click.echo(f"  {miss.path}: {miss.field}: expected {miss.expected!r}, got {miss.got!r}")
        for problem in problems:
            click.echo(f"BELOW FLOOR: {problem}", err=True)
    if problems:
        sys.exit(1)
