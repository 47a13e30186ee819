"""Accuracy of extraction on real labelled pages, and the floors it must stay above.

The golden set is every page under ``<data>/pages/`` with an expected ``.json`` beside it (the
nine fields; null = absent), read in place — real pages are never copied into the project.
Pages matched by the baseline's ``negative_globs`` (news pages on government portals) have no
metadata block: for them the block-only fields must come out empty.

This is the one module of ``extractors`` that reads files; the extraction itself stays pure.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongkai.extractors import patterns as p
from gongkai.extractors.document import debug_lines, extract, extract_text
from gongkai.extractors.kind import BLOCK_ONLY_FIELDS
from gongkai.models.records import METADATA_FIELDS, DocumentRecord

PAGE_SUFFIXES = (".html", ".htm", ".shtml", ".jsp")


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


#: Template families for the per-family figures, from the words of a label's ``template`` note
#: (first match wins). Evaluation vocabulary only: the extractor never sees it.
TEMPLATE_FAMILIES: tuple[tuple[str, str], ...] = (
    ("gkmlpt", "guangdong-gkmlpt"),
    ("广东集约化", "guangdong-gkmlpt"),
    ("post_", "guangdong-post"),
    ("doc-info", "beijing-doc-info"),
    ("govinfo_frame", "jiangsu-govinfo-table"),
    ("江苏政务公开表", "jiangsu-govinfo-table"),
    ("xxgk_article", "hanweb-xxgk-table"),
    ("Hanweb", "hanweb"),
    ("大汉", "hanweb"),
    ("ucap", "kaipuyun-ucap"),
    ("UCAP", "kaipuyun-ucap"),
    ("开普云", "kaipuyun-ucap"),
    ("集约化", "provincial-cluster"),
    ("TRS", "trs"),
    ("JEECMS", "jeecms"),
)


def template_family(label: dict[str, Any]) -> str:
    """The family a labelled page's template belongs to (``negative`` for negatives)."""
    if label.get("negative"):
        return "negative"
    note = str(label.get("template") or "")
    return next((family for word, family in TEMPLATE_FAMILIES if word in note), "other")


def split_half(host: str) -> str:
    """``tune`` or ``check``: fixed by the first byte of sha256(host), odd = check."""
    return "check" if hashlib.sha256(host.encode("utf-8")).digest()[0] % 2 else "tune"


@dataclass(frozen=True)
class LabelledPage:
    """A multisite page with its label (the nine fields, ``lenient``, ``negative``, ``site``)."""

    path: Path
    label: dict[str, Any]

    @property
    def site(self) -> str:
        return str(self.label.get("site") or "")

    @property
    def lenient(self) -> frozenset[str]:
        return frozenset(self.label.get("lenient") or [])

    @property
    def negative(self) -> bool:
        return bool(self.label.get("negative"))

    @property
    def url(self) -> str:
        return str(self.label.get("url") or f"http://{self.site}/{self.path.name}")


def multisite_pages(data_dir: Path) -> list[LabelledPage]:
    """Every ``NNN.html`` with its ``NNN.json`` under ``data_dir/multisite``, read in place."""
    folder = data_dir / "multisite"
    found: list[LabelledPage] = []
    for path in sorted(folder.glob("*.html")):
        beside = path.with_suffix(".json")
        if beside.is_file():
            label = json.loads(beside.read_text(encoding="utf-8"))
            if isinstance(label, dict) and all(name in label for name in METADATA_FIELDS):
                found.append(LabelledPage(path, label))
    return found


@dataclass
class FieldTally:
    pages: int = 0
    correct: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METADATA_FIELDS, 0))

    def accuracy(self) -> dict[str, float]:
        return {name: (self.correct[name] / self.pages if self.pages else 0.0) for name in METADATA_FIELDS}


@dataclass
class MultisiteReport:
    """Exact per-field accuracy on multisite, overall, per half and per template family.

    Every page counts (a negative's expected fields are mostly null: a news article's title and
    date still count). A field listed in ``lenient`` is also right when the extractor says null.
    A negative is clean when its ``page_kind`` is not ``document`` and it has none of the
    block-only fields (``negative`` in ``lenient``: the kind is not judged).
    """

    overall: FieldTally = field(default_factory=FieldTally)
    halves: dict[str, FieldTally] = field(default_factory=dict)
    families: dict[str, FieldTally] = field(default_factory=dict)
    negatives: int = 0
    negatives_clean: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)

    def negatives_accuracy(self) -> float:
        return self.negatives_clean / self.negatives if self.negatives else 1.0

    def as_dict(self) -> dict[str, Any]:
        def tally(t: FieldTally) -> dict[str, Any]:
            return {"pages": t.pages, "fields": {k: round(v, 4) for k, v in t.accuracy().items()}}

        return {
            **tally(self.overall),
            "halves": {name: tally(t) for name, t in sorted(self.halves.items())},
            "families": {name: tally(t) for name, t in sorted(self.families.items())},
            "negatives": self.negatives,
            "negatives_clean": round(self.negatives_accuracy(), 4),
            "mismatches": [m.__dict__ for m in self.mismatches],
        }


#: Fields labelled "as printed, whitespace removed" (multisite README): compared without spaces.
_SPACELESS_FIELDS = frozenset({"title", "index_no", "doc_no", "publisher"})


#: What a negative page (not a government document) must leave empty.
_NEGATIVE_EMPTY_FIELDS = ("index_no", "doc_no", "disclosure", "topic", "validity")


