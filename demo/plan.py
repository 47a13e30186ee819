"""Plan the five demo sites: which real documents go where, with which dates and planted defects.

Everything is decided here, as data (:mod:`demo.model`); rendering and the ground truth only
read the plan. Randomness comes from one seeded generator, so a plan depends on ``today`` and the
seed alone. The selection of real documents does not depend on ``today`` (only their dates do).
The real documents come from the project's own facts file (:mod:`gongkai.demo.facts`).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, timedelta

from gongkai.audits.calendar import add_working_days, working_days_after
from gongkai.demo import annual, bodies, dates, docno, titles
from gongkai.demo.facts import ORDER_NO, DemoFacts, RealDocument
from gongkai.demo.model import AttachmentFile, DemoColumn, DemoDocument, SitePlan, SiteSpec

DEFAULT_SEED = 4
#: How late the planted late 解读 come (working days after the policy; the rule's grace is 0–3).
INTERPRETATION_DELAY_WORKING_DAYS = 12

SPECS: tuple[SiteSpec, ...] = (
    SiteSpec(
        name="guangdong",
        government="Guangdong Provincial Government",
        agency="广东省人民政府",
        office="广东省人民政府办公厅",
        codes=("粤府", "粤府函", "粤府办", "粤办函"),
        cms="govcn",
        encoding="utf-8",
        site_id_code="4400000001",
        index_prefix="006939748/",
        url_style="post",
    ),
    SiteSpec(
        name="henan",
        government="Henan Provincial Government",
        agency="河南省人民政府",
        office="河南省人民政府办公厅",
        codes=("豫政", "豫政办", "豫政文"),
        cms="trs_ul",
        encoding="utf-8",
        site_id_code="4100000002",
        index_prefix="11410000005184810D/",
        url_style="dated",
    ),
    SiteSpec(
        name="sichuan",
        government="Sichuan Provincial Government",
        agency="四川省人民政府",
        office="四川省人民政府办公厅",
        codes=("川府发", "川府函", "川办发", "川办函", "川府规", "川办规"),
        cms="meta_only",
        encoding="gb18030",
        site_id_code="5100000003",
        index_prefix="008100412/",
        url_style="content",
    ),
    SiteSpec(
        name="yunnan",
        government="Yunnan Provincial Government",
        agency="云南省人民政府",
        office="云南省人民政府办公厅",
        codes=("云政发", "云办发", "云政复"),
        cms="trs_page",
        encoding="utf-8",
        site_id_code="5300000004",
        index_prefix="01527901-8/",
        url_style="dated",
        catalog="demo_portal.yaml",
    ),
    SiteSpec(
        name="shanghai",
        government="Shanghai Municipal Government",
        agency="上海市人民政府",
        office="上海市人民政府办公厅",
        codes=("沪府", "沪府发", "沪府办", "沪府办发", "沪府规", "沪府办规"),
        cms="api_dl",
        encoding="utf-8",
        site_id_code="3100000005",
        index_prefix="11310000002420130X/",
        url_style="content",
    ),
)


@dataclass(frozen=True)
class Candidate:
    title: str
    doc_no: str
    written: date
    published: date
    publisher: str
    needs: bool
    real_lag: int


def candidates(spec: SiteSpec, facts: DemoFacts) -> tuple[list[Candidate], list[Candidate]]:
    """The government's own documents with an unambiguous 解读 need: (needs, does not need)."""
    needs: list[Candidate] = []
    plain: list[Candidate] = []
    for real in facts.documents:
        if real.government != spec.government:
            continue
        publisher = own_publisher(spec, real)
        need = titles.needs_interpretation(real.title)
        if publisher is None or need is None:
            continue
        lag = working_days_after(real.written, real.published).days
        item = Candidate(real.title, real.doc_no, real.written, real.published, publisher, need, lag)
        (needs if need else plain).append(item)
    return needs, plain


def usable(spec: SiteSpec, real: RealDocument) -> bool:
    """Whether the planner can take ``real`` for the site: its own, with an unambiguous 解读 need."""
    return (
        real.government == spec.government
        and own_publisher(spec, real) is not None
        and titles.needs_interpretation(real.title) is not None
    )


