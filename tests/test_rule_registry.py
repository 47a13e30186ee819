"""The rule is the registry (issue #18): every rule carries its label, the indicator it feeds and
its default weight, and every output shows every rule under its label."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from gongkai.audits.rules import RULE_LABELS, RULES, default_weights, rule_label, rules_feeding
from gongkai.flows.cli import cli
from gongkai.models.records import Evidence, Finding
from gongkai.models.store import open_store
from gongkai.reports.explorer import RULES_TABLE, write_coverage_database
from gongkai.reports.indicators import BY_ID, INDICATORS
from gongkai.reports.scoring import WEIGHTS_FILE, load_weights
from openpyxl import load_workbook

from tests.test_reports_data import SITES, TODAY, expected_findings, populate

_CJK = re.compile(r"^[\u4e00-\u9fff]{2,10}$")


def test_every_rule_declares_a_label_an_indicator_and_a_weight() -> None:
    assert len({rule.label for rule in RULES}) == len(RULES)
    for rule in RULES:
        assert _CJK.match(rule.label), rule.id
        assert rule.indicator in BY_ID, rule.id
        assert rule.weight > 0, rule.id
        assert rule_label(rule.id) == f"{rule.label} ({rule.id})"
    for indicator in INDICATORS:
        assert indicator.rules == rules_feeding(indicator.id) and indicator.rules, indicator.id


def test_the_weights_file_is_the_registry_written_out() -> None:
    """``corpus/reports/weights.yaml`` is a copy to edit: it must say what the rules say."""
    from_file, default = load_weights(WEIGHTS_FILE), load_weights()
    assert from_file == default
    assert {name: spec.weight for name, spec in default.indicators.items()} == default_weights()
    assert sum(default_weights().values()) == pytest.approx(default.scale)


def _one_finding_per_missing_rule(store_url: str) -> None:
    """The invented report data lacks some rules: add an open finding of each on its first site."""
    with open_store(store_url) as store:
        site = SITES[0].name
        present = {f.rule for f in expected_findings()}
        for rule in RULES:
            if rule.id in present:
                continue
            subject = f"http://127.0.0.1:{SITES[0].port}/registry-{rule.id}.html"
            finding = Finding(
                rule_id=rule.id,
                severity=rule.severity,  # type: ignore[arg-type]
                site=site,
                subject=subject,
                detail=f"{rule.id} planted for the registry test",
                legal_basis=rule.legal_basis,
                evidence=Evidence(url=subject),
            )
            store.sync_findings(site, [rule.id], [finding], TODAY)


def test_every_rule_appears_labelled_in_every_output(tmp_path: Path) -> None:
    db_file = tmp_path / "gongkai.db"
    url = f"sqlite:///{db_file}"
    with open_store(url) as store:
        populate(store, with_closed=False)
    _one_finding_per_missing_rule(url)
    runner = CliRunner()
    out = tmp_path / "out"
    made = runner.invoke(cli, ["report", "--db", url, "--out", str(out), "--all", "--format", "html,xlsx"])
    assert made.exit_code == 0, made.output
    html_text = next(out.glob("*.html")).read_text(encoding="utf-8")
    book = load_workbook(next(out.glob("*.xlsx")), read_only=True)
    cells = {str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v}
    gaps = runner.invoke(cli, ["gaps", "--db", url, "--by", "rule"])
    assert gaps.exit_code == 0, gaps.output
    write_coverage_database(db_file, tmp_path / "catalog.db")
    with sqlite3.connect(tmp_path / "catalog.db") as conn:
        explorer = dict(conn.execute(f"SELECT rule_id, label FROM {RULES_TABLE}").fetchall())
    assert explorer == RULE_LABELS
    for rule in RULES:
        assert rule_label(rule.id) in html_text, f"report: {rule.id}"
        assert rule.label in cells, f"workbook: {rule.id}"
        assert rule_label(rule.id) in gaps.output, f"gaps: {rule.id}"
