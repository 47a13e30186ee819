"""``gongkai eval classify``: per-task macro-F1 / accuracy of the classifiers on the dev sets."""

from flows.commands.common import not_built

command = not_built("classify", 5, "Per-task classifier macro-F1 and accuracy on the dev sets.")
