"""The demo sites: deterministic, reachable, loopback-only, and a ground truth that holds.

The truth is checked against the pages it describes (what each page shows) and recounted with
the project's calendar, never against the generator's own bookkeeping alone.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from datetime import date
from functools import cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from click.testing import CliRunner
from gongkai.audits.calendar import working_days_after
from gongkai.demo import annual, start_demo_sites
from gongkai.demo.dates import weekdays_after
from gongkai.demo.docno import DEFECTS
from gongkai.demo.facts import DOC_NO, ORDER_NO
from gongkai.demo.generate import GeneratedSite, generate_sites, truth_document, truth_json
from gongkai.demo.truth import RULES
from gongkai.flows.cli import cli
from gongkai.models.siteconfig import load_site_config

TODAY = date(2026, 11, 22)
#: Other reference dates: early in a known year, and a year the holiday calendar does not know.
OTHER_DAYS = [date(2025, 3, 10), date(2027, 2, 1)]


@cache
def sites_for(today: date) -> tuple[GeneratedSite, ...]:
    return tuple(generate_sites(today))


@pytest.fixture(scope="module")
def sites() -> tuple[GeneratedSite, ...]:
    return sites_for(TODAY)


@pytest.fixture(scope="module")
def truth(sites: tuple[GeneratedSite, ...]) -> dict:
    return truth_document(list(sites), TODAY)


def text_of(site: GeneratedSite, path: str) -> str:
    response = site.site.routes[path]
    charset = "gb18030" if "gb2312" in response.content_type else "utf-8"
    return response.body.decode(charset)


def rel(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# --- determinism ---------------------------------------------------------------------------


def test_same_day_gives_byte_identical_sites_and_truth(sites: tuple[GeneratedSite, ...]) -> None:
    again = generate_sites(TODAY)
    for first, second in zip(sites, again, strict=True):
        assert first.site.routes.keys() == second.site.routes.keys()
        for path, response in first.site.routes.items():
            assert response.body == second.site.routes[path].body, path
            assert response.content_type == second.site.routes[path].content_type
    assert truth_json(list(sites), TODAY) == truth_json(again, TODAY)


def test_another_day_moves_dates_not_documents(sites: tuple[GeneratedSite, ...]) -> None:
    later = sites_for(OTHER_DAYS[0])
    assert [s.name for s in later] == [s.name for s in sites]
    for now, other in zip(sites, later, strict=True):
        assert len(now.truth["documents"]) == len(other.truth["documents"])
        assert truth_json([now], TODAY) != truth_json([other], OTHER_DAYS[0])


# --- size, shape, realism -----------------------------------------------------------------


def test_five_sites_with_a_few_hundred_documents(truth: dict) -> None:
    assert len(truth["sites"]) == 5
    assert 200 <= len(truth["documents"]) <= 500
    per_site = Counter(d["site"] for d in truth["documents"])
    assert min(per_site.values()) >= 25
    kinds = {c["kind"] for c in truth["columns"]}
    assert kinds == {"news", "notice", "policy", "other"}


def test_titles_and_doc_numbers_come_from_the_real_data(truth: dict, shared_data: Path) -> None:
    """Re-dated real titles: with years blanked, each own document's title is a real one."""
    real = set()
    with open(shared_data / "corpus" / "titles_with_dates.tsv", encoding="utf-8") as handle:
        for line in handle:
            real.add(re.sub(r"(?:19|20)\d{2}", "Y", re.sub(r"\s+", "", line.split("\t")[2])))
    # the planted annual reports carry the format's own title (agency + year + 政府信息公开工作年度报告)
    own = [
        d
        for d in truth["documents"]
        if d["own_agency"] and not d["is_interpretation"] and d.get("role") != "annual_report"
    ]
    assert own
    for doc in own:
        assert re.sub(r"(?:19|20)\d{2}", "Y", doc["title"]) in real, doc["title"]