def _same(name: str, expected: Any, got: Any, lenient: bool) -> bool:
    if lenient and got is None:
        return True
    if name in _SPACELESS_FIELDS and isinstance(expected, str) and isinstance(got, str):
        return "".join(expected.split()) == "".join(got.split())
    return got == expected


def read_html(page: LabelledPage) -> DocumentRecord:
    return extract(page.path.read_bytes(), page.url)


def evaluate_multisite(
    pages: list[LabelledPage], read: Callable[[LabelledPage], DocumentRecord] = read_html
) -> MultisiteReport:
    """Score ``read(page)`` (by default :func:`extract` on the page's bytes) against the labels."""
    report = MultisiteReport()
    for page in pages:
        record = read(page)
        got = record.metadata()
        # Multisite labels the 主题分类's first level (its README); the record keeps every level.
        got["topic"] = record.topic_levels[0] if record.topic_levels else got["topic"]
        tallies = [
            report.overall,
            report.halves.setdefault(split_half(page.site), FieldTally()),
            report.families.setdefault(template_family(page.label), FieldTally()),
        ]
        for tally in tallies:
            tally.pages += 1
        for name in METADATA_FIELDS:
            if _same(name, page.label[name], got[name], name in page.lenient):
                for tally in tallies:
                    tally.correct[name] += 1
            else:
                report.mismatches.append(Mismatch(page.path.name, name, page.label[name], got[name]))
        if page.negative:
            report.negatives += 1
            filled = [f for f in _NEGATIVE_EMPTY_FIELDS if got[f] is not None]
            kind_ok = record.page_kind != "document" or "negative" in page.lenient
            if kind_ok and not filled:
                report.negatives_clean += 1
            elif not kind_ok:
                miss = Mismatch(page.path.name, "page_kind", "not document", record.page_kind)
                report.mismatches.append(miss)
    return report


def multisite_below_floors(
    report: MultisiteReport, floors: dict[str, Any], what: str = "multisite"
) -> list[str]:
    """One line per floor of ``floors`` (the baseline's ``multisite`` part) the report falls below."""
    problems: list[str] = []
    epsilon = float(floors.get("epsilon", 0.0))
    if report.overall.pages < int(floors.get("min_pages", 1)):
        problems.append(f"{what}: only {report.overall.pages} labelled pages found")
    checks = [(what, report.overall, floors.get("fields", {}))]
    check_half = report.halves.get("check")
    if check_half is not None:
        checks.append((f"{what} check half", check_half, floors.get("check_fields", {})))
    for what, tally, field_floors in checks:
        accuracy = tally.accuracy()
        for name, floor in field_floors.items():
            if accuracy.get(name, 0.0) + epsilon < float(floor):
                got = accuracy.get(name, 0.0)
                problems.append(f"{what}: {name} accuracy {got:.4f} is below its floor {floor}")
    floor = floors.get("negatives_clean")
    if floor is not None and report.negatives_accuracy() + epsilon < float(floor):
        clean = report.negatives_accuracy()
        problems.append(f"{what} negatives: {clean:.4f} clean, below the floor {floor}")
    return problems


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


# --- the same pages as plain text ----------------------------------------------------------------

#: How a text variant separates a label from its value (a copy of the page pasted elsewhere).
TEXT_SEPARATORS: dict[str, str] = {
    "colon": "：",
    "ascii-colon": ": ",
    "spaces": "  ",
    "ideographic-space": "\u3000",
    "tab": "\t",
}
_LABEL_AND_COLON = re.compile(rf"(?P<label>{p.ALL_LABELS_PATTERN})\s*{p.COLON}\s*")


def page_text(
    page: LabelledPage, separator: str = "：", spaced_labels: bool = False, breadcrumb: bool = False
) -> str:
    """The page's visible text, line by line, as a reader would copy it, with each "label：" written
    as ``label + separator`` (``spaced_labels``: 发 布 机 构; ``breadcrumb``: a 首页 > … line on top).

    Made at test time from the page as saved; never stored.
    """

    def rewrite(match: re.Match[str]) -> str:
        label = p.SPACE_RUN.sub("", match.group("label"))
        if spaced_labels:
            label = " ".join(label)
        return label + separator

    lines = [_LABEL_AND_COLON.sub(rewrite, line) for line in debug_lines(page.path.read_bytes())]
    if breadcrumb:
        lines.insert(0, "首页 > 政务公开 > 通知公告")
    return "\n".join(lines)


@dataclass(frozen=True)
class TextVariant:
    name: str
    separator: str
    spaced_labels: bool = False
    breadcrumb: bool = False


#: The text variants every multisite page is read in (colon, spaces, ideographic space, tab,
#: spaced labels, a breadcrumb line on top).
TEXT_VARIANTS: tuple[TextVariant, ...] = (
    *(TextVariant(name, separator) for name, separator in TEXT_SEPARATORS.items()),
    TextVariant("spaced-labels", "：", spaced_labels=True),
    TextVariant("spaced-labels+tab", "\t", spaced_labels=True),
    TextVariant("breadcrumb", "：", breadcrumb=True),
)


def evaluate_multisite_text(pages: list[LabelledPage], variant: TextVariant) -> MultisiteReport:
    """The same pages given to :func:`extract_text` as text in one variant."""

    def read(page: LabelledPage) -> DocumentRecord:
        text = page_text(page, variant.separator, variant.spaced_labels, variant.breadcrumb)
        return extract_text(text, page.url)

    return evaluate_multisite(pages, read)
