r"""Run an extractor over a page set a given number of times after a warm-up, for an instruction
count that does not depend on the machine's load (not a benchmark by itself; see
``bench/bench_extract_instructions.py``, which runs it under valgrind and does the arithmetic):

    valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        .venv/bin/python bench/extract_passes.py --engine gongkai --passes 1
    valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        .venv/bin/python bench/extract_passes.py --engine gongkai --passes 0

The difference of the two "Collected" counts is one pass over the pages: the imports, the file
reading, the decoding handed to trafilatura and the warm-up (a whole pass by default; the first
N pages with ``--warm-up-pages N``) are the same in both runs and cancel out. ``--engine
trafilatura`` runs ``bare_extraction(with_metadata=True)`` on the same pages in the same set-up
(trafilatura is imported in every run, whichever engine is counted).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gongkai.extractors import extract  # noqa: E402
from gongkai.extractors.encoding import decode  # noqa: E402


def engine_pass(engine: str, pages: list[tuple[bytes, str]]) -> Callable[[], None]:
    """One pass of ``engine`` over ``pages``, each side given what bench_extract.py gives it."""
    from trafilatura import bare_extraction  # imported for both engines: the same set-up

    if engine == "gongkai":

        def ours() -> None:
            for raw, url in pages:
                extract(raw, url)

        return ours
    # trafilatura gets the same decoding we do, so both sides parse the same string.
    texts = [(decode(raw).text, url) for raw, url in pages]

    def theirs() -> None:
        for text, url in texts:
            bare_extraction(text, url=url, with_metadata=True)

    return theirs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(os.environ.get("GONGKAI_SHARED_DATA", ROOT.parent / "shared" / "data")) / "multisite"
    parser.add_argument("--pages", type=Path, default=default, help="folder of .html pages")
    parser.add_argument("--engine", choices=("gongkai", "trafilatura"), default="gongkai")
    parser.add_argument("--passes", type=int, default=1, help="passes after the warm-up")
    parser.add_argument(
        "--warm-up-pages",
        type=int,
        default=None,
        help="pages in the warm-up (default: every page, a full pass)",
    )
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # mis-declared encodings are expected here
    pages = [(path.read_bytes(), path.resolve().as_uri()) for path in sorted(args.pages.rglob("*.html"))]
    warm_up = pages if args.warm_up_pages is None else pages[: args.warm_up_pages]
    engine_pass(args.engine, warm_up)()  # the same in every run: first-call costs cancel out
    run = engine_pass(args.engine, pages)
    for _ in range(args.passes):
        run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
