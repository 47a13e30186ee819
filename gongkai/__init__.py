"""gongkai (公开): audit Chinese government information disclosure.

The library behind the ``gongkai`` command, for those who call it from Python::

    import gongkai

    record = gongkai.extract(page_bytes, url="https://www.example.gov.cn/art/1.html")
    store = gongkai.open_store("sqlite:///gongkai.db")
    gongkai.run_audit(store)
    gongkai.write_report(store, ...)

The parts are subpackages (``gongkai.extractors``, ``gongkai.crawler``, ``gongkai.classifiers``,
``gongkai.audits``, ``gongkai.reports``, ``gongkai.models``, ``gongkai.flows``, ``gongkai.demo``);
their folders sit at the top of the repository and the build maps them into this package.
Names are imported lazily so that ``import gongkai`` stays cheap (no Prefect, no scikit-learn).
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: public name → (module, attribute): the library as its users call it.
_PUBLIC: dict[str, tuple[str, str]] = {
    "extract": ("gongkai.extractors", "extract"),
    "extract_text": ("gongkai.extractors", "extract_text"),
    "attachment_text": ("gongkai.extractors", "attachment_text"),
    "open_store": ("gongkai.models.store", "open_store"),
    "Store": ("gongkai.models.store", "Store"),
    "DocumentRecord": ("gongkai.models.records", "DocumentRecord"),
    "SiteConfig": ("gongkai.models.records", "SiteConfig"),
    "Finding": ("gongkai.models.records", "Finding"),
    "classify_records": ("gongkai.classifiers", "classify_records"),
    "classify_inputs": ("gongkai.classifiers", "classify_inputs"),
    "run_audit": ("gongkai.audits.engine", "run_audit"),
    "audit": ("gongkai.audits.engine", "run_audit"),
    "write_report": ("gongkai.reports.build", "write_report"),
    "load_site_config": ("gongkai.models.siteconfig", "load_site_config"),
}

__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _PUBLIC[name]
    except KeyError:
        raise AttributeError(f"module 'gongkai' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
