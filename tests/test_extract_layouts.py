"""Golden layouts of our own making (tests/golden): one page per block layout or extraction rule."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from gongkai.extractors import extract, extract_text
from gongkai.models.records import DocumentRecord

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p for p in GOLDEN.iterdir() if p.suffix in (".html", ".txt"))


def _record(page: Path, url: str) -> DocumentRecord:
    raw = page.read_bytes()
    return extract_text(raw.decode("utf-8"), url) if page.suffix == ".txt" else extract(raw, url)


def _actual(record: DocumentRecord, key: str) -> Any:
    data = record.model_dump(mode="json")
    if key.startswith("sources."):
        source = record.sources.get(key.split(".", 1)[1])
        return source.stage if source else None
    if key == "attachments":
        return [a.url for a in record.attachments]
    if key.endswith("_links"):
        kind = key.removesuffix("_links")
        return [link.url for link in record.links if link.kind == kind]
    return data[key]


@pytest.mark.parametrize("page", CASES, ids=[p.stem for p in CASES])
def test_golden_layout(page: Path) -> None:
    expected = json.loads(page.with_suffix(".expected.json").read_text(encoding="utf-8"))
    record = _record(page, expected["url"])
    wrong = {
        key: (value, _actual(record, key))
        for key, value in expected.items()
        if key not in ("url", "note") and _actual(record, key) != value
    }
    assert not wrong, f"{page.name}: key: (expected, got) {wrong}"


def test_every_golden_page_has_expectations() -> None:
    assert len(CASES) >= 10
    for page in CASES:
        assert page.with_suffix(".expected.json").is_file(), page


def test_sources_name_the_label_as_printed() -> None:
    page = GOLDEN / "table_two_columns.html"
    record = extract(page.read_bytes(), "http://www.example.gov.cn/a.html")
    assert record.sources["publisher"].label == "发文单位"
    assert record.sources["written_date"].raw == "二〇一九年十二月三十一日"
    assert record.sources["index_no"].label == "索引号"


def test_labels_spaced_with_entities_and_ideographic_spaces() -> None:
    html = (
        "<table><tr><td>索&ensp;引&ensp;号</td><td>000014349/2020-00072</td></tr>"
        "<tr><td>发\u3000文\u3000字\u3000号</td><td>国办发〔2020〕26号</td></tr>"
        "<tr><td>发&emsp;布&emsp;日&emsp;期</td><td>2020年7月30日</td></tr></table>"
    )
    record = extract(html.encode("utf-8"), "http://www.example.gov.cn/")
    assert (record.index_no, record.doc_no) == ("000014349/2020-00072", "国办发〔2020〕26号")
    assert record.published_date is not None and record.published_date.isoformat() == "2020-07-30"


def test_unrecognised_disclosure_is_kept_raw() -> None:
    html = "<ul><li>公开方式：内部传阅</li><li>索引号：000014349/2020-00072</li></ul>"
    record = extract(html.encode("utf-8"), "http://www.example.gov.cn/")
    assert record.disclosure is None and record.disclosure_raw == "内部传阅"


def test_column_header_rows_do_not_leak_into_values() -> None:
    # A label cell whose value cell is empty must not take the next row's label or text.
    html = (
        "<table><tr><td>发布机构：</td><td></td></tr><tr><td>成文日期：</td><td>2021-01-02</td></tr></table>"
        "<p>这里是正文的第一段，内容很长很长，不能被当作发布机构。</p>"
    )
    record = extract(html.encode("utf-8"), "http://www.example.gov.cn/")
    assert record.publisher is None and record.written_date is not None
