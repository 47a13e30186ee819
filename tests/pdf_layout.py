"""Reading a rendered PDF's text boxes (``pdftotext -bbox-layout`` from poppler-utils) to check
that the pages are fit to hand over: no word beyond the printable box, no name broken across lines.
"""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

NS = "{http://www.w3.org/1999/xhtml}"
MM = 72 / 25.4
#: The report's page margins (corpus/reports/templates/_style.html.j2): text must stay inside them
#: left and right; top and bottom, the running header and page number sit in the margin, so the
#: vertical bound is a printer's usual unprintable edge.
SIDE_MARGIN = 14 * MM
EDGE = 5 * MM
#: A word may overhang by rounding (glyph side bearings), never by a character.
TOLERANCE = 1.0


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    words: list[Word]
    lines: list[str]

    @property
    def landscape(self) -> bool:
        return self.width > self.height


def read_pdf(pdf: Path) -> list[Page]:
    xml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    root = ET.fromstring(xml)
    pages = []
    for number, page in enumerate(root.iter(f"{NS}page"), start=1):
        words = []
        lines = []
        for line in page.iter(f"{NS}line"):
            texts = []
            for word in line.iter(f"{NS}word"):
                box = [float(word.get(k, 0)) for k in ("xMin", "yMin", "xMax", "yMax")]
                words.append(Word(number, word.text or "", *box))
                texts.append(word.text or "")
            lines.append(" ".join(texts))
        pages.append(Page(number, float(page.get("width", 0)), float(page.get("height", 0)), words, lines))
    return pages


def outside_printable_box(pages: list[Page]) -> list[Word]:
    """Words that lie (even partly) outside the printable box of their page."""
    out = []
    for page in pages:
        left, right = SIDE_MARGIN - TOLERANCE, page.width - SIDE_MARGIN + TOLERANCE
        top, bottom = EDGE - TOLERANCE, page.height - EDGE + TOLERANCE
        for w in page.words:
            if w.x0 < left or w.x1 > right or w.y0 < top or w.y1 > bottom:
                out.append(w)
    return out


def broken_names(pages: list[Page], names: set[str]) -> list[tuple[int, str]]:
    """(page, name) for every name broken across lines (a cell wrapping it).

    A name kept on one line is inside one word (pdftotext splits words at spaces only, and
    Chinese has none). A wrapped name leaves a word that is a proper start of the name with the
    rest directly below it, starting at the same left edge: the pieces, read down, spell the name.
    (A long title that merely contains a name and wraps elsewhere does not spell it.)
    """
    found = []
    for page in pages:
        for word in page.words:
            text = word.text.strip()
            for name in names:
                if not text or len(text) >= len(name) or not name.startswith(text):
                    continue
                spelled, current = text, word
                while True:
                    below = _next_below(page, current)
                    if below is None or not name.startswith(spelled + below.text.strip()):
                        break
                    spelled += below.text.strip()
                    current = below
                    if spelled == name:
                        found.append((page.number, name))
                        break
    return found


def _next_below(page: Page, word: Word) -> Word | None:
    height = word.y1 - word.y0
    candidates = [
        w for w in page.words if abs(w.x0 - word.x0) < 1.5 and word.y0 < w.y0 <= word.y1 + 0.8 * height
    ]
    return min(candidates, key=lambda w: w.y0, default=None)