def test_every_page_shows_what_the_truth_says(sites: tuple[GeneratedSite, ...]) -> None:
    for site in sites:
        for doc in site.truth["documents"]:
            page = text_of(site, rel(doc["url"]))
            assert doc["title"] in page
            for key in ("index_no", "doc_no", "publisher", "registration_no"):
                if doc[key]:
                    assert doc[key] in page, (doc["url"], key)
            if doc["published_date"]:
                assert f'name="PubDate" content="{doc["published_date"]}' in page
            else:  # no 发布日期 anywhere: not in meta, not in the URL, not in the list
                assert "PubDate" not in page and not re.search(r"20\d{6}", doc["url"])
            if doc["publisher"] is None:
                assert "ContentSource" not in page
            if doc["index_no"] is None:
                assert site.plan.spec.index_prefix not in page
            shown = {
                date(int(y), int(m), int(d)).isoformat()
                for y, m, d in re.findall(r"(20\d\d)[-年](\d{1,2})[-月](\d{1,2})", page)
            }
            assert shown <= {doc["written_date"], doc["published_date"]}, (doc["url"], shown)


def test_dates_are_never_after_the_reference_date(truth: dict) -> None:
    for doc in truth["documents"]:
        for key in ("written_date", "published_date"):
            if doc[key]:
                assert date.fromisoformat(doc[key]) <= TODAY


# --- reachability by a BFS over our own routes -----------------------------------------------

_HREF = re.compile(r"""(?:href|src)="([^"]+)\"""")
_PAGER = re.compile(r"createPageHTML\((\d+),\s*(\d+),\s*\"(\w+)\",\s*\"(\w+)\"\)")
_API = re.compile(r'LIST_API = "([^"]+)"')


def reachable(site: GeneratedSite) -> set[str]:
    seen, queue = {"/xxgk/"}, ["/xxgk/"]
    while queue:
        path = queue.pop()
        response = site.site.lookup(path)
        assert response is not None, f"{site.name}: a link points to a missing page: {path}"
        if not response.content_type.startswith(("text/html", "application/json")):
            continue
        text = text_of(site, path) if path in site.site.routes else response.body.decode()
        links = [urljoin(path, href) for href in _HREF.findall(text)]
        for pages, _, name, ext in _PAGER.findall(text):
            folder = path.rsplit("/", 1)[0] + "/"
            links += [
                folder + (f"{name}.{ext}" if i == 0 else f"{name}_{i}.{ext}") for i in range(int(pages))
            ]
        for api in _API.findall(text):
            first = json.loads(site.site.routes[f"{api}?page=1"].body)
            links += [f"{api}?page={n}" for n in range(1, first["pages"] + 1)]
        if response.content_type.startswith("application/json"):
            links += [item["url"] for item in json.loads(response.body)["items"]]
        for link in links:
            link = link.split("#", 1)[0]
            if link.endswith("/index.html"):
                link = link[: -len("index.html")]
            if link not in seen and not link.endswith((".css", ".js")):
                seen.add(link)
                queue.append(link)
    return seen


def test_every_truth_document_and_attachment_is_reachable_from_the_start_url(
    sites: tuple[GeneratedSite, ...],
) -> None:
    for site in sites:
        found = reachable(site)
        for doc in site.truth["documents"]:
            assert rel(doc["url"]) in found, doc["url"]
            for attachment in doc["attachments"]:
                assert rel(attachment) in found
        for column in site.truth["columns"]:
            assert rel(column["url"]) in found


# --- the planted truth, recounted ----------------------------------------------------------


def findings(truth: dict, rule: str) -> set[str]:
    return {f["subject"] for f in truth["findings"] if f["rule"] == rule}


@pytest.mark.parametrize("today", [TODAY, *OTHER_DAYS])
def test_late_publication_recounted_from_the_truths_own_dates(today: date) -> None:
    truth = truth_document(list(sites_for(today)), today)
    expected = set()
    for doc in truth["documents"]:
        if doc["own_agency"] and doc["written_date"] and doc["published_date"]:
            written, published = (
                date.fromisoformat(doc["written_date"]),
                date.fromisoformat(doc["published_date"]),
            )
            if written <= published and working_days_after(written, published).days > 20:
                expected.add(doc["url"])
    assert expected and findings(truth, "late_publication") == expected
    reposts_late = [
        d
        for d in truth["documents"]
        if not d["own_agency"]
        and d["doc_no"]
        and working_days_after(
            date.fromisoformat(d["written_date"]), date.fromisoformat(d["published_date"])
        ).days
        > 20
    ]
    assert len(reposts_late) >= 6, (
        "late reposts of other bodies' documents are planted (and are not findings)"
    )


