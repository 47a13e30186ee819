"""Issue #14: extraction on real pages of 56 hosts (``../shared/data/multisite``), read in place.

Floors in ``corpus/eval/extract_baseline.json`` (``multisite``): every field overall, on the check
half of the fixed host split, and on the same pages given as plain text in every separator variant
(made here from the pages' visible text, never stored). Skips loudly through ``shared_data`` when
the real data is missing.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from gongkai.extractors.document import extract, extract_text
from gongkai.extractors.evaluation import (
    TEXT_VARIANTS,
    LabelledPage,
    MultisiteReport,
    evaluate_multisite,
    evaluate_multisite_text,
    multisite_below_floors,
    multisite_pages,
    page_text,
    split_half,
)

from gongkai.resources import corpus_path

BASELINE = Path(corpus_path("eval", "extract_baseline.json"))
FLOORS = json.loads(BASELINE.read_text(encoding="utf-8"))["multisite"]


@cache
def _pages(data: Path) -> tuple[LabelledPage, ...]:
    return tuple(multisite_pages(data))


@cache
def _html_report(data: Path) -> MultisiteReport:
    return evaluate_multisite(list(_pages(data)))


@pytest.fixture
def pages(shared_data: Path) -> list[LabelledPage]:
    found = list(_pages(shared_data))
    assert len(found) >= FLOORS["min_pages"], "multisite/ holds fewer pages than the baseline expects"
    return found


def test_html_meets_the_multisite_floors(shared_data: Path, pages: list[LabelledPage]) -> None:
    report = _html_report(shared_data)
    assert report.halves["check"].pages and report.halves["tune"].pages
    assert multisite_below_floors(report, FLOORS) == [], [m.__dict__ for m in report.mismatches]


def test_the_split_is_the_recorded_one(pages: list[LabelledPage]) -> None:
    check = sorted({page.site for page in pages if split_half(page.site) == "check"})
    assert check == FLOORS["check_hosts"]  # the hash rule and the recorded split agree
    tune = {page.site for page in pages} - set(check)
    assert tune and not tune & set(check)


@pytest.mark.parametrize("variant", TEXT_VARIANTS, ids=[v.name for v in TEXT_VARIANTS])
def test_text_variants_meet_the_text_floors(pages: list[LabelledPage], variant) -> None:  # type: ignore[no-untyped-def]
    report = evaluate_multisite_text(pages, variant)
    floors = {**FLOORS["text"], "min_pages": 1}
    assert multisite_below_floors(report, floors, variant.name) == []


def test_text_separators_give_the_same_block(pages: list[LabelledPage]) -> None:
    """The block fields read from text do not depend on how labels are separated from values."""
    block_pages = [page for page in pages if page.label.get("index_no")]
    assert len(block_pages) >= 20
    for page in block_pages:
        records = [
            extract_text(page_text(page, v.separator, v.spaced_labels, v.breadcrumb), page.url)
            for v in TEXT_VARIANTS
        ]
        for name in ("index_no", "doc_no", "written_date", "topic"):
            values = {str(getattr(record, name)) for record in records}
            assert len(values) == 1, (page.path.name, name, values)
        assert records[0].index_no == page.label["index_no"].replace(" ", ""), page.path.name


def test_negatives_are_not_documents_and_carry_no_block_fields(pages: list[LabelledPage]) -> None:
    for page in pages:
        if not page.negative or "negative" in page.lenient:
            continue
        record = extract(page.path.read_bytes(), page.url)
        assert record.page_kind != "document", page.path.name
        assert record.doc_no is None and record.index_no is None, page.path.name
        assert record.written_date is None, page.path.name


def test_every_value_says_where_it_came_from_and_how_sure(pages: list[LabelledPage]) -> None:
    seen_stages: set[str] = set()
    for page in pages[:40]:
        record = extract(page.path.read_bytes(), page.url)
        for name, value in record.metadata().items():
            if value is None:
                continue
            source = record.sources[name]
            assert source.confidence is not None, (page.path.name, name)
            seen_stages.add(source.stage)
            # What a reader sees is surer than a guess from the head or the URL.
            if source.stage in ("meta", "url"):
                assert source.confidence <= 0.5
            else:
                assert source.confidence >= 0.75
    assert {"block", "body"} <= seen_stages
