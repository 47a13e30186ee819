"""The shortcuts taken for speed (issue #3) give what the long way gives, and what a reader sees.

Each fast path has a slow twin it must agree with: UTF-8 bytes handed to libxml2 vs the decoded
string, control characters found on bytes vs by regex, hidden elements judged once per subtree,
link text normalised only when it can matter, body facts not looked for once a better source
filled their field.
"""

from __future__ import annotations

import pytest
from gongkai.extractors import extract
from gongkai.extractors.body import body_facts
from gongkai.extractors.dom import control_free, is_hidden, normalize_space, parse_html, visible_lines
from gongkai.extractors.encoding import decode
from gongkai.extractors.links import _attachment_type, _may_name_file
from gongkai.extractors.patterns import ATTACHMENT_EXTENSIONS, INVISIBLE_CHARS
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from tests.conftest import SHARED_DATA

REAL = sorted((SHARED_DATA / "pages").rglob("*.html"))
URL = "http://www.example.gov.cn/zwgk/t20200915_1.html"


def _lines(html: str) -> list[str]:
    root = parse_html(html)
    assert root is not None
    return [line.text for line in visible_lines(root)]


@pytest.mark.real_data
@pytest.mark.parametrize("page", REAL, ids=lambda p: p.name)
def test_utf8_bytes_and_decoded_text_parse_to_the_same_tree(page) -> None:  # type: ignore[no-untyped-def]
    raw = page.read_bytes()
    decoded = decode(raw)
    assert decoded.method == "utf-8"
    from_bytes, from_text = parse_html(raw), parse_html(decoded.text)
    assert from_bytes is not None and from_text is not None
    assert etree.tostring(from_bytes, encoding=str) == etree.tostring(from_text, encoding=str)


def test_control_characters_give_the_same_record_in_every_encoding() -> None:
    page = (
        "<html><body><table><tr><td>索引号：</td><td>000014349/2020-00\x01123</td></tr>"
        "<tr><td>发文字号：</td><td>国办函〔2020〕\x0b71号</td></tr></table>"
        "<p>正文\x00第一段。</p></body></html>"
    )
    clean = extract(page.replace("\x01", "").replace("\x0b", "").replace("\x00", "").encode(), URL)
    for encoding in ("utf-8", "gb18030"):
        raw = page.encode(encoding)
        assert not control_free(raw, decode(raw).text, decode(raw).encoding)
        record = extract(raw, URL)
        assert (record.index_no, record.doc_no) == ("000014349/2020-00123", "国办函〔2020〕71号")
        assert record.body_text == clean.body_text


def test_a_lone_ufffe_is_a_control_character_too() -> None:
    raw = "<p>a\ufffeb</p>".encode()
    assert not control_free(raw, raw.decode(), "utf-8")
    assert control_free(b"<p>ab</p>", "<p>ab</p>", "utf-8")
    # UTF-16 bytes are full of NULs that are not control characters: no byte-level verdict.
    assert not control_free("<p>ab</p>".encode("utf-16-le"), "<p>ab</p>", "utf-16-le")


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_xhtml_with_an_xml_declaration_is_read(encoding: str) -> None:
    page = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><body>'
        "<p>索引号：11110000000000000X/2020-00001</p><p>发布机构：国务院办公厅</p></body></html>"
    )
    record = extract(page.encode(encoding), URL)
    assert record.index_no == "11110000000000000X/2020-00001"
    assert record.publisher == "国务院办公厅"
    assert "empty page" not in record.warnings


@pytest.mark.parametrize(
    "attributes",
    [
        'style="display:none"',
        'style="DISPLAY: NONE"',
        'style="Display : None"',
        'style="color:red;visibility:hidden"',
        'style="VISIBILITY:Hidden"',
        "hidden",
        'class="a ng-hide b"',
    ],
)
def test_hidden_elements_and_their_subtrees_are_not_read(attributes: str) -> None:
    lines = _lines(f"<div>前<div {attributes}>藏<p>也藏<b>更藏</b></p></div>后</div><p>尾</p>")
    # A hidden block lays out no box either: the text around it stays on one line.
    assert lines == ["前后", "尾"]


