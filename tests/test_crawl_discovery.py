"""Discovery rules on small invented pages: list items, pagination styles, JSON list APIs,
column names, dates, and the optional per-site hints."""

from __future__ import annotations

import json
from datetime import date

import pytest
from gongkai.crawler.columns import column_kind, column_name
from gongkai.crawler.dates import find_date, parse_date_value
from gongkai.crawler.html import parse_page
from gongkai.crawler.jsonapi import find_api_urls, parse_api
from gongkai.crawler.listing import analyse_list, hinted_items
from gongkai.crawler.pagination import current_page_number, next_page

BASE = "http://127.0.0.1:8801/xxgk/zcwj/index.html"


def page(body: str, url: str = BASE, head: str = "") -> object:
    return parse_page(f"<html><head>{head}</head><body>{body}</body></html>".encode(), url)


def test_list_items_in_li_table_and_div_layouts() -> None:
    li = page(
        '<ul><li><a href="t1.html" title="关于开展春季植树活动的通知（全文）">关于开展春季植树活动的…</a>'
        "<span>2024-03-05</span></li>"
        '<li><a href="t2.html">关于调整公交线路的公告</a><span>2024/2/9</span></li></ul>'
    )
    items = analyse_list(li).items  # type: ignore[arg-type]
    assert [(i.url.rsplit("/", 1)[-1], i.date) for i in items] == [
        ("t1.html", date(2024, 3, 5)),
        ("t2.html", date(2024, 2, 9)),
    ]
    assert items[0].title == "关于开展春季植树活动的通知（全文）"  # the title attribute beats "…"
    table = page(
        "<table><tr><th>名称</th><th>索引号</th><th>发布日期</th></tr>"
        '<tr><td><a href="/a/1.html">某某镇防汛应急预案</a></td><td>QH-2024-001</td>'
        "<td>2024年5月6日</td></tr>"
        '<tr><td><a href="/a/2.html">某某镇森林防火预案</a></td><td>QH-2024-002</td>'
        "<td>2024年4月1日</td></tr>"
        "</table>"
    )
    analysis = analyse_list(table)  # type: ignore[arg-type]
    assert len(analysis.items) == 2 and not analysis.detail
    divs = page(
        '<div class="list"><div class="row"><a href="x1.html">第一季度财政收支情况</a><i>2024.04.10</i></div>'
        '<div class="row"><a href="x2.html">第二季度财政收支情况</a><i>2024.07.10</i></div></div>'
        '<div class="side"><a href="/other.html">联系我们</a></div>'
    )
    assert [i.date for i in analyse_list(divs).items] == [date(2024, 4, 10), date(2024, 7, 10)]  # type: ignore[arg-type]


def test_an_undated_row_of_a_dated_list_is_still_an_item() -> None:
    # A list row without its date is an item all the same: its missing 发布日期 is itself a finding.
    table = page(
        '<table><tr><td><a href="/a/1.html">某某镇防汛应急预案</a></td><td>2024-05-06</td></tr>'
        '<tr><td><a href="/a/2.html">某某镇森林防火预案</a></td><td></td></tr>'
        '<tr><td><a href="/a/3.html">某某镇人口普查公报</a></td><td>2024-04-01</td></tr></table>'
        '<div class="links"><a href="/about.html">关于我们网站的说明</a></div>'
    )
    items = analyse_list(table).items  # type: ignore[arg-type]
    assert [(i.url.rsplit("/", 1)[-1], i.date) for i in items] == [
        ("1.html", date(2024, 5, 6)),
        ("2.html", None),
        ("3.html", date(2024, 4, 1)),
    ]


