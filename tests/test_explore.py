"""``gongkai explore``: a real Datasette on a free port answers its canned queries and refuses writes."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from gongkai.flows.cli import cli
from gongkai.models.store import open_store
from gongkai.models.tables import findings
from gongkai.reports import explorer, queries

from tests.test_reports_data import (
    COLUMNS,
    DOCS,
    EVIL_TITLE,
    column_url,
    doc_url,
    expected_findings,
    populate,
    warc_id,
)

GONGKAI = Path(sys.executable).with_name("gongkai")


@contextlib.contextmanager
def running_explorer(*args: str, cwd: Path) -> Iterator[str]:
    """Start ``gongkai explore --port 0 …`` and yield its base URL; stop it afterwards."""
    log = (cwd / "explore.log").open("w")
    proc = subprocess.Popen(
        [str(GONGKAI), "explore", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    found: list[str] = []
    ready = threading.Event()

    def read_first_line() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("explorer: "):
                found.append(line.split(" ", 1)[1].strip())
                ready.set()
                return
        ready.set()

    threading.Thread(target=read_first_line, daemon=True).start()
    try:
        if not ready.wait(90) or not found:
            proc.kill()
            raise AssertionError(f"the explorer did not start: {(cwd / 'explore.log').read_text()}")
        yield found[0]
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def fetch(url: str, data: bytes | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def canned(base: str, name: str, **params: str) -> list[dict[str, object]]:
    query = queries.get_query(name)
    values = {p: "" for p in query.filters} | {p: "" for p in query.params()} | params
    values["_shape"] = "array"
    status, body = fetch(f"{base}/{name}.json?{urllib.parse.urlencode(values)}")
    assert status == 200, (name, body[:500])
    return json.loads(body)  # type: ignore[no-any-return]


@pytest.fixture
def sqlite_store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'gongkai.db'}"
    with open_store(url) as store:
        populate(store)
    return url


def open_count(url: str) -> int:
    with open_store(url) as store, store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(findings)).scalar_one()


def test_explorer_answers_canned_queries_and_refuses_writes(sqlite_store: str, tmp_path: Path) -> None:
    before = open_count(sqlite_store)
    expected = expected_findings()
    with running_explorer("--db", sqlite_store, "--time-limit-ms", "300", cwd=tmp_path) as base:
        status, body = fetch(f"{base}.json")
        assert status == 200
        listed = {q["name"] for q in json.loads(body)["queries"]}
        assert listed == {
            n for n, q in queries.load_queries().items() if q.explorer and q.database == "gongkai"
        }

        late = canned(base, "late_publications_by_agency")
        want = Counter(f.doc.publisher for f in expected if f.rule == "late_publication" and f.doc)
        assert {r["发布机构"]: r["逾期件数"] for r in late} == dict(want)
        worst = max(
            (f for f in expected if f.rule == "late_publication"),
            key=lambda f: f.values["working_days"],  # type: ignore[arg-type,return-value]
        )
        assert max(r["最长工作日"] for r in late) == worst.values["working_days"]  # type: ignore[type-var]

        matrix = canned(base, "domain_matrix", site="qingshan")
        assert len(matrix) == 27 and matrix[-1]["领域"] == "其他"
        by_domain = {r["领域"]: r for r in matrix}
        qs_docs = Counter(d.domain for d in DOCS if d.site == "qingshan")
        assert {k: r["文件数"] for k, r in by_domain.items() if r["文件数"]} == dict(qs_docs)
        assert by_domain["社会救助"]["目录缺项"] == 1  # catalog gaps count by their evidence's domain

        months = canned(base, "missing_interpretation_by_agency_month")
        missing = [f for f in expected if f.rule == "missing_interpretation" and f.doc]
        assert sum(r["无解读政策数"] for r in months) == len(missing)  # type: ignore[misc]

        cols = canned(base, "columns_health", site="baishui")
        flagged = {r["栏目地址"]: r["问题"] for r in cols}
        assert flagged == {
            column_url(c): ("empty_column" if c.item_count == 0 else None)
            for c in COLUMNS
            if c.site == "baishui"
        }

        target = next(d for d in DOCS if d.key == "evil")
        history = canned(base, "document_history", url=doc_url(target))
        assert [h["标题"] for h in history] == [EVIL_TITLE]
        copies = canned(base, "archived_copies", url=doc_url(target))
        assert [c["WARC记录ID"] for c in copies] == [warc_id(doc_url(target))]
        assert len(canned(base, "document_findings", url=doc_url(target))) == 1

        listed_findings = canned(base, "findings", rule="late_publication", status="open")
        assert len(listed_findings) == sum(f.rule == "late_publication" for f in expected)

        # Crawled text is escaped in Datasette's pages.
        status, page = fetch(f"{base}/documents?title__contains=alert")
        assert status == 200 and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<script>alert(1)" not in page and "onerror=alert(2)>" not in page

        # Writes are refused: by Datasette's SELECT-only rule, and by SQLite's read-only mode.
        for sql in (
            "DELETE FROM findings",
            "UPDATE documents SET title = 'x'",
            "WITH x AS (SELECT 1) DELETE FROM findings",
            "ATTACH DATABASE '/tmp/x.db' AS x",
        ):
            status, body = fetch(f"{base}.json?{urllib.parse.urlencode({'sql': sql})}")
            assert status >= 400, (sql, body[:300])
        status, _ = fetch(f"{base}/findings", data=b"rule_id=x")
        assert status >= 400
        # The time limit stops a runaway query.
        runaway = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
        status, body = fetch(f"{base}.json?{urllib.parse.urlencode({'sql': runaway})}")
        assert status == 400 and "interrupted" in body.lower()
    assert open_count(sqlite_store) == before


@pytest.mark.postgres
def test_postgres_is_served_through_a_snapshot(pg_url: str, tmp_path: Path) -> None:
    with open_store(pg_url) as store:
        populate(store)
    snap = tmp_path / "snap.db"
    result = CliRunner().invoke(cli, ["explore", "--db", pg_url, "--snapshot", str(snap), "--export-only"])
    assert result.exit_code == 0, result.output
    explorer.check_sqlite_store(snap)
    assert open_count(f"sqlite:///{snap}") == open_count(pg_url)
    with running_explorer("--db", pg_url, cwd=tmp_path) as base:
        late = canned(base, "late_publications")
        days = sorted(f.values["working_days"] for f in expected_findings() if f.rule == "late_publication")
        assert sorted(r["工作日"] for r in late) == days  # type: ignore[type-var]
        history = canned(base, "document_history", url=doc_url(DOCS[0]))
        assert history[0]["生效自"].startswith("2025-02-25")  # type: ignore[union-attr]


def test_a_missing_or_unmigrated_file_is_one_line(tmp_path: Path) -> None:
    missing = subprocess.run(
        [str(GONGKAI), "explore", "--db", f"sqlite:///{tmp_path / 'none.db'}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 2 and missing.stderr.startswith("error: no database at")
    assert not (tmp_path / "none.db").exists()  # looking did not create it
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    result = CliRunner().invoke(cli, ["explore", "--db", f"sqlite:///{empty}"])
    assert result.exit_code == 2 and "not a gongkai database" in result.output
