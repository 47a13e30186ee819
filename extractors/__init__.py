"""gongkai extractors: pure functions ``bytes + url → DocumentRecord`` (no network, no database).

- :func:`extract` reads a detail page's raw bytes (any encoding);
- :func:`extract_text` reads a page given as plain text;
- :func:`attachment_text` reads the text of a PDF/DOCX attachment.
"""

from gongkai.extractors.attachments import attachment_text
from gongkai.extractors.document import extract, extract_text

__all__ = ["attachment_text", "extract", "extract_text"]
