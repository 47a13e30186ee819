"""Extraction on the real pages in ../shared/data/pages, read in place (never copied here).

Every page with an expected ``.json`` beside it must come out exactly as labelled; the same page
re-encoded as GBK/GB18030 at test time (with a lying gb2312 label) must give the identical record.
Pages without a ``.json`` are checked for the real properties the data README describes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from gongkai.extractors import extract
from gongkai.extractors.evaluation import BLOCK_ONLY_FIELDS, golden_pages, load_baseline
from gongkai.models.records import METADATA_FIELDS

from tests.conftest import ROOT, SHARED_DATA

BASELINE = load_baseline(ROOT / "corpus" / "eval" / "extract_baseline.json")
PAGES = golden_pages(SHARED_DATA, BASELINE["negative_globs"])
LABELLED = [page for page in PAGES if page.expected is not None]
NEGATIVES = [page for page in PAGES if page.expected is None]
OTHER = SHARED_DATA / "pages" / "other"
#: Every test here reads the real pages: skipped (and counted) where ../shared/data is missing.
pytestmark = pytest.mark.real_data
_META_CHARSET = re.compile(r"(<meta[^>]*charset=)[\"']?[A-Za-z0-9_-]+", re.IGNORECASE)


def test_the_golden_set_is_there() -> None:
    assert len(LABELLED) >= BASELINE["min_pages"]
    assert len(NEGATIVES) >= 2


@pytest.mark.parametrize("page", LABELLED, ids=[p.path.name for p in LABELLED])
def test_real_page_fields(page) -> None:  # type: ignore[no-untyped-def]
    record = extract(page.path.read_bytes(), page.url)
    got = record.metadata()
    expected = page.expected
    wrong = {name: (expected[name], got[name]) for name in METADATA_FIELDS if got[name] != expected[name]}
    assert not wrong, f"field: (expected, got) {wrong}"
    for name in METADATA_FIELDS:
        assert (got[name] is None) == (name not in record.sources), f"{name} has a value iff it has a source"


def _reencoded(raw: bytes, encoding: str) -> bytes:
    """The page as a GB site would serve it: GB bytes, and a meta label saying gb2312."""
    text = raw.decode("utf-8")
    text = _META_CHARSET.sub(r"\1gb2312", text)
    return text.encode(encoding)


@pytest.mark.parametrize("encoding", ["gb18030", "gbk"])
def test_gb_encoded_variants_give_identical_records(encoding: str) -> None:
    checked = 0
    for page in [*LABELLED, *NEGATIVES]:
        raw = page.path.read_bytes()
        try:
            variant = _reencoded(raw, encoding)
        except UnicodeEncodeError:
            continue  # a character GBK lacks (GB18030 covers every page)
        original = extract(raw, page.url).model_dump(mode="json")
        assert extract(variant, page.url).model_dump(mode="json") == original, page.path.name
        assert extract(variant, page.url, "text/html; charset=GBK").model_dump(mode="json") == original
        checked += 1
    assert checked >= len(LABELLED) - 2


@pytest.mark.parametrize("page", NEGATIVES, ids=[p.path.name for p in NEGATIVES])
def test_news_pages_have_no_metadata_block(page) -> None:  # type: ignore[no-untyped-def]
    record = extract(page.path.read_bytes(), page.url)
    assert all(getattr(record, name) is None for name in BLOCK_ONLY_FIELDS)
    assert "no metadata block" in record.warnings
    assert record.title and record.body_text  # still a page with a title and text


def test_handan_wen_hao_printed_as_wu_is_absent() -> None:
    raw = (OTHER / "handan_details.html").read_bytes()
    assert re.search(r"<strong>文号</strong>：无".encode(), raw)
    record = extract(raw, "http://hdzfxxgk.hd.gov.cn/gszbm/auto23716/202008/t20200802_1352000.html")
    assert record.doc_no is None and "doc_no" not in record.sources
    assert record.index_no == "000014348/2020-35147"


def test_handan_written_date_only_in_a_comment_is_not_read() -> None:
    raw = (OTHER / "handan_details.html").read_bytes()
    assert re.search(r"<!--<p><strong>成文日期</strong>：\d{4}年".encode(), raw)
    record = extract(raw, "http://hdzfxxgk.hd.gov.cn/a.html")
    assert record.written_date is None and "written_date" not in record.sources


def test_nfra_empty_block_gives_empty_fields() -> None:
    raw = (OTHER / "nfra_empty_block.html").read_bytes()
    text = raw.decode("utf-8")
    assert re.search(r"索\W*引\W*号：", text) and "主题分类：" in text  # the block is on the page
    record = extract(raw, "https://www.nfra.gov.cn/cn/view/pages/ItemDetail.html?docId=1212085")
    for name in ("index_no", "topic", "written_date", "doc_no", "validity", "disclosure"):
        assert getattr(record, name) is None, name
    assert "no metadata block" in record.warnings
    # What the page does show comes from the meta tags and the visible date line.
    assert record.published_date is not None and record.published_date.isoformat() == "2025-06-03"
    assert record.sources["title"].stage == "body"  # the visible heading beats <meta> (issue #14)


def test_nfra_penalty_page_reads_meta_and_its_decision_number() -> None:
    raw = (OTHER / "nfra_penalty.html").read_bytes()
    record = extract(raw, "https://www.nfra.gov.cn/cn/view/pages/ItemDetail.html?docId=1170162")
    assert record.published_date is not None and record.published_date.isoformat() == "2024-07-12"
    # The visible "来源：" line names the same body as <meta name="ContentSource">: what a reader
    # sees comes first (issue #14), so the value is read from the page, not guessed from its head.
    assert record.publisher == "保险和非银机构检查局" and record.sources["publisher"].stage == "block"
    assert record.index_no is None and record.written_date is None
    assert "行政处罚决定书" in record.body_text


def test_jilin_block_in_comments_is_read_once_from_the_visible_copy() -> None:
    raw = (OTHER / "jl_gov_cn_2022_00426.html").read_bytes()
    assert raw.count("发文字号：".encode()) == 3  # the block three times, twice inside comments
    record = extract(raw, "http://xxgk.jl.gov.cn/szf/gkml/202201/t20220128_8386052.html")
    assert record.sources["doc_no"].stage == "block"
    assert record.sources["validity"].label == "有效性"
    assert {a.file_type for a in record.attachments} == {"pdf", "doc"}


@pytest.mark.parametrize("name", ["handan_list.html", "jiangxi_sthjt_list.html", "csrc_search_api_page.json"])
def test_list_pages_and_api_pages_do_not_invent_a_block(name: str) -> None:
    record = extract((OTHER / name).read_bytes(), "http://www.example.gov.cn/list/")
    assert record.index_no is None and record.doc_no is None and record.topic is None
    assert "no metadata block" in record.warnings


def test_golden_urls_are_illustrative_but_used(tmp_path: Path) -> None:
    # The URL matters only as a fallback: a gov.cn page gives the same fields with any URL.
    page = LABELLED[0]
    raw = page.path.read_bytes()
    assert extract(raw, "http://other.invalid/x.html").metadata() == extract(raw, page.url).metadata()
