"""``gongkai audit``: run the audit rules over stored documents (built by the audit issue)."""

from flows.commands.common import not_built

audit = not_built("audit", 6, "Run the audit rules over stored documents; open/close findings.")
