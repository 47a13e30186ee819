"""``generate_sites(today)``: the demo sites, their site configs and their ground truth.

Deterministic: the same ``today`` (and seed, and demo facts) gives byte-identical sites and
truth. Sites are independent of their port (links are root-relative); configs and truth carry
absolute URLs made from the base URLs the sites are served on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from gongkai.demo.facts import DemoFacts, load_facts
from gongkai.demo.model import SitePlan
from gongkai.demo.plan import DEFAULT_SEED, plan_sites
from gongkai.demo.render import render_site
from gongkai.demo.site import StaticSite
from gongkai.demo.truth import RULES, site_truth
from gongkai.models.records import ColumnConfig, SiteConfig

DEFAULT_PORT_BASE = 8801
#: Small but not zero: the demo crawl stays polite and still finishes in seconds per site.
DEMO_DELAY_SECONDS = 0.05


@dataclass
class GeneratedSite:
    """One demo site: its pages, and for a given base URL its config and truth."""

    plan: SitePlan
    site: StaticSite
    base_url: str
    config: SiteConfig = field(init=False)
    truth: dict[str, Any] = field(init=False)
    today: date = field(default=date(2026, 1, 1))

    def __post_init__(self) -> None:
        self.bind(self.base_url)

    @property
    def name(self) -> str:
        return self.plan.spec.name

    @property
    def agency(self) -> str:
        return self.plan.spec.agency

    def bind(self, base_url: str) -> GeneratedSite:
        """Point config and truth at ``base_url`` (the pages themselves do not change)."""
        self.base_url = base_url.rstrip("/")
        self.config = site_config(self.plan, self.base_url)
        self.truth = site_truth(self.plan, self.base_url, self.today)
        return self


def site_config(plan: SitePlan, base_url: str) -> SiteConfig:
    spec = plan.spec
    host = base_url.split("://", 1)[1].split("/", 1)[0]
    return SiteConfig(
        name=spec.name,
        agency=spec.agency,
        agency_aliases=[spec.office, *spec.codes, f"{spec.agency}令"],
        start_urls=[f"{base_url}/xxgk/"],
        allowed_hosts=[host],
        delay_seconds=DEMO_DELAY_SECONDS,
        max_pages=2000,
        catalog=spec.catalog,
        columns=[
            ColumnConfig(url=base_url + column.path, name=column.name, kind=column.kind)
            for column in plan.columns
        ],
    )


def default_base_urls(count: int, port_base: int = DEFAULT_PORT_BASE) -> list[str]:
    return [f"http://127.0.0.1:{port_base + i}" for i in range(count)]


def generate_sites(
    today: date,
    base_urls: list[str] | None = None,
    *,
    seed: int = DEFAULT_SEED,
    facts: DemoFacts | None = None,
) -> list[GeneratedSite]:
    """The demo sites for the reference date ``today``, made from the project's demo facts."""
    plans = plan_sites(today, facts or load_facts(), seed)
    urls = base_urls or default_base_urls(len(plans))
    if len(urls) != len(plans):
        raise ValueError(f"{len(plans)} sites need {len(plans)} base URLs, got {len(urls)}")
    return [
        GeneratedSite(plan, render_site(plan), url, today=today)
        for plan, url in zip(plans, urls, strict=True)
    ]


def truth_document(sites: list[GeneratedSite], today: date) -> dict[str, Any]:
    """``truth.json`` as in docs/contracts.md (plus ``rules``: the rules it is exhaustive for)."""
    return {
        "reference_date": today.isoformat(),
        "rules": list(RULES),
        "sites": [
            {
                "name": s.name,
                "agency": s.agency,
                "base_url": s.base_url,
                "config": s.config.model_dump(mode="json", exclude_defaults=True),
            }
            for s in sites
        ],
        "documents": [d for s in sites for d in s.truth["documents"]],
        "columns": [c for s in sites for c in s.truth["columns"]],
        "findings": [f for s in sites for f in s.truth["findings"]],
    }


def truth_json(sites: list[GeneratedSite], today: date) -> str:
    return json.dumps(truth_document(sites, today), ensure_ascii=False, indent=2, sort_keys=False) + "\n"
