"""Writing tables into XLSX sheets safely: crawled text stays text, headers freeze, filters on.

A crawled title such as ``=HYPERLINK("http://evil","点我")`` must never become a formula, and
control characters that XML forbids must not abort the workbook; both are handled here, once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="2F5597")
LINK_FONT = Font(color="0563C1", underline="single")
MAX_CELL = 32000  # Excel's limit is 32,767 characters a cell
#: Sheet names: at most 31 characters, none of []:*?/\
_BAD_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


def sheet_title(text: str) -> str:
    return text.translate(_BAD_SHEET_CHARS)[:31]


def cell_value(value: Any) -> Any:
    """A value openpyxl can store: numbers as numbers, everything else as clean text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", str(value))
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def set_text(ws: Worksheet, row: int, column: int, value: Any) -> None:
    """Write a cell; strings are forced to text so that '=…' is never read as a formula."""
    cell = ws.cell(row=row, column=column)
    cell.value = cell_value(value)
    if isinstance(cell.value, str):
        cell.data_type = "s"


def set_link(ws: Worksheet, row: int, column: int, text: Any, target: str | None) -> None:
    """A hyperlink cell (to a URL, or ``#Sheet!A1`` inside the workbook)."""
    set_text(ws, row, column, text)
    if target:
        cell = ws.cell(row=row, column=column)
        if target.startswith("#") or target.startswith(("http://", "https://")):
            cell.hyperlink = target
        else:
            return
        cell.font = LINK_FONT


def write_table(
    ws: Worksheet,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int] | None = None,
    start_row: int = 1,
) -> int:
    """Headers (bold, frozen) and rows with an autofilter over them; returns the last row written."""
    for col, header in enumerate(headers, start=1):
        set_text(ws, start_row, col, header)
        cell = ws.cell(row=start_row, column=col)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    last = start_row
    for last, row in enumerate(rows, start=start_row + 1):
        for col, value in enumerate(row, start=1):
            set_text(ws, last, col, value)
    ws.freeze_panes = ws.cell(row=start_row + 1, column=1)
    ws.auto_filter.ref = f"A{start_row}:{get_column_letter(len(headers))}{max(last, start_row)}"
    for col, header in enumerate(headers, start=1):
        width = widths[col - 1] if widths and col - 1 < len(widths) else max(8, min(40, 2 * len(header) + 4))
        ws.column_dimensions[get_column_letter(col)].width = width
    return last
