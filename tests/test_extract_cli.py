"""``gongkai extract`` and ``gongkai eval extract`` from the outside."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from gongkai.extractors.evaluation import below_floors, evaluate, golden_pages, load_baseline
from gongkai.flows.cli import cli

from tests.conftest import ROOT, SHARED_DATA

GOLDEN = Path(__file__).parent / "golden"
BASELINE = ROOT / "corpus" / "eval" / "extract_baseline.json"
REQUIRED_KEYS = {
    "path", "title", "index_no", "doc_no", "publisher", "written_date", "published_date", "disclosure",
    "topic", "validity", "doc_no_normalized", "doc_no_defects", "sources", "links", "is_interpretation",
    "interprets",
}  # fmt: skip


@pytest.mark.real_data
def test_extract_json_lines_for_html_and_text() -> None:
    pages = [SHARED_DATA / "pages" / "govcn" / "content_5338761.html", GOLDEN / "plain_text_page.txt"]
    result = CliRunner().invoke(cli, ["extract", "--json", *map(str, pages)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert len(lines) == 2 and all(set(line) >= REQUIRED_KEYS for line in lines)
    assert lines[0]["doc_no"] == "国办函〔2018〕71号" and lines[0]["written_date"] == "2018-10-27"
    source = {"stage": "block", "label": "发文字号", "raw": "国办函〔2018〕71号"}
    assert {key: lines[0]["sources"]["doc_no"].get(key) for key in source} == source
    assert lines[0]["sources"]["doc_no"]["confidence"] == 0.95  # read from the block: sure
    assert lines[1]["index_no"] == "QZ00001-2000-2024-00077" and lines[1]["path"].endswith(".txt")


def test_extract_url_option_and_directory(tmp_path: Path) -> None:
    shutil.copy(GOLDEN / "dl_dt_dd.html", tmp_path / "page.shtml")
    (tmp_path / "ignored.css").write_text("body{}")
    url = "http://www.example.gov.cn/art/2023/3/8/art_1_2.html"
    result = CliRunner().invoke(cli, ["extract", "--json", "--url", url, str(tmp_path)])
    assert result.exit_code == 0, result.output
    (line,) = [json.loads(x) for x in result.output.splitlines()]
    assert line["url"] == url and line["published_date"] == "2023-03-08"


@pytest.mark.real_data
def test_extract_readable_table() -> None:
    page = SHARED_DATA / "pages" / "other" / "pingtan_67630_fragment.html"
    result = CliRunner().invoke(cli, ["extract", str(page)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "岚综管综〔2019〕7号" in result.output and "block: 发文字号" in result.output


def test_extract_bad_input_gets_one_line_and_the_rest_goes_on(tmp_path: Path) -> None:
    good = GOLDEN / "trs_p_strong.html"
    result = CliRunner().invoke(cli, ["extract", "--json", str(tmp_path / "missing.html"), str(good)])
    assert result.exit_code == 2
    assert result.stdout.count("\n") == 1 and "000014348/2022-10001" in result.stdout
    assert "cannot read" in result.stderr and "1 of 2 inputs could not be read" in result.stderr


@pytest.mark.real_data
def test_eval_extract_meets_the_floors() -> None:
    baseline = load_baseline(BASELINE)
    report = evaluate(golden_pages(SHARED_DATA, baseline["negative_globs"]))
    assert report.pages >= baseline["min_pages"]
    assert below_floors(report, baseline) == []


@pytest.mark.real_data
def test_eval_extract_command_passes_and_fails_on_floors(tmp_path: Path) -> None:
    runner = CliRunner()
    # Text variants are held to their floors in test_extract_multisite.py: not twice here.
    ok = runner.invoke(cli, ["eval", "extract", "--data", str(SHARED_DATA), "--json", "--no-text"])
    assert ok.exit_code == 0, ok.output
    report = json.loads(ok.output)
    assert report["fields"]["doc_no"] >= 0.97 and report["below_floors"] == []
    multisite = report["multisite"]
    assert multisite["pages"] >= 93 and set(multisite["halves"]) == {"tune", "check"}
    assert "negative" in multisite["families"] and multisite["negatives_clean"] == 1.0
    # A floor above what is reachable must fail the command (the gate can fail).
    impossible = json.loads(BASELINE.read_text(encoding="utf-8"))
    impossible["min_pages"] = 10_000
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps(impossible), encoding="utf-8")
    args = ["eval", "extract", "--data", str(SHARED_DATA), "--baseline", str(path), "--no-text"]
    failed = runner.invoke(cli, args)
    assert failed.exit_code == 1 and "BELOW FLOOR" in failed.stderr


def test_eval_extract_on_a_broken_extraction_reports_below_floor(tmp_path: Path) -> None:
    # A data folder whose expectations disagree with the pages: accuracy drops and the gate fails.
    pages = tmp_path / "pages"
    pages.mkdir()
    shutil.copy(GOLDEN / "table_two_columns.html", pages / "a.html")
    expected = json.loads((GOLDEN / "table_two_columns.expected.json").read_text(encoding="utf-8"))
    expected["doc_no"] = "某某〔1999〕1号"
    (pages / "a.json").write_text(json.dumps(expected, ensure_ascii=False), encoding="utf-8")
    report = evaluate(golden_pages(tmp_path, []))
    assert report.pages == 1 and report.accuracy()["doc_no"] == 0.0 and report.accuracy()["index_no"] == 1.0
    problems = below_floors(report, {"fields": {"doc_no": 0.97}, "min_pages": 1})
    assert problems and problems[0].startswith("doc_no")


def test_eval_without_data_is_a_user_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["eval", "extract", "--data", str(tmp_path)])
    assert result.exit_code == 2 and "no pages/ folder" in result.output
