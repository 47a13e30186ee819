"""Classify stored documents in batches and save the results (never one call per document)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from gongkai.classifiers.api import classify_records
from gongkai.classifiers.artifacts import ensure_models
from gongkai.models.store import Store, StoredDocument

BATCH_SIZE = 500


def classify_stored(
    store: Store,
    site: str | None = None,
    only_missing: bool = True,
    *,
    batch_size: int = BATCH_SIZE,
    model_dir: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Classify the stored documents (of one site, or all) and save them; returns how many were saved.

    With ``only_missing``, documents whose classification is newer than their last change and was
    made by the current models are skipped (a document re-extracted with new content, or classified
    by models since retrained, is classified again). The models are loaded
    once; documents go through them ``batch_size`` at a time, each batch saved in one transaction.
    """
    # A classification by other models is not current: the version hashes the model files.
    skip = store.classified_ids(ensure_models(model_dir).version) if only_missing else set()
    saved = 0
    batch: list[StoredDocument] = []

    def flush() -> None:
        nonlocal saved
        if not batch:
            return
        results = classify_records([doc.record for doc in batch], model_dir)
        saved += store.save_classifications(zip([doc.id for doc in batch], results, strict=True))
        batch.clear()
        if progress:
            progress(saved)

    for doc in store.iter_documents(site, batch_size=batch_size):
        if doc.id in skip:
            continue
        batch.append(doc)
        if len(batch) >= batch_size:
            flush()
    flush()
    return saved