def own_publisher(spec: SiteSpec, real: RealDocument) -> str | None:
    """The site's own body that issued ``real`` (None: not the site's own document)."""
    province = spec.agency.removesuffix("人民政府")
    if ORDER_NO.match(real.doc_no):
        return spec.agency if real.title.startswith(province) and "关于" not in real.title else None
    if docno.code_of(real.doc_no) not in spec.codes:
        return None
    if real.title.startswith(spec.office):
        return spec.office
    if real.title.startswith(spec.agency):
        return spec.agency
    return None


class SitePlanner:
    """Builds one site's plan: documents are taken from the pools without reuse."""

    def __init__(self, spec: SiteSpec, today: date, rng: random.Random, facts: DemoFacts) -> None:
        self.spec, self.today, self.rng, self.facts = spec, today, rng, facts
        self.needs, self.plain = candidates(spec, facts)
        self.rng.shuffle(self.needs)
        self.rng.shuffle(self.plain)
        self.used_titles: set[str] = set()
        self.used_doc_nos: set[str] = set()
        self.serials: dict[int, int] = {}
        self.next_id = 1000 + sum(map(ord, spec.name)) * 7
        self.columns: list[DemoColumn] = []

    # --- columns and ids ---------------------------------------------------------------------

    def column(
        self, key: str, name: str, kind: str, page_size: int = 15, json_api: bool = False
    ) -> DemoColumn:
        col = DemoColumn(
            self.spec.name, key, name, kind, f"/xxgk/{key}/", page_size=page_size, json_api=json_api
        )  # type: ignore[arg-type]
        self.columns.append(col)
        return col

    def _path(self, column: DemoColumn, published: date | None) -> str:
        self.next_id += self.rng.randint(3, 40)
        ident = self.next_id
        if self.spec.url_style == "dated" and published is not None:
            return f"{column.path}{published:%Y%m}/t{published:%Y%m%d}_{ident}.html"
        if self.spec.url_style == "content":
            return f"{column.path}content_{ident}.html"
        return f"{column.path}content/post_{ident}.html"

    def index_no(self, year: int) -> str:
        self.serials[year] = self.serials.get(year, 0) + self.rng.randint(1, 9)
        return f"{self.spec.index_prefix}{year}-{self.serials[year]:05d}"

    # --- taking real documents ---------------------------------------------------------------

    def take(self, pool: list[Candidate], accept=lambda c: True) -> Candidate:  # type: ignore[no-untyped-def]
        for i, cand in enumerate(pool):
            if _masked(cand.title) in self.used_titles or not accept(cand):
                continue
            pool.pop(i)
            return cand
        raise RuntimeError(f"{self.spec.name}: the real data has too few documents for the demo plan")

    def add(
        self,
        column: DemoColumn,
        cand: Candidate,
        written: date | None,
        published: date | None,
        role: str,
        *,
        year_of: date | None = None,
        **extra: object,
    ) -> DemoDocument:
        """A document from a real candidate, re-dated: 文号 year and title years follow 成文."""
        anchor = written or published
        assert anchor is not None
        years = anchor.year - (cand.written.year if written else cand.published.year)
        title = titles.shift_years(cand.title, years)
        doc_no = self.free_doc_no(docno.with_year(cand.doc_no, (year_of or anchor).year))
        order = ORDER_NO.match(doc_no)
        if order:
            doc_no = f"{self.spec.agency}令第{order.group('num')}号"
        self.used_titles.add(_masked(title))
        self.used_doc_nos.add(doc_no)
        doc = DemoDocument(
            site=self.spec.name,
            column=column.name,
            path=self._path(column, published),
            title=title,
            index_no=self.index_no(anchor.year),
            doc_no=doc_no,
            publisher=cand.publisher,
            written=written,
            published=published,
            own=True,
            needs_interpretation=cand.needs,
            role=role,
            topic=_topic(title),
            validity="有效",
            body="order" if "令第" in doc_no else titles.body_kind(title),
            **extra,  # type: ignore[arg-type]
        )
        column.documents.append(doc)
        return doc

    def placed(
        self, column: DemoColumn, cand: Candidate, target: date, role: str, **extra: object
    ) -> DemoDocument:
        """A real document with its real 成文→发布 span, moved so 发布 falls on/just before ``target``."""
        written, published, _ = dates.shift_into(cand.written, cand.published, target)
        return self.add(column, cand, written, published, role, **extra)

    def free_doc_no(self, doc_no: str) -> str:
        """``doc_no``, or the next free number of its series if another document has it."""
        if docno.code_of(doc_no) is None:
            return doc_no
        code, year, num = docno.split(doc_no)
        while doc_no in self.used_doc_nos:
            num += 1
            doc_no = docno.compose(code, year, num)
        return doc_no

    def same_year(self, doc: DemoDocument) -> None:
        """Move a document back by weeks until 成文 and 发布 fall in one year (no year ambiguity)."""
        while doc.written and doc.published and doc.written.year != doc.published.year:
            doc.written -= timedelta(days=7)
            doc.published -= timedelta(days=7)
        year = (doc.written or doc.published or self.today).year
        if doc.index_no is not None:
            doc.index_no = self.index_no(year)
        if doc.doc_no and docno.code_of(doc.doc_no):
            self.used_doc_nos.discard(doc.doc_no)
            doc.doc_no = self.free_doc_no(docno.with_year(doc.doc_no, year))
            self.used_doc_nos.add(doc.doc_no)

    # --- roles --------------------------------------------------------------------------------

    def targets(self, count: int, newest_age: int, oldest_age: int) -> list[date]:
        if count == 1:
            return [self.today - timedelta(days=newest_age)]
        step = (oldest_age - newest_age) / (count - 1)
        return [self.today - timedelta(days=round(newest_age + i * step)) for i in range(count)]

    def policy_mix(
        self, column: DemoColumn, roles: list[str], newest_age: int, oldest_age: int
    ) -> list[DemoDocument]:
        """Own documents for ``roles`` spread over [today-oldest_age, today-newest_age]."""
        out = []
        for role, target in zip(roles, self.targets(len(roles), newest_age, oldest_age), strict=True):
            out.append(self.role(column, role, target))
        return out

    def role(self, column: DemoColumn, role: str, target: date) -> DemoDocument:
        spec = self.spec
        on_time = lambda c: c.real_lag <= 12  # noqa: E731
        if role in ("missing_box", "missing_nobox", "interp_late"):
            # Past any grace period for a 解读 (同步 or 3 working days), so "missing" is settled,
            # and room before today for a 解读 that comes weeks late.
            target = min(target, self.today - timedelta(days=30))
        if role == "interp_late":
            # Only where the duty to interpret is certain (BRIEF §2.4): a 规章 (令) or a 规-series
            # 规范性文件; a late 解读 of a document that may need none would be no finding.
            doc = self.placed(
                column, self.take(self.needs, lambda c: _certain_need(c) and on_time(c)), target, role
            )
            doc.interpretation_box = True
            return doc
        if role in ("interp_explicit", "interp_named", "missing_box", "missing_nobox"):
            doc = self.placed(column, self.take(self.needs, on_time), target, role)
            doc.interpretation_box = role in ("interp_explicit", "missing_box")
            return doc
        if role.startswith("disclosure:"):
            # 公开属性 says 依申请公开/不予公开, yet the full text is on the site (BRIEF §1.6).
            doc = self.placed(column, self.take(self.plain, on_time), target, role)
            doc.disclosure = role.split(":", 1)[1]
            return doc
        if role == "order":
            doc = self.placed(
                column,
                self.take(self.needs, lambda c: bool(ORDER_NO.match(c.doc_no)) and on_time(c)),
                target,
                role,
            )
            doc.interpretation_box = True
            return doc
        if role == "plain":
            return self.placed(column, self.take(self.plain, on_time), target, role)
        if role == "late_real":
            try:
                doc = self.placed(
                    column, self.take(self.plain, lambda c: 28 <= c.real_lag <= 90), target, role
                )
                doc.why = "the real 成文→发布 span, moved by whole weeks"
            except RuntimeError:  # this government's data has no late document left: make one
                cand = self.take(self.plain)
                written = dates.previous_workday(target - timedelta(days=60))
                published = add_working_days(written, self.rng.randint(26, 38)).day
                doc = self.add(column, cand, written, published, role)
            return doc
        if role in ("near_miss_20", "late_21"):
            written = dates.previous_workday(target - timedelta(days=30))
            span = 20 if role == "near_miss_20" else 21
            published = add_working_days(written, span).day
            return self.add(column, self.take(self.plain), written, published, role)
        if role in ("national_day_near_miss", "spring_festival_near_miss", "makeup_day_late"):
            latest = self.today - timedelta(days=20)
            if role == "makeup_day_late":
                found = dates.makeup_day_late(latest)
            else:
                found = dates.holiday_near_miss(
                    "National Day" if role.startswith("national") else "Spring Festival", latest
                )
            if found is None:  # the calendar knows no such holiday before today: an ordinary doc
                return self.role(column, "plain", target)
            return self.add(column, self.take(self.plain), found[0], found[1], role)
        if role.startswith("doc_no:"):
            doc = self.placed(
                column,
                self.take(self.plain, lambda c: docno.code_of(c.doc_no) is not None and on_time(c)),
                target,
                role,
            )
            doc.doc_no = docno.plant(doc.doc_no or "", role.split(":", 1)[1])
            return doc
        if role == "registration_no":
            doc = self.role(column, "interp_explicit", target)
            doc.role = role
            year = doc.written.year if doc.written else target.year
            doc.registration_no = f"{spec.name[:2].upper()}CR-{year}-{self.rng.randint(1000, 1999):05d}"
            return doc
        if role.startswith("missing:"):
            field = role.split(":", 1)[1]
            doc = self.placed(
                column,
                self.take(self.plain, lambda c: docno.code_of(c.doc_no) is not None and on_time(c)),
                target,
                role,
            )
            self.same_year(doc)
            setattr(doc, field, None)
            if field == "published":
                doc.list_date = False
                doc.path = f"{column.path}content/post_{self.next_id + 1}.html"
                self.next_id += 2
            if field in ("publisher", "written"):
                doc.body = "unsigned"
            return doc
        if role == "published_before_written":
            doc = self.placed(
                column, self.take(self.plain, on_time), min(target, self.today - timedelta(days=14)), role
            )
            assert doc.published is not None
            doc.written = doc.published + timedelta(days=6)
            self.same_year(doc)
            return doc
        if role == "doc_no_year_mismatch":
            doc = self.placed(
                column,
                self.take(
                    self.plain,
                    lambda c: (
                        docno.code_of(c.doc_no) is not None
                        and on_time(c)
                        and c.written.month >= 3
                        and c.published.month >= 3
                    ),
                ),
                target,
                role,
            )
            assert doc.written is not None
            while doc.written.month < 3 or doc.written.year != (doc.published or doc.written).year:
                doc.written -= timedelta(days=7)
                doc.published = doc.published - timedelta(days=7) if doc.published else None
            doc.index_no = self.index_no(doc.written.year)
            doc.doc_no = self.free_doc_no(docno.with_year(doc.doc_no or "", doc.written.year - 1))
            self.used_doc_nos.add(doc.doc_no)
            return doc
        raise ValueError(f"unknown role {role}")

    def duplicate_index(self, column: DemoColumn, target: date) -> None:
        first = self.role(column, "plain", target)
        second = self.role(column, "plain", target - timedelta(days=9))
        assert first.written and second.written
        if second.written.year != first.written.year:
            second.written, second.published = first.written, first.published
        second.index_no = first.index_no
        first.role = second.role = "index_no_duplicate"

    def interpretations(self, column: DemoColumn) -> None:
        """A 解读 for every policy that is meant to have one, published the same day."""
        forms = ["《{inner}》政策解读", "关于《{inner}》的解读", "一图读懂《{inner}》", "《{inner}》问答"]
        policies = [
            d
            for c in self.columns
            for d in c.documents
            if d.role in ("interp_explicit", "interp_named", "order", "registration_no", "interp_late")
        ]
        for i, policy in enumerate(policies):
            assert policy.published is not None
            inner = titles.inner_title(policy.title)
            title = forms[i % len(forms)].format(inner=inner)
            mode = "named" if policy.role == "interp_named" else "explicit"
            published = policy.published
            if policy.role == "interp_late":
                # Weeks after the policy: far past 同步 and any local grace of a few working days.
                published = add_working_days(policy.published, INTERPRETATION_DELAY_WORKING_DAYS).day
                assert published <= self.today, (policy.title, published)
            interp = DemoDocument(
                site=self.spec.name,
                column=column.name,
                path=self._path(column, published),
                title=title,
                index_no=self.index_no(published.year),
                doc_no=None,
                publisher=policy.publisher,
                written=published,
                published=published,
                own=True,
                needs_interpretation=False,
                role=f"interpretation_{mode}",
                is_interpretation=True,
                interprets=policy,
                link_mode=mode,  # type: ignore[arg-type]
                body="interpretation",
                topic=policy.topic,
            )
            policy.interpretations.append(interp)
            column.documents.append(interp)

    def reposts(self, column: DemoColumn, count: int, newest_age: int, oldest_age: int) -> None:
        """State Council documents reposted weeks later: late, but not this site's own lateness."""
        pool = list(self.facts.reposts)
        self.rng.shuffle(pool)
        chosen = [r for r in pool if _masked(r.title) not in self.used_titles][:count]
        for repost, target in zip(chosen, self.targets(count, newest_age, oldest_age), strict=True):
            published = dates.previous_workday(target)
            written = dates.previous_workday(published - timedelta(days=self.rng.randint(45, 120)))
            written = repost.published + timedelta(days=7 * ((written - repost.published).days // 7))
            title = titles.shift_years(repost.title, written.year - repost.published.year)
            self.used_titles.add(_masked(title))
            column.documents.append(
                DemoDocument(
                    site=self.spec.name,
                    column=column.name,
                    path=self._path(column, published),
                    title=title,
                    index_no=self.index_no(written.year),
                    doc_no=docno.with_year(repost.doc_no, written.year),
                    publisher=repost.publisher,
                    written=written,
                    published=published,
                    own=False,
                    needs_interpretation=False,
                    role="repost",
                    topic=_topic(title),
                    validity="有效",
                    body="reply",
                )
            )

    def news(self, column: DemoColumn, count: int, newest_age: int, step: int) -> None:
        pool = list(self.facts.news)
        self.rng.shuffle(pool)
        chosen = [n for n in pool if _masked(n.title) not in self.used_titles][:count]
        for i, item in enumerate(chosen):
            published = self.today - timedelta(days=newest_age + i * step)
            self.used_titles.add(_masked(item.title))
            column.documents.append(
                DemoDocument(
                    site=self.spec.name,
                    column=column.name,
                    path=self._path(column, published),
                    title=item.title,
                    index_no=self.index_no(published.year),
                    doc_no=None,
                    publisher="中国政府网",
                    written=published,
                    published=published,
                    own=False,
                    needs_interpretation=False,
                    role="news",
                    body="news",
                )
            )


def _certain_need(cand: Candidate) -> bool:
    """A 令-numbered 规章 or a 规-series 文号: a 解读 is due whatever the title says."""
    return bool(ORDER_NO.match(cand.doc_no)) or (docno.code_of(cand.doc_no) or "").endswith("规")


def _masked(title: str) -> str:
    """A title with its years blanked: two real titles a year apart are one title once re-dated."""
    return re.sub(r"(?:19|20)\d{2}", "YYYY", title)


def _topic(title: str) -> str:
    for words, topic in _TOPICS:
        if any(w in title for w in words):
            return topic
    return "综合政务\\其他"


_TOPICS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("教育", "学校", "教师"), "科技、教育\\教育"),
    (("科技", "创新"), "科技、教育\\科技"),
    (("医疗", "卫生", "健康", "医保"), "卫生、体育\\卫生"),
    (("就业", "人才"), "劳动、人事、监察\\劳动就业"),
    (("任免",), "劳动、人事、监察\\人事工作"),
    (("表彰",), "综合政务\\其他"),
    (("交通", "公路", "铁路", "机场"), "工业、交通\\其他"),
    (("环境", "生态", "污染"), "城乡建设、环境保护\\环境监测、保护与治理"),
    (("农业", "农村", "粮食"), "农业、林业、水利\\农业、畜牧业、渔业"),
    (("财政", "资金", "税"), "财政、金融、审计\\财政"),
    (("消费", "商务", "贸易"), "商贸、海关、旅游\\国内贸易（含供销）"),
)


