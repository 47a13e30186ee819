"""``gongkai train``: Train the classifiers from the real labelled data and write their model cards."""

from __future__ import annotations

from pathlib import Path

import click
from gongkai.flows.commands.common import console, print_table


@click.command(name="train", short_help="Train the classifiers from real labelled data, with cards.")
@click.option(
    "--data",
    "data",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The real data folder (default ../shared/data beside the project, or GONGKAI_DATA).",
)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the models and cards (default corpus/models, or GONGKAI_MODELS).",
)
def train(data: Path | None, out: Path | None) -> None:
    """Rebuild every classifier (topic, topic level 2, domain, doc type, needs 解读) in one run.

    Reads the real data in place, makes the weak labels, trains seeded calibrated linear models,
    evaluates them on the held-out sets, chooses the confident-call thresholds on the development
    split and measures them on the check split (sources never trained on), and writes the models
    as JSON + NPZ (no pickle) with one JSON card per model (data files and sha256, label sources,
    library versions, metrics, calibration, thresholds, training time) and calibration.png.
    """
    from gongkai.classifiers.artifacts import build, forget_loaded, progress_bar
    from gongkai.classifiers.paths import data_dir, model_dir

    folder = out or model_dir()
    source = data or data_dir()
    with progress_bar() as bar:
        task = bar.add_task("", total=None)
        card = build(folder, source, lambda msg: bar.update(task, description=msg))
    forget_loaded()
    console.print(
        f"trained classifiers in {card['training_seconds']} s → {folder} (version {card['version']})"
    )
    rows = []
    for name in ("topic", "domain", "doc_type", "needs_interpretation"):
        section = _read_section(folder, name)
        metrics = section.get("metrics", {})
        rows.append(
            [
                name,
                metrics.get("accuracy"),
                metrics.get("macro_f1_10", metrics.get("macro_f1")),
                metrics.get("accuracy_holdout", ""),
                metrics.get("n"),
            ]
        )
    print_table(["model", "accuracy", "macro-F1", "accuracy (dev holdout half)", "eval rows"], rows)
    sure = []
    for task, section in card.get("confidence", {}).items():
        check = section["check"]
        sure.append(
            [
                task,
                section["threshold"],
                check["precision"],
                check.get("recall", ""),
                check["coverage"],
                check["calibration"]["brier"],
                "yes" if section["met"] else "no",
            ]
        )
    print_table(
        ["task", "threshold (dev)", "precision", "recall", "coverage", "Brier", "target met"],
        sure,
        title="confident calls on the check split; copy the thresholds into audits/rules/confidence.py",
    )


def _read_section(folder: Path, name: str) -> dict[str, object]:
    import json

    path = folder / f"{name}.card.json"
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data
