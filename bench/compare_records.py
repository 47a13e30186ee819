"""Snapshot every record ``extract`` gives on the real pages, to prove a speed change changes no
output (not a benchmark; the records stay in /tmp, never in the project):

    .venv/bin/python bench/compare_records.py --write /tmp/before.json   # on the old code
    .venv/bin/python bench/compare_records.py --check /tmp/before.json   # on the new code

Inputs: the golden ``pages/``, the 93 ``multisite/`` pages, and a GB18030 copy of each (labelled
gb2312, as GB sites serve them), so both parse paths (bytes and decoded string) are covered.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gongkai.extractors import extract  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
_META_CHARSET = re.compile(r"(charset=[\"']?)utf-?8", re.IGNORECASE)


def inputs() -> list[tuple[str, bytes, str]]:
    paths = sorted(p for p in (DATA / "pages").rglob("*.html") if p.is_file())
    paths += sorted((DATA / "multisite").glob("*.html"))
    out = []
    for path in paths:
        raw, url = path.read_bytes(), path.resolve().as_uri()
        name = str(path.relative_to(DATA))
        out.append((name, raw, url))
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        out.append((name + "#gb18030", _META_CHARSET.sub(r"\1gb2312", text).encode("gb18030"), url))
    return out


def snapshot() -> dict[str, object]:
    return {name: extract(raw, url).model_dump(mode="json") for name, raw, url in inputs()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path)
    group.add_argument("--check", type=Path)
    args = parser.parse_args()
    records = snapshot()
    if args.write:
        args.write.write_text(json.dumps(records, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        print(f"{len(records)} records written to {args.write}")
        return 0
    before = json.loads(args.check.read_text(encoding="utf-8"))
    differ = sorted(name for name in before.keys() | records.keys() if before.get(name) != records.get(name))
    print(f"{len(records)} records, {len(differ)} differ" + (f": {differ[:20]}" if differ else ""))
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