def _attach(planner: SitePlanner) -> None:
    """PDF (gov.cn-style and TRS sites) or DOCX (the others) on the policies that have a 解读."""
    file_type = "pdf" if planner.spec.cms in ("govcn", "trs_page", "meta_only") else "docx"
    for column in planner.columns:
        for doc in column.documents:
            if doc.role not in ("interp_explicit", "interp_named", "registration_no", "interp_late"):
                continue
            folder = doc.path.rsplit("/", 1)[0]
            stamp = f"{doc.published:%Y%m%d}" if doc.published else "00000000"
            name = f"{titles.inner_title(doc.title)}.{file_type}"
            ident = re.findall(r"\d+", doc.path.rsplit("/", 1)[1])[-1]
            path = f"{folder}/P0{stamp}{ident}.{file_type}"
            doc.attachments.append(AttachmentFile(path, name, file_type, bodies.attachment_text(doc)))  # type: ignore[arg-type]


def _sort(columns: list[DemoColumn]) -> None:
    for column in columns:
        column.documents.sort(key=lambda d: (d.published or d.written or date.min, d.path), reverse=True)


def plan_sites(today: date, facts: DemoFacts, seed: int = DEFAULT_SEED) -> list[SitePlan]:
    """The five demo sites for the reference date ``today``."""
    plans = []
    for index, spec in enumerate(SPECS):
        planner = SitePlanner(spec, today, random.Random(seed * 1000 + index), facts)
        globals()[f"_plan_{spec.name}"](planner)
        for column in planner.columns:
            for doc in column.documents:
                _check_dates(doc, today)
                if spec.url_style == "dated" and doc.published is not None:
                    # dates may have moved after the URL was made: the URL date is the 发布日期.
                    ident = doc.path.rsplit("_", 1)[1]
                    doc.path = f"{column.path}{doc.published:%Y%m}/t{doc.published:%Y%m%d}_{ident}"
        _attach(planner)
        annual.plant(planner)  # the 年报 column of the annual-report site (demo/annual.py)
        _sort(planner.columns)
        plans.append(SitePlan(spec, planner.columns))
    return plans


