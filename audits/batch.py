"""Documents of one site as columns: what the rules read, loaded once, checked in bulk.

Rules are pure functions over these columns (numpy arrays for dates and flags, lists for text),
so an audit of a million documents is a handful of vectorised operations, not a Python loop per
rule per row. Dates are day ordinals (``date.toordinal()``), 0 where the date is absent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
from gongkai.models.records import GUESS_STAGES, Classification, ColumnConfig, DocumentRecord, SiteConfig

NO_DATE = 0


def to_ordinal(value: date | None) -> int:
    return value.toordinal() if value is not None else NO_DATE


def from_ordinal(value: int) -> date | None:
    return date.fromordinal(int(value)) if value > 0 else None


def iso(value: int) -> str | None:
    day = from_ordinal(value)
    return day.isoformat() if day else None


@dataclass
class DocBatch:
    """Column-wise documents of one site. Row ``i`` is the same document in every column."""

    ids: np.ndarray
    urls: list[str]
    titles: list[str | None]
    index_no: list[str | None]
    doc_no: list[str | None]
    doc_no_normalized: list[str | None]
    publisher: list[str | None]
    written: np.ndarray
    published: np.ndarray
    disclosure: list[str | None]
    disclosure_raw: list[str | None]
    doc_no_defects: list[list[str]]
    is_interpretation: np.ndarray
    needs_interpretation: np.ndarray
    classified: np.ndarray
    domain: list[str | None]
    doc_type: list[str | None]
    #: The classification's scores per row (calibrated probabilities, ``facts``), None if unclassified.
    scores: list[dict[str, Any] | None]
    column: list[str | None]
    #: False only where the page is known to carry no body text and no attachment.
    has_content: np.ndarray
    fetched_at: list[str | None]
    page_sha256: list[str | None]
    warc_record_id: list[str | None]
    #: Per row, field → stage for the values only guessed from ``<meta>`` or the URL: a finding
    #: that rests on one is "to review", never confirmed.
    guessed: list[dict[str, str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.urls)

    def needs_probability(self) -> np.ndarray:
        """P(needs 解读) per row from the classifier (NaN where unclassified or not given)."""
        return np.asarray(
            [_float((s or {}).get("needs_interpretation")) for s in self.scores], dtype=np.float64
        )

    def fact(self, row: int, task: str) -> str | None:
        """What the page or the 文号 says that settles ``task`` for ``row`` (classifiers' ``facts``)."""
        facts = (self.scores[row] or {}).get("facts") or {}
        value = facts.get(task) if isinstance(facts, dict) else None
        return str(value) if value else None

    @classmethod
    def empty(cls) -> DocBatch:
        return cls.from_records([])

    @classmethod
    def from_records(
        cls,
        records: Sequence[DocumentRecord],
        classifications: Sequence[Classification | None] | None = None,
        ids: Sequence[int] | None = None,
        warc_record_ids: Sequence[str | None] | None = None,
    ) -> DocBatch:
        """Build a batch from records (tests, small runs); the store loader builds it with SQL."""
        n = len(records)
        classes = list(classifications) if classifications is not None else [None] * n
        return cls(
            ids=np.asarray(ids if ids is not None else range(1, n + 1), dtype=np.int64),
            urls=[r.url for r in records],
            titles=[r.title for r in records],
            index_no=[r.index_no for r in records],
            doc_no=[r.doc_no for r in records],
            doc_no_normalized=[r.doc_no_normalized for r in records],
            publisher=[r.publisher for r in records],
            written=np.asarray([to_ordinal(r.written_date) for r in records], dtype=np.int64),
            published=np.asarray([to_ordinal(r.published_date) for r in records], dtype=np.int64),
            disclosure=[r.disclosure for r in records],
            disclosure_raw=[r.disclosure_raw for r in records],
            doc_no_defects=[list(r.doc_no_defects) for r in records],
            is_interpretation=np.asarray(
                [
                    r.is_interpretation or (c is not None and c.doc_type == "interpretation")
                    for r, c in zip(records, classes, strict=True)
                ],
                dtype=bool,
            ),
            needs_interpretation=np.asarray(
                [bool(c and c.needs_interpretation) for c in classes], dtype=bool
            ),
            classified=np.asarray([c is not None for c in classes], dtype=bool),
            domain=[c.domain if c else None for c in classes],
            doc_type=[c.doc_type if c else None for c in classes],
            scores=[dict(c.scores) if c else None for c in classes],
            column=[r.column for r in records],
            has_content=np.asarray(
                [bool(r.body_text.strip() or r.attachments) or not _is_crawled(r) for r in records],
                dtype=bool,
            ),
            fetched_at=[r.fetched_at.isoformat() if r.fetched_at else None for r in records],
            page_sha256=[r.page_sha256 for r in records],
            warc_record_id=list(warc_record_ids) if warc_record_ids is not None else [None] * n,
            guessed=[_guessed(r) for r in records],
        )


def _guessed(record: DocumentRecord) -> dict[str, str]:
    return {
        name: source.stage
        for name, source in record.sources.items()
        if source.stage in GUESS_STAGES and getattr(record, name, None) is not None
    }


def _float(value: Any) -> float:
    try:
        return float(value) if value is not None else float("nan")
    except (TypeError, ValueError):
        return float("nan")


def _is_crawled(record: DocumentRecord) -> bool:
    """Imported records carry no page; only a crawled page can show it holds no content."""
    return record.page_sha256 is not None


@dataclass(frozen=True)
class ColumnRow:
    """One 栏目 as the crawler saw it (a ``site_columns`` row)."""

    url: str
    name: str | None
    kind: str | None
    item_count: int
    latest_item_date: date | None
    checked_at: datetime | None = None
    #: See ``SiteColumn.empty_signal`` / ``empty_since``.
    empty_signal: str | None = None
    empty_since: datetime | None = None


@dataclass
class InterpretationIndex:
    """Per document row: how many 解读 are linked and the earliest one's 发布日期 (ordinal)."""

    count: np.ndarray
    earliest_published: np.ndarray
    #: row → the URLs of its linked 解读 (only rows that have some), for evidence.
    urls: dict[int, list[str]] = field(default_factory=dict)

    @classmethod
    def none(cls, n: int) -> InterpretationIndex:
        return cls(np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64))


