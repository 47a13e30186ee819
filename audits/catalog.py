"""The 政务公开事项标准目录 as data: items of the 26 domains, their 公开时限 rules, and deadline overrides.

The standard catalog lives in ``corpus/catalogs/standard.yaml`` (validated against
``corpus/catalogs/catalog.schema.json``). A site's config may name another catalog file in its
``catalog`` field; such a file either stands alone or ``extends: standard`` and then restricts the
domains, disables items, or adds/replaces items by id. Only sites that name a catalog are checked
for ``catalog_gap`` (a provincial portal is not bound by a 基层 catalog); the deadline overrides
(预算法 Art. 14, 行政执法公示) apply to every site.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import jsonschema
import yaml
from gongkai.audits.timelimit import TimeLimit, parse_time_limit
from gongkai.models.errors import ConfigError

from gongkai.resources import corpus_path

CATALOG_DIR = corpus_path("catalogs")
STANDARD = CATALOG_DIR / "standard.yaml"
SCHEMA = CATALOG_DIR / "catalog.schema.json"

Expect = Literal["standing", "annual", "periodic", "on_event"]


@dataclass(frozen=True)
class Match:
    """Documents of an item: titles holding any of ``any``, all of ``all``, none of ``exclude``."""

    any: tuple[str, ...]
    all: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def matches(self, title: str) -> bool:
        return (
            any(word in title for word in self.any)
            and all(word in title for word in self.all)
            and not any(word in title for word in self.exclude)
        )


@dataclass(frozen=True)
class CatalogItem:
    id: str
    domain: str
    level1: str
    level2: str
    content: tuple[str, ...]
    basis: tuple[str, ...]
    time_limit: TimeLimit
    subject: str
    channels: tuple[str, ...]
    audience: tuple[str, ...]
    mode: tuple[str, ...]
    level: tuple[str, ...]
    match: Match
    expect: Expect
    sources: tuple[str, ...]

    def expectation(self) -> tuple[Expect, int | None, tuple[int, int] | None]:
        """(what is expected, period in days for periodic items, (month, day) for annual ones)."""
        limit = self.time_limit
        if self.expect == "periodic":
            return "periodic", limit.period_days or 365, None
        if self.expect == "annual":
            return "annual", None, (limit.month or 1, limit.day or 31)
        return self.expect, None, None


@dataclass(frozen=True)
class DeadlineOverride:
    """A law that sets another period than Art. 26's 20 working days (BRIEF §1.2)."""

    id: str
    title: str
    basis: str
    status: str
    time_limit: TimeLimit
    title_pattern: re.Pattern[str]
    exclude_pattern: re.Pattern[str] | None
    domains: tuple[str, ...]

    def applies(self, title: str | None, domain: str | None) -> bool:
        if not title or not self.title_pattern.search(title):
            return False
        return not (self.exclude_pattern and self.exclude_pattern.search(title))


@dataclass
class Catalog:
    name: str
    version: str
    items: list[CatalogItem]
    overrides: list[DeadlineOverride]
    sources: dict[str, dict[str, str]] = field(default_factory=dict)
    #: True when the site named this catalog: its items are then expected on the site.
    gap_check: bool = False

    def item(self, item_id: str) -> CatalogItem:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    @property
    def domains(self) -> list[str]:
        return sorted({item.domain for item in self.items})


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such catalog file") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read catalog: {str(exc).splitlines()[0]}") from None
    try:
        jsonschema.validate(data, _schema())
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(top level)"
        raise ConfigError(f"{path}: catalog field {where}: {exc.message}") from None
    return data  # type: ignore[no-any-return]


def _items(data: dict[str, Any], limits: dict[str, TimeLimit], where: Path) -> list[CatalogItem]:
    out: list[CatalogItem] = []
    previous: TimeLimit | None = None
    for domain in data.get("domains", []):
        for raw in domain.get("items", []):
            out.append(_item(raw, domain["name"], limits, where, previous))
            previous = out[-1].time_limit
    return out