def _check_dates(doc: DemoDocument, today: date) -> None:
    for value in (doc.written, doc.published):
        if value is not None and value > today:
            raise AssertionError(f"{doc.site} {doc.title}: date {value} after the reference date {today}")


# --- the five sites ---------------------------------------------------------------------------
# Ages are in days before "today". Policy columns stay well inside their 6-month freshness and
# news columns inside 2 weeks, unless a column is planted stale; stale ones are far past it.


def _plan_guangdong(p: SitePlanner) -> None:
    files = p.column("szfwj", "省政府文件", "policy", page_size=12)
    interp = p.column("zcjd", "政策解读", "other")
    reposts = p.column("gwywj", "国务院文件", "policy")
    notices = p.column("tzgg", "通知公告", "notice")
    roles = [
        "interp_explicit", "plain", "missing_box", "late_real", "interp_explicit", "doc_no:square_brackets",
        "plain", "near_miss_20", "interp_explicit", "missing:index_no", "late_21", "plain",
        "missing_box", "national_day_near_miss", "interp_explicit", "doc_no:half_width_parentheses",
        "missing:publisher", "plain", "late_real", "published_before_written", "interp_explicit",
        "missing:published", "doc_no:lenticular_brackets", "makeup_day_late", "plain", "missing_box",
        "plain", "late_real",
    ]  # fmt: skip
    p.policy_mix(files, roles, newest_age=3, oldest_age=150)
    p.duplicate_index(files, p.today - timedelta(days=64))
    p.policy_mix(files, ["disclosure:依申请公开"], newest_age=40, oldest_age=40)
    p.interpretations(interp)
    p.reposts(reposts, 6, newest_age=5, oldest_age=120)
    # 通知公告 not updated for about nine months: a stale column (the limit is 6 months).
    p.policy_mix(notices, ["plain"] * 6, newest_age=270, oldest_age=420)


