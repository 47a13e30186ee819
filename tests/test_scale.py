"""The nightly flow past one process, against a real Prefect server on loopback.

- Dask: the same nightly flow with ``runner="dask"`` (worker *processes*, each talking to the same
  Prefect API and database) stores the same documents, classifications and findings as the
  threads runner.
- Workers: the deployment declared in ``prefect.yaml``, deployed with ``prefect deploy``, run by
  TWO ``prefect worker`` processes at once over the same two demo sites against one fresh
  PostgreSQL database: nothing stored twice, no finding duplicated, findings equal the demo
  truth, no page downloaded twice, and one request at a time per host across both processes.
"""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from gongkai.demo.run import DemoRun, start_demo_sites
from gongkai.flows import workers

REFERENCE_DAY = date(2026, 11, 22)
#: The two smallest demo sites keep these tests within their time budget.
SITES = ["sichuan", "yunnan"]
pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def prefect_api(tmp_path_factory: pytest.TempPathFactory, pg_server: str) -> Iterator[str]:
    """A real ``prefect server start`` on loopback for this module, its own database on PostgreSQL.

    (On its SQLite default the server stalls for up to a minute under concurrent runs; see
    ``flows.workers.start_prefect_server``.) Started whatever PREFECT_API_URL pointed to before.
    """
    names = ("PREFECT_API_URL", "PREFECT_HOME", "PREFECT_LOGGING_LEVEL")
    saved = {name: os.environ.get(name) for name in names}
    os.environ.pop("PREFECT_API_URL", None)
    os.environ["PREFECT_LOGGING_LEVEL"] = "WARNING"
    database = f"gongkai_prefect_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{database}"'))
    server_db = sa.engine.make_url(pg_server).set(database=database).render_as_string(hide_password=False)
    server = workers.start_prefect_server(tmp_path_factory.mktemp("prefect-server"), server_db)
    try:
        with workers.use_api(server.api_url):
            yield server.api_url
    finally:
        server.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def demo(tmp_path: Path, classifiers: None) -> Iterator[DemoRun]:
    with start_demo_sites(REFERENCE_DAY, ports=[0] * 5, out_dir=tmp_path / "demo") as run:
        yield run


def snapshot(db_url: str) -> dict[str, Any]:
    """What a night leaves in the store, in a form two runs can be compared by."""
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            docs = conn.execute(
                sa.text(
                    "SELECT s.name, d.url, d.title, d.index_no, d.doc_no, d.publisher, d.written_date,"
                    " d.published_date, d.disclosure, d.topic, d.validity,"
                    " CASE WHEN d.is_interpretation THEN 1 ELSE 0 END,"
                    " d.content_hash, d.version_count"
                    " FROM documents d JOIN sites s ON s.id = d.site_id"
                )
            ).all()
            classes = conn.execute(
                sa.text(
                    "SELECT s.name, d.url, c.topic, c.domain, c.doc_type,"
                    " CASE WHEN c.needs_interpretation THEN 1 ELSE 0 END"
                    " FROM classifications c JOIN documents d ON d.id = c.document_id"
                    " JOIN sites s ON s.id = d.site_id"
                )
            ).all()
            findings = conn.execute(
                sa.text(
                    "SELECT f.rule_id, s.name, f.subject, f.status, f.severity, f.detail"
                    " FROM findings f JOIN sites s ON s.id = f.site_id"
                )
            ).all()
            links = conn.execute(
                sa.text(
                    "SELECT d.url, l.target_url, l.kind FROM document_links l"
                    " JOIN documents d ON d.id = l.source_id"
                )
            ).all()
            versions = conn.execute(sa.text("SELECT count(*) FROM document_versions")).scalar_one()
            page_count = conn.execute(sa.text("SELECT count(*) FROM pages")).scalar_one()
    finally:
        engine.dispose()
    return {
        "documents": sorted(tuple(map(str, row)) for row in docs),
        "classifications": sorted(tuple(map(str, row)) for row in classes),
        "findings": sorted(tuple(map(str, row)) for row in findings),
        "links": sorted(tuple(row) for row in links),
        "versions": versions,
        "pages": page_count,
    }


