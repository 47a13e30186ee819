"""``gongkai classify``, ``gongkai eval classify`` and classify_stored on both database backends."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from gongkai.classifiers.artifacts import LoadedModels
from gongkai.classifiers.batch import classify_stored
from gongkai.flows.cli import cli
from gongkai.models.records import DocumentRecord
from gongkai.models.store import Store

from tests.test_classify_models import models  # noqa: F401 - session fixture

LINES = [
    {"id": "1", "title": "某市人民政府关于印发某市最低生活保障办法的通知", "publisher": "某市人民政府"},
    {"id": "2", "title": "某县2023年政府信息公开工作年度报告"},
    {
        "id": "3",
        "title": "某市人民政府办公室关于进一步做好某项工作的通知",
        "text": "某府办规〔2024〕3号\n各区：",
    },
]


def test_classify_json_lines(models: LoadedModels, tmp_path: Path) -> None:  # noqa: F811
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in LINES) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["classify", str(source), "--models", str(models.path)])
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["1", "2", "3"]
    assert set(out[0]) == {
        "id",
        "topic",
        "domain",
        "domain_alt",
        "doc_type",
        "needs_interpretation",
        "scores",
        "confident",
    }
    assert out[0]["domain"] == "社会救助" and out[0]["needs_interpretation"] is True
    assert out[1]["doc_type"] == "report"
    assert out[2]["needs_interpretation"] is True
    # Issue #12: a confident flag per task; a 规 series 文号 settles needs 解读 whatever the model says.
    assert set(out[0]["confident"]) == {"topic", "domain", "doc_type", "needs_interpretation"}
    assert out[2]["confident"]["needs_interpretation"] is True
    assert "needs_interpretation" in out[2]["scores"]["facts"]


def test_classify_reads_stdin_and_skips_bad_lines(models: LoadedModels) -> None:  # noqa: F811
    text = "\n".join(["not json", json.dumps({"id": "x"}), json.dumps(LINES[1], ensure_ascii=False), ""])
    result = CliRunner().invoke(cli, ["classify", "-", "--details", "--models", str(models.path)], input=text)
    assert result.exit_code == 1
    assert "stdin:1: not JSON" in result.stderr
    assert 'stdin:2: needs an object with a non-empty "title"' in result.stderr
    [line] = [json.loads(x) for x in result.stdout.splitlines()]
    assert line["id"] == "2" and "low_confidence" in line and line["model_version"] == models.version


def test_classify_missing_file_is_one_line(models: LoadedModels, tmp_path: Path) -> None:  # noqa: F811
    result = CliRunner().invoke(cli, ["classify", str(tmp_path / "nope.jsonl"), "--models", str(models.path)])
    assert result.exit_code == 2
    assert result.output.strip().startswith("error: cannot read")


def test_eval_classify_passes_floors_and_fails_raised_ones(
    models: LoadedModels,  # noqa: F811
    shared_data: Path,
    tmp_path: Path,
) -> None:
    ok = CliRunner().invoke(
        cli, ["eval", "classify", "--models", str(models.path), "--data", str(shared_data)]
    )
    assert ok.exit_code == 0, ok.output
    assert "worst classes" in ok.output and "needs_interpretation" in ok.output
    strict = tmp_path / "floors.json"
    strict.write_text(json.dumps({"floors": {"doc_type": {"accuracy": 0.999}}}), encoding="utf-8")
    failing = CliRunner().invoke(
        cli,
        [
            "eval",
            "classify",
            "--models",
            str(models.path),
            "--data",
            str(shared_data),
            "--baseline",
            str(strict),
            "--json",
        ],
    )
    assert failing.exit_code == 1
    assert json.loads(failing.stdout)["failures"][0].startswith("doc_type.accuracy")


def _record(n: int, title: str) -> DocumentRecord:
    return DocumentRecord(
        url=f"http://127.0.0.1/site/doc{n}.html",
        title=title,
        fetched_at=datetime(2025, 1, 2, tzinfo=UTC),
    )


def test_classify_stored_in_batches(store: Store, models: LoadedModels) -> None:  # noqa: F811
    titles = [
        "某市人民政府关于印发某市公共租赁住房管理办法的通知",
        "某县人民政府关于张三等同志职务任免的通知",
        "某区2023年政府信息公开工作年度报告",
    ]
    saved = store.save_documents([_record(i, t) for i, t in enumerate(titles)], site="demo-a")
    store.save_documents([_record(9, "某市应急管理局关于开展安全生产大检查的通知")], site="demo-b")
    assert classify_stored(store, site="demo-a", batch_size=2, model_dir=models.path) == 3
    first = store.get_classification(saved[0].document_id)
    assert first is not None and first.domain == "保障性住房" and first.needs_interpretation
    second = store.get_classification(saved[1].document_id)
    assert second is not None and second.doc_type == "administrative"
    # Already classified and unchanged: skipped. The other site is still to do.
    assert classify_stored(store, site="demo-a", model_dir=models.path) == 0
    assert classify_stored(store, model_dir=models.path) == 1
    assert classify_stored(store, only_missing=False, model_dir=models.path) == 4
    # A classification made by other models (retrained since: another version) is not current.
    older = first.model_copy(update={"model_version": "3-000000000000"})
    store.save_classifications([(saved[0].document_id, older)])
    assert classify_stored(store, model_dir=models.path) == 1
    again = store.get_classification(saved[0].document_id)
    assert again is not None and again.model_version == models.version


@pytest.mark.parametrize("flag", [[], ["--all"]])
def test_classify_stored_command(tmp_path: Path, models: LoadedModels, flag: list[str]) -> None:  # noqa: F811
    url = f"sqlite:///{tmp_path / 'g.db'}"
    from gongkai.models.store import open_store

    with open_store(url) as opened:
        opened.save_documents([_record(1, "某市人民政府关于进一步加强食品安全工作的意见")], site="demo")
    result = CliRunner().invoke(
        cli, ["classify", "--stored", "--site", "demo", "--db", url, "--models", str(models.path), *flag]
    )
    assert result.exit_code == 0, result.output
    assert "classified 1 stored document" in result.output