def _plan_henan(p: SitePlanner) -> None:
    files = p.column("zcwj", "政策文件", "policy")
    interp = p.column("zcjd", "政策解读", "other")
    news = p.column("gzdt", "工作动态", "news")
    roles = [
        "interp_explicit", "plain", "order", "missing_box", "plain", "late_real", "registration_no",
        "doc_no:di_before_number", "plain", "near_miss_20", "interp_explicit", "doc_no:leading_zero",
        "missing:written", "plain", "spring_festival_near_miss", "missing_box", "late_21", "order",
        "doc_no:missing_hao", "plain", "interp_explicit", "late_real", "plain", "interp_explicit",
        "plain", "plain", "missing_box", "plain", "plain", "interp_explicit",
    ]  # fmt: skip
    p.policy_mix(files, roles, newest_age=2, oldest_age=170)
    p.policy_mix(files, ["interp_late", "disclosure:不予公开"], newest_age=50, oldest_age=110)
    p.interpretations(interp)
    p.news(news, 18, newest_age=1, step=3)
    p.column("zdxm", "重大建设项目", "other")  # an empty column: 暂无信息


def _plan_sichuan(p: SitePlanner) -> None:
    notices = p.column("tzgg", "通知公告", "notice", page_size=10)
    files = p.column("zcwj", "政策文件", "policy", page_size=10)
    interp = p.column("zcjd", "政策解读", "other", page_size=10)
    p.policy_mix(notices, ["plain"] * 12, newest_age=4, oldest_age=200)
    roles = [
        "interp_named", "plain", "missing_nobox", "late_real", "interp_named",
        "doc_no:full_width_parentheses",
        "near_miss_20", "plain", "interp_named", "doc_no:inner_spaces", "missing_nobox", "late_real",
        "plain", "doc_no:mixed_brackets", "interp_named", "plain",
    ]  # fmt: skip
    p.policy_mix(files, roles, newest_age=6, oldest_age=160)
    p.interpretations(interp)
    for i, doc in enumerate(d for c in p.columns for d in c.documents):
        doc.chinese_numeral_date = i % 2 == 0


