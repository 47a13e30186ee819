"""PDF and DOCX attachments, made at run time and byte-identical for the same text.

PDFs use reportlab's built-in CID font ``STSong-Light`` (no font file needed for Chinese) with
``invariant`` output (no timestamps, no random id); DOCX files get fixed core properties and
fixed zip entry times, so two generations produce the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from functools import lru_cache

from gongkai.demo.model import AttachmentFile

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
_FIXED = datetime(2026, 1, 1, 0, 0, 0)
_FONT = "STSong-Light"


@lru_cache(maxsize=1)
def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(_FONT))


def pdf_bytes(text: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    _register_font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    _, height = A4
    y = height - 72
    for line in text.splitlines():
        # 34 characters of 14 pt fit between the margins: wrap longer lines.
        for start in range(0, max(len(line), 1), 34):
            pdf.setFont(_FONT, 16 if y == height - 72 else 14)
            pdf.drawString(72, y, line[start : start + 34])
            y -= 26
            if y < 72:
                pdf.showPage()
                y = height - 72
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def docx_bytes(text: str) -> bytes:
    import docx

    document = docx.Document()
    lines = text.splitlines()
    document.add_heading(lines[0] if lines else "", level=1)
    for line in lines[1:]:
        document.add_paragraph(line)
    props = document.core_properties
    props.author, props.created, props.modified, props.last_printed = "gongkai demo", _FIXED, _FIXED, _FIXED
    props.revision = 1
    raw = io.BytesIO()
    document.save(raw)
    return _fixed_zip_times(raw.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """Rewrite a zip with fixed entry times (python-docx stamps the current time)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def render(file: AttachmentFile) -> bytes:
    return pdf_bytes(file.text) if file.file_type == "pdf" else docx_bytes(file.text)
