"""Running the nightly flow past one process: shared Prefect API, work pool, deployment, workers.

What lives here, and why it is not in ``flows/nightly.py``:

- :func:`use_api` points this process *and every process it starts* at one Prefect API. Prefect
  freezes its settings when it is imported, so setting ``PREFECT_API_URL`` in ``os.environ``
  afterwards changes the child processes (Dask workers, ``prefect worker``) but not this one — the
  parent flow run and its sub-flows then land on two different servers. Both must change together.
- :func:`start_prefect_server`: a real server whose own database is PostgreSQL (its SQLite default
  stalls under concurrent flow runs).
- :func:`run_nightly_on_dask`: the Dask runner's worker processes must reach the *same* Prefect
  API as the parent flow. With no configured API, each Dask worker starts a temporary server of
  its own (all on one SQLite file; an unchanged two-site night took 43 s so, 22 s with one shared
  server); when ``ensure_server`` ran after Prefect was imported, the parent flow stays on a
  temporary server while the workers use the real one, and every sub-flow fails (HTTP 409: its
  parent flow run is unknown there). This uses one real server for both.
- :func:`ensure_work_pool`, :func:`deploy_from_repo`, :func:`start_worker`, :func:`trigger`,
  :func:`wait_for_runs`: the process work pool, the deployment declared in ``prefect.yaml`` and
  ``prefect worker`` processes, as the docs (docs/scale.md) tell an operator to run them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gongkai.flows.prefect_server import PrefectServer, configure_offline, ensure_server
from gongkai.models.errors import GongkaiError

configure_offline()

REPO_ROOT = Path(__file__).resolve().parent.parent
#: The names declared in prefect.yaml (work pool, flow name of flows/nightly.py:nightly, deployment).
POOL = "gongkai"
FLOW_NAME = "gongkai-nightly"
DEPLOYMENT = "nightly"
TERMINAL_STATES = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
#: Where ``prefect server start`` takes its own database from (default: SQLite under PREFECT_HOME).
SERVER_DATABASE_ENV = "PREFECT_SERVER_DATABASE_CONNECTION_URL"


class WorkerError(GongkaiError):
    """A work pool, deployment or worker could not be set up, or a run did not finish."""


def prefect_executable() -> str:
    """The ``prefect`` command of this very environment (never whatever is first on PATH)."""
    return str(Path(sys.executable).with_name("prefect"))


@contextmanager
def use_api(api_url: str) -> Iterator[None]:
    """Use ``api_url`` here and in every process started inside the block; restore on exit."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    saved = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = api_url
    try:
        with temporary_settings(updates={PREFECT_API_URL: api_url}):
            try:
                yield
            finally:
                drain_background_services()
    finally:
        if saved is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = saved


def drain_background_services(timeout: float = 30.0) -> None:
    """Flush and stop Prefect's in-process senders (events, logs, concurrency-slot leases).

    They keep the client of the API they first talked to; stopped, they are created afresh for
    the API in force when next needed (as ``prefect_test_harness`` does on exit). Their registry
    is shared, so draining through one class drains them all. Still: one API per process is the
    safe rule — a background thread may already hold the old client.
    """
    from prefect.events.worker import EventsWorker

    EventsWorker.drain_all(timeout=timeout)


def asyncpg_url(url: str) -> str:
    """A PostgreSQL URL with the driver Prefect's server uses (asyncpg), whatever it was given with."""
    import sqlalchemy as sa

    parsed = sa.engine.make_url(url)
    backend = parsed.get_backend_name()
    if backend != "postgresql":
        raise WorkerError(f"the Prefect server's database must be PostgreSQL, not {backend}")
    return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


def start_prefect_server(
    home: Path, database_url: str | None = None, port: int | None = None
) -> PrefectServer:
    """:func:`ensure_server`, with the server's own database on PostgreSQL when one is given.

    On its default SQLite database the server's background services and the API fight for one
    write lock once several flow runs report at once: API calls then stall for seconds to a
    minute (measured in ``bench/bench_prefect.py``). PostgreSQL has no such lock.
    """
    if not database_url:
        return ensure_server(home, port)
    saved = os.environ.get(SERVER_DATABASE_ENV)
    os.environ[SERVER_DATABASE_ENV] = asyncpg_url(database_url)
    try:
        return ensure_server(home, port)
    finally:  # the started server keeps its environment; this process gets its own back
        if saved is None:
            os.environ.pop(SERVER_DATABASE_ENV, None)
        else:
            os.environ[SERVER_DATABASE_ENV] = saved


def current_api_url() -> str | None:
    """The API this process talks to (``None``: Prefect would start a temporary server)."""
    from prefect.settings import PREFECT_API_URL

    value = PREFECT_API_URL.value()
    return str(value) if value else None