def test_hub_empty_column_and_detail_page() -> None:
    hub = page(
        '<div><h3>政策文件<a href="/zcwj/">更多</a></h3><ul><li><a href="/zcwj/1.html">关于甲事项的通知</a>'
        '<span>2024-01-02</span></li><li><a href="/zcwj/2.html">关于乙事项的通知</a>'
        "<span>2024-01-01</span></li></ul></div>"
        '<div><h3>通知公告<a href="/tzgg/">更多</a></h3><ul><li><a href="/tzgg/1.html">关于丙事项的公告</a>'
        '<span>2024-01-03</span></li><li><a href="/tzgg/2.html">关于丁事项的公告</a>'
        "<span>2024-01-04</span></li></ul></div>"
    )
    analysis = analyse_list(hub)  # type: ignore[arg-type]
    assert analysis.hub and not analysis.items and len(analysis.other_items) == 4
    empty = analyse_list(page("<h2>工作动态</h2><ul><li>暂无信息</li></ul>"))  # type: ignore[arg-type]
    assert empty.empty_marker and not empty.items
    detail = analyse_list(  # type: ignore[arg-type]
        page(
            "<table><tr><td>索引号：</td><td>QH-2024-00001</td><td>发布机构：</td><td>某某镇人民政府</td></tr></table>"
            '<p>相关链接：<a href="/b.html">关于戊事项的通知</a> 2024-01-05</p>'
        )
    )
    assert detail.detail and not detail.items


@pytest.mark.parametrize(
    ("body", "url", "expected"),
    [
        ('<a href="index_1.html">下一页</a>', BASE, "http://127.0.0.1:8801/xxgk/zcwj/index_1.html"),
        (
            "<script>var countPage = 5;var currentPage = 1;"
            'createPageHTML(countPage, currentPage, "index", "html");</script>',
            "http://127.0.0.1:8801/xxgk/zcwj/index_1.html",
            "http://127.0.0.1:8801/xxgk/zcwj/index_2.html",
        ),
        ('<script>createPageHTML(3, 2, "index", "shtml");</script>', BASE, None),  # last page
        ("<script>createPageHTML('page_div', 4, 0, 'index', 'html', 58);</script>", BASE,
         "http://127.0.0.1:8801/xxgk/zcwj/index_1.html"),
        ('<a href="?page=1">1</a> <span>2</span> <a href="?page=3">3</a>',
         "http://127.0.0.1:8801/xxgk/tzgg/?page=2", "http://127.0.0.1:8801/xxgk/tzgg/?page=3"),
        ('<a href="list.jsp?pageNo=2">2</a>', "http://127.0.0.1:8801/list.jsp?pageNo=1",
         "http://127.0.0.1:8801/list.jsp?pageNo=2"),
        ('<a href="index_1.html">2</a><a href="index_9.html">尾页</a>', BASE,
         "http://127.0.0.1:8801/xxgk/zcwj/index_1.html"),
        ('<a href="javascript:void(0)">下一页</a>', BASE, None),
        # an icon link named jd_2.html is no page 3 of a ?page= series
        ('<a href="?page=1">1</a> <a href="jd_2.html"><img src="i.png"></a>',
         "http://127.0.0.1:8801/xxgk/tzgg/?page=2", None),
        # TRS document.write pagers: the link written out, or built from countPage/currentPage
        ("<script>document.write('<a href=\"index_2.html\">下一页</a>');</script>",
         "http://127.0.0.1:8801/xxgk/zcwj/index_1.html", "http://127.0.0.1:8801/xxgk/zcwj/index_2.html"),
        ('<script>var currentPage = 1; var countPage = 3; if (currentPage + 1 < countPage) '
         '{ document.write("<a href=\'index_" + (currentPage + 1) + ".shtml\'>下一页</a>"); }</script>',
         "http://127.0.0.1:8801/a/index_1.shtml", "http://127.0.0.1:8801/a/index_2.shtml"),
        ('<script>var currentPage = 2; var countPage = 3; document.write("<a href=\'index_" + '
         '(currentPage + 1) + ".shtml\'>下一页</a>");</script>',
         "http://127.0.0.1:8801/a/index_2.shtml", None),
    ],
)  # fmt: skip
def test_next_page(body: str, url: str, expected: str | None) -> None:
    assert next_page(page(body, url)) == expected  # type: ignore[arg-type]


def test_page_numbers() -> None:
    assert current_page_number(BASE) == 1
    assert current_page_number("http://a/x/index_3.html") == 4
    assert current_page_number("http://a/x/?page=7") == 7


