"""``gongkai train``: Train the classifiers from the real labelled data and write their model cards."""

from flows.commands.common import not_built

train = not_built("train", 5, "Train the classifiers from real labelled data, with cards.")
