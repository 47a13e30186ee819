"""Whose document is it? Lateness and 解读 duties fall on the agency that made the document.

A site republishes higher-level documents (转载); their 发布日期 is the repost date, not the
original's, so only the site's own documents are tested (BRIEF §1.2, caveat 2). A document is the
site's own when its 发布机构 names the site's agency (or one of its aliases), or its 文号 代字 is one
of them. A site with no agency configured — e.g. documents brought in by ``import-docs`` — counts
every document as its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from gongkai.extractors.values import doc_no_code

_SPACE = re.compile(r"[\s\u3000\u00a0]+")


def _clean(text: str) -> str:
    return _SPACE.sub("", text)


class Ownership:
    """Decides ownership for one site; caches per distinct 发布机构 and 代字 (few per site)."""

    def __init__(self, agency: str | None, aliases: Sequence[str] = ()) -> None:
        self.names = [_clean(n) for n in [agency or "", *aliases] if n and _clean(n)]
        self._publisher: dict[str, bool] = {}
        self._code: dict[str, bool] = {}

    @property
    def configured(self) -> bool:
        return bool(self.names)

    def publisher_is_own(self, publisher: str | None) -> bool:
        if not publisher:
            return False
        if publisher not in self._publisher:
            pub = _clean(publisher)
            self._publisher[publisher] = any(
                name in pub or (len(pub) >= 2 and pub in name) for name in self.names
            )
        return self._publisher[publisher]

    def code_is_own(self, doc_no: str | None) -> bool:
        if not doc_no:
            return False
        if doc_no not in self._code:
            compact = "".join(doc_no.split())
            if not any(name in compact for name in self.names):
                # A 代字 that starts with a name holds it: most 文号 (reposts) need no parse.
                self._code[doc_no] = False
                return False
            code = doc_no_code(doc_no)
            self._code[doc_no] = bool(code) and any(code == n or code.startswith(n) for n in self.names)  # type: ignore[union-attr]
        return self._code[doc_no]

    def why_own(self, publisher: str | None, doc_no: str | None) -> str | None:
        """Why the document is the site's own ("publisher", "doc_no", "no agency configured"), or None."""
        if not self.configured:
            return "no agency configured"
        if self.publisher_is_own(publisher):
            return "publisher"
        if self.code_is_own(doc_no):
            return "doc_no"
        return None
