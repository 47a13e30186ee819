"""The classification entry points the rest of gongkai calls.

``classify_inputs`` for loose inputs (JSON lines), ``classify_records`` for extracted documents.
Both load the trained models once per process (training them first only if none are shipped and
the real data is at hand) and classify the whole batch at once.

What the page says outranks the models (:func:`page_facts_first`): a printed 主题分类 gives the
topic, a page that is itself a 解读 is one (and needs none), a 相关解读 box linking a 解读 shows
the document is one its site interprets. Each such value is named in ``scores["facts"]``; the
model fills only what the page leaves blank.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gongkai.classifiers.artifacts import ensure_models
from gongkai.classifiers.features import as_row
from gongkai.classifiers.labels import TOPICS
from gongkai.classifiers.predict import predict_rows
from gongkai.models.records import Classification, DocumentRecord

#: Body text beyond this is not read: the 文号 and the cover sentence sit at the top.
BODY_CHARS = 2000
#: The entity pass reads the opening of the body only (where the 文号 is printed).
BODY_ENTITY_CHARS = 400


@dataclass(frozen=True)
class ClassifierInput:
    title: str
    text: str = ""
    publisher: str | None = None
    doc_no: str | None = None


def _doc_nos_from_bodies(items: Sequence[ClassifierInput]) -> dict[int, str]:
    """The first 文号 printed in the body, for items whose metadata gave none (spaCy entities)."""
    wanted = [i for i, item in enumerate(items) if not item.doc_no and item.text.strip()]
    if not wanted:
        return {}
    from gongkai.classifiers.entities import text_entities

    found = text_entities([items[i].text[:BODY_ENTITY_CHARS] for i in wanted])
    return {i: ents.doc_nos[0] for i, ents in zip(wanted, found, strict=True) if ents.doc_nos}


def classify_inputs(items: Sequence[ClassifierInput], model_dir: Path | None = None) -> list[Classification]:
    if not items:
        return []
    models = ensure_models(model_dir)
    body_doc_nos = _doc_nos_from_bodies(items)
    rows = [
        as_row(item.title, item.publisher, item.doc_no or body_doc_nos.get(i)) for i, item in enumerate(items)
    ]
    return predict_rows(models.pipelines, rows, models.thresholds, models.version)


def classify_records(
    records: Sequence[DocumentRecord], model_dir: Path | None = None
) -> list[Classification]:
    guesses = classify_inputs(
        [ClassifierInput(r.title or "", r.body_text[:BODY_CHARS], r.publisher, r.doc_no) for r in records],
        model_dir,
    )
    return [page_facts_first(r, c) for r, c in zip(records, guesses, strict=True)]


def page_facts_first(record: DocumentRecord, guess: Classification) -> Classification:
    """``guess`` with what the page itself says put first (named in ``scores["facts"]``)."""
    facts: dict[str, str] = dict((guess.scores or {}).get("facts") or {})
    update: dict[str, object] = {}
    levels = record.topic_levels or ([record.topic] if record.topic else [])
    if levels and levels[0] in TOPICS:
        update["topic"] = levels[0]
        update["topic_level2"] = levels[1] if len(levels) > 1 else None
        facts["topic"] = f"主题分类 printed on the page: {record.topic or levels[0]}"
    if record.is_interpretation:
        update["doc_type"] = "interpretation"
        update["needs_interpretation"] = False
        facts["doc_type"] = "the page is a 解读"
        facts["needs_interpretation"] = "the page is a 解读 (a 解读 needs none)"
    elif any(link.kind == "interpretation" for link in record.links):
        update["needs_interpretation"] = True
        facts["needs_interpretation"] = "the page's 相关解读 box links a 解读"
    if not update and facts == (guess.scores or {}).get("facts", {}):
        return guess
    low = [task for task in guess.low_confidence if task not in facts]
    scores = {**guess.scores, "facts": facts}
    return guess.model_copy(update={**update, "scores": scores, "low_confidence": low})
