"""Extract a :class:`DocumentRecord` from a detail page.

PLACEHOLDER until the extraction issue (#3) lands: it reads only the ``<title>``. The signature is
the contract the crawler and the flows rely on; keep it.
"""

from __future__ import annotations

import re

from extractors.encoding import decode
from models.records import DocumentRecord, FieldSource

_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def extract(raw: bytes, url: str, content_type: str | None = None) -> DocumentRecord:
    """Read one page's bytes (any encoding) into a record. Never raises on bad input."""
    text = decode(raw, content_type).text
    record = DocumentRecord(url=url)
    match = _TITLE.search(text)
    if match and match.group(1).strip():
        title = re.sub(r"\s+", " ", match.group(1)).strip()
        record.title = title
        record.sources["title"] = FieldSource(stage="block", label="<title>", raw=title)
    return record
