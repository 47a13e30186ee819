r"""Run ``extract`` over a page set a given number of times, for an instruction count that does not
depend on the machine's load (not a benchmark by itself):

    valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        .venv/bin/python bench/extract_passes.py --passes 1
    valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        .venv/bin/python bench/extract_passes.py --passes 0

The difference of the two "Collected" counts is one pass over the pages (imports and file
reading cancel out). Compare two versions of the extractor that way on a loaded machine.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gongkai.extractors import extract  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(os.environ.get("GONGKAI_SHARED_DATA", ROOT.parent / "shared" / "data")) / "multisite"
    parser.add_argument("--pages", type=Path, default=default, help="folder of .html pages")
    parser.add_argument("--passes", type=int, default=1)
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # mis-declared encodings are expected here
    pages = [(path.read_bytes(), path.resolve().as_uri()) for path in sorted(args.pages.rglob("*.html"))]
    if args.passes:
        for raw, url in pages[:3]:  # the same warm-up in both runs
            extract(raw, url)
    for _ in range(args.passes):
        for raw, url in pages:
            extract(raw, url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
