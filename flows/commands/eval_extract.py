"""``gongkai eval extract``: per-field accuracy of extraction on the real labelled pages.

Two sets, both read in place from the shared data: the golden pages (``pages/``, floors 1.0) and
``multisite/`` (93 pages of 56 hosts, ``lenient`` honoured): overall, per half of the fixed
host split (tuning / check), per template family, and — with ``--text`` — the same pages given as
plain text in every separator variant. Fails (exit 1) when a figure falls below its floor in
``corpus/eval/extract_baseline.json``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from gongkai.extractors.evaluation import (
    TEXT_VARIANTS,
    MultisiteReport,
    below_floors,
    evaluate,
    evaluate_multisite,
    evaluate_multisite_text,
    golden_pages,
    load_baseline,
    multisite_below_floors,
    multisite_pages,
)
from gongkai.flows.commands.common import print_table
from gongkai.models.errors import GongkaiError
from gongkai.models.records import METADATA_FIELDS

from gongkai.resources import corpus_path

DEFAULT_BASELINE = corpus_path("eval", "extract_baseline.json")


def default_data_dir() -> Path:
    """``GONGKAI_DATA``, else ``../shared/data`` beside the checkout."""
    from gongkai.classifiers.paths import data_dir

    return data_dir()


def _print_multisite(report: MultisiteReport, floors: dict[str, Any], title: str) -> None:
    overall = report.overall.accuracy()
    halves = {name: tally.accuracy() for name, tally in report.halves.items()}
    rows = [
        (
            name,
            f"{overall[name]:.3f}",
            f"{report.overall.correct[name]}/{report.overall.pages}",
            f"{halves.get('tune', {}).get(name, 0.0):.3f}",
            f"{halves.get('check', {}).get(name, 0.0):.3f}",
            floors.get("fields", {}).get(name, "—"),
            floors.get("check_fields", {}).get(name, "—"),
        )
        for name in METADATA_FIELDS
    ]
    rows.append(
        (
            "negatives (not document)",
            f"{report.negatives_accuracy():.3f}",
            f"{report.negatives_clean}/{report.negatives}",
            "",
            "",
            floors.get("negatives_clean", "—"),
            "",
        )
    )
    halves_pages = {name: tally.pages for name, tally in report.halves.items()}
    print_table(
        [
            "field",
            "all",
            "correct",
            f"tune ({halves_pages.get('tune', 0)})",
            f"check ({halves_pages.get('check', 0)})",
            "floor",
            "check floor",
        ],
        rows,
        title=title,
    )


def _print_families(report: MultisiteReport) -> None:
    rows = []
    for family, tally in sorted(report.families.items()):
        accuracy = tally.accuracy()
        rows.append((family, str(tally.pages), *(f"{accuracy[name]:.2f}" for name in METADATA_FIELDS)))
    print_table(["family", "pages", *METADATA_FIELDS], rows, title="multisite per template family")


def _print_texts(texts: dict[str, MultisiteReport]) -> None:
    rows = []
    for name, text in texts.items():
        accuracy = text.overall.accuracy()
        negatives = f"{text.negatives_clean}/{text.negatives}"
        rows.append((name, *(f"{accuracy[field]:.2f}" for field in METADATA_FIELDS), negatives))
    print_table(["text variant", *METADATA_FIELDS, "negatives"], rows, title="multisite as plain text")


@click.command(name="extract")
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="The shared data folder (default ../shared/data or GONGKAI_SHARED_DATA).",
)
@click.option(
    "--baseline",
    type=click.Path(path_type=Path),
    default=DEFAULT_BASELINE,
    show_default=True,
    help="Accuracy floors.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--show-failures/--no-show-failures", default=True, help="List every wrong field.")
@click.option("--text/--no-text", "with_text", default=True, help="Also read multisite as text variants.")
def command(
    data_dir: Path | None, baseline: Path, as_json: bool, show_failures: bool, with_text: bool
) -> None:
    """Per-field extraction accuracy on the real golden pages and on multisite, against the floors."""
    data_dir = data_dir or default_data_dir()
    if not (data_dir / "pages").is_dir():
        raise GongkaiError(f"no pages/ folder under {data_dir}: point --data at the shared data")
    try:
        floors = load_baseline(baseline)
    except (OSError, ValueError) as exc:
        raise GongkaiError(f"cannot read the baseline {baseline}: {exc}") from exc
    pages = golden_pages(data_dir, list(floors.get("negative_globs", [])))
    report = evaluate(pages)
    problems = below_floors(report, floors)
    multi_floors: dict[str, Any] = floors.get("multisite", {})
    multi: MultisiteReport | None = None
    texts: dict[str, MultisiteReport] = {}
    labelled = multisite_pages(data_dir) if (data_dir / "multisite").is_dir() else []
    if labelled:
        multi = evaluate_multisite(labelled)
        problems += multisite_below_floors(multi, multi_floors)
        if with_text:
            for variant in TEXT_VARIANTS:
                texts[variant.name] = evaluate_multisite_text(labelled, variant)
                problems += multisite_below_floors(
                    texts[variant.name],
                    {**multi_floors.get("text", {}), "min_pages": 1},
                    f"text[{variant.name}]",
                )
    elif multi_floors:
        problems.append(f"no multisite/ folder under {data_dir}: the multisite floors cannot be checked")
    if as_json:
        out = {**report.as_dict(), "below_floors": problems}
        if multi is not None:
            out["multisite"] = multi.as_dict()
            out["multisite_text"] = {
                name: {k: v for k, v in text.as_dict().items() if k != "mismatches"}
                for name, text in texts.items()
            }
        click.echo(json.dumps(out, ensure_ascii=False, indent=1))
    else:
        accuracy = report.accuracy()
        rows = [
            (
                name,
                f"{accuracy[name]:.3f}",
                f"{report.correct[name]}/{report.pages}",
                floors["fields"].get(name, "—"),
            )
            for name in accuracy
        ]
        rows.append(
            (
                "negatives (no block)",
                f"{report.negatives_accuracy():.3f}",
                f"{report.negatives_clean}/{report.negatives}",
                floors.get("negatives_clean", "—"),
            )
        )
        print_table(
            ["field", "accuracy", "correct", "floor"], rows, title=f"extraction on {data_dir / 'pages'}"
        )
        if show_failures:
            for miss in report.mismatches:
                click.echo(f"  {miss.path}: {miss.field}: expected {miss.expected!r}, got {miss.got!r}")
        if multi is not None:
            _print_multisite(multi, multi_floors, f"extraction on {data_dir / 'multisite'} (HTML)")
            _print_families(multi)
            if show_failures:
                for miss in multi.mismatches:
                    click.echo(f"  {miss.path}: {miss.field}: expected {miss.expected!r}, got {miss.got!r}")
            if texts:
                _print_texts(texts)
        for problem in problems:
            click.echo(f"BELOW FLOOR: {problem}", err=True)
    if problems:
        sys.exit(1)
