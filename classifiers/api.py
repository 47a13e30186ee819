"""The classification entry points the rest of gongkai calls.

``classify_inputs`` for loose inputs (JSON lines), ``classify_records`` for extracted documents.
Both load the trained models once per process (training them first if they are missing) and
classify the whole batch at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gongkai.classifiers.artifacts import ensure_models
from gongkai.classifiers.features import as_row
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
    return classify_inputs(
        [ClassifierInput(r.title or "", r.body_text[:BODY_CHARS], r.publisher, r.doc_no) for r in records],
        model_dir,
    )
