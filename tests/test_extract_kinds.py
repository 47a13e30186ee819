"""Issue #14 mechanisms on small hand-made pages (no shared data needed): page kinds, the heading
over <title>, who is never a publisher, the 落款 of an 印发 notice, labels without colons."""

from __future__ import annotations

from datetime import date

from gongkai.extractors import extract, extract_text

URL = "http://127.0.0.1:1/a/1.html"
TEXT = "<p>" + "这是正文的一段文字，足够长，使它成为页面上最重的部分。" * 4 + "</p>"


def page(body: str, head: str = "") -> bytes:
    return f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>".encode()


def test_error_pages_and_script_stubs_are_other_with_no_fields() -> None:
    error = extract(page("<div class='msg'><h2>提示信息</h2><p>该信息不存在或已被删除</p></div>"), URL)
    stub = extract(page("<script>window.location.href='/index.html';</script>"), URL)
    for record in (error, stub):
        assert record.page_kind == "other"
        assert all(value is None for value in record.metadata().values())


def test_a_page_of_links_is_a_list_and_yields_no_first_row_values() -> None:
    rows = "".join(
        f"<li><a href='/a/{n}.html'>关于做好第{n}项工作的通知</a><span>2024-0{n % 9 + 1}-01</span></li>"
        for n in range(30)
    )
    record = extract(page(f"<div class='nav'><a href='/'>首页</a></div><ul class='list'>{rows}</ul>"), URL)
    assert record.page_kind == "list"
    assert record.doc_no is None and record.title is None and record.published_date is None


def test_news_keeps_title_and_date_not_the_numbers_its_text_cites() -> None:
    body = (
        "<div class='crumb'>首页 &gt; 新闻中心 &gt; 工作动态</div>"
        "<h1 class='title'>我市召开住房公积金工作座谈会</h1><div class='info'>2024-05-06 来源：某某日报</div>"
        "<div class='content'><p>会议传达了《国务院办公厅关于做好工作的通知》（国办发〔2019〕54号）。</p>"
        f"{TEXT}</div>"
    )
    record = extract(page(body, "<title>首页_某某市人民政府网站</title>"), URL)
    assert record.page_kind == "news"
    assert record.title == "我市召开住房公积金工作座谈会"
    assert record.published_date == date(2024, 5, 6) and record.sources["published_date"].stage == "body"
    assert record.doc_no is None and record.publisher is None  # a newspaper is never a publisher


def test_heading_beats_title_element_and_breadcrumb_never_is_a_title() -> None:
    body = (
        "<div class='position'>当前位置：首页 &gt; 政务公开 &gt; 通知公告</div>"
        "<div class='article-title'>某某市住房公积金管理中心关于调整贷款政策的通知</div>"
        "<div class='info'>发布时间：2024-03-08 信息来源：本网</div>"
        f"<div class='content'>{TEXT}<p>某某市住房公积金管理中心</p><p>2024年3月1日</p></div>"
    )
    head = "<title>通知公告-某某市住房公积金管理中心</title><meta name='ContentSource' content='本网'>"
    record = extract(page(body, head), URL)
    assert record.page_kind == "document"
    assert record.title == "某某市住房公积金管理中心关于调整贷款政策的通知"
    assert record.sources["title"].stage == "body"
    # 本网 (as 来源 and as ContentSource) is no publisher: the 落款 signs the document.
    assert record.publisher == "某某市住房公积金管理中心" and record.sources["publisher"].label == "落款"
    assert record.written_date == date(2024, 3, 1) and record.published_date == date(2024, 3, 8)


def test_the_covering_notice_signs_before_the_attached_measures() -> None:
    body = (
        "<h1>某某市人民政府办公室关于印发某某市住房保障办法的通知</h1>"
        "<div class='content'><p>各区人民政府，市政府各部门：</p>"
        f"<p>《某某市住房保障办法》已经市政府同意，现印发给你们，请认真贯彻执行。</p>{TEXT}"
        "<p>某某市人民政府办公室</p><p>2023年5月10日</p>"
        "<p>某某市住房保障办法</p>"
        f"{TEXT}<p>某某市住房和城乡建设局</p><p>2023年4月2日</p></div>"
    )
    record = extract(page(body), URL)
    assert record.written_date == date(2023, 5, 10)
    assert record.publisher == "某某市人民政府办公室"


def test_joint_signatories_are_joined_as_printed() -> None:
    body = (
        "<h1>某某市财政局 某某市税务局关于做好工作的通知</h1>"
        f"<div class='content'>{TEXT}<p>某某市财政局</p><p>某某市税务局</p><p>2022年1月26日</p></div>"
    )
    record = extract(page(body), URL)
    assert record.publisher == "某某市财政局某某市税务局"
    assert record.written_date == date(2022, 1, 26)


def test_bracketed_labels_need_no_colon_and_yes_reads_as_in_force() -> None:
    block = (
        "<ol class='doc-info'><li>[发文机构] 某某市财政局</li><li>[成文日期] 2026-06-22</li>"
        "<li>[发文字号] 某财发〔2026〕5号</li><li>[主题分类] 财政、金融、审计/财政</li>"
        "<li>[有效性] 是</li></ol>"
    )
    record = extract(page(block + "<h1>某某市财政局关于做好工作的通知</h1>" + TEXT), URL)
    assert record.publisher == "某某市财政局" and record.doc_no == "某财发〔2026〕5号"
    assert record.written_date == date(2026, 6, 22) and record.validity == "现行有效"
    assert record.topic_levels == ["财政、金融、审计", "财政"]


def test_text_reads_spaced_and_tab_separated_labels_like_colons() -> None:
    lines = [
        "首页 > 政务公开 > 通知公告",
        "索{s}引{s}号{sep}11330100MB0000001X/2023-00042",
        "发布机构{sep}示例县人民政府办公室",
        "成文日期{sep}2023-03-06 发文字号{sep}示政办发〔2023〕7号",
        "示例县人民政府办公室关于印发示例方案的通知",
        "各乡镇人民政府，县政府各部门：",
        "《示例方案》已经县政府同意，现印发给你们，请认真贯彻执行。",
    ]
    for spaced in ("", " ", "\u3000"):
        for sep in ("：", "  ", "\u3000", "\t"):
            text = "\n".join(line.format(s=spaced, sep=sep) for line in lines)
            record = extract_text(text, URL)
            assert record.index_no == "11330100MB0000001X/2023-00042", (spaced, sep)
            assert record.publisher == "示例县人民政府办公室", (spaced, sep)
            assert record.written_date == date(2023, 3, 6), (spaced, sep)
            assert record.doc_no == "示政办发〔2023〕7号", (spaced, sep)
            assert record.title == "示例县人民政府办公室关于印发示例方案的通知", (spaced, sep)
            assert record.page_kind == "document"
