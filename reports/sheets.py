"""Writing tables into XLSX sheets safely: crawled text stays text, headers freeze, filters on.

A crawled title such as ``=HYPERLINK("http://evil","点我")`` must never become a formula, and
control characters that XML forbids must not abort the workbook; both are handled here, once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="2F5597")
LINK_FONT = Font(color="0563C1", underline="single")
HEADER_ALIGNMENT = Alignment(vertical="center", wrap_text=True)
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


# --- Write-only sheets: the report's workbook streams its rows (51,000 findings × 24 columns
# would otherwise be a million cell objects held, then serialised). A write-only sheet takes its
# column widths and frozen pane before the first row and its autofilter after the last.


def text_row(ws: WriteOnlyWorksheet, row: Sequence[Any]) -> list[Any]:
    """A row of clean values for ``ws.append``: a string openpyxl would read as a formula (``=…``)
    becomes a cell forced to text."""
    out: list[Any] = []
    for value in row:
        if isinstance(value, Cell):
            out.append(value)
            continue
        value = cell_value(value)
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(ws, value)
            cell.data_type = "s"
            value = cell
        out.append(value)
    return out


def link_cell(ws: WriteOnlyWorksheet, text: Any, target: str | None) -> Any:
    """A hyperlink cell (to a URL, or ``#Sheet!A1``) for a streamed row; plain text otherwise."""
    if not target or not target.startswith(("#", "http://", "https://")):
        return text_row(ws, [text])[0]
    cell = WriteOnlyCell(ws, None)
    # The link's cell reference is set again when the row is written; any valid one will do here.
    cell.row, cell.column = 1, 1
    cell.hyperlink = target
    cell.value = cell_value(text)
    cell.data_type = "s" if isinstance(cell.value, str) else cell.data_type
    cell.style = _named_style(ws, "gongkai-link", font=LINK_FONT)
    return cell


def _named_style(ws: WriteOnlyWorksheet, name: str, **attributes: Any) -> str:
    """A named cell style of the workbook, added on first use. Tens of thousands of link and rate
    cells then share one style by name, instead of each looking its font or format up anew."""
    book = ws.parent
    if name not in book.named_styles:
        book.add_named_style(NamedStyle(name=name, **attributes))
    return name


def styled_cell(
    ws: WriteOnlyWorksheet, value: Any, number_format: str | None = None, fill: str | None = None
) -> Any:
    """A cell with a number format or a solid fill (``#RRGGBB``) for a streamed row."""
    cell = text_row(ws, [value])[0]
    if not isinstance(cell, Cell):
        cell = WriteOnlyCell(ws, cell)
    if number_format and fill:
        raise ValueError("a styled cell takes a number format or a fill, not both")
    if number_format:
        cell.style = _named_style(ws, f"gongkai-format-{number_format}", number_format=number_format)
    if fill:
        colour = fill.lstrip("#").upper()
        cell.style = _named_style(ws, f"gongkai-fill-{colour}", fill=PatternFill("solid", fgColor=colour))
    return cell


def stream_table(
    ws: WriteOnlyWorksheet,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int] | None = None,
) -> int:
    """Headers (bold, frozen) and rows with an autofilter over them on a write-only sheet;
    returns the last row written. Rows may hold cells from :func:`link_cell`/:func:`styled_cell`."""
    for col, header in enumerate(headers, start=1):
        width = widths[col - 1] if widths and col - 1 < len(widths) else max(8, min(40, 2 * len(header) + 4))
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
    head = []
    for header in headers:
        cell = WriteOnlyCell(ws, cell_value(header))
        cell.data_type = "s"
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
        head.append(cell)
    ws.append(head)
    last = 1
    for row in rows:
        ws.append(text_row(ws, row))
        last += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{last}"
    return last


def stream_rows(ws: WriteOnlyWorksheet, rows: Iterable[Sequence[Any]]) -> None:
    """More rows after a :func:`stream_table` (a totals line): no header, no filter change."""
    for row in rows:
        ws.append(text_row(ws, row))
