"""Trained models on disk: vocabularies and coefficients as JSON + NPZ (:mod:`classifiers.portable`),
and a card per model.

Loading runs no code from the files (no pickle), so the models ship inside the package
(``corpus/models``). A folder without current models is trained on first use, with a progress
bar, when the real data is at hand.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gongkai.classifiers.labels import TASKS
from gongkai.classifiers.paths import data_dir, model_dir
from gongkai.models.errors import GongkaiError

BUNDLE = "classifiers.npz"
CALIBRATION_PLOT = "calibration.png"
CARD = "classifiers.card.json"
#: Bump when features, labels or the bundle layout change: older bundles are then retrained.
FORMAT_VERSION = 3
MODEL_NAMES: tuple[str, ...] = ("topic", "topic_level2", "domain", "doc_type", "needs_interpretation")


class ModelError(GongkaiError):
    """No usable trained model and no data to train one."""


@dataclass
class LoadedModels:
    pipelines: dict[str, Any]
    card: dict[str, Any]
    path: Path

    @property
    def version(self) -> str:
        return str(self.card.get("version", "unknown"))

    @property
    def thresholds(self) -> dict[str, float]:
        return dict(self.card.get("thresholds", {}))


def model_version(card: dict[str, Any]) -> str:
    """What a classification was made with, as one short id (stored beside each classification).

    It hashes what decides a classification: the model files themselves (their sha256, so a change
    of training or feature code that changes any weight gives a new version even on the same data),
    the thresholds and call-confidence model of the card, and the rule files prediction reads
    (domain and doc_type votes). Data and training code enter through the files they shape.
    """
    facts = {key: card.get(key) for key in ("bundle_sha256", "spec_sha256", "thresholds", "rule_files")}
    digest = hashlib.sha256(json.dumps(facts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return f"{card.get('format', FORMAT_VERSION)}-{digest[:12]}"


def card_path(folder: Path, name: str | None = None) -> Path:
    return folder / (CARD if name is None else f"{name}.card.json")


def read_card(folder: Path) -> dict[str, Any] | None:
    path = card_path(folder)
    if not path.exists():
        return None
    try:
        card: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return card


def is_current(folder: Path) -> bool:
    card = read_card(folder)
    from gongkai.classifiers.portable import SPEC

    return (
        bool(card)
        and card.get("format") == FORMAT_VERSION  # type: ignore[union-attr]
        and (folder / BUNDLE).exists()
        and (folder / SPEC).exists()
    )


def _atomic_write(path: Path, write: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; these files are package data
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def save(folder: Path, pipelines: dict[str, Any], card: dict[str, Any]) -> dict[str, Any]:
    """Write the bundle, then the cards (the bundle's sha256 and the version go into each); returns
    the summary card."""
    from gongkai.classifiers import portable

    spec, arrays = portable.export(pipelines)
    spec_text = json.dumps(spec, ensure_ascii=False, separators=(",", ":")) + "\n"
    _atomic_write(folder / portable.SPEC, lambda tmp: tmp.write_text(spec_text, encoding="utf-8"))
    _atomic_write(folder / BUNDLE, lambda tmp: _save_npz(tmp, arrays))
    digest = hashlib.sha256((folder / BUNDLE).read_bytes()).hexdigest()
    spec_digest = hashlib.sha256((folder / portable.SPEC).read_bytes()).hexdigest()
    card = {
        **card,
        "bundle": BUNDLE,
        "bundle_sha256": digest,
        "spec": portable.SPEC,
        "spec_sha256": spec_digest,
    }
    card["version"] = model_version(card)
    per_model = card.pop("models", {})
    for name, section in per_model.items():
        model_card = {key: value for key, value in card.items() if key != "thresholds"}
        model_card.update({"model": name, **section})
        text = json.dumps(model_card, ensure_ascii=False, indent=2)
        _atomic_write(
            card_path(folder, name), lambda tmp, text=text: tmp.write_text(text + "\n", encoding="utf-8")
        )
    summary = {**card, "models": sorted(per_model)}
    text = json.dumps(summary, ensure_ascii=False, indent=2)
    _atomic_write(card_path(folder), lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))
    return summary


def _save_npz(path: Path, arrays: dict[str, Any]) -> None:
    import numpy as np

    with path.open("wb") as handle:
        np.savez_compressed(handle, **arrays)


def load(folder: Path) -> LoadedModels:
    card = read_card(folder)
    if not card or card.get("format") != FORMAT_VERSION:
        raise ModelError(f"no current model card in {folder}")
    from gongkai.classifiers import portable

    try:
        pipelines: dict[str, Any] = dict(portable.read(folder))
    except (OSError, KeyError, ValueError) as error:
        raise ModelError(f"cannot read the models in {folder}: {error}") from error
    missing = set(MODEL_NAMES) - set(pipelines)
    if missing:
        raise ModelError(f"{folder / BUNDLE} lacks models {sorted(missing)}: run gongkai train")
    return LoadedModels(pipelines, card, folder)


#: What the card says of the training data's location: portable (no absolute path).
DATA_DESCRIPTION = (
    "the real data folder (GONGKAI_DATA, default ../shared/data beside the checkout); data_files "
    "lists each file read, relative to it, with its sha256; data_fingerprint hashes them all"
)


def build(folder: Path, data: Path, progress: Any = None) -> dict[str, Any]:
    """Train every model from ``data``, evaluate it, write it to ``folder``; returns the card."""
    from gongkai.classifiers.evaluation import evaluate_trained
    from gongkai.classifiers.training import library_versions, train_models

    if not data.is_dir():
        raise ModelError(f"training data folder not found: {data} (use --data DIR or GONGKAI_DATA)")
    say = progress or (lambda _msg: None)
    trained = train_models(data, say)
    say("evaluating on the held-out sets")
    # The figures are those of the models as shipped: exported to numbers and rebuilt.
    from gongkai.classifiers import portable

    shipped = portable.rebuild(*portable.export(trained.pipelines))
    unseen = {
        government: portable.rebuild(*portable.export({"domain": head}))["domain"]
        for government, head in trained.domain_unseen.items()
    }
    report = evaluate_trained(shipped, trained.corpus, unseen)
    files = trained.corpus.files
    rules = rule_files()
    card: dict[str, Any] = {
        "format": FORMAT_VERSION,
        # "version" is set by save(), from the files it writes (model_version).
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "training_seconds": round(trained.seconds, 1),
        # Where the data was is machine-specific; what it was is the fingerprint and the sha256 of
        # each file, by its path relative to the data folder (GONGKAI_DATA, default ../shared/data).
        "data": DATA_DESCRIPTION,
        "data_fingerprint": files.fingerprint(),
        "data_files": files.read,
        "rule_files": rules,
        "libraries": library_versions(),
        "seed": 0,
        "leaked_rows_dropped": trained.corpus.leaked,
        "label_counts": trained.corpus.label_counts(),
        "thresholds": report.thresholds,
        "confidence": report.confidence,
        "check_split": (
            "domain, doc_type, needs_interpretation: dev titles of the governments "
            "classifiers.data.is_check_source picks (never trained on, never used to choose a setting); "
            "their threshold is chosen on the other governments' dev titles. topic: every held-out "
            "gov.cn row; its threshold is chosen on out-of-fold calls of the training rows "
            "(classifiers.training.topic_development_calls)"
        ),
        "models": report.model_sections(),
    }
    card = save(folder, trained.pipelines, card)
    from gongkai.classifiers.evaluation import calibration_plot

    _atomic_write(folder / CALIBRATION_PLOT, lambda tmp: calibration_plot(report.confidence, tmp))
    return card


def rule_files() -> dict[str, str]:
    """sha256 of the project's own training inputs (seed vocabularies, rules, dictionaries)."""
    from gongkai.classifiers.paths import RESOURCES

    from gongkai.resources import corpus_path

    return {
        "corpus/" + path.relative_to(corpus_path()).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(RESOURCES.glob("*"))
        if path.is_file()
    }


_lock = threading.Lock()
_loaded: dict[Path, LoadedModels] = {}


def progress_bar() -> Any:
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    return Progress(
        SpinnerColumn(),
        TextColumn("[bold]training classifiers[/bold] {task.description}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=not sys.stderr.isatty(),
    )


def ensure_models(folder: Path | None = None, data: Path | None = None, quiet: bool = False) -> LoadedModels:
    """The loaded models (cached per process); trained first, with a progress bar, if missing."""
    folder = (folder or model_dir()).resolve()
    with _lock:
        if folder in _loaded:
            return _loaded[folder]
        if not is_current(folder):
            source = data or data_dir()
            if not source.is_dir():
                raise ModelError(
                    f"no trained classifiers in {folder} and no training data at {source}: "
                    "run `gongkai train --data DIR`"
                )
            started = time.perf_counter()
            if quiet:
                build(folder, source)
            else:
                with progress_bar() as bar:
                    task = bar.add_task("", total=None)
                    build(folder, source, lambda msg: bar.update(task, description=msg))
                print(
                    f"trained classifiers into {folder} in {time.perf_counter() - started:.0f} s",
                    file=sys.stderr,
                )
        _loaded[folder] = load(folder)
        return _loaded[folder]


def forget_loaded() -> None:
    """Drop the per-process cache (after retraining in the same process)."""
    with _lock:
        _loaded.clear()


__all__ = ["TASKS", "LoadedModels", "ModelError", "build", "ensure_models", "load", "read_card", "save"]
