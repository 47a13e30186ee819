"""The PDF: WeasyPrint renders the same HTML, with data: URIs as the only resources it may load."""

from __future__ import annotations

import logging
from pathlib import Path


def write_pdf(html: str, target: Path) -> None:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # WeasyPrint logs every CSS property it does not support at WARNING; they are ours, not news.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    # Crawled links stay links; nothing outside the document (no page, no file) is ever fetched.
    fetcher = URLFetcher(allowed_protocols=["data"], timeout=5)
    HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(target)
