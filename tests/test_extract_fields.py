"""Dates, 文号 and 索引号: parsing, normalisation and defect codes, table-driven."""

from __future__ import annotations

from datetime import date

import pytest
from gongkai.extractors.dates import chinese_number, date_from_url, is_date_line, parse_date
from gongkai.extractors.doc_no import check_doc_no, find_doc_nos, is_doc_no
from gongkai.extractors.fields import clean_text, normalize_disclosure, topic_levels
from gongkai.extractors.index_no import check_index_no

from tests.conftest import SHARED_DATA


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2018年11月09日", date(2018, 11, 9)),
        ("2018-11-09 10:08", date(2018, 11, 9)),
        ("2018/11/9", date(2018, 11, 9)),
        ("2018.11.09", date(2018, 11, 9)),
        ("２０２０年９月１５日", date(2020, 9, 15)),
        ("二〇二〇年九月十五日", date(2020, 9, 15)),
        ("二○一九年十二月三十一日", date(2019, 12, 31)),
        ("二〇二一年十月一日", date(2021, 10, 1)),
        ("发布时间：2025-06-03 来源：浙江监管局", date(2025, 6, 3)),
        ("2019年2月30日", None),
        ("2019年13月01日", None),
        ("第2019号", None),
        ("", None),
        ("无", None),
    ],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_chinese_numbers() -> None:
    numerals = ("一", "十", "十五", "二十", "三十一", "廿一")
    assert [chinese_number(t) for t in numerals] == [1, 10, 15, 20, 31, 21]
    assert chinese_number("十十") is None and chinese_number("甲") is None


def test_date_lines_and_urls() -> None:
    assert is_date_line("  2018年10月27日  ") == date(2018, 10, 27)
    assert is_date_line("2018年10月27日印发") is None
    assert date_from_url("http://x.gov.cn/a/202008/t20200802_1352000.html") == date(2020, 8, 2)
    gov_cn = "http://www.gov.cn/zhengce/content/2018-11/09/content_5338761.htm"
    assert date_from_url(gov_cn) == date(2018, 11, 9)
    assert date_from_url("http://x.gov.cn/art/2023/3/8/art_1_2.html") == date(2023, 3, 8)
    assert date_from_url("http://x.gov.cn/a/t20201345_1.html") is None


@pytest.mark.parametrize(
    ("printed", "written", "normalized", "defects"),
    [
        ("国办函〔2018〕71号", date(2018, 10, 27), "国办函〔2018〕71号", []),
        ("国办发明电〔2018〕15号", None, "国办发明电〔2018〕15号", []),
        ("晋政发[2008]29号", date(2008, 5, 1), "晋政发〔2008〕29号", ["wrong_brackets"]),
        ("粤府（2017）100号", None, "粤府〔2017〕100号", ["wrong_brackets"]),
        ("示政【2020】1号", None, "示政〔2020〕1号", ["wrong_brackets"]),
        ("示政〔2020]1号", None, "示政〔2020〕1号", ["wrong_brackets"]),
        ("宁政公开办发〔201714号", None, "宁政公开办发〔2017〕14号", ["unclosed_bracket"]),
        ("示政〔2020〕第12号", None, "示政〔2020〕12号", ["di_before_number"]),
        ("示政〔2020〕012号", None, "示政〔2020〕12号", ["leading_zero"]),
        ("示政〔2020〕12", None, "示政〔2020〕12号", ["missing_hao"]),
        ("豫政办 〔2022〕42号", None, "豫政办〔2022〕42号", ["stray_space"]),
        ("\u200b晋政办发〔2022〕74号", None, "晋政办发〔2022〕74号", ["invisible_char"]),
        ("粤府办〔2002〕1２号", None, "粤府办〔2002〕12号", ["fullwidth_digits"]),
        ("示政〔20〕5号", None, "示政〔20〕5号", ["two_digit_year"]),
        ("吉政明电〔2022〕1号", date(2021, 12, 30), "吉政明电〔2022〕1号", ["year_mismatch"]),
        ("国务院令第711号", None, "国务院令第711号", []),
        ("国令第706号", None, "国令第706号", []),
        ("省政府令 第98号", None, "省政府令第98号", ["stray_space"]),
        ("国家税务总局公告2018年第60号", None, "国家税务总局公告2018年第60号", []),
        ("HHCR-2023-01005", None, "HHCR-2023-01005", []),
        ("关于印发方案的通知", None, None, ["unrecognised"]),
    ],
)
def test_doc_no_defects(
    printed: str, written: date | None, normalized: str | None, defects: list[str]
) -> None:
    check = check_doc_no(printed, written)
    assert (check.normalized, sorted(check.defects)) == (normalized, sorted(defects))
    assert check.printed == printed  # never silently fixed