@pytest.mark.parametrize(
    "attributes",
    ['style="border:none"', 'style="overflow:hidden"', 'class="ng-hidden"', 'class="hide"', 'title="hidden"'],
)
def test_look_alike_attributes_hide_nothing(attributes: str) -> None:
    root = parse_html(f"<div><span {attributes}>看得见</span></div>")
    assert root is not None
    assert not is_hidden(root.find(".//span"))
    assert [line.text for line in visible_lines(root)] == ["看得见"]


def test_line_breaks_spaces_and_tails() -> None:
    html = (
        "<div>\n  <p>  第一行<br>第二行<br/> </p>\n\t<span>行内</span> <a href='#'>链接</a>"
        "<div>块</div>尾巴\u200b</div>"
    )
    assert _lines(html) == ["第一行", "第二行", "行内 链接", "块", "尾巴"]
    root = parse_html(html)
    assert root is not None
    link_line = visible_lines(root)[2]
    assert (link_line.text, link_line.link_chars) == ("行内 链接", 2)


def test_a_malformed_link_is_one_bad_link_not_a_failed_page() -> None:
    page = (
        "<html><body><p>索引号：000014349/2020-00123</p>"
        '<div class="content"><p>正文第一段，足够长的一段文字。</p>'
        '<a href="http://[bad.pdf">附件1.pdf</a><a href="/files/附件2.docx">附件2</a></div></body></html>'
    )
    record = extract(page.encode(), URL)
    assert not any(w.startswith("extraction failed") for w in record.warnings)
    assert record.index_no == "000014349/2020-00123"
    assert [a.file_type for a in record.attachments] == ["docx"]


def test_attachment_found_by_url_with_query_or_by_link_text() -> None:
    assert _attachment_type("/a/b/附件.PDF?id=3", "") == "pdf"
    assert _attachment_type("/a/b/file.html", "实施细则.xlsx") == "xlsx"
    assert _attachment_type("/a/b.pdf/view.html", "查看") is None
    # urlsplit drops line breaks inside a URL; so does the quick test.
    assert _attachment_type("/a/b.p\ndf", "") == "pdf"


