"""A synthetic store of many sites' documents, written in bulk, for the audit benchmark.

What it writes is what the crawler and ``import-docs`` leave behind: ``sites`` with real configs,
``documents`` rows, the current ``document_versions`` record (the full ``DocumentRecord`` JSON,
body text included, serialised the way SQLAlchemy's JSON type does), ``classifications``,
``site_columns`` and, for crawled sites, ``pages``/``page_versions``/``blobs`` with WARC pointers.
Titles are real titles read in place from ``../shared/data/corpus`` (never copied into the
project) and localised to each synthetic county; without that folder they are made up.

The mix is deliberately messy, as real sites are: dates over a decade across 春节/国庆 and 调休,
a share published late, reposts of higher-level documents, missing fields, 文号 printed with
wrong brackets or a 第, duplicated 索引号, the same document reposted into two columns, policies
that need a 解读 with one linked explicitly, by 《title》, by 文号 or only by a close title, and
解读 of policies that are not on the site at all. :class:`Planted` counts what was put in, so a
test can check that the audit finds it.

Rows go in through the store's public bulk loader (:meth:`Store.bulk_load`, ``models/bulk.py``):
one transaction per site, the store's own row mappers, so the generated store reads exactly like
a crawled one and a schema change needs no change here.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from gongkai.audits.calendar import WorkCalendar, default_calendar
from gongkai.audits.catalog import load_standard
from gongkai.extractors.values import check_doc_no
from gongkai.models.bulk import BulkDocument, BulkPage
from gongkai.models.records import Classification, ColumnConfig, DocumentRecord, SiteColumn, SiteConfig
from gongkai.models.store import open_store

SHARED_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "corpus"

#: Government names at the start of real titles, replaced by the synthetic county's name.
_GOVERNMENT_PREFIX = re.compile(
    r"^(?:国务院办公厅|国务院|广东省人民政府办公厅|广东省人民政府|海南省人民政府办公厅|海南省人民政府|"
    r"河南省人民政府办公厅|河南省人民政府|上海市人民政府办公厅|上海市人民政府|四川省人民政府办公厅|"
    r"四川省人民政府|云南省人民政府办公厅|云南省人民政府|广东省|海南省|河南省|上海市|四川省|云南省)"
)
_REGION_FIRST = "青安平永清宁长兴新和华丰泰德阳江河川云松柏桂梅竹"
_REGION_SECOND = "山水川原林溪城阳宁远平安江河丰盛"
_DEPARTMENTS = (
    "财政局",
    "教育局",
    "民政局",
    "卫生健康局",
    "自然资源局",
    "住房和城乡建设局",
    "市场监督管理局",
)
_TOPICS = (
    "国务院组织机构",
    "综合政务",
    "国民经济管理、国有资产监管",
    "财政、金融、审计",
    "城乡建设、环境保护",
    "农业、林业、水利",
    "科技、教育",
    "文化、广电、新闻出版",
    "卫生、体育",
    "劳动、人事、监察",
)
_FILLER = (
    "各乡镇人民政府，县政府各部门，各有关单位：现将有关事项通知如下，请结合实际认真贯彻落实。"
    "一、总体要求。坚持以人民为中心的发展思想，聚焦群众关切，强化工作统筹，确保各项任务按期完成。"
    "二、主要任务。加强组织领导，明确责任分工，完善工作机制，推进信息公开，主动接受社会监督。"
    "三、保障措施。各责任单位要加强协调配合，及时报送工作进展情况，对工作不力的予以通报。"
    "本办法自发布之日起施行，由县人民政府办公室负责解释。联系电话：0000-0000000。"
)

#: (kind, share of documents, column name, column kind)
KINDS: tuple[tuple[str, float, str, str], ...] = (
    ("policy", 0.33, "政策文件", "policy"),
    ("news", 0.30, "工作动态", "news"),
    ("notice", 0.20, "通知公告", "notice"),
    ("interpretation", 0.06, "政策解读", "other"),
    ("penalty", 0.05, "行政执法公示", "other"),
    ("budget", 0.02, "财政预决算", "other"),
    ("report", 0.04, "其他文件", "other"),
)
#: Columns every site lists but never fills (the empty_column rule's cases).
EMPTY_COLUMNS = (("人事信息", "other"), ("应急管理", "notice"))
DOC_NO_DEVIATIONS = ("square", "lenticular", "paren", "di", "leading_zero", "no_hao", "two_digit", "bare")


@dataclass(frozen=True)
class Plan:
    """What to generate. The defaults are the benchmark's one million documents."""

    docs: int = 1_000_000
    sites: int = 50
    today: date = date(2027, 3, 31)
    first_day: date = date(2015, 1, 1)
    seed: int = 20261122
    #: Characters of body text per document (real pages hold more; the audit never reads it).
    body_chars: int = 400
    #: Share of sites whose documents came from a crawl (pages, WARC pointers) rather than import-docs.
    crawled_share: float = 0.8
    #: Share of sites whose config names the standard catalog (catalog_gap runs there).
    catalog_share: float = 0.3
    #: Share of sites with no agency configured (every document counts as their own).
    no_agency_share: float = 0.1

    def site_sizes(self) -> list[int]:
        base, extra = divmod(self.docs, self.sites)
        return [base + (1 if i < extra else 0) for i in range(self.sites)]

    def key(self) -> str:
        """A short hash naming this plan, for caching generated stores."""
        text = json.dumps(asdict(self), default=str, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass
class Planted:
    """What the generator put in: document counts per tag (see ``Doc.tags``) and per-site facts."""

    documents: int = 0
    sites: int = 0
    crawled_sites: int = 0
    catalog_sites: int = 0
    no_agency_sites: int = 0
    empty_columns: int = 0
    stale_news_columns: int = 0
    tags: dict[str, int] = field(default_factory=dict)
    crawled_site_names: list[str] = field(default_factory=list)
    #: tag → the URLs carrying it; kept only when asked (tests), a million URLs are a lot of memory.
    subjects: dict[str, list[str]] | None = None

    def add(self, docs: list[Doc]) -> None:
        self.documents += len(docs)
        for doc in docs:
            for tag in doc.tags:
                self.tags[tag] = self.tags.get(tag, 0) + 1
                if self.subjects is not None:
                    self.subjects.setdefault(tag, []).append(doc.url)


def load_titles(corpus: Path = SHARED_CORPUS) -> tuple[list[str], str]:
    """Real titles (read in place), deduplicated; made-up ones when the shared data is absent."""
    titles: list[str] = []
    source = corpus / "titles_with_dates.tsv"
    library = corpus / "govcn_policy_library.tsv"
    if source.is_file():
        with source.open(encoding="utf-8", newline="") as handle:
            titles += [row["title"] for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)]
    if library.is_file():
        with library.open(encoding="utf-8", newline="") as handle:
            titles += [
                row["title"]
                for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
                if row.get("category") != "政策解读"
            ]
    unique = sorted({t.strip() for t in titles if t and 8 <= len(t.strip()) <= 120})
    if len(unique) >= 1000:
        return unique, f"real titles from {corpus} ({len(unique)} distinct)"
    made = [
        f"关于{a}{b}{c}的通知"
        for a in ("进一步加强", "印发", "做好", "开展", "推进", "规范", "调整", "完善")
        for b in ("农村", "城乡", "社区", "基层", "县域", "公共", "行政", "财政", "教育", "医疗")
        for c in (
            "工作",
            "管理办法",
            "实施方案",
            "专项行动",
            "考核办法",
            "补助标准",
            "服务规范",
            "三年行动计划",
            "改革措施",
            "监督检查",
            "应急预案",
            "安全生产",
        )
    ]
    return made, f"made-up titles ({len(made)}; {corpus} not found)"