def test_calendar_edge_cases_are_planted(truth: dict) -> None:
    def span(doc: dict) -> tuple[int, int]:
        written, published = (
            date.fromisoformat(doc["written_date"]),
            date.fromisoformat(doc["published_date"]),
        )
        return working_days_after(written, published).days, weekdays_after(written, published)

    roles = {d["role"]: d for d in truth["documents"]}
    late = findings(truth, "late_publication")
    for role in ("national_day_near_miss", "spring_festival_near_miss"):
        official, naive = span(roles[role])
        assert official == 20 and naive > 20 and roles[role]["url"] not in late
    official, naive = span(roles["makeup_day_late"])
    assert official == 21 and naive == 20 and roles["makeup_day_late"]["url"] in late
    exact = [d for d in truth["documents"] if d["role"] == "near_miss_20"]
    assert len(exact) == 5 and all(span(d)[0] == 20 and d["url"] not in late for d in exact)
    assert all(span(d)[0] == 21 and d["url"] in late for d in truth["documents"] if d["role"] == "late_21")


def test_missing_interpretations_match_the_links_on_the_pages(sites: tuple[GeneratedSite, ...]) -> None:
    for site in sites:
        docs = {d["url"]: d for d in site.truth["documents"]}
        interpreted = {d["interprets_url"] for d in docs.values() if d["is_interpretation"]}
        expected = {u for u, d in docs.items() if d["needs_interpretation"] and u not in interpreted}
        assert findings(site.truth, "missing_interpretation") == expected
        for doc in docs.values():
            if not doc["is_interpretation"]:
                continue
            policy = docs[doc["interprets_url"]]
            page = text_of(site, rel(doc["url"]))
            assert f"《{policy['title']}》" in page and (policy["doc_no"] or "") in page
            linked_back = f'href="{rel(policy["url"])}"' in page
            linked_from = f'href="{rel(doc["url"])}"' in text_of(site, rel(policy["url"]))
            explicit = doc["interpretation_link"] == "explicit"
            assert linked_back == linked_from == explicit
    modes = Counter(
        d["interpretation_link"] for s in sites for d in s.truth["documents"] if d["is_interpretation"]
    )
    assert modes["explicit"] >= 10 and modes["named"] >= 5
    boxes = [text_of(s, rel(u)) for s in sites for u in findings(s.truth, "missing_interpretation")]
    assert any("<h3>相关解读</h3><ul>\n</ul>" in page for page in boxes), "an empty 相关解读 box is planted"
    assert any("相关解读" not in page for page in boxes), "a policy with no 相关解读 box is planted"


def test_needs_interpretation_titles_are_unambiguous(truth: dict) -> None:
    for doc in truth["documents"]:
        if doc["needs_interpretation"]:
            assert re.search(r"办法|细则|若干措施|若干政策措施|规定", doc["title"]) and doc["doc_no"]
        elif doc["own_agency"] and not doc["is_interpretation"] and doc["role"] != "annual_report":
            assert re.search(r"任免|表彰|批复|复函|同意", doc["title"])


def test_doc_number_defects_and_valid_forms(truth: dict) -> None:
    flagged = findings(truth, "doc_no_format")
    defects = {d["role"].split(":", 1)[1] for d in truth["documents"] if d["role"].startswith("doc_no:")}
    assert defects == set(DEFECTS)
    for doc in truth["documents"]:
        valid = doc["doc_no"] is None or bool(DOC_NO.match(doc["doc_no"]) or ORDER_NO.match(doc["doc_no"]))
        assert (doc["url"] in flagged) == (not valid)
    orders = [d for d in truth["documents"] if d["doc_no"] and "令第" in d["doc_no"]]
    assert orders and not {d["url"] for d in orders} & flagged
    registered = [d for d in truth["documents"] if d["registration_no"]]
    assert registered and all(re.fullmatch(r"[A-Z]{4}-\d{4}-\d{5}", d["registration_no"]) for d in registered)
    assert not {d["url"] for d in registered} & flagged


