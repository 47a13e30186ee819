"""``gongkai gaps``: List open findings with filters, grouped counts and CSV/JSON/XLSX output."""

from flows.commands.common import not_built

gaps = not_built("gaps", 6, "List open findings: filters, counts per group, CSV/JSON/XLSX.")