@pytest.mark.real_data
def test_real_doc_numbers_are_mostly_standard_and_never_crash() -> None:
    rows = (SHARED_DATA / "corpus" / "doc_numbers.tsv").read_text(encoding="utf-8").splitlines()[1:]
    values = [row.split("\t")[-1].removeprefix("发文字号：").strip() for row in rows]
    values = [v for v in values if v]
    checks = [check_doc_no(v) for v in values]
    recognised = sum(check.kind is not None for check in checks)
    clean = sum(not check.defects for check in checks)
    assert len(values) > 30_000
    assert recognised / len(values) > 0.99  # real numbers nearly all have a known shape
    assert 0.5 < clean / len(values) < 0.99  # and a real share of them deviate from GB/T 9704


def test_doc_no_lines_and_numbers_in_text() -> None:
    assert is_doc_no("国办函〔2018〕71号") and is_doc_no("国令第706号") and is_doc_no("HHCR-2023-01005")
    assert not is_doc_no("第一章 总则") and not is_doc_no("2018年10月27日")
    text = "印发《示例办法》（示政办发〔2022〕18号）和国务院令第711号，根据国办发〔2019〕54号"
    assert find_doc_nos(text) == ["示政办发〔2022〕18号", "国务院令第711号", "国办发〔2019〕54号"]


@pytest.mark.parametrize(
    ("printed", "pattern", "defects"),
    [
        ("000014349/2018-00204", "org_code/year-serial", []),
        ("11441700007280420Y/2021-00050", "credit_code/year-serial", []),
        ("113417020032563511/202504-00057", "credit_code/yearmonth-serial", []),
        ("01525761-8-/2020-1125008", "org_code_check/year-serial", []),
        ("QZ05908-3000-2020-00010", "fujian", []),
        ("6107280000/2024-001005", "site_code/year-serial", []),
        ("000014349/2017-00204", "org_code/year-serial", ["year_mismatch"]),
        ("000014349 /2018-00204", "org_code/year-serial", ["stray_space"]),
        ("０００014349/2018-00204", "org_code/year-serial", ["fullwidth_chars"]),
        ("第12号", None, ["unknown_pattern"]),
    ],
)
def test_index_no(printed: str, pattern: str | None, defects: list[str]) -> None:
    # The year inside must be the year of 成文日期 or 发布日期 when those are known.
    known = printed.startswith(("000014349", "０００"))
    check = check_index_no(printed, *((date(2018, 10, 27), date(2018, 11, 9)) if known else (None, None)))
    assert (check.pattern, check.defects) == (pattern, defects)


def test_values_meaning_none_and_disclosure() -> None:
    assert [clean_text(v) for v in ("无", "-", "/", "  —  ", "暂无", " 有效 ")] == [None] * 5 + ["有效"]
    assert normalize_disclosure("此件公开发布") == ("主动公开", None)
    assert normalize_disclosure("依申请公开") == ("依申请公开", None)
    assert normalize_disclosure("不 予 公 开") == ("不予公开", None)
    assert normalize_disclosure("免予公开") == ("不予公开", None)
    assert normalize_disclosure("部分公开") == ("删减后公开", None)
    assert normalize_disclosure("内部") == (None, "内部")
    assert topic_levels("财政、金融、审计\\银行") == ["财政、金融、审计", "银行"]
    assert topic_levels("环境监测、保护与治理;通告") == ["环境监测、保护与治理;通告"]
