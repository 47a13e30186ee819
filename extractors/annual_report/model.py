"""What a read annual report is: its template, year, agency and tables as numbers with evidence.

Every number keeps where it came from (``Cell.row``/``Cell.column`` in the format's own names and
the raw text it was read from), so a finding can point at the cell it rests on. A blank cell is 0
with ``blank=True``; a cell that could not be read is ``value=None``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

Template = Literal["2021", "2019", "older"]

#: Part-three columns in the format's order (自然人 | 法人或其他组织 ×5 | 总计).
PART3_COLUMNS: tuple[str, ...] = (
    "自然人",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
    "总计",
)
#: Part-four groups and their five columns.
PART4_GROUPS: tuple[str, ...] = ("review", "litigation_direct", "litigation_after_review")
PART4_COLUMNS: tuple[str, ...] = ("maintained", "corrected", "other", "pending", "total")
PART4_NAMES_ZH = {
    "review": "行政复议",
    "litigation_direct": "行政诉讼·未经复议直接起诉",
    "litigation_after_review": "行政诉讼·复议后起诉",
    "maintained": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}


@dataclass(frozen=True)
class Cell:
    """One table cell: its number (None = unreadable), whether it was blank, and its position."""

    table: str  # part2 | part3 | part4
    row: str  # the row's key (part3: new, carried_over, granted, d1 …) or name
    column: str  # the column's name in the format
    value: float | int | None
    blank: bool = False
    source: str = ""  # the raw text the row was read from (a digit run, the cell's text)
    how: str = "cell"  # cell | separated | split-unique | split-by-columns

    @property
    def number(self) -> int | float:
        """The value with a blank read as 0 (unreadable cells are 0 here; check ``value``)."""
        return self.value or 0

    def as_evidence(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "blank": self.blank,
            "source": self.source,
            "how": self.how,
        }


@dataclass(frozen=True)
class Problem:
    """Something found in one report: ``code`` (table_sum, balance, late …), a one-line detail,
    the evidence, and whether it is only ``to_review``."""

    code: str
    detail: str
    evidence: dict[str, Any] = field(default_factory=dict)
    certainty: Literal["confirmed", "to_review"] = "confirmed"
    review_reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "detail": self.detail, "certainty": self.certainty}
        if self.review_reason:
            out["review_reason"] = self.review_reason
        return out


@dataclass
class Table:
    """Rows of cells keyed by row key then column name (only rows found in the report)."""

    name: str
    rows: dict[str, dict[str, Cell]] = field(default_factory=dict)

    def get(self, row: str, column: str) -> Cell | None:
        return self.rows.get(row, {}).get(column)

    def value(self, row: str, column: str) -> int | float | None:
        """The number of a cell (blank = 0); None when the row is missing or the cell unreadable."""
        cell = self.get(row, column)
        return None if cell is None else (cell.number if cell.value is not None or cell.blank else None)

    def has_row(self, row: str) -> bool:
        return row in self.rows


@dataclass
class AnnualReport:
    path: str
    text: str
    title: str | None = None
    agency: str | None = None
    year: int | None = None
    published: date | None = None
    published_source: str | None = None  # where the date was read (发布时间 line, 落款 …)
    template: Template | None = None
    template_evidence: list[str] = field(default_factory=list)
    other_single_row: bool = False  # （六）其他处理 one row (the 2019 format's table)
    part2: Table = field(default_factory=lambda: Table("part2"))
    part3: Table = field(default_factory=lambda: Table("part3"))
    part4: Table = field(default_factory=lambda: Table("part4"))
    #: Problems met while reading (unreadable runs, missing tables): code ``unreadable``.
    reading: list[Problem] = field(default_factory=list)

    def part3_total(self, row: str) -> int | float | None:
        return self.part3.value(row, "总计")

    def summary(self) -> dict[str, Any]:
        """The figures the command prints: part3's 总计 column and part4's three groups."""
        results = self.part3_total("total")
        return {
            "part3": {
                "new": self.part3_total("new"),
                "carried_over": self.part3_total("carried_over"),
                "results_total": results,
                "carried_forward": self.part3_total("carried_forward"),
            },
            "part4": {
                group: {column: self.part4.value(group, column) for column in PART4_COLUMNS}
                for group in PART4_GROUPS
            },
        }
