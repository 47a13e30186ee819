"""Prefect's own share of a nightly run's wall time, over the demo sites.

Not a test. The same steps (``flows.pipeline``: crawl → extract → classify → audit, one store
opened per step, sites side by side in threads as the flow does) are run two ways over the same
demo sites in the same process, against a real ``prefect server start`` on loopback:

- **plain**: the plain functions in a thread pool (the baseline, no Prefect at all);
- **flow**: the ``gongkai-nightly`` flow with its ``site-night`` sub-flows, tasks, per-host global
  concurrency slots and summary artifact (``run_nightly(runner="threads")``).

Each way has its own store (SQLite) and archive. The first night is measured once each way; the
unchanged second night (conditional GETs answered 304, nothing to extract, classify or reopen)
``--repeats`` times each, interleaved, and the medians are compared. Prefect's share of a night
= (flow − plain) ÷ flow. All of it is done once per database of the Prefect server itself
(``--server-db``: PostgreSQL on 127.0.0.1:5432, and Prefect's SQLite default), since that choice
turns out to matter most. ``--dask`` also times one second night with the Dask runner (worker
processes started per flow run). Demo sites are served from a child process, as in
``bench_crawl.py``, so serving does not compete with the runs for this interpreter. Writes
``bench/results/prefect.json``.

    .venv/bin/python bench/bench_prefect.py [--repeats 3] [--dask] [--server-db both]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REFERENCE_DAY = date(2026, 11, 22)


def serve_demo(out_dir: str, conn: Any, stop: Any) -> None:
    """Child process: serve the demo sites, send back the configs folder, serve until told."""
    from gongkai.demo.run import start_demo_sites

    run = start_demo_sites(REFERENCE_DAY, ports=[0] * 5, out_dir=Path(out_dir))
    conn.send(str(run.config_paths[0].parent))
    stop.wait()
    run.stop()


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and its descendants, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        pending.extend(int(child) for child in children)
    return total


def plain_night(sites_dir: str, db_url: str, archive: str, today: date, parallel: int) -> dict[str, Any]:
    """The nightly steps as plain functions, wired as the flow wires them (minus Prefect)."""
    from gongkai.flows import pipeline
    from gongkai.flows.nightly import load_configs
    from gongkai.models.store import open_store

    configs, _errors = load_configs(sites_dir)
    with open_store(db_url) as store:
        for config in configs:
            store.upsert_site(config)

    def one(config: Any) -> dict[str, Any]:
        steps: dict[str, float] = {}
        night: dict[str, Any] = {"steps": steps}

        def step(name: str, call: Callable[[Any], dict[str, Any]]) -> None:
            started = time.perf_counter()
            with open_store(db_url) as store:
                night[name] = call(store)
            steps[name] = round(time.perf_counter() - started, 3)

        step("crawl", lambda store: pipeline.crawl_step(config, store, archive))
        step("extract", lambda store: pipeline.extract_step(store, config.name))
        step("classify", lambda store: pipeline.classify_step(store, config.name))
        step("audit", lambda store: pipeline.audit_step(store, config.name, today))
        step("counts", lambda store: pipeline.document_counts(store, config.name))
        return night

    with ThreadPoolExecutor(max_workers=parallel) as pool:
        nights = dict(zip([c.name for c in configs], pool.map(one, configs), strict=True))
    pipeline.summarise(nights)
    return nights


def timed(call: Callable[[], Any], server_pid: int | None) -> tuple[float, float, float, Any]:
    """Wall seconds, this process's CPU seconds, the Prefect server's CPU seconds, result."""
    server_before = process_tree_cpu(server_pid) if server_pid else 0.0
    cpu_before, started = time.process_time(), time.perf_counter()
    result = call()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_before
    server_cpu = (process_tree_cpu(server_pid) - server_before) if server_pid else 0.0
    return wall, cpu, server_cpu, result


def warm_up() -> None:
    """Load the classifier models and the extractor once, so neither way pays it first."""
    from gongkai.classifiers.api import classify_records
    from gongkai.extractors import extract

    record = extract(
        "<html><head><title>关于印发某某办法的通知</title></head></html>".encode(), "http://x/1.html"
    )
    classify_records([record])


Timing = tuple[float, float, float, Any]


def fresh_postgres_database(prefix: str) -> tuple[str, Callable[[], None]]:
    """A new database on the local PostgreSQL server, and how to drop it."""
    import uuid

    import sqlalchemy as sa

    admin_url = os.environ.get("GONGKAI_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    url = sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    return url, drop


def measure(server_db: str, sites_dir: Path, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Start a Prefect server on ``server_db`` (sqlite | postgresql) and time plain vs flow nights."""
    from gongkai.flows.nightly import run_nightly
    from gongkai.flows.workers import start_prefect_server, use_api

    work.mkdir(parents=True)
    drop: Callable[[], None] = lambda: None  # noqa: E731
    database_url = None
    if server_db == "postgresql":
        database_url, drop = fresh_postgres_database("gongkai_bench_prefect")
    started = time.perf_counter()
    server = start_prefect_server(work / "prefect-server", database_url)
    server_start_seconds = time.perf_counter() - started
    server_pid = server.process.pid if server.process else None
    plain_db, flow_db = f"sqlite:///{work / 'plain.db'}", f"sqlite:///{work / 'flow.db'}"
    plain_archive, flow_archive = str(work / "archive-plain"), str(work / "archive-flow")

    def plain() -> Any:
        return plain_night(str(sites_dir), plain_db, plain_archive, REFERENCE_DAY, args.parallel)

    def flow(runner: str = "threads") -> Callable[[], Any]:
        return lambda: run_nightly(
            str(sites_dir),
            flow_db,
            flow_archive,
            today=REFERENCE_DAY.isoformat(),
            max_parallel_sites=args.parallel,
            runner=runner,
        )

    try:
        with use_api(server.api_url):
            first_plain = timed(plain, server_pid)
            first_flow = timed(flow(), server_pid)
            second: dict[str, list[Timing]] = {"plain": [], "flow": []}
            for _ in range(args.repeats):  # interleaved, so load drift hits both ways alike
                second["plain"].append(timed(plain, server_pid))
                second["flow"].append(timed(flow(), server_pid))
            dask = [timed(flow("dask"), server_pid)] if args.dask else []
    finally:
        server.stop()
        drop()
    failed = [n for n, night in first_flow[3]["sites"].items() if "failed" in night]
    if failed:
        raise SystemExit(f"the flow failed for sites {failed} (Prefect server on {server_db}): see {work}")

    def median(runs: list[Timing], index: int) -> float:
        return statistics.median(run[index] for run in runs)

    def share(flow_seconds: float, plain_seconds: float) -> float:
        return round((flow_seconds - plain_seconds) / flow_seconds, 3)

    plain2, flow2 = median(second["plain"], 0), median(second["flow"], 0)
    section: dict[str, Any] = {
        "prefect_server_start_seconds": round(server_start_seconds, 2),
        "first_night": {
            "plain_seconds": round(first_plain[0], 2),
            "flow_seconds": round(first_flow[0], 2),
            "flow_over_plain": round(first_flow[0] / first_plain[0], 3),
            "prefect_share_of_wall": share(first_flow[0], first_plain[0]),
            "client_cpu_seconds": {"plain": round(first_plain[1], 2), "flow": round(first_flow[1], 2)},
            "prefect_server_cpu_seconds": {
                "plain": round(first_plain[2], 2),
                "flow": round(first_flow[2], 2),
            },
            "plain_step_seconds_per_site": {n: night["steps"] for n, night in first_plain[3].items()},
        },
        "second_night": {
            "repeats": args.repeats,
            "plain_seconds_median": round(plain2, 2),
            "flow_seconds_median": round(flow2, 2),
            "plain_seconds_all": [round(run[0], 2) for run in second["plain"]],
            "flow_seconds_all": [round(run[0], 2) for run in second["flow"]],
            "flow_over_plain": round(flow2 / plain2, 3),
            "prefect_share_of_wall": share(flow2, plain2),
            "prefect_seconds_per_site": round((flow2 - plain2) / len(first_plain[3]), 3),
            "client_cpu_seconds_median": {
                "plain": round(median(second["plain"], 1), 2),
                "flow": round(median(second["flow"], 1), 2),
            },
            "prefect_server_cpu_seconds_median": {
                "plain": round(median(second["plain"], 2), 2),
                "flow": round(median(second["flow"], 2), 2),
            },
            "plain_step_seconds_per_site": {n: night["steps"] for n, night in second["plain"][-1][3].items()},
        },
        "documents": sum(night["counts"]["documents"] for night in first_plain[3].values()),
    }
    if dask:
        section["second_night"]["dask_seconds"] = round(dask[0][0], 2)
        section["second_night"]["dask_over_threads_flow"] = round(dask[0][0] / flow2, 3)
    return section


