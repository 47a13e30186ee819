"""``gongkai demo``: Start the demo sites and run the nightly crawl-and-audit against them."""

from flows.commands.common import not_built

demo = not_built("demo", 8, "Start the demo sites and run the nightly audit against them.")
