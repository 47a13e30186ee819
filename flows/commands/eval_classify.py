"""``gongkai eval classify``: per-task macro-F1 / accuracy of the classifiers on the dev sets."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from gongkai.flows.commands.common import console, print_table


@click.command(name="classify", short_help="Per-task classifier macro-F1 and accuracy on the dev sets.")
@click.option(
    "--data", type=click.Path(file_okay=False, path_type=Path), default=None, help="Real data folder."
)
@click.option(
    "--models", type=click.Path(file_okay=False, path_type=Path), default=None, help="Models folder."
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Floors file (default corpus/eval/classify_baseline.json).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@click.option(
    "--topic-cv",
    is_flag=True,
    help="Also cross-validate the topic recipe 5-fold on its gov.cn training rows (≈10 s more).",
)
def command(
    data: Path | None, models: Path | None, baseline: Path | None, as_json: bool, topic_cv: bool
) -> None:
    """Measure every classifier on data it never trained on and check the floors.

    topic: the gov.cn hold-out (1 row in 5 by URL hash; title + issuing body only); domain,
    doc_type, needs_interpretation: the 463 hand-labelled dev titles. Prints accuracy and
    macro-F1 per task and the worst classes with what they were confused with; exits 1 when a
    metric is below its floor in the baseline file.
    """
    from gongkai.audits.rules.confidence import CONFIDENCE
    from gongkai.classifiers.artifacts import ensure_models
    from gongkai.classifiers.data import DataFiles
    from gongkai.classifiers.evaluation import (
        check_floors,
        confidence_metrics,
        confidence_report,
        evaluate,
        load_baseline,
        read_eval_sets,
        task_calls,
    )
    from gongkai.classifiers.paths import BASELINE_FILE, data_dir

    loaded = ensure_models(models, data)
    topic_eval, dev = read_eval_sets(DataFiles(data or data_dir()))
    report = evaluate(loaded.pipelines, topic_eval, dev, loaded.thresholds)
    # Confident calls at the thresholds the rules use (audits.rules.confidence), on the check split.
    rule_limits = {task: limit for task, (limit, _) in CONFIDENCE.items()}
    report.confidence = confidence_report(
        task_calls(loaded.pipelines, topic_eval, dev, loaded.thresholds), rule_limits
    )
    # domain's development calls are made by domain models trained without each government and
    # topic's out of fold (classifiers.evaluation.evaluate_trained): a training makes them, so the
    # threshold they chose is the card's, not one chosen again on the shipped models' own calls.
    for task, section in (loaded.card.get("confidence") or {}).items():
        if task in ("domain", "topic") and task in report.confidence and "chosen_on_dev" in section:
            report.confidence[task]["chosen_on_dev"] = section["chosen_on_dev"]
    report.metrics.update(confidence_metrics(report.confidence))
    if topic_cv:
        from gongkai.classifiers.corpus import build_corpus
        from gongkai.classifiers.training import topic_cross_validation

        report.metrics["topic_cv"] = topic_cross_validation(build_corpus(DataFiles(data or data_dir())))
    floors_file = baseline or BASELINE_FILE
    failures = check_floors(report.metrics, load_baseline(floors_file)) if floors_file.exists() else []
    if as_json:
        click.echo(
            json.dumps(
                {"metrics": report.metrics, "confidence": report.confidence, "failures": failures},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        rows = []
        for task, metrics in report.metrics.items():
            if task.startswith("confident_"):
                continue
            f1 = metrics.get("macro_f1_10", metrics.get("macro_f1"))
            rows.append(
                [
                    task,
                    metrics["n"],
                    f"{metrics['accuracy']:.3f}",
                    f"{f1:.3f}",
                    f"{metrics.get('accuracy_holdout', float('nan')):.3f}",
                    f"{metrics.get('macro_f1_holdout', float('nan')):.3f}",
                ]
            )
        print_table(
            ["task", "rows", "accuracy", "macro-F1", "acc. holdout half", "F1 holdout half"],
            rows,
            title=f"classifiers {loaded.version} (topic macro-F1: classes with ≥10 examples)",
        )
        sure = []
        for task, section in report.confidence.items():
            check = section["check"]
            sure.append(
                [
                    task,
                    f"{section['threshold']:.2f} ({section['chosen_on_dev']:.2f})",
                    check["n"],
                    f"{check['precision']:.3f}",
                    f"{check['recall']:.3f}" if "recall" in check else "",
                    f"{check['coverage']:.3f}",
                    f"{check['overall_accuracy']:.3f}",
                    f"{check['calibration']['brier']}",
                    "yes" if section["met"] else "no",
                ]
            )
        print_table(
            [
                "task",
                "rule threshold (dev choice)",
                "check rows",
                "confident precision",
                "recall (true)",
                "coverage",
                "overall accuracy",
                "Brier",
                "target met",
            ],
            sure,
            title="confident calls on the check split (sources never trained on)",
        )
        worst = []
        for task, metrics in report.metrics.items():
            for item in metrics.get("worst", []) if isinstance(metrics, dict) else []:
                taken = ", ".join(f"{k} ×{v}" for k, v in item["predicted_as"].items())
                worst.append([task, item["class"], item["support"], f"{item['f1']:.2f}", taken])
        print_table(["task", "worst class", "support", "F1", "predicted as"], worst, title="worst classes")
        for line in failures:
            console.print(f"[red]below floor:[/red] {line}")
    if failures:
        sys.exit(1)
