"""Benchmark: instructions per page of ``extractors.extract`` against trafilatura's
``bare_extraction`` on the same pages, counted by valgrind (callgrind), so the ratio does not
depend on the machine's load.

Not a test: run ``.venv/bin/python bench/bench_extract_instructions.py`` (needs ``valgrind`` and
the ``bench`` extra; 20–40 minutes for the multisite set on a loaded 2-core machine, most of it
trafilatura under valgrind). For each engine and page set, ``bench/extract_passes.py`` runs twice
under callgrind, each time after the same warm-up (the first 3 pages; ``--full-warm-up``: a whole
pass), then with 1 or 0 passes; the difference of the two counts is one pass (imports, file
reading and the warm-up cancel out; a first-call cost met only after the warm-up pages stays in).

What the figure is: a ratio of instructions executed (user space, this process, including the
libraries: libxml2, the regex engine, the interpreter). What it is not: a ratio of time — it does
not weigh cache misses, branch mispredictions or memory bandwidth, which the CPU-time ratio of
``bench/bench_extract.py`` does (on a loaded machine, with noise). CPU time is what a user waits
for; instructions are what a change of code changed, measurable whatever the load.
Results are printed and written to ``bench/results/extract_instructions.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PASSES = ROOT / "bench" / "extract_passes.py"
_COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


#: Hash randomisation changes dict layouts and thus a few instructions: fixed for repeatability.
#: Byte-code files may be written (a priming run writes them), so that both counted runs import
#: the same way, and fast (compiling the sources under valgrind takes a minute per run).
_ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "PYTHONHASHSEED": "0"}


#: Pages of the warm-up before the counted pass (None: a full pass, which doubles the run time).
#: A first-call cost met only after them (a regex compiled on first use …) lands in the count.
WARM_UP_PAGES = 3


def _passes_command(engine: str, pages: Path, passes: int, warm_up: int | None) -> list[str]:
    command = [
        sys.executable,
        str(PASSES),
        "--engine",
        engine,
        "--pages",
        str(pages),
        "--passes",
        str(passes),
    ]
    return command + ([] if warm_up is None else ["--warm-up-pages", str(warm_up)])


def collected(engine: str, pages: Path, passes: int, warm_up: int | None = WARM_UP_PAGES) -> int:
    """Instructions callgrind counted in one run of ``extract_passes.py``."""
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        *_passes_command(engine, pages, passes, warm_up),
    ]
    done = subprocess.run(command, capture_output=True, text=True, env=_ENV, check=False)
    found = _COLLECTED.findall(done.stderr)
    if done.returncode != 0 or not found:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr[-500:]}")
    return int(found[-1])


def one_pass(engine: str, pages: Path, warm_up: int | None = WARM_UP_PAGES) -> int:
    """Instructions of one steady-state pass of ``engine`` over ``pages``."""
    # The priming run (not counted) writes the byte-code files both counted runs then read.
    subprocess.run(_passes_command(engine, pages, 0, warm_up), capture_output=True, env=_ENV, check=True)
    return collected(engine, pages, 1, warm_up) - collected(engine, pages, 0, warm_up)


def _previous(out: Path, version: str, warm_up: int | None) -> dict[str, Any]:
    """The per-set results of an earlier run with the same trafilatura version and warm-up, else
    nothing."""
    try:
        earlier = json.loads(out.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    same = earlier.get("trafilatura") == version and earlier.get("warm_up_pages") == (warm_up or "all")
    return earlier.get("sets", {}) if same else {}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data = Path(os.environ.get("GONGKAI_SHARED_DATA", ROOT.parent / "shared" / "data"))
    parser.add_argument("--data", type=Path, default=data)
    parser.add_argument(
        "--sets", nargs="+", default=["multisite"], help="page sets: pages (golden), multisite"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "extract_instructions.json")
    parser.add_argument(
        "--reuse-trafilatura",
        action="store_true",
        help="take trafilatura's count from --out when it was made with the same version on as many pages "
        "(its count does not change with our code; it is most of the run time)",
    )
    parser.add_argument(
        "--full-warm-up",
        action="store_true",
        help="warm up with a whole pass, not 3 pages (first-call costs met later then cancel out too)",
    )
    args = parser.parse_args()
    warm_up = None if args.full_warm_up else WARM_UP_PAGES
    if shutil.which("valgrind") is None:
        print("valgrind is missing (apt-get install valgrind)", file=sys.stderr)
        return 2
    try:
        from trafilatura import __version__ as trafilatura_version
    except ImportError:
        print("trafilatura is missing: uv pip install -e '.[bench]'", file=sys.stderr)
        return 2
    previous = _previous(args.out, trafilatura_version, warm_up) if args.reuse_trafilatura else {}
    results: dict[str, Any] = {}
    for name in args.sets:
        folder = args.data / name
        pages = sorted(folder.rglob("*.html"))
        if not pages:
            print(f"no pages under {folder}", file=sys.stderr)
            return 2
        started = time.perf_counter()
        ours = one_pass("gongkai", folder, warm_up)
        earlier = previous.get(name, {})
        reused = earlier.get("pages") == len(pages) and bool(earlier.get("trafilatura_instructions"))
        theirs = earlier["trafilatura_instructions"] if reused else one_pass("trafilatura", folder, warm_up)
        results[name] = {
            "pages": len(pages),
            "gongkai_instructions_per_page": round(ours / len(pages)),
            "trafilatura_instructions_per_page": round(theirs / len(pages)),
            "gongkai_instructions": ours,
            "trafilatura_instructions": theirs,
            "ratio": round(theirs / ours, 2),
            "trafilatura_count_reused": reused,
            "minutes": round((time.perf_counter() - started) / 60, 1),
        }
        print(
            f"{name}: {len(pages)} pages, instructions per page: gongkai {ours / len(pages) / 1e6:.1f} M, "
            f"trafilatura bare_extraction {theirs / len(pages) / 1e6:.1f} M → {theirs / ours:.2f}× fewer"
        )
    result = {
        "sets": results,
        "counted_by": "valgrind callgrind: run with 1 pass − run with 0 passes, same warm-up",
        "warm_up_pages": warm_up if warm_up is not None else "all",
        "trafilatura": trafilatura_version,
        "python": platform.python_version(),
        "command": "python bench/bench_extract_instructions.py",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
