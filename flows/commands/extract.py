"""``gongkai extract PATH... [--url URL] [--json]``: the metadata of saved pages or page text.

HTML files (.html/.htm/.shtml/.jsp) are read as raw bytes, whatever their encoding; .txt files are
page text. A directory stands for the supported files inside it. One JSON object per input and
line with ``--json``; otherwise a readable table per input. A file that cannot be read gets one
line on stderr and the run goes on; the command then exits non-zero.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
from gongkai.extractors import extract as extract_page
from gongkai.extractors import extract_text
from gongkai.extractors.encoding import decode
from gongkai.flows.commands.common import console, print_json_lines, safe
from gongkai.models.errors import GongkaiError
from gongkai.models.records import METADATA_FIELDS, DocumentRecord

HTML_SUFFIXES = (".html", ".htm", ".shtml", ".jsp")
TEXT_SUFFIXES = (".txt",)


def _inputs(paths: tuple[Path, ...]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in HTML_SUFFIXES + TEXT_SUFFIXES
            )
        else:
            yield path


def record_for(path: Path, url: str | None) -> DocumentRecord:
    """Extract one file (raises OSError when it cannot be read)."""
    raw = path.read_bytes()
    page_url = url or path.resolve().as_uri()
    if path.suffix.lower() in TEXT_SUFFIXES:
        return extract_text(decode(raw).text, page_url)
    return extract_page(raw, page_url)


def as_json(path: Path, record: DocumentRecord) -> dict[str, Any]:
    data = record.model_dump(
        mode="json", exclude={"body_text", "site", "column", "page_sha256", "fetched_at"}
    )
    ordered: dict[str, Any] = {"path": str(path)}
    ordered.update({name: data.pop(name) for name in METADATA_FIELDS})
    ordered.update(data)
    ordered["body_chars"] = len(record.body_text)
    return ordered


def _print_readable(path: Path, record: DocumentRecord) -> None:
    from rich.table import Table

    table = Table(title=safe(str(path)), show_lines=False, title_justify="left")
    for column in ("field", "value", "source"):
        table.add_column(column, overflow="fold")
    values = record.metadata()
    for name in METADATA_FIELDS:
        source = record.sources.get(name)
        where = (
            f"{source.stage}: {source.label}" if source and source.label else (source.stage if source else "")
        )
        if source is not None and source.confidence is not None:
            where += f" ({source.confidence:.2f})"
        table.add_row(name, safe(values[name] if values[name] is not None else "—"), safe(where))
    table.add_row("page kind", record.page_kind, "")
    if record.doc_no_defects:
        table.add_row("文号 defects", safe(", ".join(record.doc_no_defects)), "")
    if record.index_no_defects:
        table.add_row("索引号 defects", safe(", ".join(record.index_no_defects)), "")
    kinds: dict[str, int] = {}
    for link in record.links:
        kinds[link.kind] = kinds.get(link.kind, 0) + 1
    table.add_row("links", safe(", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) or "—"), "")
    table.add_row("解读 box", "yes" if record.has_interpretation_box else "no", "")
    if record.is_interpretation:
        named = "; ".join(f"《{p.title}》" if p.title else (p.doc_no or "") for p in record.interprets)
        table.add_row("interprets", safe(named or "—"), "")
    if record.warnings:
        table.add_row("warnings", safe("; ".join(record.warnings)), "")
    console.print(table)


@click.command(name="extract")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--url", default=None, help="The page's URL (for relative links and URL dates); default file://."
)
@click.option("--json", "as_json_lines", is_flag=True, help="One JSON object per input, one per line.")
def extract(paths: tuple[Path, ...], url: str | None, as_json_lines: bool) -> None:
    """Extract 索引号, 文号, dates … from saved pages (.html/.htm/.shtml/.jsp) or page text (.txt)."""
    failures = 0
    total = 0
    for path in _inputs(paths):
        total += 1
        try:
            record = record_for(path, url)
        except OSError as exc:
            failures += 1
            click.echo(f"error: cannot read {path}: {exc.strerror or exc}", err=True)
            continue
        if as_json_lines:
            print_json_lines([as_json(path, record)])
        else:
            _print_readable(path, record)
    if total == 0:
        raise GongkaiError("no .html/.htm/.shtml/.jsp/.txt files in the given paths")
    if failures:
        raise GongkaiError(f"{failures} of {total} inputs could not be read")
