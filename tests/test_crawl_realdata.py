"""List discovery on real government pages (read in place from ../shared/data), against floors.

The expected items come from oracles that know each site (its table, its inline JSON, its API
fields) — knowledge the generic crawler does not have — so a pass means the generic rules found
what a site-specific scraper would.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from gongkai.crawler.html import parse_page
from gongkai.crawler.items import ListItem
from gongkai.crawler.jsonapi import parse_api
from gongkai.crawler.listing import analyse_list
from gongkai.crawler.pagination import next_page
from gongkai.crawler.scope import normalise_url

BASELINE = json.loads(
    (Path(__file__).parent.parent / "crawler" / "discovery_baseline.json").read_text("utf-8")
)
HANDAN_URL = "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/index.html"
JIANGXI_URL = "http://sthjt.jiangxi.gov.cn/jxssthjt/col/col42150/index.html"
CSRC_URL = "http://www.csrc.gov.cn/searchList/a1a078ee0bc54721ab6b148884c784a8?_isAgg=true&page=1"


def oracle(name: str, raw: bytes) -> tuple[str, set[str]]:
    text = raw.decode("utf-8")
    if name == "handan_list.html":
        table = text[text.index("发布日期</th>") :]
        table = table[: table.index("</table>")]
        return HANDAN_URL, set(re.findall(r'href="([^"]+/t\d{8}_\d+\.html)"', table))
    if name == "jiangxi_sthjt_list.html":
        start = text.index("articleList:")
        block = text[start : text.index("};", start)]
        ids = set(re.findall(r"content_(\d+)\.html", block))
        base = "http://sthjt.jiangxi.gov.cn/jxssthjt/col/col42150/content/content_{}.html"
        return JIANGXI_URL, {base.format(i) for i in ids}
    data = json.loads(text)
    return CSRC_URL, {normalise_url(r["url"], CSRC_URL) or "" for r in data["data"]["results"]}


def discovered(name: str, raw: bytes, url: str) -> list[ListItem]:
    if name.endswith(".json"):
        return parse_api(raw, url).items
    return analyse_list(parse_page(raw, url)).items


@pytest.mark.parametrize("name", ["handan_list.html", "jiangxi_sthjt_list.html", "csrc_search_api_page.json"])
def test_list_discovery_meets_floors(shared_data: Path, name: str) -> None:
    raw = (shared_data / "pages" / "other" / name).read_bytes()
    url, expected = oracle(name, raw)
    assert expected, "the oracle found nothing: the data changed"
    items = discovered(name, raw, url)
    found = {item.url for item in items}
    recall = len(found & expected) / len(expected)
    precision = len(found & expected) / len(found) if found else 0.0
    dated = sum(1 for item in items if item.date is not None) / len(items) if items else 0.0
    floors = BASELINE[name]
    assert recall >= floors["recall"], (name, recall)
    assert precision >= floors["precision"], (name, precision)
    assert dated >= floors["dated"], (name, dated)
    assert all(len(item.title) >= 4 for item in items)


def test_real_pagination_and_api_paging(shared_data: Path) -> None:
    raw = (shared_data / "pages" / "other" / "handan_list.html").read_bytes()
    printed = re.findall(r'href="([^"]+)"[^>]*>下一页', raw.decode("utf-8"))
    assert next_page(parse_page(raw, HANDAN_URL)) == printed[0]
    api = parse_api((shared_data / "pages" / "other" / "csrc_search_api_page.json").read_bytes(), CSRC_URL)
    data = json.loads((shared_data / "pages" / "other" / "csrc_search_api_page.json").read_text("utf-8"))
    pages = -(-data["data"]["total"] // data["data"]["rows"])
    assert api.total_pages == pages and api.next_url and api.next_url.endswith("page=2")


def test_detail_pages_are_not_taken_for_columns(shared_data: Path) -> None:
    """Real document pages (with their metadata blocks) must never become columns."""
    folder = shared_data / "pages"
    detail_pages = [p for p in (folder / "govcn").glob("*.html")] + [
        folder / "other" / n
        for n in ("handan_details.html", "jl_gov_cn_2022_00426.html", "pingtan_67630_fragment.html",
                  "nfra_penalty.html", "nfra_empty_block.html")
    ]  # fmt: skip
    assert len(detail_pages) > 40
    wrong = []
    for path in detail_pages:
        analysis = analyse_list(parse_page(path.read_bytes(), "http://www.gov.cn/zhengce/content/x.htm"))
        if analysis.items and not analysis.detail:
            wrong.append(path.name)
    assert len(wrong) <= BASELINE["detail_pages_taken_for_columns"], wrong