def test_json_api_found_in_scripts_and_attributes_and_paged() -> None:
    found = page(
        '<div id="list" data-api="/api/v1/docs?channel=12&page=1"></div>'
        "<script>$.ajax({ type: 'get', url: '/cms/getList.do?pageNo=1', success: render });"
        'axios.get("/static/app.css"); fetch("/xxgk/" + id + "/list.json");</script>'
    )
    assert find_api_urls(found) == [  # type: ignore[arg-type]
        "http://127.0.0.1:8801/api/v1/docs?channel=12&page=1",
        "http://127.0.0.1:8801/cms/getList.do?pageNo=1",
    ]
    body = {
        "status": "ok",
        "result": {
            "pageNo": 1,
            "totalPages": 3,
            "records": [
                {"docTitle": "关于甲事项的批复", "docUrl": "/a/1.html", "publishTime": 1704153600000},
                {"docTitle": "关于乙事项的批复", "docUrl": "/a/2.html", "publishTime": "2024-01-01 08:00"},
            ],
            "channels": [{"name": "栏目", "id": 3}],
        },
    }
    api = parse_api(
        json.dumps(body, ensure_ascii=False).encode(), "http://127.0.0.1:8801/cms/getList.do?pageNo=1"
    )
    assert [i.url for i in api.items] == ["http://127.0.0.1:8801/a/1.html", "http://127.0.0.1:8801/a/2.html"]
    assert [i.date for i in api.items] == [date(2024, 1, 2), date(2024, 1, 1)]
    assert api.next_url == "http://127.0.0.1:8801/cms/getList.do?pageNo=2"
    last = dict(body, result={**body["result"], "pageNo": 3})  # type: ignore[dict-item]
    assert (
        parse_api(json.dumps(last).encode(), "http://127.0.0.1:8801/cms/getList.do?pageNo=3").next_url is None
    )
    assert parse_api(b"not json", "http://a/").items == []


def test_json_api_held_in_a_named_variable() -> None:
    # var LIST_API = "…"; fetch(LIST_API + "?page=" + n): the literal sits in the assignment.
    found = page(
        '<ul id="api-list"></ul><script>var LIST_API = "/api/xxgk/tzgg/list";'
        'var cssUrl = "/css/site.css"; function load(n) { fetch(LIST_API + "?page=" + n); }</script>'
    )
    assert find_api_urls(found) == ["http://127.0.0.1:8801/api/xxgk/tzgg/list"]  # type: ignore[arg-type]


def test_column_names_and_kinds() -> None:
    assert (
        column_name(page("<h2>x</h2>", head='<meta name="ColumnName" content="规范性文件">')) == "规范性文件"
    )  # type: ignore[arg-type]
    crumb = page('<div class="position">当前位置：首页 &gt; 信息公开 &gt; 通知公告</div><h2>列表</h2>')
    assert column_name(crumb) == "通知公告"  # type: ignore[arg-type]
    assert column_name(page("", head="<title>工作动态 - 某某镇人民政府</title>")) == "工作动态"  # type: ignore[arg-type]
    names = ("工作动态", "通知公告", "政策文件", "政策解读", "机构职能")
    assert [column_kind(n, "http://a/", None) for n in names] == [
        "news",
        "notice",
        "policy",
        "other",
        "other",
    ]


def test_dates() -> None:
    assert find_date("发布时间：2024年3月5日 10:00") == date(2024, 3, 5)
    assert find_date("2024-13-45 and 2023-02-28") == date(2023, 2, 28)
    assert find_date("文号 青禾政〔2024〕12号") is None
    assert parse_date_value(1704153600) == date(2024, 1, 2)  # epoch seconds, Asia/Shanghai
    assert parse_date_value("20240105") == date(2024, 1, 5)
    assert parse_date_value(True) is None and parse_date_value(12) is None


