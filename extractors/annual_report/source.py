"""A report file (PDF, DOCX, HTML or text) as one text in which table rows are ``| a | b |`` lines.

Tables keep their cells apart (HTML ``<td>``, DOCX cells): each row becomes one line with ``|``
between cells, an empty cell an empty slot. Text without cell boundaries (crawler ``page.txt``,
PDF text) is kept as it is; the table reader splits its digit runs with the format's arithmetic.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from gongkai.extractors.attachments import MAX_PDF_PAGES, MAX_UNPACKED_BYTES
from gongkai.extractors.encoding import decode

#: A page number line a PDF carries in its footer: ``- 3 -``, ``— 3 —``, ``第3页``.
_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页(?:\s*共\s*\d+\s*页)?)\s*$")


class UnreadableReport(ValueError):
    """The file cannot be read at all (not a PDF/DOCX/HTML/text, or broken)."""


def kind_of(raw: bytes, name: str) -> str:
    lower = name.lower()
    if raw[:1024].find(b"%PDF-") >= 0:
        return "pdf"
    if raw.startswith(b"PK\x03\x04"):
        return "docx"
    head = raw[:4096].lower().lstrip()
    if lower.endswith((".html", ".htm", ".shtml")) or head.startswith(
        (b"<!doctype", b"<html", b"<p", b"<table")
    ):
        return "html"
    return "text"


#: A note an archivist put above a copied page (``[source: …]``, ``<!-- source: … -->``): not the report.
_NOTE = re.compile(r"^\s*(?:\[(?:source|note|来源|说明)\b[^\n]*\]|<!--.*?-->)\s*", re.S | re.I)


def strip_note(text: str) -> str:
    return _NOTE.sub("", text, count=1)


def report_text(raw: bytes, name: str, content_type: str | None = None) -> tuple[str, str]:
    """(text, kind) of a report file; raises :class:`UnreadableReport` with one clear reason."""
    kind = kind_of(raw, name)
    try:
        if kind == "pdf":
            return pdf_text(raw), kind
        if kind == "docx":
            return docx_text(raw), kind
        text = strip_note(decode(raw, content_type).text)
        if kind == "html" or text.lstrip().startswith("<"):
            return html_text(text), "html"
        return text, kind
    except UnreadableReport:
        raise
    except Exception as exc:  # a broken file is one line, never a crash
        raise UnreadableReport(f"cannot read {name} as {kind}: {exc}") from exc


def read_file(path: Path) -> tuple[str, str]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UnreadableReport(f"cannot open {path}: {exc.strerror or exc}") from exc
    return report_text(raw, path.name)


def pdf_text(raw: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(raw), strict=False)
    if reader.is_encrypted:
        try:
            reader.decrypt("")
        except Exception as exc:
            raise UnreadableReport(f"encrypted PDF: {exc}") from exc
    lines: list[str] = []
    for number, page in enumerate(reader.pages):
        if number >= MAX_PDF_PAGES:
            break
        for line in (page.extract_text() or "").splitlines():
            if not _PAGE_NUMBER.match(line):
                lines.append(line)
    text = "\n".join(lines)
    if not text.strip():
        raise UnreadableReport("the PDF has no text layer (a scan: OCR it first)")
    return text


def docx_text(raw: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise UnreadableReport("the DOCX unpacks to too much data")
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(raw))
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells, seen = [], None
                for cell in row.cells:  # a merged cell repeats: keep it once
                    if cell._tc is seen:
                        continue
                    seen = cell._tc
                    cells.append(" ".join(cell.text.split()))
                lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


_BLOCK_TAGS = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "title"}


def html_text(html: str) -> str:
    """Text of an HTML page or fragment; each ``<tr>`` one ``| cell | cell |`` line."""
    import lxml.html

    root = lxml.html.fromstring(html) if html.strip() else None
    if root is None:
        return ""
    for bad in root.xpath("//script|//style"):
        # A report embedded in a script string (a CMS's mock data) is still HTML text: keep it.
        if bad.tag == "script" and "<td" in (bad.text or ""):
            continue
        bad.drop_tree()
    out: list[str] = []

    def cell_text(cell: lxml.html.HtmlElement) -> str:
        return " ".join(cell.text_content().replace("\xa0", " ").split())

    def walk(node: lxml.html.HtmlElement) -> None:
        if not isinstance(node.tag, str):  # a comment or processing instruction: only its tail
            out.append(node.tail or "")
            return
        tag = node.tag
        if tag == "tr":
            cells = [cell_text(c) for c in node if isinstance(c.tag, str) and c.tag in ("td", "th")]
            out.append("\n| " + " | ".join(cells) + " |\n")
            out.append(node.tail or "")
            return
        if tag in _BLOCK_TAGS:
            out.append("\n")
        out.append(node.text or "")
        for child in node:
            walk(child)
        if tag in _BLOCK_TAGS:
            out.append("\n")
        out.append(node.tail or "")

    walk(root)
    text = "".join(out).replace("\xa0", " ")
    return re.sub(r"\n\s*\n+", "\n", text)
