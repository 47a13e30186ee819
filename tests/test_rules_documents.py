"""Document rules, table-driven, on the official calendar (春节, 国庆, 调休, year ends, 2027)."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from gongkai.audits.batch import DocBatch, SiteData
from gongkai.audits.catalog import load_standard
from gongkai.audits.linking import find_links, interpretation_index
from gongkai.audits.rules import RULES_BY_ID, AuditContext
from gongkai.models.records import Classification, DocumentRecord, SiteConfig

TODAY = date(2026, 6, 30)
SITE = SiteConfig(
    name="hongshan",
    agency="石狮市鸿山镇人民政府",
    agency_aliases=["鸿山镇", "鸿政"],
    start_urls=["http://127.0.0.1:1/"],
    allowed_hosts=["127.0.0.1"],
)


def doc(n: int = 1, **fields: object) -> DocumentRecord:
    base: dict[str, object] = {
        "url": f"http://127.0.0.1:1/doc/{n}.html",
        "title": f"石狮市鸿山镇人民政府关于做好第{n}项工作的通知",
        "index_no": f"QZ05908-3000-2024-{n:05d}",
        "publisher": "石狮市鸿山镇人民政府",
        "written_date": date(2024, 3, 1),
        "published_date": date(2024, 3, 5),
        "disclosure": "主动公开",
    }
    base.update(fields)
    return DocumentRecord(**base)  # type: ignore[arg-type]


def run(rule_id: str, records: list[DocumentRecord], classes=None, site=SITE, today=TODAY, **params):  # type: ignore[no-untyped-def]
    batch = DocBatch.from_records(records, classes)
    data = SiteData(site="hongshan", config=site, docs=batch, catalog=load_standard())
    if rule_id in ("missing_interpretation", "late_interpretation"):
        edges = find_links(batch, {}, {})
        data.interpretations = interpretation_index(batch, edges)
    ctx = AuditContext(today=today, overrides={rule_id: params} if params else {})
    return RULES_BY_ID[rule_id].run(data, ctx)


def oracle(start: date, end: date) -> int:
    """Working days in (start, end] straight from the holiday package (an independent count)."""
    return len(chinese_calendar.get_workdays(start + timedelta(days=1), end, include_weekends=True))


LATENESS = [
    # (成文, 发布, late?) — counts checked against the package's own day list below
    (date(2024, 1, 31), date(2024, 3, 1), False),  # 19 WD across 春节 2024 and its 调休 Sundays
    (date(2024, 1, 31), date(2024, 3, 4), False),  # exactly 20: not late
    (date(2024, 1, 31), date(2024, 3, 5), True),  # 21
    (date(2024, 9, 20), date(2024, 10, 25), True),  # 22 across 国庆 2024 (调休 Sep 29, Oct 12)
    (date(2024, 9, 20), date(2024, 10, 22), False),  # 19: the 国庆 week is not counted
    (date(2025, 12, 10), date(2026, 1, 9), True),  # 21 across the year end and 元旦 2026 (调休 Jan 4)
    (date(2026, 1, 16), date(2026, 2, 13), False),  # 20
    (date(2026, 1, 16), date(2026, 2, 14), True),  # 21: the 调休 Saturday before 春节 2026 is a working day
    (date(2026, 1, 16), date(2026, 2, 23), True),  # still 21: 春节 2026 holidays are not counted
]


@pytest.mark.parametrize(("written", "published", "late"), LATENESS)
def test_late_publication_on_the_official_calendar(written: date, published: date, late: bool) -> None:
    findings = run("late_publication", [doc(written_date=written, published_date=published)])
    assert bool(findings) is late
    if late:
        [finding] = findings
        assert finding.evidence.values["working_days"] == oracle(written, published) > 20
        assert finding.evidence.values["unit"] == "working_days"
        assert not finding.provisional
        assert finding.subject == finding.document_url == finding.evidence.url
        assert "第二十六条" in finding.legal_basis


def test_a_2027_span_is_provisional() -> None:
    [finding] = run(
        "late_publication", [doc(written_date=date(2026, 12, 1), published_date=date(2027, 1, 20))]
    )
    assert finding.provisional and finding.evidence.values["provisional"]
    assert "provisional" in finding.detail
    # Mon–Fri fallback in 2027: 2026-12-02..31 official days + Jan 1..20 2027 weekdays
    official = oracle(date(2026, 12, 1), date(2026, 12, 31))
    weekdays = sum(date(2027, 1, d).weekday() < 5 for d in range(1, 21))
    assert finding.evidence.values["working_days"] == official + weekdays


@pytest.mark.parametrize(
    ("publisher", "doc_no", "own"),
    [
        ("石狮市鸿山镇人民政府", None, True),
        ("鸿山镇党政办", None, True),  # alias inside the 发布机构
        (None, "鸿政〔2024〕3号", True),  # 代字 of the site
        ("国务院办公厅", "国办函〔2020〕109号", False),  # a repost (BRIEF §1.2)
        (None, None, False),  # nothing says whose it is
    ],
)
def test_only_the_sites_own_documents_are_late(publisher: str | None, doc_no: str | None, own: bool) -> None:
    record = doc(
        publisher=publisher, doc_no=doc_no, written_date=date(2020, 11, 17), published_date=date(2021, 9, 2)
    )
    assert bool(run("late_publication", [record])) is own
    # with no agency configured (imported documents) every document is the site's own
    assert run("late_publication", [record], site=None)


def test_withheld_and_on_request_documents_are_not_tested_for_lateness() -> None:
    records = [
        doc(1, disclosure="依申请公开", written_date=date(2024, 1, 2), published_date=date(2024, 6, 3)),
        doc(2, disclosure=None, written_date=date(2024, 1, 2), published_date=date(2024, 6, 3)),
    ]
    assert [f.document_url for f in run("late_publication", records)] == [records[1].url]
    assert run("late_publication", records, include_missing_disclosure=False) == []


def test_budget_override_counts_twenty_calendar_days_after_approval() -> None:
    # 预算法 Art. 14: 20 calendar days. 2024-09-11 + 20 = 10-01 (国庆), so the period ends 10-08.
    budget = "鸿山镇2024年部门预算公开"
    assert (
        run(
            "late_publication",
            [doc(title=budget, written_date=date(2024, 9, 11), published_date=date(2024, 10, 8))],
        )
        == []
    )
    [late] = run(
        "late_publication",
        [doc(title=budget, written_date=date(2024, 9, 11), published_date=date(2024, 10, 9))],
    )
    assert late.evidence.values["unit"] == "calendar_days"
    assert late.evidence.values["deadline"] == "2024-10-08"
    assert late.evidence.values["period_rule"] == "budget_final_accounts"
    assert "预算法" in late.legal_basis
    # 16 working days: on time under Art. 26, late under the budget law
    assert late.evidence.values["working_days"] <= 20


def test_penalty_decisions_have_seven_working_days() -> None:
    title = "鸿山镇行政处罚决定书（鸿综执罚〔2024〕5号）"
    # 2024-04-01 → 04-12 is 8 working days (清明 04-04..06 off, 调休 Sunday 04-07 on)
    [late] = run(
        "late_publication",
        [doc(title=title, written_date=date(2024, 4, 1), published_date=date(2024, 4, 12))],
    )
    assert late.evidence.values["limit"] == 7
    assert late.evidence.values["working_days"] == oracle(date(2024, 4, 1), date(2024, 4, 12)) == 8
    assert (
        run(
            "late_publication",
            [doc(title=title, written_date=date(2024, 4, 1), published_date=date(2024, 4, 11))],
        )
        == []
    )


NEEDS = Classification(doc_type="normative", needs_interpretation=True)
INTERP = Classification(doc_type="interpretation")


@pytest.mark.parametrize(
    ("published", "today", "grace", "missing"),
    [
        (date(2024, 9, 27), date(2024, 10, 8), 3, False),  # Sep 29 (调休 Sun), Sep 30, Oct 8: 3 WD
        (date(2024, 9, 27), date(2024, 10, 9), 3, True),  # 4 WD: the 国庆 week did not count
        (date(2024, 9, 27), date(2024, 9, 27), 0, False),  # 同步: same day is fine
        (date(2024, 9, 27), date(2024, 9, 29), 0, True),  # 同步: the 调休 Sunday is already a day later
    ],
)
def test_missing_interpretation_after_the_grace(
    published: date, today: date, grace: int, missing: bool
) -> None:
    records = [doc(published_date=published, written_date=published, doc_no="鸿政规〔2024〕1号")]
    findings = run("missing_interpretation", records, [NEEDS], today=today, grace_working_days=grace)
    assert bool(findings) is missing
    if missing:
        assert findings[0].evidence.values["working_days_since_published"] == oracle(published, today)


def test_a_linked_interpretation_is_late_after_the_grace() -> None:
    policy = doc(
        1,
        title="石狮市鸿山镇人民政府关于印发鸿山镇农村危房改造实施办法的通知",
        published_date=date(2024, 2, 8),
    )
    interp = doc(
        2,
        title="《鸿山镇农村危房改造实施办法》政策解读",
        published_date=date(2024, 2, 20),
        is_interpretation=True,
    )
    records, classes = [policy, interp], [NEEDS, INTERP]
    assert run("missing_interpretation", records, classes) == []
    # 2024-02-08 → 02-20 across 春节 2024: 4 working days (the 调休 Sunday 02-18 among them)
    assert run("late_interpretation", records, classes, grace_working_days=4) == []
    [late] = run("late_interpretation", records, classes)
    assert late.evidence.values["working_days"] == oracle(date(2024, 2, 8), date(2024, 2, 20)) == 4
    assert late.evidence.values["interpretation_urls"] == [interp.url]


def test_metadata_missing_lists_every_absent_field_in_one_finding() -> None:
    records = [
        doc(1),
        doc(2, index_no=None, publisher=" ", written_date=None),
        doc(3, title=None, published_date=None),
    ]
    findings = {f.document_url: f for f in run("metadata_missing", records)}
    assert set(findings) == {records[1].url, records[2].url}
    assert findings[records[1].url].evidence.values["missing"] == ["index_no", "publisher", "written_date"]
    assert findings[records[2].url].severity == "high"


def test_doc_no_format_reports_extraction_defects() -> None:
    records = [
        doc(1, doc_no="鸿政〔2024〕3号", doc_no_defects=[]),
        doc(2, doc_no="鸿政[2024]3号", doc_no_defects=["brackets"]),
        doc(3, doc_no="鸿政[2011]3号", doc_no_defects=["brackets"], written_date=date(2011, 5, 1)),
    ]
    findings = {f.document_url: f for f in run("doc_no_format", records)}
    assert set(findings) == {records[1].url, records[2].url}
    assert findings[records[1].url].evidence.values["defects"] == ["brackets"]
    assert findings[records[2].url].severity == "info"  # before GB/T 9704-2012 took effect


def test_a_doc_no_year_mismatch_is_a_date_finding_not_a_format_finding() -> None:
    mismatch = doc(1, doc_no="鸿政〔2023〕7号", doc_no_defects=["year_mismatch"])
    both = doc(2, doc_no="鸿政[2023]7号", doc_no_defects=["brackets", "year_mismatch"])
    findings = {f.document_url: f for f in run("doc_no_format", [mismatch, both])}
    assert set(findings) == {both.url}
    assert findings[both.url].evidence.values["defects"] == ["brackets"]
    assert {f.document_url for f in run("date_inconsistency", [mismatch, both])} == {mismatch.url, both.url}


@pytest.mark.parametrize(
    ("fields", "kinds"),
    [
        ({}, []),
        (
            {"written_date": date(2024, 3, 9), "published_date": date(2024, 3, 5)},
            ["published_before_written"],
        ),
        ({"published_date": date(2026, 7, 1)}, ["published_in_future"]),
        ({"doc_no": "鸿政〔2023〕7号"}, ["doc_no_year"]),
        ({"index_no": "QZ05908-3000-2019-00001"}, ["index_no_year"]),
        # numbered by 发布 year on platforms that do so: not a defect
        ({"written_date": date(2023, 12, 28), "published_date": date(2024, 1, 4)}, []),
    ],
)
def test_date_inconsistency(fields: dict[str, object], kinds: list[str]) -> None:
    findings = run("date_inconsistency", [doc(**fields)])
    assert [p["kind"] for f in findings for p in f.evidence.values["problems"]] == kinds


def test_late_december_doc_no_of_next_year_is_only_info() -> None:
    [finding] = run(
        "date_inconsistency",
        [
            doc(
                doc_no="鸿政〔2025〕1号",
                written_date=date(2024, 12, 30),
                published_date=date(2025, 1, 3),
                index_no=None,
            )
        ],
    )
    assert finding.severity == "info"


def test_index_no_duplicate_flags_each_document_but_not_reposts_of_one() -> None:
    same = "QZ05908-3000-2024-00009"
    records = [
        doc(1, index_no=same),
        doc(2, index_no=same, title="另一份文件"),
        doc(3, index_no="QZ05908-3000-2024-00010"),
        doc(4, index_no="QZ05908-3000-2024-00010"),  # the same document in two columns
    ]
    records[3] = records[3].model_copy(update={"title": records[2].title})
    findings = run("index_no_duplicate", records)
    assert sorted(f.subject for f in findings) == sorted([records[0].url, records[1].url])


@pytest.mark.parametrize(
    ("fields", "kind"),
    [
        ({"disclosure": "主动公开"}, None),
        ({"disclosure": None}, "missing"),
        ({"disclosure": None, "disclosure_raw": "公开范围：全社会"}, "unrecognised"),
        (
            {"disclosure": "不予公开", "body_text": "全文……", "page_sha256": "a" * 64},
            "published_but_withheld",
        ),
        ({"disclosure": "不予公开", "body_text": "", "page_sha256": "a" * 64}, None),  # a bare catalog entry
        (
            {"disclosure": "依申请公开", "body_text": "全文……", "page_sha256": "a" * 64},
            "published_but_on_request",
        ),
    ],
)
def test_disclosure_attribute(fields: dict[str, object], kind: str | None) -> None:
    findings = run("disclosure_attribute", [doc(**fields)])
    assert [f.evidence.values["kind"] for f in findings] == ([kind] if kind else [])
