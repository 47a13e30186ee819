"""Benchmark: pages per second of ``extractors.extract`` on one core over the real pages (the golden
``pages/`` and the 93 pages of 56 hosts in ``multisite/``, each set on its own), beside
trafilatura's ``bare_extraction`` on the same pages in the same process.

Not a test: run ``.venv/bin/python bench/bench_extract.py`` (trafilatura comes with the ``bench``
extra: ``uv pip install -e '.[bench]'``). Speed is reported as a ratio against trafilatura measured
in the same run, in rounds that alternate between the two, so a loaded machine slows both sides
alike. Each round is timed twice: by the CPU time the process used (the headline: on a shared
machine the wall clock also counts the time other programs held the core) and by the wall clock.
Results are printed and written to ``bench/results/extract.json``.

``--instructions`` adds, per page set, the ratio of instructions executed (valgrind callgrind,
``bench/bench_extract_instructions.py``; ≈ 15 minutes more): a count that is the same whatever
the load, beside the CPU-time ratio that a loaded machine makes noisy. The two measure different
things (instructions are not time: cache misses and branch mispredictions weigh in CPU time only),
so both are printed, never one passed off as the other.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gongkai.extractors import extract  # noqa: E402
from gongkai.extractors.encoding import decode  # noqa: E402
from gongkai.models.records import METADATA_FIELDS  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data"


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        core = max(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to core {core}"
    return "not pinned (no sched_setaffinity)"


def pages_per_second(run: Callable[[], int], min_seconds: float) -> tuple[float, float]:
    """(by CPU time, by wall clock) pages/s of one run looping over the pages for ``min_seconds``."""
    done, started, cpu_started = 0, time.perf_counter(), time.process_time()
    while True:
        done += run()
        elapsed = time.perf_counter() - started
        if elapsed >= min_seconds:
            return done / (time.process_time() - cpu_started), done / elapsed


def _ratio(ours: list[float], theirs: list[float]) -> float:
    return statistics.median(o / t for o, t in zip(ours, theirs, strict=True))


def bench_set(
    paths: list[Path], seconds: float, repeats: int, bare_extraction: Callable[..., Any]
) -> dict[str, Any]:
    """Ours against trafilatura on one set of pages, in interleaved rounds."""
    pages = [(p.read_bytes(), p.resolve().as_uri()) for p in paths]
    # trafilatura gets the same decoding we do, so both sides parse the same string.
    texts = [(decode(raw).text, url) for raw, url in pages]

    def ours() -> int:
        for raw, url in pages:
            extract(raw, url)
        return len(pages)

    def theirs() -> int:
        for text, url in texts:
            bare_extraction(text, url=url, with_metadata=True)
        return len(texts)

    # Warm up both (imports, caches), then check that ours fills the fields it is timed on.
    ours()
    theirs()
    records = [extract(raw, url) for raw, url in pages]
    filled = sum(1 for record in records for name in METADATA_FIELDS if getattr(record, name) is not None)

    # Interleave the two so that a change of load on a shared machine hits both alike; a ratio is
    # the median of the per-round ratios.
    our_cpu: list[float] = []
    our_wall: list[float] = []
    their_cpu: list[float] = []
    their_wall: list[float] = []
    for _ in range(repeats):
        cpu, wall = pages_per_second(ours, seconds)
        our_cpu.append(cpu)
        our_wall.append(wall)
        cpu, wall = pages_per_second(theirs, seconds)
        their_cpu.append(cpu)
        their_wall.append(wall)
    return {
        "pages": len(pages),
        "bytes": sum(len(raw) for raw, _ in pages),
        "gongkai_pages_per_second": round(statistics.median(our_cpu), 1),
        "trafilatura_pages_per_second": round(statistics.median(their_cpu), 1),
        "ratio": round(_ratio(our_cpu, their_cpu), 2),
        "round_ratios": [round(o / t, 2) for o, t in zip(our_cpu, their_cpu, strict=True)],
        "ratio_wall_clock": round(_ratio(our_wall, their_wall), 2),
        "round_ratios_wall_clock": [round(o / t, 2) for o, t in zip(our_wall, their_wall, strict=True)],
        "gongkai_runs": [round(r, 1) for r in our_cpu],
        "trafilatura_runs": [round(r, 1) for r in their_cpu],
        "gongkai_runs_wall_clock": [round(r, 1) for r in our_wall],
        "trafilatura_runs_wall_clock": [round(r, 1) for r in their_wall],
        "fields_filled_by_gongkai": filled,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_data = Path(os.environ.get("GONGKAI_SHARED_DATA", DEFAULT_DATA))
    parser.add_argument("--data", type=Path, default=default_data)
    parser.add_argument("--seconds", type=float, default=3.0, help="minimum seconds per timed run")
    parser.add_argument("--repeats", type=int, default=5, help="rounds (each times both sides)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "extract.json")
    parser.add_argument(
        "--sets", nargs="+", default=["pages", "multisite"], help="page sets: pages (golden), multisite"
    )
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count instructions under valgrind callgrind (bench_extract_instructions.py, slow)",
    )
    args = parser.parse_args()

    try:
        from trafilatura import __version__ as trafilatura_version
        from trafilatura import bare_extraction
    except ImportError:
        print("trafilatura is missing: uv pip install -e '.[bench]'", file=sys.stderr)
        return 2

    load_at_start = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    pinned = pin_to_one_core()
    sets = {
        "pages": sorted(p for p in (args.data / "pages").rglob("*.html") if p.is_file()),
        "multisite": sorted(p for p in (args.data / "multisite").glob("*.html") if p.is_file()),
    }
    if not sets["pages"]:
        print(f"no pages under {args.data / 'pages'}", file=sys.stderr)
        return 2
    results = {
        name: bench_set(paths, args.seconds, args.repeats, bare_extraction)
        for name, paths in sets.items()
        if paths and name in args.sets
    }
    if args.instructions:
        from bench.bench_extract_instructions import one_pass

        for name, found in results.items():
            ours = one_pass("gongkai", args.data / name)
            theirs = one_pass("trafilatura", args.data / name)
            found["instruction_ratio"] = round(theirs / ours, 2)
            found["gongkai_instructions_per_page"] = round(ours / found["pages"])
            found["trafilatura_instructions_per_page"] = round(theirs / found["pages"])
    for name, found in results.items():
        counted = (
            f"; {found['instruction_ratio']:.1f}× fewer instructions (callgrind)"
            if "instruction_ratio" in found
            else ""
        )
        print(
            f"{name}: {found['pages']} real pages, one core: gongkai {found['gongkai_pages_per_second']:.1f} "
            f"pages/s (all nine fields, page kind, links, body), trafilatura bare_extraction "
            f"{found['trafilatura_pages_per_second']:.1f} pages/s → {found['ratio']:.1f}× as fast by CPU "
            f"time ({found['ratio_wall_clock']:.1f}× by wall clock){counted}"
        )
    result = {
        **results.get("pages", {}),
        "sets": results,
        "timed_by": "CPU time of the process (wall-clock figures beside)",
        "trafilatura": trafilatura_version,
        "python": platform.python_version(),
        "cpu": pinned,
        "load_average_at_start": load_at_start,
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "command": "python bench/bench_extract.py",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
