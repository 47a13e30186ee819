"""Loading site configs from YAML: a bad config is one clear error naming the file and field."""

from __future__ import annotations

from pathlib import Path

import yaml
from gongkai.models.errors import ConfigError
from gongkai.models.records import SiteConfig
from pydantic import ValidationError


def load_site_config(path: str | Path) -> SiteConfig:
    """Read and validate one site config file."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such site config") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise ConfigError(f"{path}: not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a site config must be a mapping of fields, got {type(data).__name__}")
    try:
        return SiteConfig.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(top level)"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise ConfigError(f"{path}: field {field!r}: {first['msg']}{more}") from None


def load_site_configs(folder: str | Path) -> list[SiteConfig]:
    """Every ``*.yaml``/``*.yml`` in a folder, sorted by file name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ConfigError(f"{folder}: not a folder of site configs")
    files = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    return [load_site_config(path) for path in files]