def test_missing_metadata_duplicates_and_date_inconsistencies(truth: dict) -> None:
    missing = findings(truth, "metadata_missing")
    fields = ("index_no", "publisher", "written_date", "published_date")
    for doc in truth["documents"]:
        assert (doc["url"] in missing) == any(doc[f] is None for f in fields)
    absent = {f for d in truth["documents"] for f in fields if d[f] is None}
    assert absent == set(fields)
    index_counts = Counter((d["site"], d["index_no"]) for d in truth["documents"] if d["index_no"])
    duplicated = {d["url"] for d in truth["documents"] if index_counts[(d["site"], d["index_no"])] > 1}
    assert len(duplicated) == 2 and findings(truth, "index_no_duplicate") == duplicated
    inconsistent = findings(truth, "date_inconsistency")
    assert len(inconsistent) == 2
    for doc in truth["documents"]:
        if doc["url"] in inconsistent or not doc["written_date"]:
            continue
        written = date.fromisoformat(doc["written_date"])
        assert doc["published_date"] is None or written <= date.fromisoformat(doc["published_date"])
        assert doc["index_no"] is None or f"/{written.year}-" in doc["index_no"]
        year = re.search(r"[〔\[(（【]\s*(\d{4})", doc["doc_no"] or "")
        assert year is None or int(year.group(1)) == written.year


def test_empty_and_stale_columns(sites: tuple[GeneratedSite, ...], truth: dict) -> None:
    empty = findings(truth, "empty_column")
    assert empty == {c["url"] for c in truth["columns"] if c["item_count"] == 0} and len(empty) >= 2
    for site in sites:
        for column in site.truth["columns"]:
            if column["url"] in empty:
                assert column["item_count"] == 0 and "暂无信息" in text_of(site, rel(column["url"]))
    stale = {c["url"]: c for c in truth["columns"] if c["url"] in findings(truth, "stale_column")}
    assert {c["kind"] for c in stale.values()} == {"news", "notice"}
    for column in truth["columns"]:
        if not column["latest_item_date"]:
            continue
        age = (TODAY - date.fromisoformat(column["latest_item_date"])).days
        if column["kind"] == "news":
            assert (age > 14) == (column["url"] in stale)
        elif column["kind"] in ("notice", "policy"):
            assert (age > 183) == (column["url"] in stale)


@pytest.mark.parametrize("today", [TODAY, *OTHER_DAYS])
def test_every_rule_is_planted_at_least_twice(today: date) -> None:
    """Issue #18: precision = recall = 1 means something only where each rule has true cases."""
    truth = truth_document(list(sites_for(today)), today)
    planted = Counter(f["rule"] for f in truth["findings"])
    assert set(truth["rules"]) == set(RULES)
    # The document, column and catalog rules; the annual-report rules are planted by demo/annual.py.
    rules = [rule for rule in RULES if rule not in annual.RULES]
    assert {rule: planted[rule] for rule in rules if planted[rule] < 2} == {}


def test_late_interpretations_recounted_and_the_others_are_same_day(truth: dict) -> None:
    by_url = {d["url"]: d for d in truth["documents"]}
    late = set()
    for doc in truth["documents"]:
        if not doc["is_interpretation"]:
            continue
        policy = by_url[doc["interprets_url"]]
        lag = working_days_after(
            date.fromisoformat(policy["published_date"]), date.fromisoformat(doc["published_date"])
        ).days
        assert lag == 0 or lag > 3 + 3, (policy["title"], lag)  # far from any reading of the grace
        if lag:
            late.add(policy["url"])
            assert policy["needs_interpretation"] and policy["interpretation_link"] is None
            # the duty is certain: a 令 or a 规-series 文号
            assert ORDER_NO.match(policy["doc_no"]) or "规〔" in policy["doc_no"], policy["doc_no"]
    assert late == findings(truth, "late_interpretation") and len(late) >= 2


def test_withheld_attributes_on_published_pages(sites: tuple[GeneratedSite, ...], truth: dict) -> None:
    withheld = {d["url"]: d for d in truth["documents"] if d["disclosure"] != "主动公开"}
    assert set(withheld) == findings(truth, "disclosure_attribute") and len(withheld) >= 2
    by_name = {site.name: site for site in sites}
    for url, doc in withheld.items():
        assert doc["disclosure"] in ("依申请公开", "不予公开")
        page = text_of(by_name[doc["site"]], rel(url))
        assert doc["disclosure"] in page and "此件公开发布" not in page


