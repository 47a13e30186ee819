"""Make the demo facts from the real data: ``gongkai demo-facts refresh [--data DIR]``.

Keeps, of the real rows (:mod:`gongkai.demo.realdata`), exactly what the planner can draw from: the
documents some demo site would publish as its own (:func:`gongkai.demo.plan.own_publisher`), the State
Council 批复 it reposts, and the news headlines — and of each only its kind, issuing body, title, 文号
and dates (:data:`gongkai.demo.facts.COLUMNS`).
"""

from __future__ import annotations

from pathlib import Path

from gongkai.demo.facts import DemoFacts
from gongkai.demo.plan import SPECS, usable
from gongkai.demo.realdata import real_documents, real_news, real_reposts


def facts_from_data(folder: Path) -> DemoFacts:
    """The demo facts the real data folder gives (deterministic: same folder, same facts)."""
    documents = tuple(real for real in real_documents(folder) if any(usable(spec, real) for spec in SPECS))
    return DemoFacts(documents, tuple(real_reposts(folder)), tuple(real_news(folder)))
