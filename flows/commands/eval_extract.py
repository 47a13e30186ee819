"""``gongkai eval extract``: per-field accuracy of extraction on the real golden pages."""

from flows.commands.common import not_built

command = not_built("extract", 3, "Per-field extraction accuracy on the real golden pages.")
