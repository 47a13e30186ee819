"""The demo facts kept in the project: only bibliographic facts, made from the real data, enough alone."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from gongkai.demo.facts import (
    COLUMNS,
    DemoFacts,
    FactsError,
    RealDocument,
    default_facts_path,
    facts_text,
    load_facts,
    parse_facts,
    write_facts,
)
from gongkai.demo.generate import generate_sites, truth_document
from gongkai.demo.plan import SPECS, candidates
from gongkai.flows.cli import cli

#: Issue #16: "a few hundred KB at most".
MAX_BYTES = 200_000


def test_the_file_holds_only_the_allowed_columns_and_no_urls_or_bodies() -> None:
    path = default_facts_path()
    assert path.stat().st_size <= MAX_BYTES
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    lines = text.splitlines()
    assert (
        tuple(lines[0].split("\t"))
        == COLUMNS
        == ("kind", "issuer", "title", "doc_no", "written", "published")
    )
    for line in lines[1:]:
        kind, _issuer, title, doc_no, written, published = line.split("\t")
        assert kind in ("document", "repost", "news")
        assert "http" not in line and "www." not in line and ".html" not in line
        # a title is a title: no sentence-long body text hides in it
        assert 4 <= len(title) <= 200 and "。" not in title, title
        assert date.fromisoformat(published)
        if kind == "document":
            assert doc_no and date.fromisoformat(written) <= date.fromisoformat(published)


def test_every_site_has_documents_to_draw_from() -> None:
    facts = load_facts()
    for spec in SPECS:
        needs, plain = candidates(spec, facts)
        assert len(needs) >= 10 and len(plain) >= 10, spec.name
    assert len(facts.reposts) >= 12 and len(facts.news) >= 44


def test_write_is_reproducible_and_reads_back(tmp_path: Path) -> None:
    facts = DemoFacts(
        (
            RealDocument(
                "X Provincial Government",
                "某省人民政府关于某事的通知",
                "某府〔2020〕3号",
                date(2020, 3, 1),
                date(2020, 3, 5),
            ),
        ),
        (),
        (),
    )
    first, second = write_facts(facts, tmp_path / "a.tsv.gz"), write_facts(facts, tmp_path / "b.tsv.gz")
    assert first.read_bytes() == second.read_bytes()
    assert load_facts(first) == facts
    assert parse_facts(facts_text(facts)) == facts


def test_a_bad_facts_file_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FactsError, match="demo facts are missing"):
        load_facts(tmp_path / "nope.tsv.gz")
    broken = tmp_path / "broken.tsv.gz"
    broken.write_bytes(b"not gzip")
    with pytest.raises(FactsError, match="cannot read"):
        load_facts(broken)
    with pytest.raises(FactsError, match="columns"):
        parse_facts("title\tdate\nx\t2020-01-01\n")
    with pytest.raises(FactsError, match="not a date"):
        parse_facts("\t".join(COLUMNS) + "\nnews\t\t某标题\t\t\tsoon\n")


def test_the_demo_needs_no_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the data folder pointed at nothing, the sites and their truth are made all the same."""
    monkeypatch.setenv("GONGKAI_DATA", str(tmp_path / "nothing"))
    monkeypatch.delenv("GONGKAI_SHARED_DATA", raising=False)
    today = date(2026, 11, 22)
    truth = truth_document(generate_sites(today), today)
    assert len(truth["sites"]) == len(SPECS) and len(truth["documents"]) > 200


@pytest.mark.real_data
def test_the_shipped_facts_are_what_the_real_data_gives(shared_data: Path) -> None:
    """Refreshing from the real data changes nothing: the file holds no fact the data lacks."""
    result = CliRunner().invoke(cli, ["demo-sites", "refresh-facts", "--check", "--data", str(shared_data)])
    assert result.exit_code == 0, result.output
    assert "current" in result.output and "NOT" not in result.output


def test_refresh_writes_a_file_the_demo_reads(tmp_path: Path, shared_data: Path) -> None:
    out = tmp_path / "facts.tsv.gz"
    result = CliRunner().invoke(
        cli, ["demo-sites", "refresh-facts", "--data", str(shared_data), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == default_facts_path().read_bytes()
    stale = tmp_path / "stale.tsv.gz"
    write_facts(DemoFacts((), (), ()), stale)
    check = CliRunner().invoke(
        cli, ["demo-sites", "refresh-facts", "--check", "--data", str(shared_data), "--out", str(stale)]
    )
    assert check.exit_code == 1 and "NOT current" in check.output


def test_refresh_without_data_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["demo-sites", "refresh-facts", "--data", str(tmp_path)])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "no corpus/ folder" in result.stderr
