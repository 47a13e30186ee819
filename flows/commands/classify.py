"""``gongkai classify``: Classify documents: 主题分类, the 26 standard domains, document type, needs 解读."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import click
from gongkai.flows.commands.common import console, db_option, store_from

#: Lines classified together (models are loaded once; features are computed per chunk).
CHUNK = 1000


def _parse(lines: Iterator[tuple[int, str]], source: str) -> Iterator[tuple[int, dict[str, Any] | None]]:
    for number, line in lines:
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as exc:
            click.echo(f"error: {source}:{number}: not JSON ({exc.msg}); line skipped", err=True)
            yield number, None
            continue
        if not isinstance(item, dict) or not isinstance(item.get("title"), str) or not item["title"].strip():
            click.echo(
                f'error: {source}:{number}: needs an object with a non-empty "title"; line skipped', err=True
            )
            yield number, None
            continue
        for key in ("text", "publisher", "doc_no"):
            if item.get(key) is not None and not isinstance(item[key], str):
                click.echo(f'error: {source}:{number}: "{key}" must be a string; line skipped', err=True)
                yield number, None
                break
        else:
            yield number, item


def _output(item: dict[str, Any], result: Any, details: bool) -> dict[str, Any]:
    from gongkai.audits.rules.confidence import confident

    out = {
        "id": item.get("id"),
        "topic": result.topic,
        "domain": result.domain,
        "domain_alt": result.domain_alt,
        "doc_type": result.doc_type,
        "needs_interpretation": result.needs_interpretation,
        "scores": result.scores,
        # Whether each call clears the threshold its rules need (audits.rules.confidence).
        "confident": confident(result),
    }
    if details:
        out.update(
            topic_level2=result.topic_level2,
            low_confidence=result.low_confidence,
            model_version=result.model_version,
        )
    return out


def classify_stream(
    handle: TextIO, source: str, out: TextIO, models: Path | None, details: bool
) -> tuple[int, int]:
    """Classify JSON lines from ``handle`` into ``out``; returns (classified, skipped)."""
    from gongkai.classifiers.api import ClassifierInput, classify_inputs

    done = skipped = 0
    pending: list[dict[str, Any]] = []

    def flush() -> None:
        nonlocal done
        if not pending:
            return
        inputs = [
            ClassifierInput(
                title=item["title"],
                text=item.get("text") or "",
                publisher=item.get("publisher"),
                doc_no=item.get("doc_no"),
            )
            for item in pending
        ]
        for item, result in zip(pending, classify_inputs(inputs, models), strict=True):
            out.write(json.dumps(_output(item, result, details), ensure_ascii=False) + "\n")
        out.flush()
        done += len(pending)
        pending.clear()

    for _, item in _parse(enumerate(handle, 1), source):
        if item is None:
            skipped += 1
            continue
        pending.append(item)
        if len(pending) >= CHUNK:
            flush()
    flush()
    return done, skipped


@click.command(name="classify", short_help="Classify documents: 主题分类, 26 domains, type, needs 解读.")
@click.argument("file", required=False, default="-", type=click.Path(allow_dash=True, dir_okay=False))
@click.option(
    "--models",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of trained models (default corpus/models or GONGKAI_MODELS; trained there if missing).",
)
@click.option("--details", is_flag=True, help="Also write topic_level2, low_confidence and model_version.")
@click.option("--stored", is_flag=True, help="Classify the documents in the database instead of FILE.")
@click.option("--site", default=None, help="With --stored: only this site's documents.")
@click.option(
    "--all", "redo_all", is_flag=True, help="With --stored: reclassify documents already classified."
)
@db_option
def classify(
    file: str,
    models: Path | None,
    details: bool,
    stored: bool,
    site: str | None,
    redo_all: bool,
    db_url: str | None,
) -> None:
    """Classify documents into topic (gov.cn 主题分类), one of the 26 standard domains (or 其他),
    document type and whether it needs a 解读.

    Reads JSON lines {"id", "title", "text"?, "publisher"?, "doc_no"?} from FILE (or stdin with -)
    and writes JSON lines {"id", "topic", "domain", "domain_alt", "doc_type",
    "needs_interpretation", "scores", "confident"}: scores are calibrated probabilities, and
    confident says per task whether the call clears the threshold the audit rules need before they
    accuse on it. A bad line gets one error line on stderr and is skipped;
    the exit status is 1 if any line was skipped. With --stored, classifies the documents in the
    database (new or changed ones; --all for every one) and saves the results.
    """
    if stored:
        from gongkai.classifiers.batch import classify_stored

        store = store_from(db_url)
        try:
            count = classify_stored(store, site=site, only_missing=not redo_all, model_dir=models)
        finally:
            store.close()
        console.print(f"classified {count} stored document(s)" + (f" of site {site}" if site else ""))
        return
    if file == "-":
        done, skipped = classify_stream(sys.stdin, "stdin", sys.stdout, models, details)
    else:
        try:
            handle = open(file, encoding="utf-8")  # noqa: SIM115 - closed below
        except OSError as exc:
            from gongkai.models.errors import GongkaiError

            raise GongkaiError(f"cannot read {file}: {exc.strerror}") from exc
        with handle:
            done, skipped = classify_stream(handle, file, sys.stdout, models, details)
    if skipped:
        click.echo(f"classified {done} line(s); skipped {skipped} bad line(s)", err=True)
        sys.exit(1)
