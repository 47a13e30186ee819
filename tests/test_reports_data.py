"""Invented, realistic audit results for the report, gap and explorer tests (not copied from real data).

Two sites — a county portal (青山县, with departments' documents and a repost of a provincial
document) and a township (白水镇) — with documents, classifications, interpretations and their
links, columns, fetched pages with WARC ids, and the findings a correct audit would store for
them. The findings are derived from the document specs here with the real working-day calendar,
so tests compute their expectations from the specs instead of hard-coding answers.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from gongkai.audits.calendar import working_days_after
from gongkai.models.records import Classification, DocumentRecord, Evidence, FetchedPage, Finding, SiteConfig
from gongkai.models.store import Store
from gongkai.models.tables import document_links, site_columns

EVIL_TITLE = "<script>alert(1)</script><img src=x onerror=alert(2)>"
FORMULA_TITLE = '=HYPERLINK("http://127.0.0.1:9/x","点我")关于调整低保标准的通知'
TODAY = date(2025, 7, 15)
#: The audit ran a week before TODAY too; findings still open since then keep that first_seen.
FIRST_SEEN = date(2025, 7, 8)
LATE_LIMIT = 20
INTERPRETATION_GRACE = 3
BASIS_26 = "《中华人民共和国政府信息公开条例》第二十六条"


@dataclass(frozen=True)
class SiteSpec:
    name: str
    agency: str
    aliases: tuple[str, ...]
    port: int


@dataclass(frozen=True)
class DocSpec:
    site: str
    key: str
    title: str | None
    publisher: str | None
    written: date | None
    published: date | None
    doc_no: str | None = None
    domain: str = "其他"
    doc_type: str = "administrative"
    needs_interpretation: bool = False
    disclosure: str | None = "主动公开"
    index_no: str | None = "auto"
    interprets: str | None = None  # key of the policy this 解读 interprets
    doc_no_defects: tuple[str, ...] = ()
    column: str = "政策文件"


@dataclass(frozen=True)
class ColumnSpec:
    site: str
    path: str
    name: str
    kind: str
    item_count: int
    latest: date | None


SITES = (
    SiteSpec("qingshan", "青山县人民政府", ("青山县", "青政"), 8801),
    SiteSpec("baishui", "白水镇人民政府", ("白水镇", "白政"), 8802),
)

D = date
DOCS: tuple[DocSpec, ...] = (
    # 青山县: the government office's normative documents and their 解读.
    DocSpec(
        "qingshan",
        "gov1",
        "青山县人民政府关于印发《青山县城乡居民最低生活保障实施办法》的通知",
        "青山县人民政府",
        D(2025, 1, 6),
        D(2025, 2, 24),
        "青政规〔2025〕1号",
        "社会救助",
        "normative",
        True,
    ),
    DocSpec(
        "qingshan",
        "gov1-jd",
        "《青山县城乡居民最低生活保障实施办法》政策解读",
        "青山县民政局",
        D(2025, 2, 24),
        D(2025, 2, 25),
        None,
        "社会救助",
        "interpretation",
        interprets="gov1",
        column="政策解读",
    ),
    DocSpec(
        "qingshan",
        "gov2",
        "青山县人民政府办公室关于进一步做好义务教育阶段招生入学工作的通知",
        "青山县人民政府办公室",
        D(2025, 3, 3),
        D(2025, 3, 10),
        "青政办发〔2025〕7号",
        "义务教育",
        "normative",
        True,
    ),
    DocSpec(
        "qingshan",
        "gov2-jd",
        "一图读懂：青山县义务教育阶段招生入学政策",
        "青山县教育局",
        D(2025, 3, 20),
        D(2025, 3, 24),
        None,
        "义务教育",
        "interpretation",
        interprets="gov2",
        column="政策解读",
    ),
    DocSpec(
        "qingshan",
        "gov3",
        "青山县人民政府关于印发青山县生态环境保护责任清单的通知",
        "青山县人民政府",
        D(2025, 4, 1),
        D(2025, 4, 9),
        "青政发〔2025〕12号",
        "生态环境",
        "normative",
        True,
    ),
    DocSpec(
        "qingshan",
        "gov4",
        "青山县人民政府办公室关于印发青山县养老服务补贴管理办法的通知",
        "青山县人民政府办公室",
        D(2025, 1, 20),
        D(2025, 3, 14),
        "青政办规〔2025〕02号",
        "养老服务",
        "normative",
        True,
        doc_no_defects=("leading_zero",),
    ),
    # Departments on the county portal.
    DocSpec(
        "qingshan",
        "edu1",
        "青山县教育局关于公布2025年义务教育学校招生范围的公告",
        "青山县教育局",
        D(2025, 5, 6),
        D(2025, 5, 8),
        "青教〔2025〕21号",
        "义务教育",
        "announcement",
    ),
    DocSpec(
        "qingshan",
        "fin1",
        "青山县财政局关于公开2025年县级部门预算的公告",
        "青山县财政局",
        D(2025, 2, 10),
        D(2025, 4, 18),
        "青财预[2025]3号",
        "财政预决算",
        "announcement",
        doc_no_defects=("bracket",),
    ),
    DocSpec(
        "qingshan",
        "fin2",
        "青山县2024年财政决算报告",
        "青山县财政局",
        D(2025, 6, 3),
        D(2025, 6, 10),
        None,
        "财政预决算",
        "report",
        disclosure=None,
    ),
    DocSpec(
        "qingshan",
        "hlth1",
        "青山县卫生健康局关于开展2025年基本公共卫生服务项目的通知",
        "青山县卫生健康局",
        D(2025, 3, 5),
        D(2025, 4, 30),
        "青卫发〔2025〕9号",
        "卫生健康",
        "normative",
        True,
    ),
    DocSpec(
        "qingshan",
        "hlth2",
        "青山县卫生健康局关于公布家庭医生签约服务机构名单的公告",
        "青山县卫生健康局",
        None,
        D(2025, 5, 20),
        None,
        "卫生健康",
        "announcement",
        index_no=None,
    ),
    DocSpec(
        "qingshan",
        "evil",
        EVIL_TITLE,
        "青山县人民政府办公室",
        D(2025, 2, 3),
        D(2025, 3, 31),
        "青政办发〔2025〕5号",
        "其他",
        "administrative",
    ),
    DocSpec(
        "qingshan",
        "formula",
        FORMULA_TITLE,
        "青山县民政局",
        D(2025, 5, 12),
        D(2025, 5, 13),
        "青民发〔2025〕4号",
        "社会救助",
        "normative",
        True,
    ),
    # A repost of a provincial document: late by its dates, but not the county's own lateness.
    DocSpec(
        "qingshan",
        "repost",
        "某省人民政府关于加强安全生产工作的意见",
        "某省人民政府",
        D(2024, 11, 1),
        D(2025, 2, 10),
        "某政发〔2024〕30号",
        "安全生产",
        "normative",
        False,
    ),
    # Outside the 2025 period.
    DocSpec(
        "qingshan",
        "old1",
        "青山县人民政府关于2024年度城乡规划工作的通知",
        "青山县人民政府",
        D(2024, 10, 8),
        D(2024, 12, 20),
        "青政发〔2024〕40号",
        "城乡规划",
        "normative",
        True,
    ),
    # 白水镇.
    DocSpec(
        "baishui",
        "bs1",
        "白水镇人民政府关于印发白水镇农村危房改造实施方案的通知",
        "白水镇人民政府",
        D(2025, 3, 3),
        D(2025, 3, 5),
        "白政发〔2025〕3号",
        "农村危房改造",
        "normative",
        True,
    ),
    DocSpec(
        "baishui",
        "bs2",
        "白水镇2025年涉农补贴发放名单公示",
        "白水镇人民政府",
        D(2025, 4, 7),
        D(2025, 6, 16),
        None,
        "涉农补贴",
        "announcement",
        column="通知公告",
    ),
    DocSpec(
        "baishui",
        "bs3",
        "白水镇人民政府关于做好防汛救灾工作的通知",
        None,
        D(2025, 6, 2),
        D(2025, 6, 4),
        "白政〔2025〕8号",
        "救灾",
        "administrative",
    ),
)

COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("qingshan", "/xxgk/zcwj/", "政策文件", "policy", 12, D(2025, 6, 10)),
    ColumnSpec("qingshan", "/xxgk/zcjd/", "政策解读", "policy", 2, D(2025, 3, 24)),
    ColumnSpec("qingshan", "/xwzx/gzdt/", "工作动态", "news", 40, D(2025, 5, 2)),
    ColumnSpec("qingshan", "/xxgk/ghjh/", "规划计划", "other", 0, None),
    ColumnSpec("baishui", "/zwgk/tzgg/", "通知公告", "notice", 1, D(2025, 6, 16)),
    ColumnSpec("baishui", "/zwgk/czzj/", "财政资金", "other", 0, None),
)

CATALOG_GAPS = (
    ("qingshan", "shjz-dbmd", "社会救助", "城乡低保对象名单"),
    ("qingshan", "bzxzf-fpjg", "保障性住房", "公租房分配结果"),
    ("baishui", "snbt-ffqk", "涉农补贴", "耕地地力保护补贴发放情况"),
)


def site_spec(name: str) -> SiteSpec:
    return next(s for s in SITES if s.name == name)


def doc_url(doc: DocSpec) -> str:
    return f"http://127.0.0.1:{site_spec(doc.site).port}/xxgk/{doc.key}.html"


def column_url(col: ColumnSpec) -> str:
    return f"http://127.0.0.1:{site_spec(col.site).port}{col.path}"


def index_no(doc: DocSpec, serial: int) -> str | None:
    if doc.index_no != "auto":
        return doc.index_no
    year = (doc.written or doc.published or TODAY).year
    return f"11330000MB{serial:04d}{ord(doc.site[0]) % 10}{serial % 10:03d}/{year}-{serial:05d}"


def is_own(doc: DocSpec) -> bool:
    """The site's own document: its 发布机构 names the agency, or its 文号's 代字 is an alias."""
    spec = site_spec(doc.site)
    names = (spec.agency, *spec.aliases)
    by_publisher = doc.publisher is not None and any(name in doc.publisher for name in names)
    by_doc_no = doc.doc_no is not None and any(doc.doc_no.startswith(alias) for alias in spec.aliases)
    return by_publisher or by_doc_no


def lag(doc: DocSpec) -> int | None:
    if doc.written is None or doc.published is None:
        return None
    return working_days_after(doc.written, doc.published).days


def interpretation_of(policy: DocSpec) -> DocSpec | None:
    return next((d for d in DOCS if d.interprets == policy.key and d.site == policy.site), None)


def missing_fields(doc: DocSpec, serial: int) -> list[str]:
    values = {
        "index_no": index_no(doc, serial),
        "title": doc.title,
        "publisher": doc.publisher,
        "written_date": doc.written,
        "published_date": doc.published,
    }
    return [name for name, value in values.items() if value is None]


@dataclass
class ExpectedFinding:
    rule: str
    site: str
    subject: str
    doc: DocSpec | None
    values: dict[str, object] = field(default_factory=dict)


def expected_findings() -> list[ExpectedFinding]:
    """The findings a correct audit stores for the specs above, on ``TODAY``."""
    out: list[ExpectedFinding] = []
    for serial, doc in enumerate(DOCS, start=1):
        url = doc_url(doc)
        days = lag(doc)
        if is_own(doc) and days is not None and days > LATE_LIMIT:
            out.append(
                ExpectedFinding(
                    "late_publication",
                    doc.site,
                    url,
                    doc,
                    {
                        "written_date": doc.written.isoformat(),  # type: ignore[union-attr]
                        "published_date": doc.published.isoformat(),  # type: ignore[union-attr]
                        "working_days": days,
                        "limit": LATE_LIMIT,
                    },
                )
            )
        if doc.needs_interpretation:
            jd = interpretation_of(doc)
            if jd is None:
                out.append(
                    ExpectedFinding(
                        "missing_interpretation",
                        doc.site,
                        url,
                        doc,
                        {"grace_working_days": INTERPRETATION_GRACE},
                    )
                )
            elif jd.published and doc.published:
                jd_lag = working_days_after(doc.published, jd.published).days
                if jd_lag > INTERPRETATION_GRACE:
                    out.append(
                        ExpectedFinding(
                            "late_interpretation",
                            doc.site,
                            url,
                            doc,
                            {
                                "interpretation_url": doc_url(jd),
                                "working_days": jd_lag,
                                "grace_working_days": INTERPRETATION_GRACE,
                            },
                        )
                    )
        missing = missing_fields(doc, serial)
        if missing:
            out.append(ExpectedFinding("metadata_missing", doc.site, url, doc, {"missing": missing}))
        if doc.doc_no_defects:
            out.append(
                ExpectedFinding(
                    "doc_no_format",
                    doc.site,
                    url,
                    doc,
                    {"doc_no": doc.doc_no, "defects": list(doc.doc_no_defects)},
                )
            )
        if doc.disclosure is None:
            out.append(ExpectedFinding("disclosure_attribute", doc.site, url, doc, {"disclosure": None}))
    for col in COLUMNS:
        if col.item_count == 0:
            out.append(ExpectedFinding("empty_column", col.site, column_url(col), None, {"name": col.name}))
        elif col.latest is not None:
            max_age = 14 if col.kind == "news" else 183
            age = (TODAY - col.latest).days
            if age > max_age:
                out.append(
                    ExpectedFinding(
                        "stale_column",
                        col.site,
                        column_url(col),
                        None,
                        {
                            "name": col.name,
                            "latest_item_date": col.latest.isoformat(),
                            "age_days": age,
                            "max_age_days": max_age,
                        },
                    )
                )
    for site, item_id, domain, item in CATALOG_GAPS:
        out.append(
            ExpectedFinding("catalog_gap", site, f"catalog:{item_id}", None, {"domain": domain, "item": item})
        )
    return out


def _fetched_at(doc: DocSpec) -> datetime:
    day = doc.published or doc.written or TODAY
    return datetime(day.year, day.month, day.day, 9, 30, tzinfo=UTC) + timedelta(days=1)


def page_body(doc: DocSpec) -> bytes:
    return f"<html><body><h1>{doc.key}</h1><p>{doc.doc_no or ''}</p></body></html>".encode()


def warc_id(url: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, url)}>"


def populate(store: Store, with_closed: bool = True) -> list[ExpectedFinding]:
    """Fill ``store`` with the invented sites; returns the findings left open."""
    for spec in SITES:
        store.upsert_site(
            SiteConfig(
                name=spec.name,
                agency=spec.agency,
                agency_aliases=list(spec.aliases),
                start_urls=[f"http://127.0.0.1:{spec.port}/xxgk/"],
                allowed_hosts=[f"127.0.0.1:{spec.port}"],
            )
        )
    ids: dict[str, int] = {}
    for serial, doc in enumerate(DOCS, start=1):
        url = doc_url(doc)
        body = page_body(doc)
        store.save_page(
            FetchedPage(
                url=url,
                final_url=url,
                status=200,
                fetched_at=_fetched_at(doc),
                site=doc.site,
                kind="detail",
                sha256=hashlib.sha256(body).hexdigest(),
                size=len(body),
                warc_record_id=warc_id(url),
                warc_file="qs-0001.warc.gz",
            ),
            body,
        )
        record = DocumentRecord(
            url=url,
            site=doc.site,
            column=doc.column,
            title=doc.title,
            index_no=index_no(doc, serial),
            doc_no=doc.doc_no,
            publisher=doc.publisher,
            written_date=doc.written,
            published_date=doc.published,
            disclosure=doc.disclosure,
            validity="有效",
            is_interpretation=doc.doc_type == "interpretation",
            page_sha256=hashlib.sha256(body).hexdigest(),
            fetched_at=_fetched_at(doc),
        )
        ids[f"{doc.site}/{doc.key}"] = store.save_documents([record], doc.site)[0].document_id
    store.save_classifications(
        [
            (
                ids[f"{d.site}/{d.key}"],
                Classification(
                    domain=d.domain,
                    doc_type=d.doc_type,  # type: ignore[arg-type]
                    needs_interpretation=d.needs_interpretation,
                ),
            )
            for d in DOCS
        ]
    )
    now = datetime(2025, 7, 15, 2, 0, tzinfo=UTC)
    site_ids = {s.name: store.site_id(s.name) for s in SITES}
    with store.engine.begin() as conn:
        for doc in DOCS:
            if doc.interprets:
                conn.execute(
                    sa.insert(document_links).values(
                        source_id=ids[f"{doc.site}/{doc.interprets}"],
                        target_id=ids[f"{doc.site}/{doc.key}"],
                        target_url=doc_url(doc),
                        kind="interpretation",
                        method="explicit",
                        confidence=100,
                        created_at=now,
                    )
                )
        for col in COLUMNS:
            conn.execute(
                sa.insert(site_columns).values(
                    site_id=site_ids[col.site],
                    url=column_url(col),
                    name=col.name,
                    kind=col.kind,
                    item_count=col.item_count,
                    latest_item_date=col.latest,
                    checked_at=now,
                )
            )
    expected = expected_findings()
    rules = sorted({f.rule for f in expected})
    for spec in SITES:
        mine = [f for f in expected if f.site == spec.name]
        if with_closed:
            # An earlier run saw one more defect, fixed since: it must show up as closed.
            ghost = ExpectedFinding(
                "metadata_missing",
                spec.name,
                f"http://127.0.0.1:{spec.port}/gone.html",
                None,
                {"missing": ["index_no"]},
            )
            store.sync_findings(spec.name, rules, [as_finding(f) for f in [*mine, ghost]], FIRST_SEEN)
        store.sync_findings(spec.name, rules, [as_finding(f) for f in mine], TODAY)
    return expected


def as_finding(f: ExpectedFinding) -> Finding:
    url = doc_url(f.doc) if f.doc else None
    body = page_body(f.doc) if f.doc else None
    days = f.values.get("working_days")
    return Finding(
        rule_id=f.rule,
        severity="high" if f.rule in ("late_publication", "missing_interpretation") else "medium",
        site=f.site,
        document_url=url,
        subject=f.subject,
        detail=f"{f.rule}: {f.values}"
        if days is None
        else f"成文至发布 {days} 个工作日，超过 {LATE_LIMIT} 个工作日",
        legal_basis=BASIS_26 if f.rule == "late_publication" else "国办发〔2016〕80号",
        evidence=Evidence(
            url=url or f.subject,
            fetched_at=_fetched_at(f.doc) if f.doc else None,
            sha256=hashlib.sha256(body).hexdigest() if body else None,
            warc_record_id=warc_id(url) if url else None,
            values=f.values,
        ),
    )


def in_period(
    f: ExpectedFinding, since: date | None, until: date | None, first_seen: date = FIRST_SEEN
) -> bool:
    """Where a finding counts for a period: its document's 发布日期, else 成文日期, else first seen."""
    day = (f.doc.published or f.doc.written) if f.doc else None
    day = day or first_seen
    return (since is None or day >= since) and (until is None or day <= until)


def test_the_invented_data_has_every_kind_of_finding() -> None:
    rules = {f.rule for f in expected_findings()}
    assert rules == {
        "late_publication",
        "missing_interpretation",
        "late_interpretation",
        "metadata_missing",
        "doc_no_format",
        "disclosure_attribute",
        "empty_column",
        "stale_column",
        "catalog_gap",
    }
    late = {f.doc.key for f in expected_findings() if f.rule == "late_publication" and f.doc}
    assert "repost" not in late and "evil" in late