def measure_in_child(backend: str, sites_dir: Path, work: Path, args: argparse.Namespace, conn: Any) -> None:
    """Child process: one Prefect server, both ways measured; sends the section (or the error)."""
    try:
        warm_up()
        conn.send(measure(backend, sites_dir, work, args))
    except BaseException as exc:
        conn.send(f"{type(exc).__name__}: {exc}")
        raise


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="second nights measured each way")
    parser.add_argument("--parallel", type=int, default=4, help="sites at once (the flow's default)")
    parser.add_argument("--sites", type=int, default=5, help="demo sites used (at most 5)")
    parser.add_argument("--dask", action="store_true", help="also time a second night on Dask")
    parser.add_argument(
        "--server-db",
        choices=["postgresql", "sqlite", "both"],
        default="both",
        help="the Prefect server's own database (PostgreSQL on 127.0.0.1:5432)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "prefect.json")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="gongkai-bench-prefect-"))
    os.environ.pop("PREFECT_API_URL", None)
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ["PREFECT_HOME"] = str(work / "prefect-client")

    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    stop = ctx.Event()
    sites_process = ctx.Process(target=serve_demo, args=(str(work / "demo"), child, stop), daemon=True)
    sites_process.start()
    served = Path(parent.recv())

    names = sorted(path.stem for path in served.glob("*.yaml"))[: args.sites]
    chosen = work / "sites"
    chosen.mkdir()
    for name in names:  # the chosen sites' configs only, so plain and flow see the same list
        (chosen / f"{name}.yaml").write_bytes((served / f"{name}.yaml").read_bytes())

    backends = ["postgresql", "sqlite"] if args.server_db == "both" else [args.server_db]
    sections = {}
    try:
        for backend in backends:
            # A fresh process per server: Prefect's in-process services keep their first API.
            receive, send = ctx.Pipe()
            runner = ctx.Process(target=measure_in_child, args=(backend, chosen, work / backend, args, send))
            runner.start()
            outcome = receive.recv()
            runner.join()
            if isinstance(outcome, str):
                raise SystemExit(f"Prefect server on {backend}: {outcome}")
            sections[backend] = outcome
    finally:
        stop.set()
        sites_process.join(timeout=20)

    headline = sections[backends[0]]
    result: dict[str, Any] = {
        "benchmark": "prefect",
        "sites": names,
        "documents": headline.pop("documents"),
        "parallel_sites": args.parallel,
        "headline": {
            "prefect_server_db": backends[0],
            "second_night_prefect_share_of_wall": headline["second_night"]["prefect_share_of_wall"],
            "second_night_flow_over_plain": headline["second_night"]["flow_over_plain"],
            "first_night_prefect_share_of_wall": headline["first_night"]["prefect_share_of_wall"],
        },
        "by_prefect_server_db": sections,
        "machine": {"cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()]},
        "note": (
            "share = (flow - plain) / flow: the same steps over the same sites in the same process, plain "
            "functions vs the nightly flow on a real Prefect server (its own database as keyed); medians "
            "of interleaved repeats; gongkai store on SQLite. Demo sites crawl with a 0.05 s delay; real "
            "sites use >= 1 s, so on a real first night the crawl, not Prefect, dominates."
        ),
    }
    for section in sections.values():
        section.pop("documents", None)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
