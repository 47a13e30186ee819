"""What the audit's results look like to people: the gap queries, the explorer and the assessment report.

Everything here reads the store and never writes it. The SQL lives in one file of named, titled,
documented queries (``corpus/reports/queries.yaml``); the modules run it, compute indicators and
scores from its rows, and render them as tables, HTML, PDF and XLSX.
"""
