"""``gongkai crawl``: Crawl configured sites' disclosure columns (polite, incremental, archived)."""

from flows.commands.common import not_built

crawl = not_built("crawl", 4, "Crawl sites' disclosure columns: polite, incremental, archived.")
