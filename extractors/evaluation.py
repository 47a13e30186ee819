"""Accuracy of extraction on real labelled pages, and the floors it must stay above.

The golden set is every page under ``<data>/pages/`` with an expected ``.json`` beside it (the
nine fields; null = absent), read in place — real pages are never copied into the project.
Pages matched by the baseline's ``negative_globs`` (news pages on government portals) have no
metadata block: for them the block-only fields must come out empty.

This is the one module of ``extractors`` that reads files; the extraction itself stays pure.
"""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongkai.extractors.document import extract
from gongkai.models.records import METADATA_FIELDS

PAGE_SUFFIXES = (".html", ".htm", ".shtml", ".jsp")
#: Fields only a metadata block (or the document's own text) can give; a news page has none.
BLOCK_ONLY_FIELDS = ("index_no", "doc_no", "written_date", "disclosure", "topic", "validity")


@dataclass(frozen=True)
class GoldenPage:
    path: Path
    #: The expected nine fields, or None for a negative page.
    expected: dict[str, Any] | None
    url: str


@dataclass
class Mismatch:
    path: str
    field: str
    expected: Any
    got: Any


@dataclass
class EvalReport:
    pages: int = 0
    negatives: int = 0
    negatives_clean: int = 0
    correct: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METADATA_FIELDS, 0))
    mismatches: list[Mismatch] = field(default_factory=list)

    def accuracy(self) -> dict[str, float]:
        return {name: (self.correct[name] / self.pages if self.pages else 0.0) for name in METADATA_FIELDS}

    def negatives_accuracy(self) -> float:
        return self.negatives_clean / self.negatives if self.negatives else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "pages": self.pages,
            "fields": {name: round(value, 4) for name, value in self.accuracy().items()},
            "negatives": self.negatives,
            "negatives_clean": round(self.negatives_accuracy(), 4),
            "mismatches": [m.__dict__ for m in self.mismatches],
        }


def load_baseline(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def golden_pages(data_dir: Path, negative_globs: list[str]) -> list[GoldenPage]:
    """Labelled pages (``.json`` beside them) and negative pages under ``data_dir/pages``."""
    pages_dir = data_dir / "pages"
    found: list[GoldenPage] = []
    for path in sorted(pages_dir.rglob("*")):
        if path.suffix.lower() not in PAGE_SUFFIXES or not path.is_file():
            continue
        beside = path.with_suffix(".json")
        if beside.is_file():
            expected = json.loads(beside.read_text(encoding="utf-8"))
            if isinstance(expected, dict) and all(name in expected for name in METADATA_FIELDS):
                found.append(GoldenPage(path, expected, str(expected.get("url") or path.resolve().as_uri())))
            continue
        if any(fnmatch.fnmatch(path.name, pattern) for pattern in negative_globs):
            found.append(GoldenPage(path, None, path.resolve().as_uri()))
    return found


def evaluate(pages: list[GoldenPage]) -> EvalReport:
    report = EvalReport()
    for page in pages:
        record = extract(page.path.read_bytes(), page.url)
        got = record.metadata()
        name = str(page.path.name)
        if page.expected is None:
            report.negatives += 1
            filled = [f for f in BLOCK_ONLY_FIELDS if got[f] is not None]
            if not filled:
                report.negatives_clean += 1
            for f in filled:
                report.mismatches.append(Mismatch(name, f, None, got[f]))
            continue
        report.pages += 1
        for f in METADATA_FIELDS:
            if got[f] == page.expected[f]:
                report.correct[f] += 1
            else:
                report.mismatches.append(Mismatch(name, f, page.expected[f], got[f]))
    return report


def below_floors(report: EvalReport, baseline: dict[str, Any]) -> list[str]:
    """One line per floor the report falls below (empty when everything holds)."""
    problems: list[str] = []
    minimum = int(baseline.get("min_pages", 1))
    if report.pages < minimum:
        problems.append(f"only {report.pages} labelled pages found, the baseline expects at least {minimum}")
    accuracy = report.accuracy()
    epsilon = float(baseline.get("epsilon", 0.0))
    for name, floor in baseline.get("fields", {}).items():
        if accuracy.get(name, 0.0) + epsilon < float(floor):
            problems.append(f"{name}: accuracy {accuracy.get(name, 0.0):.4f} is below its floor {floor}")
    floor = baseline.get("negatives_clean")
    if floor is not None and report.negatives_accuracy() + epsilon < float(floor):
        problems.append(f"negatives: {report.negatives_accuracy():.4f} clean, below the floor {floor}")
    return problems