def test_hints_override_discovery() -> None:
    body = (
        '<div class="news"><a href="/n/1.html">首条新闻</a></div>'
        '<div class="docs"><p><a href="/d/100.html">关于甲的通知</a> 2024-01-02</p>'
        '<p><a href="/d/101.html">关于乙的通知</a></p></div>'
    )
    by_pattern = hinted_items(page(body), None, r"/d/\d+\.html$")  # type: ignore[arg-type]
    assert [i.url.rsplit("/", 1)[-1] for i in by_pattern] == ["100.html", "101.html"]
    assert by_pattern[0].date == date(2024, 1, 2) and by_pattern[1].date is None
    by_xpath = hinted_items(page(body), "//div[@class='news']//a", None)  # type: ignore[arg-type]
    assert [i.title for i in by_xpath] == ["首条新闻"]


def test_dates_inside_links_and_lists_without_dates() -> None:
    inside = page(
        '<ul><li><a href="a1.html">关于开展秋季防火检查的通知<span>2023-01-05</span></a></li>'
        '<li><a href="a2.html">关于调整办公时间的公告 (2023-01-04)</a></li>'
        '<li><a href="a3.html">关于公布第三批名录的通知（2023年1月3日）</a></li></ul>'
    )
    items = analyse_list(inside).items  # type: ignore[arg-type]
    assert [(i.title, i.date) for i in items] == [
        ("关于开展秋季防火检查的通知", date(2023, 1, 5)),
        ("关于调整办公时间的公告", date(2023, 1, 4)),
        ("关于公布第三批名录的通知", date(2023, 1, 3)),
    ]
    undated = page(
        '<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/a/">机构概况</a></li>'
        '<li><a href="/b/">政务公开</a></li></ul></div>'
        '<div class="main"><ul><li><a href="d1.html">某某区二〇二四年重点民生实事项目计划</a></li>'
        '<li><a href="d2.html">某某区二〇二四年国民经济和社会发展计划</a>'
        '<a href="jd2.html"><img src="jd.png"></a></li>'
        '<li><a href="d3.html">某某区二〇二四年政府投资项目计划</a></li></ul></div>'
    )
    analysis = analyse_list(undated)  # type: ignore[arg-type]
    assert [i.url.rsplit("/", 1)[-1] for i in analysis.items] == ["d1.html", "d2.html", "d3.html"]
    assert all(i.date is None for i in analysis.items)
    assert [u.rsplit("/", 1)[-1] for u in analysis.related] == ["jd2.html"]  # the row's 解读 icon
    menu_only = page(
        '<ul><li><a href="/a/">机构概况</a></li><li><a href="/b/">政务公开</a></li>'
        '<li><a href="/c/">互动交流</a></li></ul>'
    )
    assert analyse_list(menu_only).items == []  # type: ignore[arg-type]


def test_hanweb_datastore_and_its_next_group() -> None:
    from gongkai.crawler.hanweb import next_group, page_datastore, parse_datastore

    records = "".join(
        f'<record><![CDATA[<li><a href="/art/2022/1/{20 - n}/art_1_{n}.html" title="第{n}号示例通知全文">'
        f"第{n}号示例…</a><b>2022-01-{20 - n:02d}</b></li>]]></record>"
        for n in range(6)
    )
    html = (
        '<div id="u1"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/'
        'dataproxy.jsp?page=1&amp;columnid=7">]]></nextgroup><recordset>'
        + records
        + "</recordset></datastore>"
        "</script></div><script>$('#u1').jpage({perPage: 2, totalRecord: 15, groupSize: 3});</script>"
    )
    store = page_datastore(page(html))  # type: ignore[arg-type]
    assert store is not None and store.records == 6 and store.total == 15
    assert store.items[0].title == "第0号示例通知全文" and store.items[0].date == date(2022, 1, 20)
    group = next_group(store)
    assert group == (
        "http://127.0.0.1:8801/module/web/jpage/dataproxy.jsp?page=1&columnid=7&startrecord=7&endrecord=12&perpage=2"
    )
    answer = parse_datastore(
        "<datastore><totalrecord>15</totalrecord><recordset>" + records + "</recordset></datastore>",
        "http://127.0.0.1:8801/",
    )
    assert answer is not None and next_group(answer, group) is not None  # 7-12 of 15: one more group
    last = group.replace("startrecord=7&endrecord=12", "startrecord=13&endrecord=18")
    assert next_group(answer, last) is None


