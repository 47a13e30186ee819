"""The bibliographic facts the demo sites are made from, kept in the project.

``corpus/demo/facts.tsv.gz`` holds, for each real document the demo may use, only its kind, issuing
body, title, 文号 and 成文/发布 dates — never a body, a URL or page bytes. It is made from the real
data by ``gongkai demo-facts refresh`` (:mod:`gongkai.demo.refresh`); the demo reads nothing else,
so it runs from a clone or an installed wheel with no data folder beside it.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from gongkai.models.errors import GongkaiError

from gongkai.resources import corpus_path

#: The canonical GB/T 9704-2012 文号: 代字〔YYYY〕N号 (BRIEF §4.1).
DOC_NO = re.compile(r"^(?P<code>[\u4e00-\u9fa5]{1,12}?)〔(?P<year>(?:19|20)\d{2})〕(?P<num>[1-9]\d{0,4})号$")
#: 政府规章 are numbered 令第N号 (a valid form, no year).
ORDER_NO = re.compile(r"^(?:[\u4e00-\u9fa5]{1,20})?令第(?P<num>[1-9]\d{0,4})号$")

#: The only columns the facts file has (issue #16: titles, 文号, issuing bodies, dates).
COLUMNS: tuple[str, ...] = ("kind", "issuer", "title", "doc_no", "written", "published")
KINDS: tuple[str, ...] = ("document", "repost", "news")


def default_facts_path() -> Path:
    return corpus_path("demo", "facts.tsv.gz")


class FactsError(GongkaiError):
    """The demo facts file is missing or unreadable."""


@dataclass(frozen=True)
class RealDocument:
    """One real document of a provincial government: title, 文号 as printed, 成文 and 发布."""

    government: str
    title: str
    doc_no: str
    written: date
    published: date


@dataclass(frozen=True)
class RealRepost:
    """A State Council document from the gov.cn policy library (reposted by the demo sites)."""

    title: str
    doc_no: str
    publisher: str
    published: date


@dataclass(frozen=True)
class RealNews:
    """A real news-style headline (gov.cn 政策 column items that are not interpretations)."""

    title: str
    published: date


@dataclass(frozen=True)
class DemoFacts:
    """Everything the demo planner draws from, each kind in a fixed order."""

    documents: tuple[RealDocument, ...]
    reposts: tuple[RealRepost, ...]
    news: tuple[RealNews, ...]

    def rows(self) -> list[dict[str, str]]:
        out = [
            {
                "kind": "document",
                "issuer": d.government,
                "title": d.title,
                "doc_no": d.doc_no,
                "written": d.written.isoformat(),
                "published": d.published.isoformat(),
            }
            for d in self.documents
        ]
        out += [
            {
                "kind": "repost",
                "issuer": r.publisher,
                "title": r.title,
                "doc_no": r.doc_no,
                "written": "",
                "published": r.published.isoformat(),
            }
            for r in self.reposts
        ]
        out += [
            {
                "kind": "news",
                "issuer": "",
                "title": n.title,
                "doc_no": "",
                "written": "",
                "published": n.published.isoformat(),
            }
            for n in self.news
        ]
        return out


def facts_text(facts: DemoFacts) -> str:
    """The TSV (header + one row per fact); no field may hold a tab or a line break."""
    lines = ["\t".join(COLUMNS)]
    for row in facts.rows():
        if any(re.search(r"[\t\r\n]", value) for value in row.values()):
            raise FactsError(f"a demo fact holds a tab or line break: {row['title']!r}")
        lines.append("\t".join(row[column] for column in COLUMNS))
    return "\n".join(lines) + "\n"


def write_facts(facts: DemoFacts, path: Path | None = None) -> Path:
    """Write the gzipped TSV byte-reproducibly (no file name or time in the gzip header)."""
    path = path or default_facts_path()
    raw = facts_text(facts).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle, gzip.GzipFile(fileobj=handle, mode="wb", filename="", mtime=0) as gz:
        gz.write(raw)
    return path


def _day(value: str, where: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FactsError(f"{where}: not a date: {value!r}") from None


def parse_facts(text: str, where: str = "facts") -> DemoFacts:
    documents: list[RealDocument] = []
    reposts: list[RealRepost] = []
    news: list[RealNews] = []
    reader = csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise FactsError(f"{where}: columns are {reader.fieldnames}, expected {list(COLUMNS)}")
    for number, row in enumerate(reader, start=2):
        at = f"{where} line {number}"
        kind = row["kind"]
        if kind == "document":
            documents.append(
                RealDocument(
                    row["issuer"],
                    row["title"],
                    row["doc_no"],
                    _day(row["written"], at),
                    _day(row["published"], at),
                )
            )
        elif kind == "repost":
            reposts.append(RealRepost(row["title"], row["doc_no"], row["issuer"], _day(row["published"], at)))
        elif kind == "news":
            news.append(RealNews(row["title"], _day(row["published"], at)))
        else:
            raise FactsError(f"{at}: unknown kind {kind!r}")
    return DemoFacts(tuple(documents), tuple(reposts), tuple(news))


@lru_cache(maxsize=4)
def load_facts(path: Path | None = None) -> DemoFacts:
    """The demo facts shipped with the project (or those at ``path``)."""
    path = path or default_facts_path()
    try:
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise FactsError(
            f"{path}: the demo facts are missing (make them with `gongkai demo-facts refresh --data DIR`)"
        ) from None
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise FactsError(f"{path}: cannot read the demo facts: {exc}") from None
    return parse_facts(text, str(path))
