"""Micro-benchmark: the store's write path as a crawl drives it, on SQLite.

    .venv/bin/python -m bench.bench_store               # 2,000 pages
    .venv/bin/python -m bench.bench_store --pages 500   # a quick run

For each generated detail page: ``save_page`` (bytes archived, page row, page version) then
``save_documents([record])`` (document row, first version) — what the crawl engine calls per
page. Then the same pages again, unchanged (the nightly re-crawl: only ``last_seen`` moves).
Reports milliseconds per page for both passes and the share of CPU spent compiling SQL
(SQLAlchemy's compiler), measured with cProfile on a separate store.

To compare two versions of the store, run this at each commit one after the other on the same
machine (the figures drift with the load of the shared machine; alternate the runs).
Writes ``bench/results/store.json``.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from gongkai.models.records import DocumentRecord, FetchedPage
from gongkai.models.store import open_store

RESULTS = Path(__file__).resolve().parent / "results"
SITE = "bench.example.gov.cn"


def _pages(count: int) -> list[tuple[FetchedPage, bytes, DocumentRecord]]:
    start = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
    out = []
    for i in range(count):
        url = f"https://{SITE}/zwgk/{i // 100}/t{i:06d}.html"
        text = "<p>政府信息公开 " * (200 + i % 50)
        body = f"<html><body><h1>通知 {i}</h1>{text}</p></body></html>".encode()
        fetched = start + timedelta(seconds=i)
        page = FetchedPage(
            url=url,
            final_url=url,
            status=200,
            headers={"Content-Type": "text/html", "ETag": f'"{i}"'},
            fetched_at=fetched,
            site=SITE,
            kind="detail",
        )
        record = DocumentRecord(
            url=url,
            site=SITE,
            title=f"关于做好第{i}项工作的通知",
            index_no=f"11410000-{i:06d}",
            doc_no=f"豫政〔2025〕{i}号",
            publisher="某某市人民政府办公室",
            written_date=date(2025, 1, 1) + timedelta(days=i % 300),
            published_date=date(2025, 1, 3) + timedelta(days=i % 300),
            disclosure="主动公开",
            body_text="正文" * 300,
            fetched_at=fetched,
        )
        out.append((page, body, record))
    return out


def _run(url: str, items: list[tuple[FetchedPage, bytes, DocumentRecord]]) -> float:
    store = open_store(url)
    try:
        began = time.perf_counter()
        for page, body, record in items:
            saved = store.save_page(page, body)
            store.save_documents([record.model_copy(update={"page_sha256": saved.sha256})], SITE)
        return time.perf_counter() - began
    finally:
        store.close()


def compile_share(url: str, items: list[tuple[FetchedPage, bytes, DocumentRecord]]) -> float:
    """Share of the write path's CPU time spent in SQLAlchemy's SQL compiler."""
    profile = cProfile.Profile()
    profile.enable()
    _run(url, items)
    profile.disable()
    stats = pstats.Stats(profile)
    total = stats.total_tt  # type: ignore[attr-defined]
    # Cumulative time of SQLAlchemy's compiler entry point (statement → SQL text).
    compiled = sum(
        entry[3]
        for key, entry in stats.stats.items()  # type: ignore[attr-defined]
        if key[2] == "_compiler" and key[0].endswith("sqlalchemy/sql/elements.py")
    )
    return compiled / total if total else 0.0


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    args = parser.parse_args(argv)
    items = _pages(args.pages)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/store.db"
        first = _run(url, items)
        again = _run(url, items)
        share = compile_share(f"sqlite:///{tmp}/profiled.db", items[: min(500, len(items))])
    result = {
        "pages": args.pages,
        "first_pass_ms_per_page": round(1000 * first / args.pages, 3),
        "unchanged_pass_ms_per_page": round(1000 * again / args.pages, 3),
        "compile_share_of_cpu": round(share, 3),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "store.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
