"""Writing gap records and group counts as CSV, JSON lines and XLSX.

CSV cells that a spreadsheet would run as a formula (starting with = + - @ or a tab) get a
leading apostrophe: crawled titles are untrusted, and analysts open CSV in Excel/WPS.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from gongkai.audits.rules import RULE_LABELS, rule_label
from gongkai.reports.gaps import OUTPUT_KEYS
from gongkai.reports.queries import get_query
from gongkai.reports.sheets import set_link, sheet_title, write_table
from openpyxl import Workbook

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(rows: Sequence[dict[str, Any]], out: IO[str], keys: Sequence[str] = OUTPUT_KEYS) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(keys)
    for row in rows:
        writer.writerow([csv_cell(row.get(key)) for key in keys])


def write_json_lines(rows: Sequence[dict[str, Any]], out: IO[str]) -> None:
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")


def counts_as_rows(by: str, counts: Sequence[tuple[str, int]]) -> list[dict[str, Any]]:
    return [{by: key, "count": n} for key, n in counts]


def header_labels(keys: Sequence[str]) -> list[str]:
    labels = get_query("findings").labels
    return [f"{labels[key]} ({key})" if key in labels else key for key in keys]


def write_xlsx(
    path: Path,
    rows: Sequence[dict[str, Any]],
    by: str | None = None,
    counts: Sequence[tuple[str, int]] | None = None,
) -> None:
    """One workbook: the findings sheet (links to the pages), to-review findings on a sheet of
    their own (only when there are some), and the counts sheet if asked."""
    book = Workbook()
    ws = book.active
    ws.title = sheet_title("问题清单")
    keys = list(OUTPUT_KEYS)
    confirmed = [row for row in rows if row.get("certainty") != "to_review"]
    review = [row for row in rows if row.get("certainty") == "to_review"]
    sheets = [(ws, confirmed)]
    if review:
        sheets.append((book.create_sheet(sheet_title("待复核（to review）")), review))
    url_col = keys.index("url") + 1
    for sheet, chosen in sheets:
        write_table(sheet, header_labels(keys), ([row.get(k) for k in keys] for row in chosen))
        for index, row in enumerate(chosen, start=2):
            set_link(sheet, index, url_col, row.get("url"), row.get("url"))
    if by and counts is not None:
        sheet = book.create_sheet(sheet_title(f"按{by}计数"))
        shown = [(rule_label(k) if by == "rule" and k in RULE_LABELS else k, n) for k, n in counts]
        write_table(sheet, [by, "count"], shown, widths=[40, 10])
    book.save(path)
