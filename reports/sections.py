"""Optional report sections: a data function and a template partial each, in report order.

A section that a feature adds (the annual-report section: timeliness of each agency's 年度报告, its
arithmetic checks, the trend of applications) registers here with one :class:`Section` entry:

- ``data(report_data, report)`` returns what its partial needs, or None when it has nothing to
  say for this scope (the section is then left out of the report);
- ``template`` is a Jinja partial under ``corpus/reports/templates/sections/``; it receives
  ``section`` (this entry), ``data`` (what ``data`` returned), ``report`` and the report's
  filters and macros, and renders one ``<h2>`` section. The heading's number is given as
  ``number``.
- ``sheet(workbook, data)``, optional, writes its sheet(s) into the XLSX. The workbook is
  write-only (openpyxl `write_only=True`): create sheets with `workbook.create_sheet` and fill them
  with `reports.sheets.stream_table`.

The sections render after the per-agency report cards and before the findings list
(see ``corpus/reports/templates/report.html.j2``, ``{% for item in report.sections %}``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    template: str
    data: Callable[[Any, Any], Any]
    sheet: Callable[[Any, Any], None] | None = None


@dataclass(frozen=True)
class Rendered:
    """One optional section with its data, as the renderers receive it."""

    section: Section
    data: Any


#: The optional sections in report order. The annual-report section goes here.
SECTIONS: list[Section] = []


def collect(report_data: Any, report: Any, sections: list[Section] | None = None) -> list[Rendered]:
    """The sections that have something to say for this report, in order."""
    out = []
    for section in SECTIONS if sections is None else sections:
        data = section.data(report_data, report)
        if data is not None:
            out.append(Rendered(section, data))
    return out
