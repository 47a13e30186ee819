"""Start the demo sites on loopback and write their site configs and ground truth.

``start_demo_sites`` is what tests and ``make demo`` call; ``write_outputs`` is shared with
``gongkai demo-sites generate`` (files only, nothing served).
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from gongkai.demo.generate import GeneratedSite, default_base_urls, generate_sites, truth_json
from gongkai.demo.server import RunningSite, serve
from gongkai.demo.site import StaticSite
from gongkai.models.errors import GongkaiError


class DemoSitesError(GongkaiError):
    """The demo sites cannot be started or written (port taken, folder not writable…)."""


def today_in_china() -> date:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


@dataclass
class DemoRun:
    """Demo sites being served, with where their configs and truth were written."""

    today: date
    sites: list[GeneratedSite]
    running: list[RunningSite]
    out_dir: Path
    config_paths: list[Path] = field(default_factory=list)
    truth_path: Path | None = None

    @property
    def base_urls(self) -> list[str]:
        return [site.base_url for site in self.sites]

    def truth(self) -> dict:  # type: ignore[type-arg]
        assert self.truth_path is not None
        return json.loads(self.truth_path.read_text(encoding="utf-8"))

    def stop(self) -> None:
        for running in self.running:
            running.stop()
        self.running = []

    def __enter__(self) -> DemoRun:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_demo_sites(
    today: date | None = None, ports: list[int] | None = None, out_dir: Path | None = None
) -> DemoRun:
    """Generate the demo sites, serve them on 127.0.0.1 and write configs + ``truth.json``.

    ``ports``: one per site; default 8801, 8802, …; 0 picks a free port (tests).
    """
    today = today or today_in_china()
    sites = generate_sites(today)
    ports = (
        ports if ports is not None else [int(url.rsplit(":", 1)[1]) for url in default_base_urls(len(sites))]
    )
    if len(ports) != len(sites):
        raise DemoSitesError(f"{len(sites)} demo sites need {len(sites)} ports, got {len(ports)}")
    running: list[RunningSite] = []
    try:
        for site, port in zip(sites, ports, strict=True):
            try:
                running.append(serve(site.site, port))
            except OSError as exc:
                raise DemoSitesError(
                    f"cannot serve demo site {site.name} on 127.0.0.1:{port}: {exc.strerror}"
                ) from None
            site.bind(running[-1].base_url)
        out = out_dir or Path(tempfile.mkdtemp(prefix="gongkai-demo-"))
        run = DemoRun(today, sites, running, out)
        run.config_paths, run.truth_path = write_outputs(sites, today, out)
        return run
    except BaseException:
        for started in running:
            started.stop()
        raise


def write_outputs(sites: list[GeneratedSite], today: date, out_dir: Path) -> tuple[list[Path], Path]:
    """``configs/<site>.yaml`` (loadable by ``load_site_config``) and ``truth.json``."""
    try:
        (out_dir / "configs").mkdir(parents=True, exist_ok=True)
        paths = []
        for site in sites:
            path = out_dir / "configs" / f"{site.name}.yaml"
            data = site.config.model_dump(mode="json", exclude_defaults=True)
            path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
            paths.append(path)
        truth_path = out_dir / "truth.json"
        truth_path.write_text(truth_json(sites, today), encoding="utf-8")
    except OSError as exc:
        raise DemoSitesError(f"{out_dir}: cannot write the demo outputs: {exc.strerror}") from None
    return paths, truth_path


def route_file(path: str) -> str:
    """Where a route is written on disk.

    ``/a/`` → ``a/index.html``; ``/a/?page=2`` → ``a/index.html@page=2``.
    """
    base, _, query = path.partition("?")
    rel = base.lstrip("/")
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    return rel + (f"@{query}" if query else "")


def write_site_files(site: StaticSite, folder: Path) -> int:
    """Every route's bytes under ``folder`` plus ``routes.json`` (path → file, content type)."""
    manifest = {}
    for path, response in sorted(site.routes.items()):
        target = folder / route_file(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(response.body)
        manifest[path] = {"file": route_file(path), "content_type": response.content_type}
    (folder / "routes.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return len(manifest)
