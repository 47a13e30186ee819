"""Hostile input: arbitrary bytes, truncated real pages, 10 MB pages, deep nesting → a record."""

from __future__ import annotations

import resource
import time

import pytest
from gongkai.extractors import extract, extract_text
from gongkai.models.records import DocumentRecord
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SHARED_DATA

REAL = sorted((SHARED_DATA / "pages").rglob("*.html"))
URL = "http://www.example.gov.cn/a/t20200101_1.html"


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=4096), st.one_of(st.none(), st.text(max_size=30)))
def test_arbitrary_bytes(raw: bytes, content_type: str | None) -> None:
    assert isinstance(extract(raw, URL, content_type), DocumentRecord)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=3000))
def test_arbitrary_text(text: str) -> None:
    assert isinstance(extract_text(text, URL), DocumentRecord)
    assert isinstance(extract(text.encode("utf-8", "surrogatepass"), URL), DocumentRecord)


@pytest.mark.real_data
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(REAL), st.floats(min_value=0.0, max_value=1.0), st.integers(0, 3))
def test_truncated_real_pages(page, fraction: float, cut_mode: int) -> None:  # type: ignore[no-untyped-def]
    raw = page.read_bytes()
    cut = int(len(raw) * fraction)
    # Cut anywhere, also inside a multi-byte character, or keep only the tail.
    piece = raw[:cut] if cut_mode < 2 else raw[cut:]
    if cut_mode == 3:
        piece = piece.replace(b">", b"", 3)
    assert isinstance(extract(piece, URL), DocumentRecord)


def test_ten_megabyte_page_is_bounded() -> None:
    block = "<tr><td>索引号：</td><td>000014349/2020-00072</td></tr>"
    paragraph = "<p>" + "政务公开标准化规范化" * 40 + "</p>\n"
    page = f"<html><body><table>{block}</table>{paragraph * 26_000}</body></html>".encode()
    assert len(page) > 10_000_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    record = extract(page, URL)
    elapsed = time.perf_counter() - started
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert record.index_no == "000014349/2020-00072"
    assert any("cut" in warning for warning in record.warnings)
    assert len(record.body_text) <= 200_000
    assert grown_mb < 1500, f"peak memory grew by {grown_mb:.0f} MB"
    assert elapsed < 120  # a sanity bound on a loaded machine, not a speed test (see bench/)


def test_deeply_nested_tags() -> None:
    depth = 50_000
    page = ("<div>" * depth + "<p>发文字号：国办发〔2020〕26号</p>" + "</div>" * depth).encode("utf-8")
    record = extract(page, URL)
    assert isinstance(record, DocumentRecord)
    spans = ("<span><b><i>" * 20_000 + "成文日期：2020-07-23" + "</i></b></span>" * 20_000).encode("utf-8")
    assert isinstance(extract(spans, URL), DocumentRecord)


def test_unclosed_comments_and_scripts() -> None:
    page = "<html><body><p>索引号：1</p><!-- never closed <script>var a='".encode()
    assert isinstance(extract(page, URL), DocumentRecord)
    assert isinstance(extract(b"\x00" * 1000 + b"<p>x</p>", URL), DocumentRecord)