def run_nightly_on_dask(sites_dir: str, *, server_home: Path, **kwargs: Any) -> dict[str, Any]:
    """``run_nightly(runner="dask")`` with a Prefect API every Dask worker process shares.

    Uses the configured API when there is one, else starts a real server under ``server_home``
    for the length of the run.
    """
    from gongkai.flows.nightly import run_nightly

    configured = current_api_url() or os.environ.get("PREFECT_API_URL")
    if configured:
        with use_api(configured):
            return run_nightly(sites_dir, runner="dask", **kwargs)
    saved = {name: os.environ.get(name) for name in ("PREFECT_API_URL", "PREFECT_HOME")}
    try:
        with ensure_server(server_home) as server, use_api(server.api_url):
            return run_nightly(sites_dir, runner="dask", **kwargs)
    finally:  # ensure_server pointed the environment at a server that is now stopped
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


# --- work pool, deployment, workers ---------------------------------------------------------------


def ensure_work_pool(name: str = POOL, pool_type: str = "process") -> None:
    """Create the work pool if it is missing (idempotent: an existing pool is left as it is)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists

    with get_client(sync_client=True) as client, suppress(ObjectAlreadyExists):
        client.create_work_pool(WorkPoolCreate(name=name, type=pool_type))


def _run_prefect(args: list[str], env: Mapping[str, str], cwd: Path, what: str) -> str:
    result = subprocess.run(
        [prefect_executable(), *args],
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        tail = " | ".join((result.stdout + result.stderr).strip().splitlines()[-3:])
        raise WorkerError(f"{what} failed (exit {result.returncode}): {tail}")
    return result.stdout


def deploy_from_repo(
    env: Mapping[str, str], repo: Path = REPO_ROOT, names: tuple[str, ...] = (DEPLOYMENT,)
) -> list[str]:
    """``prefect deploy`` of the deployments declared in the repo's ``prefect.yaml``.

    ``env`` is the deployer's environment: ``PREFECT_API_URL`` and ``GONGKAI_SITES`` (filled into
    the parameters now). Returns the deployments' full names (``flow/deployment``).
    """
    if not env.get("GONGKAI_SITES"):
        raise WorkerError("GONGKAI_SITES is not set: prefect.yaml takes the sites folder from it")
    args = ["--no-prompt", "deploy", "--prefect-file", str(repo / "prefect.yaml")]
    for name in names:
        args += ["--name", name]
    _run_prefect(args, env, repo, "prefect deploy")
    return [f"{FLOW_NAME}/{name}" for name in names]


@dataclass
class WorkerProcess:
    """A ``prefect worker start`` process we started, with its log file."""

    name: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 30.0) -> None:
        """SIGINT first (the worker finishes its bookkeeping), then kill our own process group."""
        if not self.alive():
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""


def start_worker(
    name: str,
    env: Mapping[str, str],
    log_dir: Path,
    pool: str = POOL,
    limit: int | None = 1,
) -> WorkerProcess:
    """Start ``prefect worker start --pool … --type process`` in its own process group.

    ``limit``: flow runs this worker runs at once (1 spreads a night's runs over the workers).
    The flow runs it starts inherit ``env`` (GONGKAI_DB, GONGKAI_REPO, GONGKAI_ARCHIVE, …).
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"worker-{name}.log"
    args = [prefect_executable(), "worker", "start", "--pool", pool, "--type", "process", "--name", name]
    if limit is not None:
        args += ["--limit", str(limit)]
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            args, stdout=log, stderr=subprocess.STDOUT, env=dict(env), start_new_session=True
        )
    return WorkerProcess(name, process, log_path)


def trigger(deployment: str, parameters: dict[str, Any] | None = None) -> str:
    """Create a flow run of ``flow/deployment`` now; returns its id (workers pick it up)."""
    from prefect.deployments import run_deployment

    run = run_deployment(deployment, parameters=parameters or {}, timeout=0)
    return str(run.id)


def wait_for_runs(run_ids: list[str], timeout: float, poll: float = 1.0) -> dict[str, Any]:
    """Wait until every flow run is in a final state; returns ``{id: FlowRun}``.

    Raises :class:`WorkerError` naming the runs still unfinished when ``timeout`` passes.
    """
    from prefect.client.orchestration import get_client

    deadline = time.monotonic() + timeout
    with get_client(sync_client=True) as client:
        while True:
            runs = {run_id: client.read_flow_run(run_id) for run_id in run_ids}  # type: ignore[arg-type]
            states = {i: run.state.type.value if run.state else "?" for i, run in runs.items()}
            pending = [i for i, state in states.items() if state not in TERMINAL_STATES]
            if not pending:
                return runs
            if time.monotonic() > deadline:
                unfinished = ", ".join(f"{i[:8]}={states[i]}" for i in pending)
                raise WorkerError(f"flow runs not finished after {timeout:.0f} s: {unfinished}")
            time.sleep(poll)
