"""The trained classifiers: floors on real data, label strings, abstention, cards, no leakage.

One training run per session at most: ``corpus/models`` is reused when its card matches the
current data, else the models are trained on first use into a temporary folder.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from gongkai.classifiers import ClassifierInput, classify_inputs, classify_records
from gongkai.classifiers.artifacts import LoadedModels, ModelError, ensure_models, read_card, rule_files
from gongkai.classifiers.data import DataFiles, about_key, evaluation_keys, is_topic_eval, read_govcn
from gongkai.classifiers.evaluation import check_floors, evaluate, load_baseline, read_eval_sets
from gongkai.classifiers.labels import DOC_TYPES, DOMAIN_LABELS, TOPICS
from gongkai.classifiers.paths import BASELINE_FILE, DEFAULT_MODEL_DIR
from gongkai.classifiers.text import title_key
from gongkai.models.records import DocumentRecord


def _card_matches_data(folder: Path, data: Path) -> bool:
    card = read_card(folder)
    if not card or not (folder / "classifiers.joblib").exists():
        return False
    for relative, digest in card.get("data_files", {}).items():
        path = data / relative
        if not path.exists() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            return False
    return bool(card.get("data_files")) and card.get("rule_files") == rule_files()


@pytest.fixture(scope="session")
def model_dir(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if _card_matches_data(DEFAULT_MODEL_DIR, shared_data):
        return DEFAULT_MODEL_DIR
    # One fixed folder per session: the modules that import this fixture each get their own copy
    # of it, and they must all find the one training run (ensure_models caches per folder).
    return tmp_path_factory.getbasetemp() / "classifier-models"


@pytest.fixture(scope="session")
def models(model_dir: Path, shared_data: Path) -> LoadedModels:
    # A folder without models is trained on first use: the path fresh clones and CI take.
    return ensure_models(model_dir, shared_data, quiet=True)


@pytest.fixture(scope="session")
def report(models: LoadedModels, shared_data: Path):  # type: ignore[no-untyped-def]
    topic_eval, dev = read_eval_sets(DataFiles(shared_data))
    return evaluate(models.pipelines, topic_eval, dev, models.thresholds)


@pytest.mark.slow
def test_floors_hold_on_real_held_out_data(report) -> None:  # type: ignore[no-untyped-def]
    baseline = load_baseline(BASELINE_FILE)
    assert set(baseline["floors"]) == {"topic", "domain", "doc_type", "needs_interpretation"}
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
        assert set(result.scores) == {"topic", "domain", "doc_type", "needs_interpretation"}
        assert abs(sum(result.scores["domain"].values()) - 1) < 0.5
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


def test_card_describes_every_model(models: LoadedModels, shared_data: Path) -> None:
    for name in ("topic", "topic_level2", "domain", "doc_type", "needs_interpretation"):
        card = json.loads((models.path / f"{name}.card.json").read_text(encoding="utf-8"))
        assert card["model"] == name
        assert card["label_source"]
        assert card["libraries"]["scikit-learn"] and card["libraries"]["jieba"]
        assert card["training_seconds"] > 0
        assert (
            card["bundle_sha256"]
            == hashlib.sha256((models.path / "classifiers.joblib").read_bytes()).hexdigest()
        )
        assert "corpus/annotated_titles_dev.jsonl" in card["data_files"]
        for relative, digest in card["data_files"].items():
            assert hashlib.sha256((shared_data / relative).read_bytes()).hexdigest() == digest
    assert json.loads((models.path / "domain.card.json").read_text())["metrics"]["n"] == 463


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
    urls = {url for _, url in read_govcn(DataFiles(shared_data))}
    held_out = sum(1 for url in urls if is_topic_eval(url))
    assert 0.15 < held_out / len(urls) < 0.25
