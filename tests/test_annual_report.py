"""Annual reports (issue #11): reading the tables from every layout, never guessing a split, and
each check table-driven on reports made at test time."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from gongkai.audits.annual import check_report, check_run, missing_reports
from gongkai.extractors.annual_report import (
    PART3_COLUMNS,
    UnreadableReport,
    read_bytes,
    read_report,
    read_text,
)
from gongkai.extractors.annual_report.split import splits
from gongkai.flows.cli import cli

from tests.annual_reports import LABELS, Sample, consistent, crawler_text, html_text
from tests.test_extract_attachments import make_pdf


def codes(problems: list) -> list[str]:
    return sorted(p.code for p in problems)


def assert_rows(report, sample: Sample) -> None:
    for key, values in sample.rows.items():
        assert [report.part3.value(key, col) for col in PART3_COLUMNS] == values, key
    assert [c.value for g in report.part4.rows.values() for c in g.values()] == sample.part4


# --- splitting --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("runs", "groups", "expected"),
    [
        (["15130000154"], [7], [[151, 3, 0, 0, 0, 0, 154]]),
        (["200", "000121"], [7], [[20, 0, 0, 0, 0, 1, 21]]),  # a space is always a cut
        (["21317000001324019"], [5, 5, 5], [[2, 1, 3, 1, 7, 0, 0, 0, 0, 0, 13, 2, 4, 0, 19]]),
        (["1234"], [7], []),  # too short: no reading at all
    ],
)
def test_splits_follow_the_sums(runs, groups, expected) -> None:
    assert splits(runs, groups) == expected


def test_an_ambiguous_run_lists_every_reading() -> None:
    # 10+1 = 11 and 1+10 = 11 print alike: "101000011"
    options = splits(["101000011"], [7])
    assert len(options) > 1 and all(sum(o[:6]) == o[6] for o in options)


# --- reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(24))
def test_run_together_cells_are_read_exactly_or_reported(seed: int) -> None:
    """Never a silent guess: each row is either the truth or listed as unreadable."""
    sample = consistent(seed)
    report = read_text(crawler_text(sample))
    unreadable = " ".join(p.detail for p in report.reading if p.code == "unreadable")
    for key, values in sample.rows.items():
        got = [report.part3.value(key, col) for col in PART3_COLUMNS] if report.part3.has_row(key) else None
        if got is None:
            assert f"row {key}:" in unreadable, key
        else:
            assert got == values, key


def test_most_run_together_rows_are_read() -> None:
    read = total = 0
    for seed in range(100, 124):
        sample = consistent(seed)
        report = read_text(crawler_text(sample))
        total += len(sample.rows)
        read += sum(report.part3.has_row(k) for k in sample.rows)
    assert read / total > 0.95


@pytest.mark.parametrize("seed", range(5))
def test_spaced_text_and_html_read_exactly(seed: int) -> None:
    sample = consistent(seed, busy=0.6, big=4000)
    for text in (crawler_text(sample, " "), html_text(sample)):
        report = read_text(text) if not text.startswith("<") else read_bytes(text.encode(), "r.html")
        assert report.reading == []
        assert report.template == "2021" and report.year == 2024 and report.published == date(2025, 1, 20)
        assert report.agency == "红桥县人民政府"
        assert_rows(report, sample)


def test_html_blank_cells_are_zero_and_marked() -> None:
    sample = consistent(3)
    report = read_bytes(html_text(sample).encode(), "r.html")
    zero = next(k for k, v in sample.rows.items() if v[1] == 0)
    cell = report.part3.get(zero, "商业企业")
    assert cell is not None and cell.blank and cell.number == 0
    assert cell.row == zero and cell.column == "商业企业"


def test_pdf_and_docx(tmp_path: Path) -> None:
    sample = consistent(7)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(make_pdf(crawler_text(sample, " ")))
    assert_rows(read_report(pdf), sample)
    document = docx.Document()
    document.add_paragraph(f"{sample.agency}{sample.year}年度政府信息公开工作年度报告")
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    table = document.add_table(rows=len(LABELS), cols=8)
    for r, (key, label) in enumerate(LABELS):
        table.cell(r, 0).text = label
        for c, v in enumerate(sample.rows[key]):
            table.cell(r, c + 1).text = str(v)
    document.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    p4 = document.add_table(rows=1, cols=15)
    for c, v in enumerate(sample.part4):
        p4.cell(0, c).text = str(v)
    document.add_paragraph("五、存在的主要问题及改进情况")
    path = tmp_path / "report.docx"
    document.save(str(path))
    report = read_report(path)
    assert report.year == 2024 and report.template == "2021"
    assert_rows(report, sample)


def test_bad_files_are_one_clear_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    with pytest.raises(UnreadableReport) as info:
        read_report(broken)
    assert "\n" not in str(info.value)
    report = read_text("这不是年度报告。")
    assert codes(report.reading) == ["unreadable"] and report.template is None


# --- checks -----------------------------------------------------------------------------------


def test_a_consistent_report_has_no_problem() -> None:
    for seed in range(10):
        sample = consistent(seed)
        sample.narrative = (
            f"全县共收到政府信息公开申请{sample.totals('new')}件，办结{sample.totals('total')}件。"
        )
        assert check_report(read_bytes(html_text(sample).encode(), "r.html")) == []


def planted(change) -> list:
    sample = consistent(11)
    change(sample)
    return check_report(read_bytes(html_text(sample, blank_zero=False).encode(), "r.html"))


def _row_total(s: Sample) -> None:
    s.rows["granted"][6] += 1


def _column(s: Sample) -> None:  # a sub-row changed with its own total: only the column fails
    s.rows["u1"][0] += 2
    s.rows["u1"][6] += 2


def _balance(s: Sample) -> None:
    s.rows["carried_forward"][0] += 3
    s.rows["carried_forward"][6] += 3


def _part4(s: Sample) -> None:
    s.part4[4] += 1


def _text(s: Sample) -> None:
    s.narrative = f"全县共收到政府信息公开申请{s.totals('new') + 5}件。"


def _upheld(s: Sample) -> None:
    s.part4[:5] = [1, 0, 0, 1, 2]
    s.narrative = "行政复议2件，均获维持。"


@pytest.mark.parametrize(
    ("change", "expected", "words"),
    [
        (_row_total, ["table_sum", "table_sum"], "予以公开"),
        (_column, ["table_sum", "table_sum"], "自然人"),
        (_balance, ["balance"], "本年新收+上年结转"),
        (_part4, ["part4_total"], "行政复议"),
        (_text, ["text_table"], "本年新收"),
        (_upheld, ["text_table"], "尚未审结"),
    ],
)
def test_each_planted_problem_is_found(change, expected: list[str], words: str) -> None:
    problems = planted(change)
    assert codes(problems) == expected
    assert any(words in p.detail for p in problems)


@pytest.mark.parametrize(
    ("agency", "year", "published", "certainty"),
    [
        ("红桥县财政局", 2024, "2025-02-10", "confirmed"),  # a department: 31 January
        ("红桥县人民政府", 2024, "2025-02-10", "to_review"),  # a government may have until 31 March
        ("红桥县人民政府", 2024, "2025-04-02", "confirmed"),
        ("红桥县人民政府", 2024, "2025-01-31", None),
        ("红桥县财政局", 2013, "2014-02-25", None),  # 2008 条例: 31 March for everyone
    ],
)
def test_late(agency: str, year: int, published: str, certainty: str | None) -> None:
    sample = consistent(2)
    sample.agency, sample.year, sample.published = agency, year, published
    late = [p for p in check_report(read_text(crawler_text(sample, " "))) if p.code == "late"]
    assert [p.certainty for p in late] == ([certainty] if certainty else [])


def test_outdated_template_one_other_row() -> None:
    sample = consistent(5)
    text = crawler_text(sample, " ")
    start = text.index("（六）其他处理1.")
    end = text.index("（七）总计")
    other = [sum(sample.rows[k][c] for k in ("o1", "o2", "o3")) for c in range(7)]
    text = text[:start] + "（六）其他处理 " + " ".join(map(str, other)) + " " + text[end:]
    report = read_text(text)
    assert report.other_single_row and report.template == "2021"
    assert codes(check_report(report)) == ["outdated_template"]


def test_carry_over_and_copied_passages_across_reports() -> None:
    shared = (
        "我县坚持以公开为常态、不公开为例外，扎实推进决策、执行、管理、服务、结果公开，"
        "持续提升政务公开质量和实效。"
    )
    first, second, other = consistent(1), consistent(2), consistent(3)
    first.year, first.published = 2023, "2024-01-20"
    second.rows["carried_over"] = [first.rows["carried_forward"][0] + 1, 0, 0, 0, 0, 0, 0]
    second.rows["carried_over"][6] = second.rows["carried_over"][0]
    second.rows["new"][0] -= second.rows["carried_over"][0] - consistent(2).rows["carried_over"][0]
    second.rows["new"][6] = sum(second.rows["new"][:6])
    second.narrative = shared
    other.agency, other.narrative = "青山县人民政府", shared
    reports = [read_text(crawler_text(s, " "), f"{s.agency}{s.year}") for s in (first, second, other)]
    found = {c.report.path: codes(c.problems) for c in check_run(reports)}
    assert found["红桥县人民政府2023"] == []
    assert found["红桥县人民政府2024"] == ["carry_over", "copied_passage"]
    assert found["青山县人民政府2024"] == ["copied_passage"]


def test_missing_report_after_1_february() -> None:
    assert missing_reports("红桥县人民政府", [2023], date(2025, 1, 31)) == []
    late = missing_reports("红桥县人民政府", [2023], date(2025, 2, 1))
    assert codes(late) == ["missing_report"] and "2024" in late[0].detail


# --- the command ------------------------------------------------------------------------------


def test_command_json_lines(tmp_path: Path) -> None:
    sample = consistent(4)
    sample.rows["granted"][6] += 1  # plant a row that does not add up
    good = tmp_path / "a.txt"
    good.write_text(crawler_text(sample, " "), encoding="utf-8")
    bad = tmp_path / "b.pdf"
    bad.write_bytes(b"%PDF-1.4 broken")
    result = CliRunner().invoke(cli, ["annual-report", "--json", str(good), str(bad)])
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(line["path"]).name for line in lines] == ["a.txt", "b.pdf"]
    first = lines[0]
    assert first["year"] == 2024 and first["template"] == "2021"
    assert first["part3"] == {
        "new": sample.totals("new"),
        "carried_over": sample.totals("carried_over"),
        "results_total": sample.totals("total"),
        "carried_forward": sample.totals("carried_forward"),
    }
    assert first["part4"]["review"] == dict(
        zip(["maintained", "corrected", "other", "pending", "total"], sample.part4[:5], strict=True)
    )
    assert "table_sum" in [p["code"] for p in first["problems"]]
    assert lines[1]["problems"][0]["code"] == "unreadable"
    readable = CliRunner().invoke(cli, ["annual-report", str(good)])
    assert readable.exit_code == 0 and "table_sum" in readable.stdout


def test_numbers_about_other_things_are_not_claims() -> None:
    sample = consistent(8)
    sample.narrative = "全年办理人大代表建议50件、政协提案12件。"
    assert check_report(read_text(crawler_text(sample, " "))) == []