def test_catalog_gaps_are_the_items_no_title_matches(truth: dict) -> None:
    from gongkai.audits.catalog import load_catalog
    from gongkai.demo.plan import SPECS

    from gongkai.resources import corpus_path

    held = [spec for spec in SPECS if spec.catalog]
    assert held
    expected = set()
    for spec in held:
        site = next(s for s in truth["sites"] if s["name"] == spec.name)
        assert site["config"]["catalog"] == spec.catalog
        catalog = load_catalog(corpus_path("catalogs", spec.catalog))
        titles = [d["title"] for d in truth["documents"] if d["site"] == spec.name]
        matched = {item.id for item in catalog.items if any(item.match.matches(t) for t in titles)}
        assert matched, "a catalog with nothing met would prove nothing about the matching"
        expected |= {f"catalog:{item.id}" for item in catalog.items if item.id not in matched}
    assert findings(truth, "catalog_gap") == expected and len(expected) >= 2


# --- bytes on the wire -----------------------------------------------------------------------


def test_no_page_links_outside_loopback(sites: tuple[GeneratedSite, ...]) -> None:
    for site in sites:
        for path, response in site.site.routes.items():
            if response.content_type.startswith(("application/pdf", "application/vnd")):
                continue
            text = text_of(site, path) if "html" in response.content_type else response.body.decode()
            for url in re.findall(r"""(?:href|src|action)=["']([^"']+)""", text) + re.findall(
                r"""https?://[^\s"'<>]+""", text
            ):
                parts = urlsplit(url)
                assert parts.scheme in ("", "http", "https"), (path, url)
                assert not parts.netloc or parts.hostname == "127.0.0.1", (site.name, path, url)
            for item in json.loads(response.body).get("items", []) if "json" in response.content_type else []:
                assert item["url"].startswith("/")


def test_the_gbk_site_really_is_gb_encoded(sites: tuple[GeneratedSite, ...]) -> None:
    gbk = [s for s in sites if s.plan.spec.encoding == "gb18030"]
    assert len(gbk) == 1
    pages = [(p, r) for p, r in gbk[0].site.routes.items() if r.content_type.startswith("text/html")]
    assert len(pages) > 20
    for path, response in pages:
        assert response.content_type == "text/html; charset=gb2312"
        with pytest.raises(UnicodeDecodeError):
            response.body.decode("utf-8")
        text = response.body.decode("gb18030")
        assert 'charset=gb2312"' in text and "四川省人民政府" in text, path
    for site in sites:
        if site is not gbk[0]:
            for response in site.site.routes.values():
                if response.content_type.startswith("text/html"):
                    response.body.decode("utf-8")


def test_attachments_open_and_read_back(sites: tuple[GeneratedSite, ...]) -> None:
    import docx
    import pypdf

    kinds = Counter()
    for site in sites:
        for doc in site.plan.documents:
            for file in doc.attachments:
                body = site.site.routes[file.path].body
                if file.file_type == "pdf":
                    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(body)).pages)
                else:
                    text = "\n".join(p.text for p in docx.Document(io.BytesIO(body)).paragraphs)
                name = file.name.rsplit(".", 1)[0]
                assert name[:30] in text.replace("\n", ""), (file.path, text[:80])
                # a policy's file has articles; an annual report's the format's six sections
                assert ("一、总体情况" if doc.role == "annual_report" else "第一条") in text
                kinds[file.file_type] += 1
    assert kinds["pdf"] >= 5 and kinds["docx"] >= 5


def test_robots_txt_allows_the_columns(sites: tuple[GeneratedSite, ...]) -> None:
    from urllib.robotparser import RobotFileParser

    for site in sites:
        robots = RobotFileParser()
        robots.parse(site.site.routes["/robots.txt"].body.decode().splitlines())
        for column in site.truth["columns"]:
            assert robots.can_fetch("gongkai", column["url"])
        for doc in site.truth["documents"][:20]:
            assert robots.can_fetch("gongkai", doc["url"])


# --- served for real -------------------------------------------------------------------------


