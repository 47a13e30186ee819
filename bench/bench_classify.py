"""Classifier throughput in documents per second: title only, and title + 2,000 characters of body.

Not a test. Reads real titles and bodies in place from ../shared/data, loads (or trains) the
models once, and reports speed against a baseline measured in the same run on the same inputs:
plain jieba segmentation of the same text (so the ratio survives a busy or faster machine).
Writes bench/results/classify.json.

    .venv/bin/python bench/bench_classify.py [--n 2000]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gongkai.classifiers import ClassifierInput, classify_inputs  # noqa: E402
from gongkai.classifiers.artifacts import ensure_models  # noqa: E402
from gongkai.classifiers.paths import data_dir  # noqa: E402
from gongkai.classifiers.text import jieba_words  # noqa: E402


def real_inputs(n: int) -> tuple[list[str], list[str]]:
    data = data_dir()
    with (data / "corpus/titles_with_dates.tsv").open(encoding="utf-8") as handle:
        titles = [row["title"] for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)]
    csv.field_size_limit(sys.maxsize)
    bodies: list[str] = []
    for path in sorted((data / "corpus/hebei").rglob("*.csv")):
        with path.open(encoding="utf-8-sig") as handle:
            bodies.extend(b for row in csv.DictReader(handle) if len(b := (row.get("内容") or "")) >= 2000)
    step = max(1, len(titles) // n)
    titles = titles[::step][:n]
    bodies = [bodies[i % len(bodies)][:2000] for i in range(len(titles))]
    return titles, bodies


def timed(function, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="documents per measurement")
    args = parser.parse_args()
    titles, bodies = real_inputs(args.n)
    load_started = time.perf_counter()
    ensure_models(quiet=False)
    load_seconds = time.perf_counter() - load_started
    title_items = [ClassifierInput(t) for t in titles]
    body_items = [ClassifierInput(t, text=b) for t, b in zip(titles, bodies, strict=True)]
    classify_inputs(title_items[:10])  # warm: jieba dictionary, spaCy pipeline
    classify_inputs(body_items[:10])

    results = {}
    for name, items, texts in (
        ("title_only", title_items, titles),
        ("title_plus_2000_chars", body_items, [t + b for t, b in zip(titles, bodies, strict=True)]),
    ):
        seconds = timed(lambda items=items: classify_inputs(items))
        baseline = timed(lambda texts=texts: [jieba_words(t) for t in texts])
        results[name] = {
            "documents": len(items),
            "docs_per_second": round(len(items) / seconds, 1),
            "baseline_jieba_docs_per_second": round(len(items) / baseline, 1),
            "ratio_to_baseline": round(baseline / seconds, 3),
        }
    out = {
        "benchmark": "classify",
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "load": os.getloadavg()},
        "model_load_seconds": round(load_seconds, 2),
        "note": "body text is read only for its 文号 (spaCy entities on the first 400 chars); the models use "
        "title, issuing body and 文号. Baseline: jieba segmentation of the same text in the same run.",
        "results": results,
    }
    target = ROOT / "bench" / "results" / "classify.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