def _item(
    raw: dict[str, Any], domain: str, limits: dict[str, TimeLimit], where: Path, previous: TimeLimit | None
) -> CatalogItem:
    key = raw["time_limit"]
    # a key into ``time_limits``, or the printed wording given inline
    limit = limits[key] if key in limits else parse_time_limit(key)
    if limit.kind == "same_as_above" and previous is not None:
        limit = previous
    expect = raw.get("expect") or _default_expect(limit)
    match = raw["match"]
    return CatalogItem(
        id=raw["id"],
        domain=domain,
        level1=raw["level1"],
        level2=raw["level2"],
        content=tuple(raw.get("content", [])),
        basis=tuple(raw.get("basis", [])),
        time_limit=limit,
        subject=raw.get("subject", ""),
        channels=tuple(raw.get("channels", ["政府网站"])),
        audience=tuple(raw.get("audience", ["全社会"])),
        mode=tuple(raw.get("mode", ["主动"])),
        level=tuple(raw.get("level", ["县级", "乡级"])),
        match=Match(tuple(match["any"]), tuple(match.get("all", [])), tuple(match.get("exclude", []))),
        expect=expect,
        sources=tuple(raw.get("sources", [])),
    )


def _default_expect(limit: TimeLimit) -> Expect:
    if limit.kind in ("standing",):
        return "standing"
    if limit.kind == "annual":
        return "annual"
    if limit.kind in ("periodic", "continuous"):
        return "periodic"
    return "on_event"


def _limits(data: dict[str, Any]) -> dict[str, TimeLimit]:
    return {key: parse_time_limit(value["text"]) for key, value in data.get("time_limits", {}).items()}


def _overrides(data: dict[str, Any], limits: dict[str, TimeLimit]) -> list[DeadlineOverride]:
    out = []
    for raw in data.get("deadline_overrides", []):
        key = raw["time_limit"]
        out.append(
            DeadlineOverride(
                id=raw["id"],
                title=raw["title"],
                basis=raw["basis"],
                status=raw.get("status", ""),
                time_limit=limits[key] if key in limits else parse_time_limit(key),
                title_pattern=re.compile(raw["title_pattern"]),
                exclude_pattern=re.compile(raw["exclude_pattern"]) if raw.get("exclude_pattern") else None,
                domains=tuple(raw.get("domains", [])),
            )
        )
    return out


def load_catalog(path: str | Path = STANDARD) -> Catalog:
    """Load and validate a catalog file; one that ``extends: standard`` is laid over the standard one."""
    path = Path(path)
    data = _read(path)
    limits = _limits(data)
    if data.get("extends") == "standard" and path.resolve() != STANDARD.resolve():
        base = load_standard()
        limits = {**_limits(_read(STANDARD)), **limits}
        items = {item.id: item for item in base.items}
        for item in _items(data, limits, path):
            items[item.id] = item
        disabled = set(data.get("disable", []))
        unknown = disabled - set(items)
        if unknown:
            raise ConfigError(f"{path}: disable names unknown catalog items: {', '.join(sorted(unknown))}")
        keep_domains = set(data.get("only_domains", [])) or None
        chosen = [
            item
            for item in items.values()
            if item.id not in disabled and (keep_domains is None or item.domain in keep_domains)
        ]
        overrides = _overrides(data, limits) or base.overrides
        return Catalog(
            data.get("name", path.stem), data.get("version", base.version), chosen, overrides, base.sources
        )
    return Catalog(
        data.get("name", path.stem),
        data.get("version", "1"),
        _items(data, limits, path),
        _overrides(data, limits),
        data.get("sources", {}),
    )


@lru_cache(maxsize=1)
def load_standard() -> Catalog:
    return load_catalog(STANDARD)


def catalog_for_site(name: str | None) -> Catalog:
    """The catalog a site config names (``standard`` or a file path), checked for gaps; else the
    standard catalog for its deadline overrides only."""
    if not name:
        return Catalog(**{**load_standard().__dict__, "gap_check": False})
    if name == "standard":
        return Catalog(**{**load_standard().__dict__, "gap_check": True})
    path = Path(name)
    if not path.is_absolute() and not path.exists() and (CATALOG_DIR / name).exists():
        path = CATALOG_DIR / name
    catalog = load_catalog(path)
    catalog.gap_check = True
    return catalog


def due_dates(month: int, day: int, today: date) -> tuple[date, date]:
    """The most recent due date on or before ``today`` and the one a year before it."""
    this_year = date(today.year, month, day)
    last = this_year if this_year <= today else date(today.year - 1, month, day)
    return last, date(last.year - 1, month, day)
