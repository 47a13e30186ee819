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


# --- issue #14, second pass: what the check half of multisite still missed ---------------------


def test_a_hidden_body_that_a_script_copies_out_is_read_with_its_script_printed_source() -> None:
    # TRS WCM: the text sits in a display:none div whose markup a script writes out; 来源 is
    # printed by a script with a default; the 文号 sits under the heading, outside the text.
    body = (
        "<h2 class='title'>某某市人民政府办公厅关于做好某项工作的通知</h2><h3>某府办发〔2020〕35号</h3>"
        "<div class='info'>时间：2020-09-23 来源：<script>var ly = '';"
        "if(ly == ''){ly=\"某某市人民政府\";}document.write(ly);</script></div>"
        f"<div id='DOCHTMLCON' style='display:none'>{TEXT}<div>某某市人民政府办公厅</div>"
        "<div>2020年9月22日</div></div>"
        '<script>var str=document.getElementById("DOCHTMLCON").innerHTML;document.write(str);</script>'
    )
    record = extract(page(body), URL)
    assert record.written_date == date(2020, 9, 22) and record.sources["written_date"].label == "落款日期"
    assert record.publisher == "某某市人民政府" and record.sources["publisher"].label == "来源"
    assert record.doc_no == "某府办发〔2020〕35号"
    # Without the copying script the div stays hidden: no 落款 is read.
    hidden = extract(page(body.replace("innerHTML", "textContent")), URL)
    assert hidden.written_date is None


def test_a_script_prints_only_literal_text() -> None:
    from gongkai.extractors.dom import script_output

    assert script_output("var ly = '某局'; if(ly == ''){ly='某市政府';} document.write(ly);") == "某局"
    assert script_output("document.write(a + b);") is None  # anything but a literal or a name
    assert script_output("document.write('<tr><td>有效性：</td></tr>');") is None  # markup
    assert script_output("var a = 'x'; alert(a); document.write(a);") is None  # any other statement


def test_signatures_with_a_stamp_note_and_many_joint_bodies() -> None:
    meeting = extract(
        page(
            f"<h1>关于印发若干措施的通知</h1><div class='content'>{TEXT}"
            "<p>省促进消费体制机制厅际联席会议（代章）</p><p>2022年1月26日</p></div>"
        ),
        URL,
    )
    assert meeting.written_date == date(2022, 1, 26)
    assert meeting.publisher == "省促进消费体制机制厅际联席会议"  # the stamp note is not the name
    bodies = [f"某某市第{n}局" for n in "一二三四五六七八九十"]
    signed = "".join(f"<p>{name}</p>" for name in bodies)
    joint = extract(
        page(f"<h1>关于某事项的通知</h1><div class='content'>{TEXT}{signed}<p>2024年5月13日</p></div>"), URL
    )
    assert joint.publisher == "".join(bodies) and joint.written_date == date(2024, 5, 13)


def test_a_source_line_ends_at_its_date_and_a_poster_is_a_publisher_only_when_a_body() -> None:
    line = "<div class='info'>来源:某某区人力资源和社会保障局 2024-02-23 15:16 浏览量:</div>"
    record = extract(page(f"<h1>关于某事项的公告</h1>{line}<div class='content'>{TEXT}</div>"), URL)
    assert record.publisher == "某某区人力资源和社会保障局"
    body = f"<div class='content'>{TEXT}<p>某某市住房公积金管理中心</p><p>2023年9月13日</p></div>"
    for poster, expected in (
        ("市住房公积金管理中心", "市住房公积金管理中心"),
        ("张三", "某某市住房公积金管理中心"),
    ):
        info = f"<div class='info'>发布时间：2023-09-14 发布者：{poster}</div>"
        found = extract(page(f"<h1>关于调整政策的通知</h1>{info}{body}"), URL)
        assert found.publisher == expected  # a person's name gives way to the 落款


def test_a_lone_name_label_deep_in_the_text_is_no_title() -> None:
    account = "<p>名称：某某市自然资源和规划局保证金专户</p><p>开户行：某某银行</p>"
    body = f"<div class='content'><p>某某市国有建设用地使用权出让公告</p>{TEXT * 3}{account}</div>"
    record = extract(page(body, "<title>某某市国有建设用地使用权出让公告_某某交易平台</title>"), URL)
    assert record.title == "某某市国有建设用地使用权出让公告"
    block = extract(
        page(
            f"<table><tr><td>名称：某某局关于某事的通知</td></tr><tr><td>文号：某发〔2024〕1号</td></tr></table>{TEXT}"
        ),
        URL,
    )
    assert block.title == "某某局关于某事的通知" and block.sources["title"].stage == "block"


def test_the_lines_that_spell_the_article_title_beat_a_column_name_heading() -> None:
    head = "<meta name='ArticleTitle' content='某某市发展和改革委员会 某某市公安局关于印发若干措施的通知'>"
    body = (
        "<h1>某某市发展和改革委员会<span>行政规范性文件</span></h1>"
        "<div class='content'><p>某某市发展和改革委员会</p><p>某 某 市 公 安 局</p>"
        f"<p>关于印发《若干措施》的通知</p><p>某发改规范〔2025〕7号</p>{TEXT}</div>"
    )
    record = extract(page(body, head), URL)
    assert "".join(record.title.split()) == "某某市发展和改革委员会某某市公安局关于印发《若干措施》的通知"
    # A <title> whose ending bracket holds the 文号: the 文号 line is no part of the title.
    body = f"<div class='content'><p>某某市出让公告</p><p>（某规公告[2021]11号）</p>{TEXT}</div>"
    numbered = extract(page(body, "<title>某某市出让公告（某规公告[2021]11号）_某某平台</title>"), URL)
    assert numbered.title == "某某市出让公告" and numbered.doc_no == "某规公告[2021]11号"


def test_text_heading_skips_menus_and_lines_above_the_breadcrumb_and_finds_the_number_under_it() -> None:
    text = "\n".join(
        [
            "简体版 繁体版 | EN | 登录",
            "长者模式 退出长者模式 无障碍浏览",
            "当前位置：首页 > 政务公开 > 通知公告",
            "某某市人民政府关于做好某项工作的通知",
            "某府发〔2015〕6号",
            "2015-06-04 14:46",
            "各区人民政府：" + "现将有关事项通知如下。" * 5,
        ]
    )
    record = extract_text(text, URL)
    assert record.title == "某某市人民政府关于做好某项工作的通知"
    assert record.doc_no == "某府发〔2015〕6号" and record.published_date == date(2015, 6, 4)
