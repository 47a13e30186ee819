"""Attachment text: PDF (pypdf) and DOCX (python-docx) made at test time; corrupt input → None."""

from __future__ import annotations

import io
import zipfile

import docx
from gongkai.extractors.attachments import MAX_ATTACHMENT_BYTES, attachment_text
from hypothesis import given, settings
from hypothesis import strategies as st

TEXT = "索引号：QZ05908-3000-2020-00010 文号：鸿政〔2020〕53号"


def make_pdf(text: str) -> bytes:
    """A one-page PDF whose text is ``text``: a Type0 font with a ToUnicode map, CIDs 1..n."""
    chars = list(dict.fromkeys(text))
    cid = {ch: i + 1 for i, ch in enumerate(chars)}
    hexes = "".join(f"{cid[ch]:04X}" for ch in text)
    cmap_lines = "\n".join(f"<{cid[ch]:04X}> <{ord(ch):04X}>" for ch in chars)
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CMapName /Test def /CMapType 2 def\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        f"{len(chars)} beginbfchar\n{cmap_lines}\nendbfchar\n"
        "endcmap CMapName currentdict /CMap defineresource pop end end"
    ).encode("ascii")
    content = f"BT /F1 12 Tf 72 720 Td <{hexes}> Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /TestCJK /Encoding /Identity-H "
        b"/DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /TestCJK "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def make_docx(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_pdf_text() -> None:
    text = attachment_text(make_pdf(TEXT), "附件1.pdf", "application/pdf")
    assert text is not None and "鸿政〔2020〕53号" in text and "QZ05908-3000-2020-00010" in text


def test_pdf_recognised_by_content_not_name() -> None:
    text = attachment_text(make_pdf(TEXT), "download.do?id=7", "application/octet-stream")
    assert text is not None and "索引号" in text


def test_docx_text_with_table() -> None:
    paragraphs = ["示例市人民政府关于示例工作的通知", "示政发〔2021〕3号"]
    raw = make_docx(paragraphs, [["序号", "事项"], ["1", "公开"]])
    text = attachment_text(raw, "附件.docx", None)
    assert text is not None
    assert "示政发〔2021〕3号" in text and "事项" in text


def test_unreadable_inputs_give_none() -> None:
    assert attachment_text(b"", "a.pdf", None) is None
    assert attachment_text(b"%PDF-1.4\n garbage garbage", "a.pdf", None) is None
    assert attachment_text(make_pdf(TEXT)[:200], "cut.pdf", None) is None
    assert attachment_text(b"PK\x03\x04broken zip", "a.docx", None) is None
    assert attachment_text(b"\x00\x01 not a document", "a.ofd", None) is None
    assert attachment_text(b"x" * (MAX_ATTACHMENT_BYTES + 1), "big.txt", "text/plain") is None


def test_zip_bomb_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("padding.bin", b"\0" * (120 * 1024 * 1024))
    assert attachment_text(buffer.getvalue(), "bomb.docx", None) is None


def test_plain_text_attachment_in_gbk() -> None:
    text = "发文字号：示政〔2020〕1号"
    assert attachment_text(text.encode("gbk"), "说明.txt", None) == text


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=2048), st.sampled_from(["a.pdf", "a.docx", "a.txt", "a.wps", "a"]))
def test_never_raises(raw: bytes, name: str) -> None:
    result = attachment_text(b"%PDF-1.4\n" + raw if name == "a.pdf" else raw, name, None)
    assert result is None or isinstance(result, str)
