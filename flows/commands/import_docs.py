"""``gongkai import-docs``: Load documents from JSON lines (from elsewhere) so they can be audited."""

from flows.commands.common import not_built

import_docs = not_built("import-docs", 6, "Load documents from JSON lines so they can be audited.")
