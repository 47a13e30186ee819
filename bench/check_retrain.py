"""Retrain every classifier from the real data and compare with the shipped models and cards.

Not a timed test: a full ``gongkai train`` takes minutes on the shared 2 cores (177–413 s
measured). ``tests/test_classify_models.py::test_retraining_topic_reproduces_the_shipped_model``
retrains the topic model (seconds) on every test run; this checks all of them. Training is
deterministic: on the same data and library versions the bundle is byte-identical and every
figure equal; across library releases figures may move by ``--tolerance``.

    .venv/bin/python bench/check_retrain.py [--tolerance 0.01]

Exit status 1 when a figure or a threshold differs by more than the tolerance.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gongkai.classifiers.artifacts import build  # noqa: E402
from gongkai.classifiers.evaluation import differences  # noqa: E402
from gongkai.classifiers.paths import DEFAULT_MODEL_DIR, data_dir  # noqa: E402

TASKS = ("topic", "domain", "doc_type", "needs_interpretation")


def compare(shipped: Path, again: Path, tolerance: float) -> list[str]:
    """Every figure of the retrained cards that misses the shipped one by more than ``tolerance``."""
    problems = []
    for name in TASKS:
        recorded = json.loads((shipped / f"{name}.card.json").read_text(encoding="utf-8"))["metrics"]
        measured = json.loads((again / f"{name}.card.json").read_text(encoding="utf-8"))["metrics"]
        problems += [f"{name}{line}" for line in differences(measured, recorded, tolerance)]
    old = json.loads((shipped / "classifiers.card.json").read_text(encoding="utf-8"))
    new = json.loads((again / "classifiers.card.json").read_text(encoding="utf-8"))
    if old["data_fingerprint"] != new["data_fingerprint"]:
        problems.append("the real data changed since the shipped models were trained")
    for task, section in old["confidence"].items():
        threshold = new["confidence"][task]["threshold"]
        if abs(threshold - section["threshold"]) > 2 * tolerance:
            problems.append(f"{task}: threshold {threshold} vs {section['threshold']}")
        problems += [
            f"{task}.check{line}"
            for line in differences(new["confidence"][task]["check"], section["check"], 2 * tolerance)
        ]
    same = (shipped / "classifiers.npz").read_bytes() == (again / "classifiers.npz").read_bytes()
    print(f"bundle byte-identical: {same}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tolerance", type=float, default=0.01)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        again = Path(folder) / "models"
        build(again, data_dir(), print)
        problems = compare(DEFAULT_MODEL_DIR, again, args.tolerance)
    for line in problems:
        print(line)
    print("retraining reproduces the shipped figures" if not problems else f"{len(problems)} difference(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
