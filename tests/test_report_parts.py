"""The report's parts on their own: periods, weights and scores, named queries, escaping helpers."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from gongkai.models.errors import ConfigError
from gongkai.reports import explorer, queries
from gongkai.reports.gap_output import csv_cell
from gongkai.reports.html import safe_href
from gongkai.reports.indicators import BY_ID, Result, median, percentile
from gongkai.reports.labels import DOMAINS, OTHER_DOMAIN
from gongkai.reports.period import PeriodError, parse_period
from gongkai.reports.scoring import DISCLAIMER, WEIGHTS_FILE, WeightsConfig, load_weights, score
from gongkai.reports.sheets import cell_value


@pytest.mark.parametrize(
    ("text", "start", "end", "months"),
    [
        ("2025", date(2025, 1, 1), date(2025, 12, 31), 12),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), 1),
        ("2025-01..2025-06", date(2025, 1, 1), date(2025, 6, 30), 6),
        ("2024-11..2025-02", date(2024, 11, 1), date(2025, 2, 28), 4),
        ("2025-01-15..2025-03-02", date(2025, 1, 15), date(2025, 3, 2), 3),
    ],
)
def test_periods(text: str, start: date, end: date, months: int) -> None:
    period = parse_period(text)
    assert (period.start, period.end, len(period.months())) == (start, end, months)
    assert period.contains(start) and period.contains(end) and not period.contains(date(2000, 1, 1))


@pytest.mark.parametrize("text", ["25", "2025-13", "2025-02-30", "2025-06..2025-01", "2025/01", "last year"])
def test_bad_periods_say_what_is_wrong(text: str) -> None:
    with pytest.raises(PeriodError, match=re.escape(text)):
        parse_period(text)


def test_no_period_is_all_time() -> None:
    assert parse_period(None).start is None and parse_period("").months() == []


def weights(**indicators: dict[str, object]) -> WeightsConfig:
    return WeightsConfig.model_validate({"scale": 100, "indicators": indicators})


def test_rate_deductions_belong_to_findings_and_sum_to_the_score() -> None:
    results = {
        "timely_publication": Result("timely_publication", eligible=10, failing=2, finding_ids=[7, 9]),
        "interpretation_coverage": Result("interpretation_coverage", eligible=4, failing=1, finding_ids=[11]),
    }
    config = weights(
        timely_publication={"weight": 30, "method": "rate"},
        interpretation_coverage={"weight": 10, "method": "rate"},
    )
    result = score(results, config)
    # 30 × 2/10 = 6 and 10 × 1/4 = 2.5 points of 40, on a scale of 100.
    assert result.score == pytest.approx(100 - (6 + 2.5) * 100 / 40)
    assert result.deduction_of(7) == pytest.approx(3 * 2.5) and result.deduction_of(11) == pytest.approx(6.25)
    assert sum(s.deduction for s in result.indicators.values()) == pytest.approx(100 - result.score)


def test_unassessed_indicators_are_left_out_and_the_rest_rescaled() -> None:
    results = {
        "timely_publication": Result("timely_publication", eligible=4, failing=1, finding_ids=[1]),
        "interpretation_coverage": Result("interpretation_coverage", eligible=0, failing=0),
    }
    config = weights(
        timely_publication={"weight": 20, "method": "rate"},
        interpretation_coverage={"weight": 20, "method": "rate"},
    )
    result = score(results, config)
    assert result.not_assessed == ["interpretation_coverage"]
    assert result.score == pytest.approx(75.0)
    assert score({"interpretation_coverage": results["interpretation_coverage"]}, config).score is None


def test_counted_findings_deduct_points_up_to_the_weight() -> None:
    results = {
        "column_upkeep": Result("column_upkeep", eligible=9, failing=4, finding_ids=[1, 2, 3, 4]),
        "timely_publication": Result("timely_publication", eligible=5, failing=0),
    }
    config = weights(
        column_upkeep={"weight": 5, "method": "per_finding", "points": 2},
        timely_publication={"weight": 95, "method": "rate"},
    )
    result = score(results, config)
    assert [result.deduction_of(i) for i in (1, 2, 3, 4)] == pytest.approx([2, 2, 1, 0])
    assert result.score == pytest.approx(95.0)


def test_the_default_weights_are_documented_and_valid() -> None:
    config = load_weights()
    assert set(config.indicators) == set(BY_ID)
    assert sum(s.weight for s in config.indicators.values()) == pytest.approx(config.scale)
    text = WEIGHTS_FILE.read_text(encoding="utf-8")
    assert "OFFICIAL WEIGHTS ARE UNPUBLISHED" in text and "BRIEF §5.2" in text
    assert "未公布指标权重" in DISCLAIMER


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("indicators:\n  nonsense: {weight: 1, method: rate}\n", "unknown indicator"),
        ("indicators:\n  column_upkeep: {weight: 1, method: rate}\n", "must be per_finding"),
        ("indicators:\n  timely_publication: {weight: -1, method: rate}\n", "greater than or equal"),
        ("indicators: [\n", "cannot read"),
    ],
)
def test_bad_weights_files_name_the_problem(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "weights.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as caught:
        load_weights(path)
    assert str(path) in str(caught.value)


def test_percentiles_are_nearest_rank() -> None:
    values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 40]
    assert percentile(values, 0.9) == 9 and percentile(values, 1.0) == 40 and percentile([], 0.9) is None
    assert median(values) == 5.5 and median([3]) == 3


def test_links_only_for_web_urls() -> None:
    assert safe_href("http://127.0.0.1/a.html") == "http://127.0.0.1/a.html"
    for bad in (
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,x",
        "/relative",
        "catalog:x",
        None,
        3,
    ):
        assert safe_href(bad) is None


def test_spreadsheet_cells_never_become_formulas_or_break_xml() -> None:
    assert csv_cell("=1+1") == "'=1+1" and csv_cell("@SUM(A1)") == "'@SUM(A1)" and csv_cell("普通") == "普通"
    assert csv_cell(-3) == -3 and csv_cell({"a": 1}) == '{"a": 1}'
    assert cell_value("a\x00b\x07c") == "a\ufffdb\ufffdc"
    assert len(cell_value("长" * 40000)) == 32000


def test_named_queries_bind_every_value() -> None:
    query = queries.get_query("findings")
    where, params = queries.build_where(query, {"agency": "x'; DROP TABLE findings; --", "rule": ["a", "b"]})
    assert "DROP" not in where and "'a'" not in where
    assert params == {"p_agency_0": "%x'; DROP TABLE findings; --%", "p_rule_0": "a", "p_rule_1": "b"}
    with pytest.raises(queries.QueryError, match="no filter 'colour'"):
        queries.build_where(query, {"colour": "red"})
    with pytest.raises(queries.QueryError, match="cannot sort by 'colour'"):
        queries.build_order(query, ["-colour"])


def test_every_named_query_is_documented(tmp_path: Path) -> None:
    loaded = queries.load_queries()
    assert {"findings", "documents", "domain_matrix", "document_history", "archived_copies"} <= set(loaded)
    for query in loaded.values():
        assert query.title and len(query.description) > 40, query.name
        if query.explorer:
            assert query.summary and re.search(r"[\u4e00-\u9fff]", query.title), query.name
    broken = tmp_path / "q.yaml"
    broken.write_text(
        yaml.safe_dump(
            {
                "x": {
                    "title": "t",
                    "description": "d",
                    "sql": "SELECT 1",
                    "sorts": {},
                    "default_sort": ["nope"],
                }
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="default sort 'nope'"):
        queries.load_queries(broken)


def test_the_domain_matrix_lists_exactly_the_26_domains() -> None:
    sql = queries.get_query("domain_matrix").sql
    listed = re.findall(r"\(\d+, '([^']+)'\)", sql)
    assert listed == [*DOMAINS, OTHER_DOMAIN] and len(DOMAINS) == 26


def test_explorer_metadata_never_renders_raw_html(tmp_path: Path) -> None:
    meta = explorer.datasette_metadata()
    assert meta["databases"]["gongkai"]["tables"]["findings"]["title"] == "审计发现"
    for database in ("gongkai", "catalog"):
        assert set(meta["databases"][database]["queries"]) == {
            n for n, q in queries.load_queries().items() if q.explorer and q.database == database
        }
    assert meta["databases"]["catalog"]["queries"]
    with pytest.raises(ConfigError, match="raw HTML"):
        explorer._refuse_raw_html({"databases": {"gongkai": {"description_html": "<b>x</b>"}}}, "test")


def test_charts_draw_chinese_with_a_real_cjk_font() -> None:
    import warnings

    from gongkai.reports import charts

    assert charts.cjk_font() == "Noto Sans CJK SC", "install Debian's fonts-noto-cjk (make system-deps)"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = charts.coverage_by_agency([("青山县卫生健康局", 3, 1), ("白水镇人民政府", 2, 2)])
        histogram = charts.lag_histogram([1, 3, 5, 21, 40])
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []
    assert png.startswith(b"\x89PNG") and histogram.startswith(b"\x89PNG")


def test_own_documents_follow_the_audits_test() -> None:
    from gongkai.reports.dataset import SiteInfo

    county = SiteInfo("qingshan", "青山县人民政府", ("青山县", "青政"))
    assert county.owns("青山县教育局", None) and county.owns("青山县人民政府办公室", "x")
    assert county.owns(None, "青政办发〔2025〕7号") and county.owns("某省人民政府", "青政〔2025〕1号")
    assert not county.owns("某省人民政府", "某政发〔2024〕30号") and not county.owns(None, None)
    assert SiteInfo("imported", None, ()).owns("任何机构", None)


def test_a_side_writer_that_dies_is_one_error_per_file_and_leaves_no_process(tmp_path: Path) -> None:
    import multiprocessing
    import os

    from gongkai.reports.side_process import SideWriter

    def written(path: Path) -> None:
        path.write_text(str(os.getpid()), encoding="utf-8")

    def dies(path: Path) -> None:
        os._exit(3)

    jobs = {
        "first": (written, tmp_path / "a"),
        "second": (dies, tmp_path / "b"),
        "third": (written, tmp_path / "c"),
    }
    results = SideWriter(jobs).results(timeout=60)
    died = "the writer process died (exit code 3)"
    assert results == {"first": None, "second": died, "third": died}
    assert int((tmp_path / "a").read_text(encoding="utf-8")) != os.getpid()
    assert not (tmp_path / "c").exists() and multiprocessing.active_children() == []


def test_no_fork_from_a_worker_thread() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from gongkai.reports.side_process import can_fork

    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(can_fork).result() is False