def _plan_yunnan(p: SitePlanner) -> None:
    files = p.column("zcwj", "政策文件", "policy", page_size=10)
    interp = p.column("zcjd", "政策解读", "other", page_size=10)
    upper = p.column("sjwj", "上级文件", "policy", page_size=10)
    news = p.column("gzdt", "工作动态", "news", page_size=10)
    roles = [
        "interp_explicit", "plain", "missing_box", "late_real", "interp_explicit", "doc_no_year_mismatch",
        "near_miss_20", "plain", "interp_explicit", "missing_box", "plain", "interp_explicit", "plain",
    ]  # fmt: skip
    p.policy_mix(files, roles, newest_age=5, oldest_age=160)
    p.interpretations(interp)
    p.reposts(upper, 6, newest_age=8, oldest_age=140)
    # 工作动态 not updated for over a month: a stale column (the limit is 2 weeks).
    p.news(news, 14, newest_age=40, step=6)


def _plan_shanghai(p: SitePlanner) -> None:
    files = p.column("gfxwj", "规范性文件", "policy")
    interp = p.column("zcjd", "政策解读", "other")
    notices = p.column("tzgg", "通知公告", "notice", page_size=10, json_api=True)
    p.column("xzzf", "行政执法公示", "other")  # an empty column: 暂无信息
    news = p.column("yw", "要闻", "news")
    roles = [
        "interp_explicit", "plain", "interp_named", "missing_nobox", "late_real", "plain", "interp_explicit",
        "national_day_near_miss", "missing:index_no", "near_miss_20", "interp_named", "plain",
        "missing_nobox", "late_21", "interp_explicit", "plain", "plain",
    ]  # fmt: skip
    p.policy_mix(files, roles, newest_age=3, oldest_age=175)
    p.policy_mix(files, ["interp_late"], newest_age=60, oldest_age=60)
    p.interpretations(interp)
    p.policy_mix(notices, ["plain"] * 24, newest_age=2, oldest_age=160)
    p.news(news, 12, newest_age=0, step=2)
