"""``gongkai eval``: Measure extraction and classification accuracy against the real labelled data."""

from flows.commands.common import not_built

evaluate = not_built("eval", 3, "Measure extraction/classification accuracy on real data.")