def truth_for(run: DemoRun, sites: list[str]) -> tuple[set[tuple[str, str]], set[tuple[str, str, str]]]:
    truth = run.truth()
    documents = {(d["site"], d["url"]) for d in truth["documents"] if d["site"] in sites}
    findings = {(f["rule"], f["site"], f["subject"]) for f in truth["findings"] if f["site"] in sites}
    return documents, findings


def site_night_runs(parent_id: str) -> dict[str, str]:
    """The ``site-night`` sub-flow runs of one nightly run: name → state."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterParentFlowRunId

    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[parent_id]))
        )
    return {run.name: run.state.type.value if run.state else "?" for run in runs}


# --- Dask ----------------------------------------------------------------------------------------


def test_dask_runner_stores_what_the_threads_runner_stores(
    prefect_api: str, demo: DemoRun, tmp_path: Path, sqlite_url: str, pg_url: str
) -> None:
    from gongkai.flows.nightly import run_nightly

    sites_dir = str(demo.config_paths[0].parent)
    common = {"today": REFERENCE_DAY.isoformat(), "sites": SITES, "max_parallel_sites": 2}
    threads = run_nightly(
        sites_dir, sqlite_url, str(tmp_path / "archive-threads"), runner="threads", **common
    )
    dask = workers.run_nightly_on_dask(
        sites_dir,
        server_home=tmp_path / "unused",  # the module's server is configured: none is started
        db_url=pg_url,
        archive_dir=str(tmp_path / "archive-dask"),
        **common,
    )

    for night in (threads, dask):
        assert sorted(night["sites"]) == SITES
        assert not [name for name, site in night["sites"].items() if "failed" in site], night["summary"]
    by_threads, by_dask = snapshot(sqlite_url), snapshot(pg_url)
    truth_docs, truth_findings = truth_for(demo, SITES)
    assert {(row[0], row[1]) for row in by_dask["documents"]} == truth_docs
    assert {(row[0], row[1], row[2]) for row in by_dask["findings"] if row[3] == "open"} == truth_findings
    for part in ("documents", "classifications", "findings", "links", "versions", "pages"):
        assert by_dask[part] == by_threads[part], part

    # The sub-flows ran on the Dask workers yet report to the same server, under their parent.
    for parent in _nightly_runs_since(prefect_api, 2):
        assert site_night_runs(str(parent.id)) == {f"site-night-{s}": "COMPLETED" for s in SITES}


def _nightly_runs_since(api_url: str, count: int) -> list[Any]:
    """The newest ``count`` runs of the nightly flow on the server at ``api_url``."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName
    from prefect.client.schemas.sorting import FlowRunSort

    with workers.use_api(api_url), get_client(sync_client=True) as client:
        return list(
            client.read_flow_runs(
                flow_filter=FlowFilter(name=FlowFilterName(any_=[workers.FLOW_NAME])),
                sort=FlowRunSort.START_TIME_DESC,
                limit=count,
            )
        )


# --- two workers, one PostgreSQL store ---------------------------------------------------------


