"""One truth behind every way in (issue #18): the same printed document gives the same record and
the same findings whether it is crawled (a generated detail page through ``extract``) or imported
(a line of ``gongkai import-docs``)."""

from __future__ import annotations

import html
from datetime import date
from typing import Any

from gongkai.audits.batch import DocBatch, SiteData
from gongkai.audits.catalog import load_standard
from gongkai.audits.importer import record_from_line
from gongkai.audits.rules import RULES_BY_ID, AuditContext
from gongkai.extractors import extract
from gongkai.extractors import patterns as p
from gongkai.models.records import DocumentRecord, SiteConfig
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

TODAY = date(2026, 6, 30)
SITE = SiteConfig(
    name="onetruth",
    agency="石狮市鸿山镇人民政府",
    agency_aliases=["鸿政"],
    start_urls=["http://127.0.0.1:1/"],
    allowed_hosts=["127.0.0.1"],
)
#: Labels as a 信息公开 property table prints them.
LABELS = {
    "title": "标题",
    "index_no": "索引号",
    "doc_no": "发文字号",
    "publisher": "发文机关",
    "written_date": "成文日期",
    "published_date": "发布日期",
    "disclosure": "公开属性",
    "topic": "主题分类",
    "validity": "有效性",
}
#: Record fields both ways must agree on (sources, warnings and body differ by nature).
COMPARED = (
    *LABELS,
    "disclosure_raw",
    "doc_no_normalized",
    "doc_no_defects",
    "index_no_defects",
    "topic_levels",
    "registration_no",
)
DOCUMENT_RULES = ("metadata_missing", "doc_no_format", "date_inconsistency", "disclosure_attribute")
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")

years = st.integers(2008, 2026)


@st.composite
def printed_dates(draw: st.DrawFn) -> str:
    y, m, d = draw(years), draw(st.integers(1, 12)), draw(st.integers(1, 28))
    shape = draw(
        st.sampled_from(
            [
                "{y}年{m}月{d}日",
                "{y}-{m:02d}-{d:02d}",
                "{y}/{m}/{d}",
                "{y}.{m:02d}.{d:02d}",
                "{y}-{m:02d}-{d:02d} 10:08",
            ]
        )
    )
    text = shape.format(y=y, m=m, d=d)
    return text.translate(_FULLWIDTH) if draw(st.booleans()) and "年" in text else text


@st.composite
def printed_doc_nos(draw: st.DrawFn) -> str:
    code = draw(st.sampled_from(["豫政", "国办发", "鸿政", "晋政发", "石政办"]))
    if draw(st.integers(0, 9)) == 0:
        return f"{code}令第{draw(st.integers(1, 999))}号"
    year = str(draw(years))
    if draw(st.integers(0, 9)) == 0:
        year = year[2:]
    opening, closing = draw(
        st.sampled_from([("〔", "〕"), ("[", "]"), ("（", "）"), ("【", "】"), ("", ""), ("〔", "")])
    )
    number = str(draw(st.integers(1, 300)))
    if draw(st.integers(0, 6)) == 0:
        number = "0" + number
    di = "第" if draw(st.integers(0, 6)) == 0 else ""
    hao = "" if draw(st.integers(0, 8)) == 0 else "号"
    space = " " if draw(st.integers(0, 5)) == 0 else ""
    text = f"{code}{space}{opening}{year}{closing}{di}{number}{hao}"
    return text.translate(_FULLWIDTH) if draw(st.integers(0, 8)) == 0 else text


@st.composite
def printed_index_nos(draw: st.DrawFn) -> str:
    year, serial = draw(years), draw(st.integers(1, 99999))
    shape = draw(
        st.sampled_from(
            [
                "QZ05908-3000-{y}-{n:05d}",
                "000014349/{y}-{n:05d}",
                "000014349 /{y}-{n:05d}",
                "ABC{n}",
                "11350500MB1{n:07d}／{y}-{n:05d}",
            ]
        )
    )
    return shape.format(y=year, n=serial)


