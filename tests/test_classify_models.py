"""The shipped classifiers: floors on real data, label strings, abstention, cards, no leakage.

The models ship in the package (``corpus/models``, JSON + NPZ): the tests load them, with no
training. One test retrains the topic model (seconds) and checks it gives the shipped
probabilities; the full retraining check is ``bench/check_retrain.py`` (minutes).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from gongkai.classifiers import ClassifierInput, classify_inputs, classify_records, portable
from gongkai.classifiers.artifacts import LoadedModels, ModelError, ensure_models, model_version
from gongkai.classifiers.corpus import topic_rows
from gongkai.classifiers.data import (
    DataFiles,
    about_key,
    evaluation_keys,
    is_check_source,
    is_topic_eval,
    read_govcn,
)
from gongkai.classifiers.evaluation import (
    check_floors,
    confidence_metrics,
    confidence_report,
    differences,
    evaluate,
    load_baseline,
    read_eval_sets,
    task_calls,
)
from gongkai.classifiers.features import as_row
from gongkai.classifiers.labels import DOC_TYPES, DOMAIN_LABELS, TOPICS
from gongkai.classifiers.paths import BASELINE_FILE, DEFAULT_MODEL_DIR
from gongkai.classifiers.text import title_key
from gongkai.classifiers.training import fit_topic
from gongkai.models.records import DocumentRecord

#: Retraining on the same data and library versions is deterministic; across library releases the
#: figures may move this much (absolute) before the retraining test fails.
RETRAIN_TOLERANCE = 0.01


@pytest.fixture(scope="session")
def models() -> LoadedModels:
    # The shipped models: a clone has them, with or without ../shared.
    return ensure_models(DEFAULT_MODEL_DIR, quiet=True)


@pytest.fixture(scope="session")
def report(models: LoadedModels, shared_data: Path):  # type: ignore[no-untyped-def]
    topic_eval, dev = read_eval_sets(DataFiles(shared_data))
    result = evaluate(models.pipelines, topic_eval, dev, models.thresholds)
    # At the thresholds the card chose (topic's were chosen on out-of-fold training calls, which
    # cost a training: only its check split is measured here).
    limits = {task: section["threshold"] for task, section in models.card["confidence"].items()}
    result.confidence = confidence_report(
        task_calls(models.pipelines, topic_eval, dev, models.thresholds), limits
    )
    result.metrics.update(confidence_metrics(result.confidence))
    return result


def test_shipped_models_reproduce_the_recorded_figures(
    models: LoadedModels, report, shared_data: Path
) -> None:  # type: ignore[no-untyped-def]
    card = models.card
    for relative, digest in card["data_files"].items():
        assert hashlib.sha256((shared_data / relative).read_bytes()).hexdigest() == digest, (
            f"{relative} changed since the shipped models were trained: run gongkai train"
        )
    for name in ("topic", "domain", "doc_type", "needs_interpretation"):
        recorded = json.loads((models.path / f"{name}.card.json").read_text(encoding="utf-8"))["metrics"]
        assert differences(report.metrics[name], recorded, 1e-4) == [], name
    for task, section in card["confidence"].items():
        assert report.confidence[task]["threshold"] == section["threshold"]
        assert differences(report.confidence[task]["check"], section["check"], 1e-4) == [], task
        # domain's development calls were scored out of fold (leave one government out) by training.
        if task not in ("topic", "domain"):
            assert differences(report.confidence[task]["dev"], section["dev"], 1e-4) == [], task


def test_retraining_topic_reproduces_the_shipped_model(models: LoadedModels, shared_data: Path) -> None:
    """The cheap retraining check (≈ 10 s): the topic recipe — its own features, SVM and out-of-fold
    calibration, the same code every head uses — retrained from the real data gives the shipped
    model's probabilities on the held-out rows. The full retraining, compared card by card, is
    ``python bench/check_retrain.py`` (minutes: outside the timed tests)."""
    rows = topic_rows(DataFiles(shared_data))
    again = portable.rebuild(*portable.export({"topic": fit_topic(rows.train)}))["topic"]
    held_out = [as_row(t.title, t.publisher) for t in rows.held_out]
    shipped = models.pipelines["topic"].predict_proba(held_out)
    assert list(again.named_steps["model"].classes_) == list(
        models.pipelines["topic"].named_steps["model"].classes_
    )
    assert np.abs(again.predict_proba(held_out) - shipped).max() <= RETRAIN_TOLERANCE
    assert models.card["label_counts"]["topic_train"] == dict(
        Counter(t.topic or "" for t in rows.train).most_common()
    )


def test_loading_runs_no_code(models: LoadedModels, tmp_path: Path) -> None:
    with np.load(models.path / portable.ARRAYS, allow_pickle=False) as arrays:
        assert all(arrays[key].dtype != object for key in arrays.files)
    spec = json.loads((models.path / portable.SPEC).read_text(encoding="utf-8"))
    spec["views"]["view0"]["parts"][0]["vectorizer"]["preprocessor"] = "os.system"
    with np.load(models.path / portable.ARRAYS, allow_pickle=False) as arrays:
        with pytest.raises(portable.PortableFormatError, match="unknown function"):
            portable.rebuild(spec, {key: arrays[key] for key in arrays.files})
    assert not list(models.path.glob("*.joblib")) and not list(models.path.glob("*.pkl"))


def test_shipped_models_need_no_data(
    models: LoadedModels, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GONGKAI_DATA", str(tmp_path / "nowhere"))
    [result] = classify_inputs([ClassifierInput("某市人民政府关于印发某市最低生活保障办法的通知")])
    assert result.domain == "社会救助" and result.model_version == models.version
    size = sum(p.stat().st_size for p in models.path.iterdir() if p.is_file())
    assert size < 8_000_000  # a few MB: vocabularies, sparse float16 coefficients


@pytest.mark.slow
def test_floors_hold_on_real_held_out_data(report) -> None:  # type: ignore[no-untyped-def]
    baseline = load_baseline(BASELINE_FILE)
    assert {"topic", "domain", "doc_type", "needs_interpretation", "confident_needs_interpretation"} <= set(
        baseline["floors"]
    )
    assert check_floors(report.metrics, baseline) == []


@pytest.mark.slow
def test_floor_check_reports_a_regression(report) -> None:  # type: ignore[no-untyped-def]
    failures = check_floors(
        report.metrics, {"floors": {"domain": {"macro_f1": 0.99}, "topic": {"nope": 0.1}}}
    )
    assert len(failures) == 2
    assert "domain.macro_f1" in failures[0]


@pytest.mark.slow
def test_evaluation_sets_are_the_real_ones(report) -> None:  # type: ignore[no-untyped-def]
    assert report.metrics["domain"]["n"] == 463
    assert 300 < report.metrics["topic"]["n"] < 450
    assert report.metrics["topic"]["classes_10"] >= 10


def test_labels_are_exact_strings(models: LoadedModels) -> None:
    results = classify_inputs(
        [
            ClassifierInput("某市人民政府关于印发某市最低生活保障办法的通知"),
            ClassifierInput(
                "关于调整某县城乡居民基本养老保险基础养老金标准的通知", publisher="某县人力资源和社会保障局"
            ),
            ClassifierInput("某区2023年政府信息公开工作年度报告"),
            ClassifierInput("一图读懂《某省生活垃圾分类管理条例》"),
        ],
        models.path,
    )
    for result in results:
        assert result.topic in TOPICS
        assert result.domain in DOMAIN_LABELS
        assert result.domain_alt is None or result.domain_alt in DOMAIN_LABELS
        assert result.doc_type in DOC_TYPES
        assert result.model_version == models.version
        assert (
            {"topic", "domain", "doc_type", "needs_interpretation"}
            <= set(result.scores)
            <= {
                "topic",
                "domain",
                "doc_type",
                "needs_interpretation",
                "domain_call",
                "facts",
            }
        )
        assert abs(sum(result.scores["domain"].values()) - 1) < 0.5
        # P(the domain call is right), from the call-confidence weights the card carries.
        assert 0.0 < result.scores["domain_call"] < 1.0
    assert results[0].domain == "社会救助" and results[0].needs_interpretation
    assert results[1].domain == "社会保险"
    assert results[2].doc_type == "report" and not results[2].needs_interpretation
    assert results[3].doc_type == "interpretation" and not results[3].needs_interpretation


def test_unsure_inputs_abstain(models: LoadedModels) -> None:
    [result] = classify_inputs([ClassifierInput("甲乙丙丁")], models.path)
    assert result.domain == "其他"
    assert result.low_confidence  # at least one task says it does not know


def test_gui_series_doc_number_means_interpretation_needed(models: LoadedModels) -> None:
    title = "某市人民政府办公室关于进一步做好某项工作的通知"
    plain, with_gui, in_body = classify_inputs(
        [
            ClassifierInput(title),
            ClassifierInput(title, doc_no="某府办规〔2024〕3号"),
            ClassifierInput(title, text="某府办规〔2024〕3号\n各区人民政府，市政府各部门："),
        ],
        models.path,
    )
    assert with_gui.needs_interpretation and in_body.needs_interpretation
    assert plain.scores["needs_interpretation"] != 1.0


def test_classify_records_uses_record_fields(models: LoadedModels) -> None:
    record = DocumentRecord(
        url="http://127.0.0.1/doc/1.html",
        title="某县应急管理局关于开展安全生产大检查的通知",
        publisher="某县应急管理局",
        body_text="各乡镇人民政府：为深入排查安全隐患……",
    )
    [result] = classify_records([record], models.path)
    assert result.domain == "安全生产"
    assert classify_records([], models.path) == []


def _absolute_paths(value: object) -> list[str]:
    """Every string in a card that looks like an absolute file path (POSIX, home or Windows)."""
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _absolute_paths(key) + _absolute_paths(item)]
    if isinstance(value, list):
        return [p for item in value for p in _absolute_paths(item)]
    if isinstance(value, str) and re.match(r"^(/|~/|[A-Za-z]:\\)", value):
        return [value]
    return []


def test_card_describes_every_model(models: LoadedModels, shared_data: Path) -> None:
    for name in ("topic", "topic_level2", "domain", "doc_type", "needs_interpretation"):
        card = json.loads((models.path / f"{name}.card.json").read_text(encoding="utf-8"))
        assert card["model"] == name
        assert card["label_source"]
        assert card["libraries"]["scikit-learn"] and card["libraries"]["jieba"]
        assert card["training_seconds"] > 0
        assert (
            card["bundle_sha256"]
            == hashlib.sha256((models.path / "classifiers.npz").read_bytes()).hexdigest()
        )
        assert "corpus/annotated_titles_dev.jsonl" in card["data_files"]
        # A card is the same on every machine: no absolute path of the machine that trained it.
        assert "data_root" not in card and not _absolute_paths(card), _absolute_paths(card)
        for relative, digest in card["data_files"].items():
            assert hashlib.sha256((shared_data / relative).read_bytes()).hexdigest() == digest
    assert json.loads((models.path / "domain.card.json").read_text())["metrics"]["n"] == 463
    summary = models.card
    # The version stored beside each classification hashes the model files themselves: a retraining
    # that changes any weight (new data or new training code) gives a new one.
    assert summary["spec_sha256"] == hashlib.sha256((models.path / portable.SPEC).read_bytes()).hexdigest()
    assert models.version == model_version(summary)
    assert model_version({**summary, "bundle_sha256": "0" * 64}) != models.version
    assert not _absolute_paths(summary), _absolute_paths(summary)
    assert (models.path / "calibration.png").read_bytes().startswith(b"\x89PNG")
    for task in ("topic", "domain", "doc_type", "needs_interpretation"):
        section = summary["confidence"][task]
        assert 0 < section["threshold"] < 1
        assert (
            section["check"]["calibration"]["brier"] is not None and section["check"]["calibration"]["curve"]
        )


def test_missing_models_without_data_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no trained classifiers"):
        ensure_models(tmp_path / "empty", tmp_path / "no-data", quiet=True)


def test_no_evaluation_title_reaches_training(shared_data: Path) -> None:
    from gongkai.classifiers.corpus import build_corpus

    corpus = build_corpus(DataFiles(shared_data))
    keys = evaluation_keys(corpus.dev, corpus.topic_eval)
    for item in corpus.pool + corpus.topic_train:
        assert title_key(item.title) not in keys, item.title
        about = about_key(item.title)
        assert about is None or about not in keys, item.title
    assert corpus.leaked > 400  # the dev titles come from titles_with_dates: they must have been dropped
    # The check sources' titles never train: a split by source.
    assert not any(
        item.source.startswith("titles:") and is_check_source(item.source[7:]) for item in corpus.pool
    )
    assert 80 < sum(is_check_source(d.gov) for d in corpus.dev) < 200
    urls = {url for _, url in read_govcn(DataFiles(shared_data))}
    held_out = sum(1 for url in urls if is_topic_eval(url))
    assert 0.15 < held_out / len(urls) < 0.25
