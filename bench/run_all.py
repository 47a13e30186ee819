"""``make bench``: run every benchmark, then write ``bench/results.json`` and ``bench/RESULTS.md``.

Each benchmark is its own script writing ``bench/results/<name>.json``; this runs them one after
another (never in parallel: they measure this machine) and gathers their headline figures.
Figures are ratios against a baseline measured in the same run wherever the machine's noise
would otherwise make them meaningless.

    python -m bench.run_all [--only extract,crawl] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"

#: name → (command, extra arguments for --quick)
BENCHES: dict[str, tuple[list[str], list[str]]] = {
    "extract": (["bench/bench_extract.py"], []),
    "classify": (["bench/bench_classify.py"], ["--n", "300"]),
    "crawl": (["bench/bench_crawl.py"], []),
    "audit": (["-m", "bench.bench_audit"], ["--docs", "100000"]),
    "prefect": (["bench/bench_prefect.py"], []),
    "reports": (["bench/bench_reports.py"], []),
    # 100 agencies, ~50,000 findings: `gongkai report --all` as HTML + PDF + XLSX end to end.
    "reports_large": (["-m", "bench.bench_reports", "--large", "175000"], ["--large", "6000"]),
}


def _get(data: dict[str, Any], path: str) -> Any:
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


#: name → rows of (figure, how it is computed, extractor of the value from the result JSON)
HEADLINES: dict[str, list[tuple[str, str, Callable[[dict[str, Any]], Any]]]] = {
    "extract": [
        ("extraction pages/s", "50 real pages, one core", lambda d: d.get("gongkai_pages_per_second")),
        ("× trafilatura bare_extraction", "same pages, same process (CPU time)", lambda d: d.get("ratio")),
    ],
    "classify": [
        (
            "classification docs/s (title)",
            "all four tasks",
            lambda d: _get(d, "results.title_only.docs_per_second"),
        ),
        (
            "classification docs/s (title + 2,000 chars)",
            "all four tasks",
            lambda d: _get(d, "results.title_plus_2000_chars.docs_per_second"),
        ),
    ],
    "crawl": [
        (
            "crawl rate ÷ politeness limit",
            "20 loopback hosts, 0.2 s delay each",
            lambda d: d.get("rate_ratio"),
        ),
        ("unchanged re-crawl bytes ÷ first crawl", "conditional GETs", lambda d: d.get("transfer_ratio")),
    ],
    "audit": [
        (
            "audit of the stored documents, s",
            "all rules, SQLite",
            lambda d: _get(d, "runs.first.wall_seconds"),
        ),
        ("documents audited", "", lambda d: d.get("documents")),
        (
            "audit time ÷ reading the same columns",
            "same file, same run",
            lambda d: (
                (_get(d, "runs.first.wall_seconds") or 0) / (_get(d, "baselines.read") or 1)
                if _get(d, "baselines.read")
                else None
            ),
        ),
    ],
    "prefect": [
        (
            "share of wall time in Prefect's machinery",
            "nightly over the demo sites",
            lambda d: d.get("prefect_share"),
        ),
    ],
    "reports": [
        (
            "gaps listing ÷ store.list_findings",
            "all open findings, same run",
            lambda d: d.get("gaps_vs_list_findings"),
        ),
        (
            "report model ÷ store.list_documents",
            "documents, findings, indicators, scores",
            lambda d: d.get("model_vs_list_documents"),
        ),
        (
            "标准目录 matrices ÷ store.list_documents",
            "every site on the standard catalog",
            lambda d: d.get("catalog_matrix_vs_list_documents"),
        ),
    ],
}


def run_bench(name: str, quick: bool) -> tuple[bool, float, str]:
    command, quick_args = BENCHES[name]
    script = ROOT / command[0] if not command[0].startswith("-") else None
    if script is not None and not script.exists():
        return False, 0.0, f"{command[0]} does not exist"
    args = [sys.executable, *command, *(quick_args if quick else [])]
    started = time.monotonic()
    result = subprocess.run(args, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, text=True,
                            capture_output=True)  # fmt: skip
    seconds = time.monotonic() - started
    tail = (result.stdout + result.stderr).strip().splitlines()[-1:] or [""]
    return result.returncode == 0, seconds, tail[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated benchmark names")
    parser.add_argument(
        "--quick", action="store_true", help="smaller inputs (e.g. 100,000 documents for the audit)"
    )
    args = parser.parse_args(argv)
    chosen = [n for n in BENCHES if not args.only or n in args.only.split(",")]
    runs: dict[str, Any] = {}
    for name in chosen:
        print(f"bench {name} …", flush=True)
        ok, seconds, last = run_bench(name, args.quick)
        runs[name] = {"ok": ok, "seconds": round(seconds, 1), "last_line": last}
        print(f"  {'ok' if ok else 'FAILED'} in {seconds:.0f} s: {last}", flush=True)
    gathered: dict[str, Any] = {"runs": runs, "results": {}}
    rows = ["| figure | value | how | benchmark |", "|---|---:|---|---|"]
    for name in BENCHES:
        path = RESULTS / f"{name}.json"
        if not path.exists():
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        gathered["results"][name] = data
        for figure, how, pick in HEADLINES.get(name, []):
            try:
                value = pick(data)
            except (TypeError, ZeroDivisionError):
                value = None
            rows.append(f"| {figure} | {_fmt(value)} | {how} | `{name}` |")
    (ROOT / "bench" / "results.json").write_text(
        json.dumps(gathered, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    table = "\n".join(rows)
    (ROOT / "bench" / "RESULTS.md").write_text(
        "# Benchmark results\n\nWritten by `make bench` (`python -m bench.run_all`); each figure's details "
        "are in `bench/results/<benchmark>.json`.\n\n" + table + "\n",
        encoding="utf-8",
    )
    print(table)
    return 0 if all(run["ok"] for run in runs.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
