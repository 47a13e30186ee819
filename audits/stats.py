"""Lateness statistics on real (成文, 发布) pairs: the share published later than 20 working days.

    python -m gongkai.audits.stats ../shared/data/corpus/titles_with_dates.tsv [--min-n 30] [--since 2015]

Per government and year of 成文 (the year the duty arose): documents with both dates, how many
were published more than 20 working days after 成文 (start day not counted, official calendar with
调休), the share, and the median and 90th-percentile lag. Pairs published before they were
written are counted apart (a data defect, not lateness); years the holiday calendar does not know
are marked provisional.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
from gongkai.audits.calendar import WorkCalendar, default_calendar


@dataclass(frozen=True)
class Row:
    government: str
    year: int
    pairs: int
    late: int
    median: float
    p90: float
    reversed: int
    provisional: bool

    @property
    def share(self) -> float:
        return self.late / self.pairs if self.pairs else 0.0


def _date(text: str) -> int:
    try:
        return date.fromisoformat(text.strip()[:10]).toordinal()
    except ValueError:
        return 0


def lateness_table(
    path: Path, *, limit: int = 20, min_n: int = 30, since: int = 0, calendar: WorkCalendar | None = None
) -> tuple[list[Row], list[Row], dict[str, int]]:
    """(rows per government and year, one total row per government, counts of skipped rows)."""
    cal = calendar or default_calendar()
    governments: list[str] = []
    written: list[int] = []
    published: list[int] = []
    skipped = {"rows": 0, "missing_date": 0}
    with path.open(encoding="utf-8") as handle:
        for record in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            skipped["rows"] += 1
            w, p = _date(record["written_date"]), _date(record["published_date"])
            if not w or not p:
                skipped["missing_date"] += 1
                continue
            governments.append(record["government"])
            written.append(w)
            published.append(p)
    gov = np.asarray(governments)
    w_arr, p_arr = np.asarray(written, dtype=np.int64), np.asarray(published, dtype=np.int64)
    lag, provisional = cal.working_days_between(w_arr, p_arr)
    years = (w_arr - date(1970, 1, 1).toordinal()).astype("datetime64[D]").astype("datetime64[Y]").astype(
        int
    ) + 1970
    reversed_ = p_arr < w_arr
    groups: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, (g, y) in enumerate(zip(gov, years, strict=True)):
        groups[(str(g), int(y))].append(i)
    rows, totals = [], []
    for (g, y), idx in sorted(groups.items()):
        if y < since:
            continue
        rows.append(_row(g, y, np.asarray(idx), lag, reversed_, provisional, limit))
    for g in sorted(set(governments)):
        idx = np.flatnonzero((gov == g) & (years >= since))
        totals.append(_row(g, 0, idx, lag, reversed_, provisional, limit))
    return [r for r in rows if r.pairs >= min_n], totals, skipped


def _row(
    g: str,
    y: int,
    idx: np.ndarray,
    lag: np.ndarray,
    reversed_: np.ndarray,
    provisional: np.ndarray,
    limit: int,
) -> Row:
    ok = idx[~reversed_[idx]]
    lags = lag[ok]
    return Row(
        government=g,
        year=y,
        pairs=len(ok),
        late=int((lags > limit).sum()),
        median=float(np.median(lags)) if len(lags) else 0.0,
        p90=float(np.percentile(lags, 90)) if len(lags) else 0.0,
        reversed=int(reversed_[idx].sum()),
        provisional=bool(provisional[ok].any()),
    )


def markdown(rows: list[Row], totals: list[Row], skipped: dict[str, int], limit: int) -> str:
    out = [
        f"| government | year (成文) | pairs | late (>{limit} WD) | share | median | p90 | 发布<成文 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        year = f"{r.year}{' (provisional)' if r.provisional else ''}"
        cells = [
            r.government,
            year,
            r.pairs,
            r.late,
            f"{r.share:.1%}",
            f"{r.median:g}",
            f"{r.p90:g}",
            r.reversed,
        ]
        out.append("| " + " | ".join(str(c) for c in cells) + " |")
    out.append("")
    out.append(f"| government | all years | pairs | late (>{limit} WD) | share | median | p90 | 发布<成文 |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in totals:
        out.append(
            f"| {r.government} | all | {r.pairs} | {r.late} | {r.share:.1%} | {r.median:g} | {r.p90:g} "
            f"| {r.reversed} |"
        )
    out.append("")
    out.append(f"{skipped['rows']} rows read; {skipped['missing_date']} without both dates were skipped.")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gongkai.audits.stats", description=__doc__.splitlines()[0]
    )
    parser.add_argument("file", type=Path, help="TSV with government, written_date, published_date columns")
    parser.add_argument(
        "--limit", type=int, default=20, help="working days allowed (default 20, 条例 Art. 26)"
    )
    parser.add_argument("--min-n", type=int, default=30, help="hide government-years with fewer pairs")
    parser.add_argument("--since", type=int, default=0, help="only 成文 years from this one on")
    args = parser.parse_args(argv)
    if not args.file.is_file():
        print(f"error: {args.file}: no such file", file=sys.stderr)
        return 2
    rows, totals, skipped = lateness_table(args.file, limit=args.limit, min_n=args.min_n, since=args.since)
    print(markdown(rows, totals, skipped, args.limit))
    return 0


if __name__ == "__main__":
    sys.exit(main())
