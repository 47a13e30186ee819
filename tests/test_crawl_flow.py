"""The Prefect side, as a smoke test under the test harness: ``gongkai crawl`` runs the
``crawl_site`` flow (batched tasks), and ``crawl_sites`` crawls two sites at once. Everything
else about crawling is tested on the plain functions."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner
from gongkai.demo.server import serve
from gongkai.flows.cli import cli
from gongkai.models.records import SiteConfig
from gongkai.models.store import open_store

from tests.sites import build_town, town_config


def test_cli_runs_the_flow_and_docs_lists_the_result(
    prefect_harness: None, tmp_path: Path, sqlite_url: str
) -> None:
    static, truth = build_town(None)
    site = serve(static)
    try:
        config = tmp_path / "town.yaml"
        config.write_text(yaml.safe_dump(town_config(site.base_url, site.host), allow_unicode=True), "utf-8")
        runner = CliRunner()
        args = ["crawl", "--site", str(config), "--db", sqlite_url, "--archive", str(tmp_path / "warc")]
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
        summary = [line for line in result.stdout.splitlines() if line.startswith("town:")]
        assert summary and f"{len(truth.documents)} new" in summary[0], result.output
        assert "robots.txt disallows" in result.stderr  # the one skipped column, said in one line
        listed = runner.invoke(cli, ["docs", "--db", sqlite_url, "--site", "town", "--format", "json"])
        urls = {json.loads(line)["url"] for line in listed.stdout.splitlines()}
        assert urls == {site.base_url + p for p in truth.documents}
        assert list((tmp_path / "warc").glob("*.warc.gz"))
        # a second run through the flow: only 304s
        again = runner.invoke(cli, args)
        assert again.exit_code == 0 and "0 new and 0 changed" in again.stdout, again.output
    finally:
        site.stop()


def test_crawl_sites_flow_crawls_sites_concurrently(
    prefect_harness: None, tmp_path: Path, sqlite_url: str
) -> None:
    from gongkai.flows.crawl import run_crawl_sites

    servers, configs, expected = [], [], {}
    for name in ("town-a", "town-b"):
        static, truth = build_town(None, policies=5, notices=3, api_items=2)
        running = serve(static)
        servers.append(running)
        config = SiteConfig.model_validate(town_config(running.base_url, running.host, name=name, delay=0.01))
        configs.append(config.model_dump(mode="json"))
        expected[name] = {running.base_url + p for p in truth.documents}
    try:
        results = run_crawl_sites(configs, sqlite_url, str(tmp_path / "warc"), max_parallel_sites=2)
        assert set(results) == set(expected)
        with open_store(sqlite_url) as store:
            for name, urls in expected.items():
                assert {row["url"] for row in store.list_documents(name)} == urls
                assert results[name]["new_documents"] == len(urls)
    finally:
        for running in servers:
            running.stop()
