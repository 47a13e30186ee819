"""Reading 政府信息公开工作年度报告 (annual reports) into numbers with evidence.

:func:`read_report` takes a file (PDF, DOCX, HTML, text); :func:`read_text` the text of one
(``| a | b |`` lines for tables with cell boundaries). The result names the template (``2021``,
``2019``, ``older``), the year, the agency, the publication date, and parts two to four as
:class:`~gongkai.extractors.annual_report.model.Table` cells; anything it could not read is listed
in ``AnnualReport.reading`` and never guessed.
"""

from __future__ import annotations

import re
from pathlib import Path

from gongkai.extractors.annual_report.layout import MARK_2019, MARK_2021, PART3_HEADING
from gongkai.extractors.annual_report.meta import agency_of, published_of, title_of, year_of
from gongkai.extractors.annual_report.model import (
    PART3_COLUMNS,
    PART4_COLUMNS,
    PART4_GROUPS,
    AnnualReport,
    Cell,
    Problem,
    Table,
)
from gongkai.extractors.annual_report.source import UnreadableReport, read_file, report_text
from gongkai.extractors.annual_report.tables import read_part2, read_part3, read_part4

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

__all__ = [
    "PART3_COLUMNS",
    "PART4_COLUMNS",
    "PART4_GROUPS",
    "AnnualReport",
    "Cell",
    "Problem",
    "Table",
    "UnreadableReport",
    "read_bytes",
    "read_report",
    "read_text",
]


def read_report(path: Path | str) -> AnnualReport:
    """Read a report file; raises :class:`UnreadableReport` (one line) when it is not readable."""
    text, _ = read_file(Path(path))
    return read_text(text, str(path))


def read_bytes(raw: bytes, name: str, content_type: str | None = None) -> AnnualReport:
    text, _ = report_text(raw, name, content_type)
    return read_text(text, name)


def read_text(text: str, path: str = "") -> AnnualReport:
    text = text.translate(_FULLWIDTH_DIGITS)
    report = AnnualReport(path=path, text=text)
    report.title = title_of(text)
    report.year = year_of(report.title)
    report.agency = agency_of(report.title)
    report.published, report.published_source = published_of(text, report.year)
    part3 = read_part3(text)
    report.part3 = part3.table
    report.reading.extend(part3.problems)
    mark21, mark19 = re.search(MARK_2021, text), re.search(MARK_2019, text)
    sub_rows = any(report.part3.has_row(k) for k in ("o1", "o2", "o3"))
    report.other_single_row = report.part3.has_row("o_single") and not sub_rows
    if not part3.found and report.year is None:
        report.reading.append(
            Problem(
                "unreadable", "no annual report in this text: no title with a year, no table of applications"
            )
        )
        return report
    if not part3.found:
        report.template = "older"
        report.template_evidence.append("no part-3 table (本年新收 … 结转下年度) in the format of 2019/2021")
    elif mark21 or sub_rows:
        report.template = "2021"
        report.template_evidence.append(
            f"mark of the 2021 format: {mark21.group(0) if mark21 else '（六）其他处理 1–3'}"
        )
    elif mark19 or report.other_single_row:
        report.template = "2019"
        report.template_evidence.append(
            f"mark of the 2019 format: {mark19.group(0) if mark19 else '（六）其他处理 as one row'}"
        )
    else:
        report.template = "2021"
        report.template_evidence.append("part-3 table without a mark of the 2019 format")
    heading = re.search(PART3_HEADING, text)
    report.part2, problems2 = read_part2(
        text, heading.start() if heading else _part3_start(text), report.template
    )
    report.reading.extend(problems2)
    if part3.found:
        report.part4, problems4 = read_part4(text, part3.end)
        report.reading.extend(problems4)
    return report


def _part3_start(text: str) -> int:
    from gongkai.extractors.annual_report.tables import part3_bounds

    return part3_bounds(text)[0]