disclosures = st.one_of(
    st.sampled_from(sorted(p.DISCLOSURE_MAP)),
    st.sampled_from(
        ["（主动公开）", "主动公开（全文）", "依申请公开（涉及商业秘密）", "内部", "受控发布", "无"]
    ),
)
titles = st.builds(
    "关于做好{}工作的{}".format,
    st.sampled_from(["安全生产", "防汛抗旱", "春季造林", "就业帮扶", "医疗保障"]),
    st.sampled_from(["通知", "意见", "实施方案"]),
)
publishers = st.sampled_from(["石狮市鸿山镇人民政府", "石狮市人民政府办公室", "福建省人民政府", "无"])
#: The printed values of one document. A page is a document to the extractor only when its labels
#: give one of a document's own fields a value (索引号, 文号, 成文日期, 公开属性, 主题分类, 有效性:
#: ``extractors.document._has_block``); a page of 标题 and "发布机构：无" alone is not one. What
#: is compared here is how values are read, not what counts as a block.
document = st.fixed_dictionaries(
    {},
    optional={
        "title": titles,
        "index_no": printed_index_nos(),
        "doc_no": printed_doc_nos(),
        "publisher": publishers,
        "written_date": printed_dates(),
        "published_date": printed_dates(),
        "disclosure": disclosures,
        "topic": st.sampled_from(["综合政务\\通知", "城乡建设、环境保护/防灾减灾", "财政"]),
        "validity": st.sampled_from(["有效", "失效", "废止"]),
    },
).filter(
    lambda printed: any(
        key in ("index_no", "doc_no", "written_date", "disclosure", "topic", "validity")
        and value.strip().lower() not in p.ABSENT_VALUES
        for key, value in printed.items()
    )
)


def page(printed: dict[str, str]) -> bytes:
    """A detail page with the printed values in its 信息公开 property table (no other source)."""
    rows = "".join(
        f"<tr><td>{LABELS[key]}：</td><td>{html.escape(value)}</td></tr>" for key, value in printed.items()
    )
    return (
        "<html><head><meta charset='utf-8'></head><body>"
        f"<table class='xxgk'>{rows}</table>"
        "<div id='zoom'><p>为进一步做好有关工作，现将事项通知如下。</p><p>一、请各单位认真落实。</p></div>"
        "</body></html>"
    ).encode()


def crawled(printed: dict[str, str], url: str) -> DocumentRecord:
    return extract(page(printed), url).model_copy(update={"site": SITE.name})


def imported(printed: dict[str, str], url: str) -> DocumentRecord:
    record, _ = record_from_line({**printed, "url": url, "site": SITE.name}, None)
    return record


def findings(record: DocumentRecord) -> list[tuple[str, str, Any]]:
    data = SiteData(
        site=SITE.name, config=SITE, docs=DocBatch.from_records([record]), catalog=load_standard()
    )
    ctx = AuditContext(today=TODAY)
    return sorted(
        (f.rule_id, f.detail, f.severity)
        for rule_id in DOCUMENT_RULES
        for f in RULES_BY_ID[rule_id].run(data, ctx)
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document)
@example({"disclosure": "全文公开", "doc_no": "豫政 2011 27号", "written_date": "2011年3月2日"})
@example({"doc_no": "晋政发[2008]29号", "index_no": "000014349 /2018-00204", "written_date": "2018-05-01"})
def test_crawl_and_import_give_the_same_record_and_findings(printed: dict[str, str]) -> None:
    url = "http://127.0.0.1:1/doc/1.html"
    by_crawl, by_import = crawled(printed, url), imported(printed, url)
    assert by_crawl.model_dump(include=set(COMPARED)) == by_import.model_dump(include=set(COMPARED))
    assert findings(by_crawl) == findings(by_import)


def test_the_cases_the_issue_names_agree() -> None:
    """全文公开 is 主动公开 both ways; 豫政 2011 27号 gets one set of defect codes."""
    url = "http://127.0.0.1:1/doc/2.html"
    printed = {"disclosure": "全文公开", "doc_no": "豫政 2011 27号", "written_date": "2011-03-02"}
    for record in (crawled(printed, url), imported(printed, url)):
        assert record.disclosure == "主动公开" and record.disclosure_raw is None
        assert record.doc_no_defects == ["stray_space", "missing_brackets"]
        assert record.doc_no_normalized == "豫政〔2011〕27号"
    rules = {rule for rule, _, _ in findings(imported(printed, url))}
    assert "disclosure_attribute" not in rules and "doc_no_format" in rules
