"""Reading parts two to four of a report into :class:`Table` cells.

Rows are found by their anchors (``layout``), in the format's order; the cells of a row are what
lies between its anchor and the next row's. In a table with cell boundaries (``| a | b |`` lines)
each cell is read as it stands (empty = blank = 0, ``…`` = cells left out). In text without
boundaries the digit runs are split by the format's arithmetic (``split``); a run with no split or
with several is *unreadable*, unless the columns' sums leave exactly one choice for the table.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from gongkai.extractors.annual_report.layout import (
    PART2_ROWS_2019,
    PART2_ROWS_2021,
    PART2_START,
    PART3_HEADING,
    PART3_ROWS,
    PART4_START,
    PART5_HEADING,
    Part2Row,
)
from gongkai.extractors.annual_report.model import (
    PART3_COLUMNS,
    PART4_COLUMNS,
    PART4_GROUPS,
    Cell,
    Problem,
    Table,
)
from gongkai.extractors.annual_report.split import any_values, splits, sum_to_last

_BLANK = {"", "·", "-", "－", "—", "/", "／", "&nbsp;"}
_ELISION = {"…", "...", "……"}
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_TRAILING_NOTE = re.compile(r"\s*[（(][^（()）]*[)）]\s*$")
_UNIT = re.compile(r"\s*(?:万?元|件|条|项|个|次|人次)$")
_SEPARATOR_CELL = re.compile(r"^:?-{3,}:?$")
#: A cell "结果维持 0": a label then its number (part four written as label/value pairs).
_LABELLED_NUMBER = re.compile(r"^\D*?[:：\s](-?\d+(?:\.\d+)?)$")
#: The most choices of ambiguous rows the column sums are tried on (all of them, or none).
_MAX_COMBINATIONS = 20_000
#: Search no further than this for a table's rows once its heading is found.
_MAX_PART_CHARS = 60_000


def number(text: str) -> int | float:
    return float(text) if "." in text else int(text)


@dataclass
class Region:
    """The text of one row: piped cells, or digit runs to split."""

    key: str
    text: str
    start: int
    piped: list[str] | None = None  # cell texts (None: no cell boundaries)
    elided: bool = False

    @property
    def runs(self) -> list[str]:
        return re.findall(r"\d+", self.text)


def piped_cells(text: str, *, labelled: bool = False) -> tuple[list[str], bool] | None:
    """The value cells of the ``|`` lines in ``text`` ("" for a blank one) and whether some were
    left out (``…``); None when no line has cell boundaries."""
    lines = [line.strip() for line in text.splitlines() if "|" in line]
    if not lines:
        return None
    values: list[str] = []
    elided = False
    for line in lines:
        inner = line[1:] if line.startswith("|") else line
        inner = inner[:-1] if inner.endswith("|") else inner
        if not inner.strip():
            continue
        for raw in inner.split("|"):
            cell = raw.strip()
            if _SEPARATOR_CELL.match(cell):
                continue
            if cell in _ELISION:
                elided = True
                continue
            if cell in _BLANK:
                values.append("")
                continue
            bare = _UNIT.sub("", _TRAILING_NOTE.sub("", cell).replace(",", ""))
            if _NUMBER.match(bare):
                values.append(bare)
            elif labelled and (m := _LABELLED_NUMBER.match(bare)):
                values.append(m.group(1))
    return values, elided


def find_rows(text: str, anchors: Sequence[tuple[str, str]], start: int, end: int) -> list[Region]:
    """Each anchor found in order in ``text[start:end]``, with the text up to the next one found."""
    found: list[tuple[str, int, int]] = []
    pos = start
    for key, pattern in anchors:
        m = re.compile(pattern).search(text, pos, end)
        if m is None:
            continue
        found.append((key, m.start(), m.end()))
        pos = m.end()
    regions = []
    for i, (key, _, after) in enumerate(found):
        stop = found[i + 1][1] if i + 1 < len(found) else end
        regions.append(Region(key, text[after:stop], after))
    return regions


@dataclass
class Part3Reading:
    table: Table
    problems: list[Problem] = field(default_factory=list)
    end: int = 0
    found: bool = False


def part3_bounds(text: str) -> tuple[int, int]:
    heading = re.compile(PART3_HEADING).search(text)
    start = heading.end() if heading else 0
    new = re.compile(PART3_ROWS[0].anchor).search(text, start)
    if new is None:
        return -1, -1
    end = min(len(text), new.start() + _MAX_PART_CHARS)
    forward = re.compile(PART3_ROWS[-1].anchor).search(text, new.start(), end)
    if forward is not None:
        after = re.compile(PART4_START + "|" + PART5_HEADING).search(text, forward.end(), end)
        if after is not None:
            end = after.start()
    return new.start(), end


def read_part3(text: str) -> Part3Reading:
    start, end = part3_bounds(text)
    reading = Part3Reading(Table("part3"))
    if start < 0:
        return reading
    reading.found, reading.end = True, end
    # （七）总计 bounds the sub-rows (``3.其他`` must not be matched past it).
    total = re.compile(PART3_ROWS[-2].anchor).search(text, start, end)
    sub_end = total.start() if total else end
    anchors_before = [(r.key, r.anchor) for r in PART3_ROWS if r.key not in ("total", "carried_forward")]
    regions = find_rows(text, anchors_before, start, sub_end)
    regions += find_rows(text, [(r.key, r.anchor) for r in PART3_ROWS[-2:]], sub_end, end)
    # the last sub-row's text stops at （七）
    candidates: dict[str, list[list[int]]] = {}
    for region in regions:
        cells = piped_cells(region.text)
        width = len(PART3_COLUMNS)
        if cells is not None:
            values, elided = cells
            if not values and not elided:
                continue
            if elided and len(values) < width:  # cells left out: the ones read are the last ones
                values = [None] * (width - len(values)) + values  # type: ignore[list-item]
            if len(values) != width:
                reading.problems.append(
                    Problem(
                        "unreadable",
                        f"part 3 row {region.key}: {len(values)} cells where the format has {width}",
                        {"row": region.key, "cells": values},
                    )
                )
                continue
            reading.table.rows[region.key] = {
                col: Cell(
                    "part3",
                    region.key,
                    col,
                    None if v is None else (number(v) if v else 0),
                    blank=v == "",
                    source=region.text.strip()[:200],
                )
                for col, v in zip(PART3_COLUMNS, values, strict=True)
            }
            continue
        runs = region.runs
        if not runs:
            continue
        if len(runs) == width:  # every cell stands apart: read as printed, sums or not
            _set_row(reading.table, region.key, [int(r) for r in runs], " ".join(runs), "separated")
            continue
        options = splits(runs, [width], sum_to_last)
        candidates[region.key] = options
        if len(options) == 1:
            _set_row(reading.table, region.key, options[0], " ".join(runs), "split-unique")
    _resolve_by_columns(reading, candidates, regions)
    return reading


def _set_row(table: Table, key: str, values: Sequence[int], source: str, how: str) -> None:
    table.rows[key] = {
        col: Cell("part3", key, col, v, source=source, how=how)
        for col, v in zip(PART3_COLUMNS, values, strict=True)
    }


def _column_equations(keys: set[str]) -> list[tuple[list[str], list[str]]]:
    """(left rows, right rows) whose sums must agree in every column, for the rows present."""
    subrows = [
        k
        for k in keys
        if k not in ("new", "carried_over", "total", "carried_forward")
        and not (k == "o_single" and "o1" in keys)
    ]
    equations = []
    if "total" in keys and subrows:
        equations.append((subrows, ["total"]))
    if {"new", "carried_over", "total", "carried_forward"} <= keys:
        equations.append((["new", "carried_over"], ["total", "carried_forward"]))
    return equations


def _resolve_by_columns(
    reading: Part3Reading, candidates: dict[str, list[list[int]]], regions: list[Region]
) -> None:
    """Rows with several splits: keep the one choice for which every column adds up, if exactly one
    does; otherwise the row is unreadable."""
    table = reading.table
    open_rows = {k: opts for k, opts in candidates.items() if len(opts) != 1}
    if not open_rows:
        return
    source = {r.key: " ".join(r.runs) for r in regions}
    ambiguous = {k: opts for k, opts in open_rows.items() if opts}
    chosen: dict[str, list[int]] | None = None
    combinations = 1
    for opts in ambiguous.values():
        combinations *= len(opts)
    # too many combinations to try them all: leave the rows unreadable rather than try a few
    if ambiguous and combinations <= _MAX_COMBINATIONS:
        keys = set(table.rows) | set(ambiguous)
        equations = _column_equations(keys)
        fits = []
        for combo in itertools.product(*ambiguous.values()):
            trial = dict(zip(ambiguous, combo, strict=True))

            def row_values(key: str, trial: dict[str, list[int]] = trial) -> list[int]:
                if key in trial:
                    return trial[key]
                return [int(c.number) for c in table.rows[key].values()]

            if all(
                sum(row_values(k)[c] for k in left) == sum(row_values(k)[c] for k in right)
                for left, right in equations
                for c in range(len(PART3_COLUMNS))
            ):
                fits.append(trial)
        if len(fits) == 1 and equations:
            chosen = fits[0]
    for key, opts in open_rows.items():
        if chosen is not None and key in chosen:
            _set_row(table, key, chosen[key], source[key], "split-by-columns")
            continue
        why = (
            "no split of the run gives columns adding up to 总计"
            if not opts
            else (f"{len(opts)} splits add up ({'; '.join('/'.join(map(str, o)) for o in opts[:4])})")
        )
        reading.problems.append(
            Problem(
                "unreadable",
                f"part 3 row {key}: cells ran together as {source[key]!r}; {why}",
                {"row": key, "run": source[key], "candidates": opts[:8]},
            )
        )


def read_part4(text: str, start: int) -> tuple[Table, list[Problem]]:
    table = Table("part4")
    problems: list[Problem] = []
    m = re.compile(PART4_START).search(text, max(start, 0))
    if m is None:
        return table, problems
    end_m = re.compile(PART5_HEADING).search(text, m.end(), m.end() + _MAX_PART_CHARS)
    region = text[m.start() : end_m.start() if end_m else min(len(text), m.end() + 3000)]
    width = len(PART4_GROUPS) * len(PART4_COLUMNS)
    cells = piped_cells(region, labelled=True)
    values: list[int | float | None] | None = None
    how, source = "cell", ""
    blanks: list[bool] = [False] * width
    if cells is not None and cells[0]:
        raw = cells[0]
        if len(raw) == width:
            values = [number(v) if v else 0 for v in raw]
            blanks = [v == "" for v in raw]
            source = " | ".join(raw)
        else:
            problems.append(Problem("unreadable", f"part 4: {len(raw)} cells where the format has {width}"))
            return table, problems
    else:
        runs = re.findall(r"\d+", region)
        if not runs:
            return table, problems
        source = " ".join(runs)
        if len(runs) == width:  # every cell stands apart
            options = [[int(r) for r in runs]]
        else:
            options = splits(runs, [len(PART4_COLUMNS)] * len(PART4_GROUPS), sum_to_last)
        if len(options) != 1:
            why = "no split gives groups adding up" if not options else f"{len(options)} splits add up"
            problems.append(
                Problem("unreadable", f"part 4: cells ran together as {source!r}; {why}", {"run": source})
            )
            return table, problems
        values = list(options[0])
        how = "separated" if len(runs) == width else "split-unique"
    for g, group in enumerate(PART4_GROUPS):
        table.rows[group] = {
            col: Cell(
                "part4",
                group,
                col,
                values[g * 5 + c],
                blank=blanks[g * 5 + c],
                source=source,
                how=how,
            )
            for c, col in enumerate(PART4_COLUMNS)
        }
    return table, problems


def read_part2(text: str, end: int, template: str | None) -> tuple[Table, list[Problem]]:
    """Part two (主动公开): no arithmetic ties its cells, so a run that needs cutting is read
    only when one cut is possible (``000`` → 0/0/0); otherwise it is reported unreadable."""
    table = Table("part2")
    problems: list[Problem] = []
    m = re.compile(PART2_START).search(text, 0, end if end > 0 else len(text))
    if m is None:
        return table, problems
    stop = end if end > m.start() else min(len(text), m.start() + 5000)
    rows: tuple[Part2Row, ...] = PART2_ROWS_2019 if template == "2019" else PART2_ROWS_2021
    regions = find_rows(text, [(r.key, r.anchor) for r in rows], m.start(), stop)
    by_key = {r.key: r for r in rows}
    for region in regions:
        row = by_key[region.key]
        width = len(row.columns)
        cells = piped_cells(region.text)
        if cells is not None:
            values: list[str] = cells[0]
        else:
            body = re.split(r"第\s*二\s*十\s*条|三\s*、", region.text)[0]
            values = re.findall(r"-?\d+(?:\.\d+)?", body)
        if not values:
            continue
        if len(values) != width and all(re.fullmatch(r"\d+", v) for v in values):
            options = splits(values, [width], any_values)
            if len(options) == 1:
                values = [str(v) for v in options[0]]
        if len(values) != width:
            problems.append(
                Problem(
                    "unreadable",
                    f"part 2 row {row.key}: {' '.join(values)!r} cannot be cut into {width} cells "
                    "without guessing",
                    {"row": row.key, "run": values},
                )
            )
            continue
        table.rows[row.key] = {
            col: Cell("part2", row.key, col, number(v) if v else 0, blank=v == "", source=" ".join(values))
            for col, v in zip(row.columns, values, strict=True)
        }
    return table, problems
