"""The deployment as declared in the repo, and the small helpers of ``flows.workers`` (no server)."""

from __future__ import annotations

import inspect
import os

import pytest
import yaml
from gongkai.flows import workers

from tests.conftest import ROOT


def declared() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))


def test_prefect_yaml_declares_the_nightly_deployment() -> None:
    config = declared()
    [deployment] = [d for d in config["deployments"] if d["name"] == workers.DEPLOYMENT]
    assert deployment["work_pool"]["name"] == workers.POOL
    assert [(s["cron"], s["timezone"]) for s in deployment["schedules"]] == [("0 2 * * *", "Asia/Shanghai")]
    # The entrypoint names the nightly flow, and every declared parameter is one of its parameters.
    path, _, name = deployment["entrypoint"].partition(":")
    assert (ROOT / path).is_file()
    from gongkai.flows import nightly

    flow = getattr(nightly, name)
    assert flow.name == workers.FLOW_NAME
    assert set(deployment["parameters"]) <= set(inspect.signature(flow.fn).parameters)
    # Sites folder from the deployer's environment; the database from the worker's at run time.
    assert deployment["parameters"]["sites_dir"] == "{{ $GONGKAI_SITES }}"
    assert deployment["parameters"]["db_url"] is None
    [pull] = config["pull"]
    assert pull == {"prefect.deployments.steps.set_working_directory": {"directory": "{{ $GONGKAI_REPO }}"}}


@pytest.mark.parametrize("before", [None, "http://127.0.0.1:9/api"])
def test_use_api_points_this_process_and_its_children_then_restores(
    before: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if before is None:
        monkeypatch.delenv("PREFECT_API_URL", raising=False)
    else:
        monkeypatch.setenv("PREFECT_API_URL", before)
    outside = workers.current_api_url()
    with workers.use_api("http://127.0.0.1:4242/api"):
        assert os.environ["PREFECT_API_URL"] == "http://127.0.0.1:4242/api"  # what children inherit
        assert workers.current_api_url() == "http://127.0.0.1:4242/api"  # what this process uses
    assert os.environ.get("PREFECT_API_URL") == before
    assert workers.current_api_url() == outside


def test_asyncpg_url_keeps_the_database_and_refuses_sqlite() -> None:
    url = workers.asyncpg_url("postgresql+psycopg://gk:secret@db.example:5433/prefect")
    assert url == "postgresql+asyncpg://gk:secret@db.example:5433/prefect"
    with pytest.raises(workers.WorkerError, match="must be PostgreSQL, not sqlite"):
        workers.asyncpg_url("sqlite:///prefect.db")


def test_deploy_without_the_sites_folder_is_one_clear_error() -> None:
    env = {k: v for k, v in os.environ.items() if k != "GONGKAI_SITES"}
    with pytest.raises(workers.WorkerError, match="GONGKAI_SITES is not set") as caught:
        workers.deploy_from_repo(env)
    assert "\n" not in str(caught.value)


def test_a_crawl_task_waits_one_delay_after_taking_the_host_limits() -> None:
    """The worker that released a host's limit may have asked it a moment ago, with its own clock:
    the next holder waits out the longest delay of its sites before the first request."""
    from gongkai.flows.nightly import wait_after_handover
    from gongkai.models.records import SiteConfig

    def site(name: str, delay: float) -> SiteConfig:
        return SiteConfig(
            name=name,
            start_urls=[f"http://127.0.0.1:9/{name}/"],
            allowed_hosts=["127.0.0.1:9"],
            delay_seconds=delay,
        )

    slept: list[float] = []
    assert wait_after_handover([site("a", 0.5), site("b", 2.0)], sleep=slept.append) == 2.0
    assert slept == [2.0]
    slept.clear()
    assert wait_after_handover([], sleep=slept.append) == 0.0
    assert slept == []


def test_two_nights_creating_a_host_limit_at_once_both_go_on() -> None:
    """Prefect's upsert reads, then creates: the night that loses the race to create a host's
    limit (409, ObjectAlreadyExists) sets it through the update path instead of failing."""
    from gongkai.flows.nightly import ensure_host_limits, host_limit_names
    from gongkai.models.records import SiteConfig
    from prefect.exceptions import ObjectAlreadyExists

    class RacedClient:
        def __init__(self) -> None:
            self.limits: dict[str, int] = {}
            self.raced = False

        def upsert_global_concurrency_limit_by_name(self, name: str, limit: int) -> None:
            if not self.raced:
                self.raced = True  # the other night created it between our read and our create
                raise ObjectAlreadyExists(http_exc=Exception("409 Conflict"))
            self.limits[name] = limit

    site = SiteConfig(
        name="a", start_urls=["http://127.0.0.1:9/a/"], allowed_hosts=["127.0.0.1:9", "x.gov.cn"]
    )
    client = RacedClient()
    ensure_host_limits([site], client)
    assert client.limits == dict.fromkeys(host_limit_names(site), 1)
