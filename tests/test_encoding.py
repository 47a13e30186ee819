"""Decoding: UTF-8, GBK, GB2312 labels over GB18030 text, lying labels, BOMs, garbage."""

from __future__ import annotations

from gongkai.extractors.encoding import declared_charset, decode, normalise_label
from hypothesis import given
from hypothesis import strategies as st

PAGE = (
    '<html><head><meta charset="{label}"><title>石狮市鸿山镇人民政府</title></head><body>{body}</body></html>'
)
BODY = "索引号：QZ05908-3000-2020-00010 文号：鸿政〔2020〕53号 成文日期：2020年09月15日" * 3


def page(label: str, body: str = BODY) -> str:
    return PAGE.format(label=label, body=body)


def test_utf8_page() -> None:
    result = decode(page("utf-8").encode("utf-8"))
    assert "鸿政〔2020〕53号" in result.text and result.encoding == "utf-8"


def test_gb2312_label_over_gb18030_characters() -> None:
    # 〔〕 and rare characters such as 昇 / 堃 are outside GB2312 proper; a gb2312 decode loses them.
    text = page("gb2312", BODY + "堃昇镕")
    result = decode(text.encode("gb18030"))
    assert result.text == text and result.encoding == "gb18030"


def test_label_says_utf8_but_bytes_are_gbk() -> None:
    text = page("utf-8")
    assert decode(text.encode("gbk")).text == text


def test_header_says_gbk_but_bytes_are_utf8() -> None:
    text = page("gbk")
    assert decode(text.encode("utf-8"), "text/html; charset=GBK").text == text


def test_no_label_gbk() -> None:
    text = "<p>" + BODY + "</p>"
    assert decode(text.encode("gbk")).text == text


def test_boms() -> None:
    assert decode(b"\xef\xbb\xbf" + "公开".encode()).text == "公开"
    assert decode("\ufeff公开".encode("utf-16-le")).text == "公开"


def test_big5_page() -> None:
    text = '<meta charset="big5"><title>臺北市政府</title>' + "政府資訊公開 發布日期：2020年9月15日" * 3
    assert decode(text.encode("big5")).text == text


def test_labels() -> None:
    assert normalise_label("GB2312") == "gb18030"
    assert normalise_label("x-unknown") is None
    assert (
        declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">') == "gb2312"
    )
    assert declared_charset(b"", "text/html;charset=utf-8") == "utf-8"


@given(st.binary(max_size=4096), st.one_of(st.none(), st.text(max_size=40)))
def test_never_raises(raw: bytes, content_type: str | None) -> None:
    result = decode(raw, content_type)
    assert isinstance(result.text, str)