def test_two_workers_share_one_postgres_store(
    prefect_api: str, demo: DemoRun, tmp_path: Path, pg_url: str
) -> None:
    from prefect.client.orchestration import get_client

    sites_dir = demo.config_paths[0].parent
    deployer_env = {**os.environ, "PREFECT_API_URL": prefect_api, "GONGKAI_SITES": str(sites_dir)}
    workers.ensure_work_pool()
    workers.ensure_work_pool()  # idempotent
    [deployment] = workers.deploy_from_repo(deployer_env)

    with get_client(sync_client=True) as client:
        declared = client.read_deployment_by_name(deployment)
    assert declared.work_pool_name == workers.POOL
    assert declared.entrypoint == "flows/nightly.py:nightly"
    assert declared.parameters["sites_dir"] == str(sites_dir)
    assert declared.parameters.get("db_url") is None  # the database comes from the worker's env
    [schedule] = declared.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == ("0 2 * * *", "Asia/Shanghai")

    worker_env = {
        **deployer_env,
        "GONGKAI_DB": pg_url,
        "GONGKAI_REPO": str(workers.REPO_ROOT),
        "GONGKAI_ARCHIVE": str(tmp_path / "archive"),  # shared storage in a real deployment
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        "PREFECT_WORKER_PREFETCH_SECONDS": "1",
        "PREFECT_LOGGING_LEVEL": "INFO",  # the worker logs which flow runs it submitted
    }
    started = [
        workers.start_worker(f"w{i}", {**worker_env, "PREFECT_HOME": str(tmp_path / f"home{i}")}, tmp_path)
        for i in (1, 2)
    ]
    try:
        # Two nights over the same two sites at once; each worker takes one (--limit 1).
        params = {"today": REFERENCE_DAY.isoformat(), "sites": SITES}
        run_ids = [workers.trigger(deployment, params) for _ in range(2)]
        finished = workers.wait_for_runs(run_ids, timeout=240)
    finally:
        for worker in started:
            worker.stop()
    logs = {worker.name: worker.log() for worker in started}
    states = {run_id: run.state.type.value for run_id, run in finished.items()}
    if set(states.values()) != {"COMPLETED"}:
        # A plain message: pytest shortens an assertion's repr, and the worker logs are the evidence.
        said = {run_id: run.state.message for run_id, run in finished.items()}
        pytest.fail(
            f"flow runs not all completed: {states}\nstate messages: {said}\n"
            + "\n".join(f"--- worker {name} ---\n{log}" for name, log in logs.items())
        )
    # Both workers ran one of the nights, side by side (both may try to submit a run; one wins).
    names = [f"Beginning flow run '{run.name}'" for run in finished.values()]
    assert sorted(sum(name in log for name in names) for log in logs.values()) == [1, 1], logs
    first, second = sorted(finished.values(), key=lambda run: run.start_time)
    assert second.start_time < first.end_time, "the two nights did not overlap"

    # Every site of both nights completed (a site that fails is a failed site-night sub-flow).
    for run_id in run_ids:
        assert site_night_runs(run_id) == {f"site-night-{s}": "COMPLETED" for s in SITES}

    # Nothing stored twice, no finding duplicated, and exactly the planted truth.
    stored = snapshot(pg_url)
    truth_docs, truth_findings = truth_for(demo, SITES)
    doc_keys = [(row[0], row[1]) for row in stored["documents"]]
    assert len(doc_keys) == len(set(doc_keys)) == len(truth_docs)
    assert set(doc_keys) == truth_docs
    assert stored["versions"] == len(truth_docs)  # no spurious "changed" versions from the race
    assert len(stored["classifications"]) == len(truth_docs)
    finding_keys = [(row[0], row[1], row[2]) for row in stored["findings"]]
    assert len(finding_keys) == len(set(finding_keys))
    assert {key for key, row in zip(finding_keys, stored["findings"], strict=True) if row[3] == "open"} == (
        truth_findings
    )

    # No page downloaded twice: one 200 per path; the later night only revalidates (304).
    for running in demo.running:
        site = next(s.name for s in demo.sites if s.base_url == running.base_url)
        seen = list(running.requests_seen)
        if site not in SITES:
            assert not seen
            continue
        downloads = Counter(r.path for r in seen if r.status == 200)
        assert downloads and max(downloads.values()) == 1, downloads.most_common(3)
        # One request at a time per host across both worker processes: never two in flight, so
        # consecutive arrivals keep the site's delay (the host's global concurrency limit).
        delay = next(s.config.delay_seconds for s in demo.sites if s.name == site)
        arrivals = sorted(r.at for r in seen)
        gaps = [b - a for a, b in pairwise(arrivals)]
        assert min(gaps) >= delay * 0.5, min(gaps)