@dataclass(frozen=True)
class SiteSpec:
    index: int
    name: str
    region: str
    agency: str | None
    code: str  # 文号 代字 of the county government
    org_code: str  # 索引号 prefix
    base: str
    crawled: bool
    catalog: bool
    stale_news: bool


def site_specs(plan: Plan, rng: np.random.Generator) -> list[SiteSpec]:
    specs = []
    for i in range(plan.sites):
        # Every pair of characters once before any repeats: two sites are never the same county.
        first, second = i % len(_REGION_FIRST), (i // len(_REGION_FIRST) + i) % len(_REGION_SECOND)
        region = _REGION_FIRST[first] + _REGION_SECOND[second] + "县"
        if i >= len(_REGION_FIRST) * len(_REGION_SECOND):
            region = f"{region[:2]}{i}县"
        name = f"county-{i + 1:03d}"
        specs.append(
            SiteSpec(
                index=i,
                name=name,
                region=region,
                agency=None if rng.random() < plan.no_agency_share else f"{region}人民政府",
                code=region[0] + region[1] + "政",
                org_code=f"{11330000 + i * 1013:08d}{'0123456789X'[i % 11]}",
                base=f"http://{name}.bench.invalid",
                crawled=bool(rng.random() < plan.crawled_share),
                catalog=bool(rng.random() < plan.catalog_share),
                stale_news=bool(rng.random() < 0.2),
            )
        )
    return specs


def _column_url(spec: SiteSpec, name: str) -> str:
    return f"{spec.base}/col/{hashlib.md5(name.encode()).hexdigest()[:8]}/index.html"


def site_config(spec: SiteSpec) -> dict[str, Any] | None:
    """The stored config (None for an import-only site without an agency)."""
    if spec.agency is None and not spec.crawled:
        return None
    columns = [
        ColumnConfig(url=_column_url(spec, column), name=column, kind=kind)  # type: ignore[arg-type]
        for _, _, column, kind in KINDS
        if kind != "other"
    ]
    config = SiteConfig(
        name=spec.name,
        agency=spec.agency,
        agency_aliases=[f"{spec.region}人民政府办公室", spec.code] if spec.agency else [],
        start_urls=[f"{spec.base}/"],
        allowed_hosts=[spec.base.split("//", 1)[1]],
        columns=columns,
        catalog="standard" if spec.catalog else None,
    )
    return config.model_dump(mode="json")


def _iso_z(value: datetime) -> str:
    """How pydantic dumps an aware UTC datetime in ``mode="json"``."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _deviate(code: str, year: int, serial: int, how: str) -> str:
    if how == "square":
        return f"{code}[{year}]{serial}号"
    if how == "lenticular":
        return f"{code}【{year}】{serial}号"
    if how == "paren":
        return f"{code}（{year}）{serial}号"
    if how == "di":
        return f"{code}〔{year}〕第{serial}号"
    if how == "leading_zero":
        return f"{code}〔{year}〕{serial:03d}号"
    if how == "no_hao":
        return f"{code}〔{year}〕{serial}"
    if how == "two_digit":
        return f"{code}〔{year % 100:02d}〕{serial}号"
    return f"{code}{year}{serial}号"


_RECORD_TEMPLATE = DocumentRecord(url="x").model_dump(mode="json")


@dataclass
class Doc:
    """One document being generated (plain fields; turned into rows by :func:`_rows`)."""

    id: int
    url: str
    kind: str
    column: str
    title: str | None
    index_no: str | None = None
    doc_no: str | None = None
    publisher: str | None = None
    written: date | None = None
    published: date | None = None
    disclosure: str | None = "主动公开"
    disclosure_raw: str | None = None
    topic: str | None = None
    validity: str | None = None
    is_interpretation: bool = False
    needs_interpretation: bool = False
    doc_type: str = "other"
    domain: str = "其他"
    links: list[dict[str, str]] = field(default_factory=list)
    interprets: list[dict[str, str | None]] = field(default_factory=list)
    body: str = ""
    attachments: list[dict[str, Any]] = field(default_factory=list)
    fetched_at: datetime | None = None
    #: What was planted in this document ("late_lag", "linked:title", "index_clash", …).
    tags: set[str] = field(default_factory=set)


class SiteGenerator:
    """Makes one site's documents from a plan, a site spec and the title pool."""

    def __init__(
        self,
        plan: Plan,
        spec: SiteSpec,
        titles: list[str],
        rng: np.random.Generator,
        calendar: WorkCalendar,
        domains: list[str],
        first_id: int,
    ) -> None:
        self.plan, self.spec, self.titles, self.rng, self.cal = plan, spec, titles, rng, calendar
        self.domains, self.next_id = domains, first_id
        self.serials: dict[tuple[str, int], int] = {}

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    def _url(self, doc_id: int, day: date | None) -> str:
        when = day or self.plan.first_day
        return f"{self.spec.base}/art/{when.year}/{when.month}/{doc_id}.html"

    def _serial(self, code: str, year: int) -> int:
        key = (code, year)
        self.serials[key] = self.serials.get(key, 0) + 1
        return self.serials[key]

    def _title(self) -> str:
        title = self.titles[int(self.rng.integers(len(self.titles)))]
        return _GOVERNMENT_PREFIX.sub(self.spec.region + "人民政府", title, count=1)

    def generate(self, count: int) -> list[Doc]:
        plan, rng = self.plan, self.rng
        shares = np.array([k[1] for k in KINDS])
        kinds = rng.choice(len(KINDS), size=count, p=shares / shares.sum())
        first, last = plan.first_day.toordinal(), plan.today.toordinal() - 3
        written = rng.integers(first, last, size=count)
        # Publication lag in working days (start day not counted): most within the 20-day limit.
        lag = np.where(
            rng.random(count) < 0.93,
            rng.integers(0, 21, size=count),
            rng.integers(21, 120, size=count),
        )
        published = self.cal.deadlines_working(written, lag)
        docs: list[Doc] = []
        for i in range(count):
            kind, column = KINDS[kinds[i]][0], KINDS[kinds[i]][2]
            w, p = date.fromordinal(int(written[i])), date.fromordinal(int(published[i]))
            doc = self._document(kind, column, w, min(p, plan.today))
            if (
                kind != "penalty"
                and doc.published
                and self.cal.working_days_after(w, doc.published).days > 20
            ):
                doc.tags.add("late_lag")  # counted on the final dates (a few were cut back to "today")
            docs.append(doc)
        self._interpretations(docs)
        self._defects(docs)
        return docs

    def news(self) -> Doc:
        """One more plain news item (pads a site to its exact size)."""
        day = date.fromordinal(
            int(self.rng.integers(self.plan.first_day.toordinal(), self.plan.today.toordinal()))
        )
        return self._document("news", "工作动态", day, day)

    def _document(self, kind: str, column: str, written: date, published: date) -> Doc:
        rng, spec = self.rng, self.spec
        doc_id = self._id()
        title = self._title()
        doc = Doc(id=doc_id, url=self._url(doc_id, published), kind=kind, column=column, title=title)
        doc.written, doc.published = written, published
        doc.topic = _TOPICS[int(rng.integers(len(_TOPICS)))]
        doc.domain = self.domains[int(rng.integers(len(self.domains)))]
        doc.validity = "有效" if kind == "policy" else None
        own = rng.random() < 0.8
        department = _DEPARTMENTS[int(rng.integers(len(_DEPARTMENTS)))]
        doc.publisher = f"{spec.region}人民政府办公室" if own else "省人民政府办公厅"
        code = spec.code + ("办发" if rng.random() < 0.5 else "发") if own else "省政办发"
        if kind == "news":
            doc.publisher = (
                f"{spec.region}{department}" if rng.random() < 0.5 else f"{spec.region}人民政府办公室"
            )
            doc.title = f"{spec.region}{department}召开{title[-14:]}工作推进会"
            doc.doc_type = "other"
        elif kind == "penalty":
            doc.publisher = f"{spec.region}{department}"
            code = spec.region[:2] + department[:2] + "罚决字"
            number = f"{code}〔{written.year}〕{self._serial(code, written.year)}号"
            doc.title = f"{spec.region}{department}行政处罚决定书（{number}）"
            doc.doc_type = "administrative"
            lag = int(rng.integers(0, 12))  # 行政处罚 decisions: 7 working days (catalog override)
            if lag > 7:
                doc.tags.add("late_penalty")
            doc.published = date.fromordinal(
                min(
                    self.plan.today.toordinal(),
                    int(self.cal.deadlines_working(np.array([written.toordinal()]), lag)[0]),
                )
            )
        elif kind == "budget":
            doc.publisher = f"{spec.region}{department}"
            doc.title = f"{spec.region}{department}{written.year}年部门预算公开"
            doc.doc_type = "report"
            doc.domain = "财政预决算"
        elif kind == "report":
            doc.doc_type = "report"
        elif kind == "notice":
            doc.doc_type = "announcement"
        elif kind == "policy":
            doc.doc_type = "normative" if rng.random() < 0.6 else "administrative"
        if not own and kind in ("policy", "notice"):
            doc.tags.add("other_body")
        # 文号: most policies, some notices, every penalty decision (in its title too).
        wants_no = {"policy": 0.9, "notice": 0.3, "penalty": 1.0}.get(kind, 0.03)
        if rng.random() < wants_no:
            year = written.year
            if kind == "penalty":
                doc.doc_no = doc.title.split("（", 1)[1].rstrip("）")
            else:
                doc.doc_no = f"{code}〔{year}〕{self._serial(code, year)}号"
        doc.index_no = f"{spec.org_code}/{published.year}-{self._serial('index', published.year):05d}"
        doc.needs_interpretation = kind == "policy" and own and rng.random() < 0.15
        if doc.needs_interpretation:
            doc.tags.add("needs_interpretation")
        doc.body = ((doc.title or "") + _FILLER * (1 + self.plan.body_chars // len(_FILLER)))[
            : self.plan.body_chars
        ]
        if rng.random() < 0.1:
            doc.attachments.append(
                {
                    "url": f"{spec.base}/file/{doc_id}.pdf",
                    "text": "附件.pdf",
                    "file_type": "pdf",
                    "sha256": None,
                    "content_text": None,
                }
            )
        if spec.crawled:
            fetched = datetime.combine(published, datetime.min.time(), UTC) + timedelta(
                days=int(rng.integers(0, 30)), seconds=int(rng.integers(0, 86400))
            )
            doc.fetched_at = min(fetched, datetime.combine(self.plan.today, datetime.min.time(), UTC))
        return doc

    def _interpretations(self, docs: list[Doc]) -> None:
        """解读 for a share of the policies that need one, linked in each of the four ways."""
        rng, spec = self.rng, self.spec
        made: list[Doc] = []
        for doc in docs:
            if doc.kind == "interpretation":  # the pool's interpretations: of policies not on the site
                doc.is_interpretation, doc.doc_type, doc.doc_no = True, "interpretation", None
                doc.title = f"《{self._title()}》政策解读" if rng.random() < 0.5 else f"图解：{self._title()}"
                doc.tags.add("orphan_interpretation")
                continue
            if not doc.needs_interpretation or rng.random() < 0.35:
                continue
            method = ("explicit", "title", "doc_no", "fuzzy")[int(rng.choice(4, p=[0.35, 0.35, 0.1, 0.2]))]
            if method == "doc_no" and not doc.doc_no:
                method = "title"
            lag = int(rng.integers(0, 4)) if rng.random() < 0.8 else int(rng.integers(4, 30))
            when = int(self.cal.deadlines_working(np.array([doc.published.toordinal()]), lag)[0])  # type: ignore[union-attr]
            published = date.fromordinal(min(when, self.plan.today.toordinal()))
            interp_id = self._id()
            title = doc.title or ""
            if method == "title":
                interp_title = f"《{title}》政策解读" if rng.random() < 0.5 else f"一图读懂《{title}》"
            elif method == "doc_no":
                interp_title = f"（{doc.doc_no}）政策问答"
            elif method == "fuzzy":
                cut = len(title) // 2
                interp_title = f"{spec.region}有关部门负责人就{title[:cut]}{title[cut + 1 :]}答记者问"
            else:
                interp_title = f"图解：{title[: max(4, len(title) // 3)]}"
            interp = Doc(
                id=interp_id,
                url=self._url(interp_id, published),
                kind="interpretation",
                column="政策解读",
                title=interp_title,
                publisher=doc.publisher,
                written=published,
                published=published,
                topic=doc.topic,
                domain=doc.domain,
                is_interpretation=True,
                doc_type="interpretation",
                body=doc.body[: self.plan.body_chars // 2],
                fetched_at=doc.fetched_at,
            )
            interp.index_no = f"{spec.org_code}/{published.year}-{self._serial('index', published.year):05d}"
            if method == "explicit":
                doc.links.append({"url": interp.url, "text": "相关解读", "kind": "interpretation"})
            doc.tags.add(f"linked:{method}")
            if lag > 3 and when <= self.plan.today.toordinal():
                doc.tags.add("late_interpretation_lag")
            made.append(interp)
        docs.extend(made)

    def _defects(self, docs: list[Doc]) -> None:
        rng, today = self.rng, self.plan.today
        originals = [d for d in docs if not d.is_interpretation]
        extra: list[Doc] = []
        for doc in docs:
            r = rng.random()
            if doc.doc_no and r < 0.06 and doc.kind != "penalty":
                m = re.match(r"^(.+?)〔(\d{4})〕(\d+)号$", doc.doc_no)
                if m:
                    how = DOC_NO_DEVIATIONS[int(rng.integers(len(DOC_NO_DEVIATIONS)))]
                    doc.doc_no = _deviate(m[1], int(m[2]), int(m[3]), how)
                    doc.tags.add(f"doc_no:{how}")
            if doc.doc_no and rng.random() < 0.01 and doc.written:  # 〔year〕 ≠ 成文 year
                doc.doc_no = re.sub(r"(?<=〔)\d{4}(?=〕)", str(doc.written.year - 1), doc.doc_no)
                doc.tags.add("doc_no_year")
            r = rng.random()
            if r < 0.10:
                doc.written = None
                doc.tags.add("missing:written_date")
            elif r < 0.103 and doc.written and doc.published:
                doc.published = doc.written - timedelta(days=int(rng.integers(1, 30)))
                doc.tags.add("published_before_written")
            elif r < 0.1035:
                doc.published = today + timedelta(days=int(rng.integers(1, 400)))
                doc.tags.add("published_in_future")
            r = rng.random()
            if r < 0.03:
                doc.index_no = None
                doc.tags.add("missing:index_no")
            elif r < 0.05:
                doc.publisher = None
                doc.tags.add("missing:publisher")
            elif r < 0.053:
                doc.published = None
                doc.tags.add("missing:published_date")
            elif r < 0.054:
                doc.title = None
                doc.tags.add("missing:title")
            r = rng.random()
            if r < 0.03:
                doc.disclosure = None
                doc.tags.add("disclosure:missing")
            elif r < 0.035:
                doc.disclosure, doc.disclosure_raw = None, "公开范围：全社会"
                doc.tags.add("disclosure:unrecognised")
            elif r < 0.045:
                doc.disclosure = "依申请公开"
                doc.tags.add("disclosure:on_request")
            elif r < 0.048:
                doc.disclosure = "不予公开"
                if rng.random() < 0.5:  # a bare catalog entry: no body, no attachment
                    doc.body, doc.attachments = "", []
                    doc.tags.add("disclosure:withheld_empty")
                else:
                    doc.tags.add("disclosure:withheld_published")
        for _ in range(int(len(docs) * 0.003)):  # another document carrying an existing 索引号
            source = originals[int(rng.integers(len(originals)))]
            if not source.index_no or not source.title:
                continue
            doc_id = self._id()
            clash = Doc(
                id=doc_id,
                url=self._url(doc_id, source.published),
                kind="notice",
                column="通知公告",
                title=f"{source.title}（补充说明）",
                index_no=source.index_no,
                publisher=source.publisher,
                written=source.written,
                published=source.published,
                topic=source.topic,
                domain=source.domain,
                doc_type="announcement",
                fetched_at=source.fetched_at,
            )
            clash.tags |= {"index_clash"} | {t for t in source.tags if t.startswith("missing:")}
            source.tags.add("index_clash_source")
            extra.append(clash)
        for _ in range(int(len(docs) * 0.02)):  # one document reposted into a second column
            source = originals[int(rng.integers(len(originals)))]
            doc_id = self._id()
            copy = Doc(
                **{
                    **source.__dict__,
                    "id": doc_id,
                    "url": self._url(doc_id, source.published),
                    "column": "通知公告",
                    "links": [],
                    "needs_interpretation": False,
                    # the copy carries the source's defects, not its 解读 duties
                    "tags": {"repost_copy"} | (source.tags & _INHERITED) | _prefixed(source.tags),
                }
            )
            extra.append(copy)
        docs.extend(extra)


#: Tags a reposted copy shares with its source (it is the same document in another column).
_INHERITED = {"index_clash_source", "late_lag", "published_before_written", "published_in_future",
              "other_body", "doc_no_year"}  # fmt: skip


def _prefixed(tags: set[str]) -> set[str]:
    return {t for t in tags if t.startswith(("missing:", "disclosure:", "doc_no:"))}


def _record(doc: Doc, site: str) -> dict[str, Any]:
    record = dict(_RECORD_TEMPLATE)
    checked = check_doc_no(doc.doc_no) if doc.doc_no else None
    sources: dict[str, Any] = {}
    if doc.title:
        sources["title"] = {"stage": "meta", "label": "ArticleTitle", "raw": doc.title}
    if doc.published:
        sources["published_date"] = {"stage": "meta", "label": "PubDate", "raw": doc.published.isoformat()}
    if doc.index_no:
        sources["index_no"] = {"stage": "block", "label": "索引号", "raw": doc.index_no}
    if doc.doc_no:
        sources["doc_no"] = {"stage": "block", "label": "发文字号", "raw": doc.doc_no}
    record.update(
        url=doc.url,
        site=site,
        column=doc.column,
        title=doc.title,
        index_no=doc.index_no,
        doc_no=doc.doc_no,
        publisher=doc.publisher,
        written_date=doc.written.isoformat() if doc.written else None,
        published_date=doc.published.isoformat() if doc.published else None,
        disclosure=doc.disclosure,
        topic=doc.topic,
        validity=doc.validity,
        disclosure_raw=doc.disclosure_raw,
        doc_no_normalized=checked.normalized if checked else None,
        doc_no_defects=list(checked.defects) if checked else [],
        topic_levels=[doc.topic] if doc.topic else [],
        body_text=doc.body,
        links=doc.links,
        attachments=doc.attachments,
        has_interpretation_box=doc.kind == "policy",
        is_interpretation=doc.is_interpretation,
        interprets=doc.interprets,
        sources=sources,
        fetched_at=_iso_z(doc.fetched_at) if doc.fetched_at else None,
    )
    return record


def _bulk_docs(spec: SiteSpec, docs: list[Doc], today: date) -> Iterator[BulkDocument]:
    for doc in docs:
        record = _record(doc, spec.name)
        page = None
        if spec.crawled and doc.fetched_at:
            body = f"<html><!-- synthetic page {doc.url} --></html>".encode()
            page = BulkPage(
                body=body,
                fetched_at=doc.fetched_at,
                warc_record_id=f"<urn:uuid:{hashlib.md5(body).hexdigest()}>",
                warc_file=f"{spec.name}-{doc.fetched_at:%Y%m}.warc.gz",
            )
            record["page_sha256"] = hashlib.sha256(body).hexdigest()
        else:
            record["page_sha256"] = None
        if record["doc_no_defects"]:
            doc.tags.add("doc_no_defective")
        yield BulkDocument(
            id=doc.id,
            record=record,
            seen_at=doc.fetched_at or _midnight(today),
            content_hash=hashlib.sha256(f"{doc.url}\x00{doc.title}\x00{doc.doc_no}".encode()).hexdigest(),
            classification=Classification(
                topic=doc.topic,
                domain=doc.domain,
                doc_type=doc.doc_type,  # type: ignore[arg-type]
                needs_interpretation=doc.needs_interpretation,
                model_version="bench-synthetic",
            ),
            page=page,
        )


def _site_columns(spec: SiteSpec, docs: list[Doc], today: date, planted: Planted) -> list[SiteColumn]:
    """Columns as the crawler saw them: item counts and the newest date, some stale, two empty."""
    checked = _midnight(today)
    by_column: dict[str, list[date]] = {}
    for doc in docs:
        if doc.published and doc.published <= today:
            by_column.setdefault(doc.column, []).append(doc.published)
    out = []
    for _, _, column, kind in KINDS:
        dates = by_column.get(column, [])
        latest = max(dates) if dates else None
        if spec.stale_news and kind == "news":
            latest = today - timedelta(days=45)
            planted.stale_news_columns += 1
        out.append(
            SiteColumn(
                url=_column_url(spec, column),
                name=column,
                kind=kind,  # type: ignore[arg-type]
                item_count=len(dates),
                latest_item_date=latest,
                checked_at=checked,
            )
        )
    for column, kind in EMPTY_COLUMNS:
        out.append(
            SiteColumn(url=_column_url(spec, column), name=column, kind=kind, checked_at=checked)  # type: ignore[arg-type]
        )
        planted.empty_columns += 1
    return out


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC)


def generate_store(
    path: Path, plan: Plan, titles: list[str] | None = None, keep_subjects: bool = False
) -> Planted:
    """Write ``plan``'s documents into a new SQLite store at ``path`` (which must not exist)."""
    if path.exists():
        raise FileExistsError(f"{path} exists; generate into a new file")
    rng = np.random.default_rng(plan.seed)
    titles = titles if titles is not None else load_titles()[0]
    calendar = default_calendar()
    domains = load_standard().domains
    planted = Planted(sites=plan.sites, subjects={} if keep_subjects else None)
    store = open_store(f"sqlite:///{path}")  # the schema, by the project's own migrations
    try:
        next_id = 0
        for spec, size in zip(site_specs(plan, rng), plan.site_sizes(), strict=True):
            config = site_config(spec)
            generator = SiteGenerator(plan, spec, titles, rng, calendar, domains, next_id)
            docs = _exactly(generator, size)
            next_id = generator.next_id
            site = SiteConfig.model_validate(config) if config else spec.name
            store.bulk_load(
                site,
                _bulk_docs(spec, docs, plan.today),
                _site_columns(spec, docs, plan.today, planted),
                classified_at=_midnight(plan.today),
            )
            planted.add(docs)
            planted.crawled_sites += spec.crawled
            if spec.crawled:
                planted.crawled_site_names.append(spec.name)
            planted.catalog_sites += spec.catalog
            planted.no_agency_sites += spec.agency is None
        store.analyze()
    finally:
        store.close()
    return planted


def _exactly(generator: SiteGenerator, size: int) -> list[Doc]:
    """``size`` documents: drawn so that the added 解读, clashes and reposts land near ``size``, then
    padded with news items or trimmed of plain news items that nothing refers to."""
    docs = generator.generate(max(1, int(size / 1.05)))
    while len(docs) < size:
        docs.append(generator.news())
    if len(docs) > size:
        drop = len(docs) - size
        keep: list[Doc] = []
        for doc in reversed(docs):
            if drop and doc.kind == "news" and not doc.tags:
                drop -= 1
                continue
            keep.append(doc)
        docs = keep[::-1]
    return docs


def iter_site_docs(path: Path) -> Iterator[tuple[str, int]]:
    """(site name, document count) of a generated store, for summaries."""
    with open_store(f"sqlite:///{path}", must_exist=True) as store:
        for name in store.site_names():
            counts = store.document_counts(name)
            yield name, counts["documents"] + counts["news"] + counts["other_pages"]
