"""``gongkai explore``: Open a read-only Datasette explorer over the store with canned queries."""

from flows.commands.common import not_built

explore = not_built("explore", 7, "Open a read-only Datasette explorer with canned queries.")
