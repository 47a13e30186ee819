"""Text of attached files (PDF via pypdf, DOCX via python-docx, plain text), with size caps.

An attachment is untrusted input: it may be truncated, encrypted, a zip bomb, or not what its
name says. :func:`attachment_text` decides by content (magic bytes) first, by name second, caps
what it reads, and answers None instead of raising when it cannot read a file.
"""

from __future__ import annotations

import io
import logging
import zipfile

from gongkai.extractors.dom import normalize_space
from gongkai.extractors.encoding import decode

#: Files bigger than this are not read (a 政府文件 PDF is rarely over a few MB).
MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
#: A DOCX whose parts would unpack to more than this is treated as a zip bomb.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_PDF_PAGES = 300
#: Text beyond this many characters is cut.
MAX_TEXT_CHARS = 2_000_000

_log = logging.getLogger(__name__)


def _kind(raw: bytes, filename: str, content_type: str | None) -> str | None:
    name = filename.lower()
    ctype = (content_type or "").lower()
    head = raw[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if raw.startswith(b"PK\x03\x04"):
        named = name.endswith((".docx", ".wps")) or "wordprocessingml" in ctype
        if named or _zip_has(raw, "word/document.xml"):
            return "docx"
        return None
    if name.endswith(".txt") or ctype.startswith("text/plain"):
        return "text"
    return None


def _zip_has(raw: bytes, member: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return member in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _pdf_text(raw: bytes) -> str | None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(raw), strict=False)
    if reader.is_encrypted:
        try:
            reader.decrypt("")
        except Exception:  # pypdf raises several types for unsupported encryption
            return None
    parts: list[str] = []
    size = 0
    for number, page in enumerate(reader.pages):
        if number >= MAX_PDF_PAGES or size >= MAX_TEXT_CHARS:
            break
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
    return "\n".join(parts)


def _docx_text(raw: bytes) -> str | None:
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
            return None
    import docx

    document = docx.Document(io.BytesIO(raw))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def attachment_text(raw: bytes, filename: str, content_type: str | None = None) -> str | None:
    """The text of an attachment, or None when it cannot (or may not) be read. Never raises."""
    try:
        if not raw or len(raw) > MAX_ATTACHMENT_BYTES:
            return None
        kind = _kind(raw, filename, content_type)
        if kind == "pdf":
            text = _pdf_text(raw)
        elif kind == "docx":
            text = _docx_text(raw)
        elif kind == "text":
            text = decode(raw, content_type).text
        else:
            return None
    except Exception as exc:  # a corrupt file must never stop a run: one line, then None
        _log.warning("cannot read attachment %s: %s", filename, exc)
        return None
    if text is None:
        return None
    text = "\n".join(normalize_space(line) for line in text[:MAX_TEXT_CHARS].splitlines())
    return text.strip() or None