@dataclass
class RuleChecks:
    """What one rule checked on one site: the rows in its scope, and per row the verdict, the
    working days it counted (-1: none) and whether they rest on an unannounced holiday year."""

    rule_id: str
    rows: np.ndarray
    failed: np.ndarray
    lag: np.ndarray
    provisional: np.ndarray
    params: dict[str, Any]

    @classmethod
    def of(
        cls,
        rule_id: str,
        scope: np.ndarray,
        failed: np.ndarray,
        lag: np.ndarray,
        provisional: np.ndarray,
        params: Mapping[str, Any],
    ) -> RuleChecks:
        """From full-length columns: keep the rows of ``scope``."""
        rows = np.flatnonzero(scope)
        return cls(
            rule_id,
            rows,
            np.asarray(failed, dtype=bool)[rows],
            np.asarray(lag, dtype=np.int64)[rows],
            np.asarray(provisional, dtype=bool)[rows],
            {k: v.isoformat() if isinstance(v, date) else v for k, v in params.items()},
        )


@dataclass
class SiteData:
    """Everything the rules look at for one site."""

    site: str
    config: SiteConfig | None
    docs: DocBatch
    columns: list[ColumnRow] = field(default_factory=list)
    interpretations: InterpretationIndex | None = None
    catalog: Any = None
    #: rule id → what the rule checked (its scope, verdicts and lags), for the rules that say.
    checks: dict[str, RuleChecks] = field(default_factory=dict, repr=False, compare=False)
    #: Values derived from the columns that several rules need (e.g. which rows are the site's
    #: own), computed once by the first rule that asks; a pure function of the fields above.
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.interpretations is None:
            self.interpretations = InterpretationIndex.none(len(self.docs))

    @property
    def agency(self) -> str | None:
        return self.config.agency if self.config else None

    @property
    def aliases(self) -> list[str]:
        return list(self.config.agency_aliases) if self.config else []

    def column_config(self, url: str) -> ColumnConfig | None:
        if self.config is None:
            return None
        for column in self.config.columns:
            if column.url == url:
                return column
        return None