_ANCHOR_TEXT = st.lists(
    st.one_of(
        st.sampled_from([f".{ext}" for ext in ATTACHMENT_EXTENSIONS]),
        st.sampled_from([" ", "\u3000", "\n", "\xa0", *INVISIBLE_CHARS, ".", "附件", "x", "DOCX"]),
        st.text(max_size=8),
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_ANCHOR_TEXT)
def test_the_link_text_precheck_never_misses_a_file(raw_text: str) -> None:
    if _attachment_type("/page.html", normalize_space(raw_text)) is not None:
        assert _may_name_file("/page.html", raw_text)


def test_body_facts_skip_only_what_is_already_known() -> None:
    root = parse_html(
        "<div><p>关于某某事项的通知</p><p>国办函〔2020〕71号</p><p>各省人民政府：</p>"
        "<p>现将有关事项通知如下。</p><p>国务院办公厅</p><p>2020年9月15日</p>"
        "<p>（此件公开发布）</p></div>"
    )
    assert root is not None
    lines = visible_lines(root)
    full = body_facts(lines)
    assert (full.doc_no, str(full.written_date), full.signatory, full.disclosure_note) == (
        "国办函〔2020〕71号",
        "2020-09-15",
        "国务院办公厅",
        "公开发布",
    )
    known = body_facts(lines, {"doc_no", "disclosure"})
    assert (known.doc_no, known.disclosure_note) == (None, None)
    assert known.written_date == full.written_date  # still wanted: only one of the pair is known
    both = body_facts(lines, {"written_date", "publisher"})
    assert (both.written_date, both.signatory, both.doc_no) == (None, None, full.doc_no)


# --- issue #14's speed rewrites, each against the slow form it replaced --------------------------

_DATE_PIECES = st.lists(
    st.sampled_from(
        [
            "2020",
            "1999",
            "２０２１",
            "二〇二〇",
            "2101",
            "年",
            "月",
            "日",
            "-",
            "/",
            ".",
            "．",
            " ",
            "\u3000",
            "1",
            "01",
            "12",
            "13",
            "31",
            "32",
            "十",
            "十二",
            "三十一",
            "廿一",
            " 10:08",
            "印发",
            "x",
        ]
    ),
    max_size=9,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(_DATE_PIECES)
def test_a_date_line_is_matched_at_its_start_as_the_full_scan_found_it(text: str) -> None:
    from gongkai.extractors import patterns as p
    from gongkai.extractors.dates import is_date_line, iter_dates

    stripped = text.strip(p.SPACE_CHARS)
    slow = None
    if stripped[:1] in p.DATE_FIRST_CHARS:
        for start, end, value in iter_dates(stripped):
            if start == 0 and not stripped[end:].strip(p.SPACE_CHARS):
                slow = value
            break
    assert is_date_line(text) == slow


_SCRIPT_PIECES = st.lists(
    st.sampled_from(
        [
            "document.write(",
            "document . writeln (",
            ")",
            ";",
            "\n",
            "}",
            " ",
            "a",
            '"x)"',
            "'<td>有效性：</td>'",
            "(",
            ")\n",
            ");",
            "\\'",
            '"',
            "'",
            "\\",
        ]
    ),
    max_size=24,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(_SCRIPT_PIECES)
def test_document_write_and_string_literals_match_as_the_backtracking_patterns_did(code: str) -> None:
    import re

    from gongkai.extractors import dom

    lazy = re.compile(r"document\s*\.\s*write(?:ln)?\s*\((?P<arg>.*?)\)\s*;?\s*(?:$|\}|\n)", re.DOTALL)
    literal = re.compile(r"\"((?:[^\"\\\n]|\\.)*)\"|'((?:[^'\\\n]|\\.)*)'")
    assert [(m.span(), m.group("arg")) for m in dom._DOCUMENT_WRITE.finditer(code)] == [
        (m.span(), m.group("arg")) for m in lazy.finditer(code)
    ]
    assert dom._STRING_LITERAL.findall(code) == literal.findall(code)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from([0x20, 0x0A, 0x41, 0x45, 0x7E, 0x80, 0xA1, 0xA3, 0xA4, 0xB0, 0xFE]), max_size=60)
)
def test_big5_sniffing_counts_pairs_as_the_byte_loop_did(values: list[int]) -> None:
    from gongkai.extractors.encoding import _DOUBLE_BYTE, _LOW_TRAIL_PAIR

    raw = bytes(values)
    pairs = low_trail = i = 0
    while i < len(raw) - 1:
        if raw[i] < 0x80:
            i += 1
            continue
        pairs += 1
        low_trail += 0x40 <= raw[i + 1] <= 0x7E and raw[i] >= 0xA4
        i += 2
    assert (_DOUBLE_BYTE.subn(b"", raw)[1], _LOW_TRAIL_PAIR.subn(b"", raw)[1]) == (pairs, low_trail)


def test_one_walk_finds_what_three_walks_found() -> None:
    """page_elements gives the scripts, anchors and first <base> that separate walks give."""
    from gongkai.extractors.dom import page_elements

    html = (
        "<html><head><script>var a = 1;</script></head><body><a href='1'>一</a><p><a href='2'>二</a>"
        "<base href='http://other.gov.cn/'><script>document.write('x')</script><base href='/x/'></p>"
        "<div><a href='3'><span>三</span></a></div></body></html>"
    )
    root = parse_html(html)
    assert root is not None
    found = page_elements(root)
    assert found.scripts == list(root.iter("script"))
    assert found.anchors == list(root.iter("a"))
    assert [a.get("href") for a in found.anchors] == ["1", "2", "3"]
    assert found.base is next(root.iterdescendants("base"))  # a <base> in the body counts, the first
    assert found.base.get("href") == "http://other.gov.cn/"
    none = parse_html("<html><body><p>无链接</p></body></html>")
    assert none is not None and page_elements(none).base is None


@pytest.mark.parametrize("order", [1, -1])
def test_spelled_heading_prefers_the_whole_title_whatever_the_hint_order(order: int) -> None:
    """<title> cut at its dash and ArticleTitle whole both spell lines: the whole title wins, in
    any order of the hints (a set made this depend on string hashing, i.e. on the process)."""
    from gongkai.extractors.heading import spelled_heading

    root = parse_html(
        "<html><body><div><p>为现代化建设凝聚强大智慧和力量</p><div>——热烈祝贺会议开幕</div></div>"
        "<p>正文第一段落的文字。</p></body></html>"
    )
    assert root is not None
    hints = ["为现代化建设凝聚强大智慧和力量", "为现代化建设凝聚强大智慧和力量——热烈祝贺会议开幕"][::order]
    heading = spelled_heading(visible_lines(root), hints)
    assert heading is not None
    assert heading.text == "为现代化建设凝聚强大智慧和力量——热烈祝贺会议开幕"