def test_post_api_parameters_become_query_parameters() -> None:
    found = page(
        '<ul id="docList"></ul><script>$.ajax({ type: "POST", url: "/interface/getList.do", '
        'data: { channelId: "88", pageNo: 1, pageSize: 6 }, dataType: "json" });</script>'
    )
    assert find_api_urls(found) == [  # type: ignore[arg-type]
        "http://127.0.0.1:8801/interface/getList.do?channelId=88&pageNo=1&pageSize=6"
    ]


def test_a_call_that_posts_is_told_from_one_that_gets() -> None:
    """Only the call whose options say POST (or ``$.post``) is asked for by POST, with the
    parameters it sends going in the body; a URL merely assigned, or fetched by ``$.getJSON``
    after a POST call closed, stays a GET."""
    from gongkai.crawler.fetch import PostForm
    from gongkai.crawler.jsonapi import find_api_calls

    found = page(
        '<script>$.ajax({ type: "POST", url: "/interface/getList.do",'
        ' data: { channelId: "88", pageNo: 1 } });'
        ' var listUrl = "/api/list.json"; $.getJSON("/api/other/list?x=1");'
        ' $.post("/api/p/list", {a: 1}); fetch("/api/f/list", {method: "POST"});</script>'
    )
    calls = {c.url.removeprefix("http://127.0.0.1:8801"): c.post for c in find_api_calls(found)}  # type: ignore[arg-type]
    assert calls == {
        "/interface/getList.do?channelId=88&pageNo=1": ("channelId", "pageNo"),
        "/api/list.json": None,
        "/api/other/list?x=1": None,
        "/api/p/list?a=1": ("a",),
        "/api/f/list": (),  # a fetch's options are no request parameters
    }
    url, body = PostForm(("pageNo", "channelId")).split("http://h/a.do?channelId=88&x=1&pageNo=2")
    assert (url, body) == ("http://h/a.do?x=1", b"channelId=88&pageNo=2")


def test_a_call_that_posts_json_is_told_from_one_that_posts_a_form() -> None:
    """A JSON content type among a POST call's options, or a ``JSON.stringify`` body, makes its
    body JSON (numbers kept numbers); ``dataType: "json"`` (the answer's type) does not."""
    from gongkai.crawler.fetch import PostForm
    from gongkai.crawler.jsonapi import find_api_calls

    found = page(
        '<script>$.ajax({ url: "/api/list", type: "POST", contentType: "application/json",'
        ' data: JSON.stringify({ pageNo: 1, pageSize: 20, columnId: "123" }) });'
        ' fetch("/api/f/list", { method: "POST", headers: { "Content-Type": "application/json" },'
        " body: JSON.stringify({ current: 1, size: 10 }) });"
        ' $.ajax({ url: "/api/form/list", type: "POST", dataType: "json", data: { pageNo: 1 } });'
        ' axios.post("/api/ax/list", { page: 1, catId: "9" });'
        ' axios.post("/api/axf/list", qs.stringify({ page: 1 }));</script>'
    )
    calls = {c.url.removeprefix("http://127.0.0.1:8801"): c for c in find_api_calls(found)}  # type: ignore[arg-type]
    got = {url: (c.post, c.json_body, c.numbers) for url, c in calls.items()}
    assert got == {
        "/api/list?pageNo=1&pageSize=20&columnId=123": (
            ("pageNo", "pageSize", "columnId"),
            True,
            ("pageNo", "pageSize"),
        ),
        "/api/f/list?current=1&size=10": (("current", "size"), True, ("current", "size")),
        "/api/form/list?pageNo=1": (("pageNo",), False, ()),
        "/api/ax/list?page=1&catId=9": (("page", "catId"), True, ("page",)),  # axios's default: JSON
        "/api/axf/list": ((), False, ()),  # an encoded form: no literal object to send
    }
    post = PostForm(("pageNo", "columnId"), as_json=True, numbers=("pageNo",))
    url, body = post.split("http://h/api/list?columnId=007&x=1&pageNo=3")
    assert (url, body) == ("http://h/api/list?x=1", b'{"pageNo":3,"columnId":"007"}')
    assert post.content_type.startswith("application/json")
