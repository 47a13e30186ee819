"""``gongkai report``: Write the assessment report (HTML, PDF, XLSX) with indicators, scores and evidence."""

from flows.commands.common import not_built

report = not_built("report", 7, "Write the assessment report (HTML, PDF, XLSX) with evidence.")
