"""``gongkai demo-sites``: generate and serve the demo government sites on 127.0.0.1."""

from flows.commands.common import not_built

demo_sites = not_built("demo-sites", 4, "Generate and serve the demo disclosure sites on loopback.")