def test_served_sites_configs_truth_and_json_api(tmp_path: Path) -> None:
    with start_demo_sites(TODAY, ports=[0] * 5, out_dir=tmp_path) as run:
        truth = run.truth()
        assert truth["reference_date"] == TODAY.isoformat()
        assert len(run.config_paths) == 5 and (tmp_path / "truth.json").is_file()
        for path, site in zip(run.config_paths, run.sites, strict=True):
            config = load_site_config(path)
            host = urlsplit(site.base_url).netloc
            assert config.allowed_hosts == [host] and config.start_urls == [f"{site.base_url}/xxgk/"]
            assert config.agency == site.agency and 0 < config.delay_seconds < 1
            assert all(
                d["url"].startswith(site.base_url) for d in truth["documents"] if d["site"] == site.name
            )
        api_columns = [(s, c) for s in run.sites for c in s.plan.columns if c.json_api]
        assert len(api_columns) == 1
        site, column = api_columns[0]
        page = requests.get(f"{site.base_url}{column.path}", timeout=5)
        assert page.status_code == 200 and f"/api/xxgk/{column.key}/list" in page.text
        first = requests.get(f"{site.base_url}/api/xxgk/{column.key}/list?page=1", timeout=5).json()
        items = list(first["items"])
        for n in range(2, first["pages"] + 1):
            items += requests.get(f"{site.base_url}/api/xxgk/{column.key}/list?page={n}", timeout=5).json()[
                "items"
            ]
        expected = [d for d in truth["documents"] if d["column"] == column.name and d["site"] == site.name]
        assert len(items) == first["total"] == len(expected) > first["pageSize"]
        assert {site.base_url + i["url"] for i in items} == {d["url"] for d in expected}
        detail = requests.get(site.base_url + items[0]["url"], timeout=5)
        assert detail.status_code == 200 and items[0]["title"] in detail.text
        gbk_site = next(s for s in run.sites if s.plan.spec.encoding == "gb18030")
        response = requests.get(f"{gbk_site.base_url}/xxgk/", timeout=5)
        assert response.headers["Content-Type"] == "text/html; charset=gb2312"
        assert requests.get(f"{gbk_site.base_url}/robots.txt", timeout=5).text.startswith("User-agent")
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{site.base_url}/xxgk/", timeout=2)


def test_cli_generate_writes_sites_configs_and_truth(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["demo-sites", "generate", "--out", str(tmp_path), "--today", "2026-11-22"]
    )
    assert result.exit_code == 0, result.output
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    assert truth["reference_date"] == "2026-11-22" and len(truth["sites"]) == 5
    assert truth["sites"][0]["base_url"] == "http://127.0.0.1:8801"
    assert (tmp_path / "sites" / "guangdong" / "xxgk" / "index.html").is_file()
    assert load_site_config(tmp_path / "configs" / "yunnan.yaml").name == "yunnan"
    bad = CliRunner().invoke(cli, ["demo-sites", "generate", "--out", str(tmp_path), "--today", "soon"])
    assert bad.exit_code == 2 and "not a date" in bad.output


def test_meta_only_site_carries_its_metadata_in_meta_tags_and_body(sites: tuple[GeneratedSite, ...]) -> None:
    from gongkai.demo.bodies import arabic_date, chinese_date

    site = next(s for s in sites if s.plan.spec.cms == "meta_only")
    numerals = 0
    for doc in site.truth["documents"]:
        page = text_of(site, rel(doc["url"]))
        assert "<table" not in page and "<dl" not in page and "xxgk-info" not in page
        assert f'name="ContentSource" content="{doc["publisher"]}"' in page
        assert "（此件公开发布）" in page
        written = date.fromisoformat(doc["written_date"])
        assert chinese_date(written) in page or arabic_date(written) in page
        numerals += chinese_date(written) in page
        if doc["doc_no"]:
            assert f'<p class="wenhao" style="text-align:center">{doc["doc_no"]}</p>' in page
    assert 5 <= numerals < len(site.truth["documents"])
    assert chinese_date(date(2026, 10, 9)) == "二〇二六年十月九日"
    assert chinese_date(date(2025, 12, 31)) == "二〇二五年十二月三十一日"


def test_trs_paging_script_is_served_with_the_list_pages(sites: tuple[GeneratedSite, ...]) -> None:
    site = next(s for s in sites if s.plan.spec.cms == "trs_page")
    script = site.site.routes["/js/createPageHTML.js"].body.decode()
    assert "function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt)" in script
    assert "下一页" in script and "尾页" in script and '"_" + i' in script
    paged = [c for c in site.plan.columns if len(c.documents) > c.page_size]
    assert paged
    for column in paged:
        page = text_of(site, column.path)
        assert '<script src="/js/createPageHTML.js"></script>' in page
        assert "下一页" not in page  # the links exist only once the script runs
