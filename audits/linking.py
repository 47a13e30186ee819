"""Linking policies to their 解读, and the link graph in ``document_links``.

Three passes, most reliable first (BRIEF §2.5):

1. **explicit** — the policy page's 相关解读 links (``Link.kind == "interpretation"``) and the
   interpretation page's link back to its policy (``kind == "policy"``);
2. **doc_no / title** — what the interpretation names: its ``interprets`` entries from extraction,
   or a 《title》 or 文号 found in its own title;
3. **fuzzy** — a close match between the interpretation's title (without 解读/图解/… markers) and
   a policy title of the same site (character-bigram Dice ≥ ``FUZZY_THRESHOLD``).

Edges go from the policy to the interpretation (``kind="interpretation"``). A link whose other end
was not crawled keeps its URL with no target id: the page says a 解读 exists.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from gongkai.audits.batch import DocBatch, InterpretationIndex
from gongkai.extractors import patterns as p
from gongkai.extractors.values import check_doc_no, find_doc_nos, is_canonical
from gongkai.models.store import Store, utcnow
from scipy import sparse

FUZZY_THRESHOLD = 0.6
BOOK_TITLE = re.compile(r"《([^《》]{4,80})》")
_MARKER_PARTS = (
    r"【[^】]{0,8}】",
    r"[《》“”\"'「」]",
    *map(re.escape, p.TITLE_MARKER_WORDS),
    r"^关于",
    r"的$",
    r"[\s\u3000:：,，、.。·\-—]",
)
#: 解读 wording and punctuation stripped from titles. The lookahead lists every first character of
#: the alternatives: positions no alternative can start at are skipped at once (a third faster
#: over real titles, same matches).
_MARKERS = re.compile(
    "(?=["
    + re.escape("【《》“”\"'「」关的" + "".join(word[0] for word in p.TITLE_MARKER_WORDS))
    + r"\s\u3000:：,，、.。·\-—])(?:"
    + "|".join(_MARKER_PARTS)
    + ")"
)
_WRAPPER = re.compile(r"关于印发(.+?)的通知|关于转发(.+?)的通知")


@dataclass(frozen=True)
class Edge:
    policy_row: int | None
    interpretation_row: int | None
    policy_url: str
    interpretation_url: str
    method: str  # explicit | doc_no | title | fuzzy
    confidence: int  # percent


def core_title(title: str) -> str:
    """A title stripped to what a policy and its 解读 share."""
    text = title or ""
    if "关于" in text:  # both wrapper forms start with 关于; skip the search where it cannot match
        wrapped = _WRAPPER.search(text)
        if wrapped:
            text = wrapped.group(1) or wrapped.group(2) or text
    return _MARKERS.sub("", text)


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def find_links(
    docs: DocBatch,
    links: dict[int, list[tuple[str, str]]],
    interprets: dict[int, list[dict[str, Any]]],
) -> list[Edge]:
    """All policy → interpretation edges among one site's documents (pure)."""
    url_row = {url: row for row, url in enumerate(docs.urls)}
    interp = docs.is_interpretation
    edges: dict[tuple[str, str], Edge] = {}

    def add(
        policy_row: int | None,
        interp_row: int | None,
        policy_url: str,
        interp_url: str,
        method: str,
        conf: int,
    ) -> None:
        key = (policy_url, interp_url)
        if key not in edges or edges[key].confidence < conf:
            edges[key] = Edge(policy_row, interp_row, policy_url, interp_url, method, conf)

    # 1. explicit links, both directions
    for row, items in links.items():
        for url, kind in items:
            target = url_row.get(url)
            if kind == "interpretation" and not interp[row]:
                add(row, target, docs.urls[row], url, "explicit", 100)
            elif kind == "policy" and interp[row]:
                add(target, row, url, docs.urls[row], "explicit", 100)
    linked_interps = {e.interpretation_row for e in edges.values() if e.interpretation_row is not None}

    # 2. what the interpretation names: 文号 and 《title》
    waiting = [int(row) for row in np.flatnonzero(interp) if int(row) not in linked_interps]
    if not waiting:
        return list(edges.values())
    policy_rows = [int(row) for row in np.flatnonzero(~interp)]
    # Each policy's core title, computed once: the exact index and the fuzzy pass both use it.
    cores = {row: core_title(docs.titles[row]) for row in policy_rows if docs.titles[row]}
    by_title: dict[str, list[int]] = defaultdict(list)
    for row, core in cores.items():
        by_title[core].append(row)
        title = docs.titles[row]
        if "《" in title:  # type: ignore[operator]
            for book in BOOK_TITLE.findall(title):  # type: ignore[arg-type]
                by_title[core_title(book)].append(row)
    named: list[tuple[int, list[str], list[str]]] = []
    for row in waiting:
        entries = interprets.get(row, [])
        title = docs.titles[row] or ""
        numbers = [n["doc_no"] for n in entries if n.get("doc_no")] + find_doc_nos(title)
        titles = [n["title"] for n in entries if n.get("title")] + BOOK_TITLE.findall(title)
        named.append((row, numbers, titles))
    by_doc_no: dict[str, list[int]] = defaultdict(list)
    if any(numbers for _, numbers, _ in named):  # 文号 are normalised only when some 解读 names one
        for row in policy_rows:
            number = docs.doc_no_normalized[row] or docs.doc_no[row]
            if number:
                by_doc_no[_norm_doc_no(number)].append(row)
    unlinked: list[int] = []
    for row, numbers, titles in named:
        found = False
        for entry in interprets.get(row, []):
            if entry.get("url"):
                add(url_row.get(entry["url"]), row, entry["url"], docs.urls[row], "explicit", 95)
                found = True
        for number in numbers:
            for policy in by_doc_no.get(_norm_doc_no(number), []):
                add(policy, row, docs.urls[policy], docs.urls[row], "doc_no", 90)
                found = True
        for named_title in titles:
            for policy in by_title.get(core_title(named_title), []):
                add(policy, row, docs.urls[policy], docs.urls[row], "title", 90)
                found = True
        if not found:
            unlinked.append(row)

    # 3. close title match within the site
    if unlinked:
        _fuzzy(docs, cores, unlinked, by_title, add)
    return list(edges.values())


#: A bigram shared by more policy titles than this (通知, 关于, 人民…) says nothing and casts no vote.
COMMON_GRAM_POSTINGS = 2000
#: 解读 scored against all policies at once per chunk (bounds the shared-count matrix's memory).
_FUZZY_CHUNK = 512


def _fuzzy(
    docs: DocBatch,
    cores: dict[int, str],
    unlinked: list[int],
    by_title: dict[str, list[int]],
    add: Any,
    common: int = COMMON_GRAM_POSTINGS,
) -> None:
    queries: list[tuple[int, str]] = []
    for row in unlinked:
        core = core_title(docs.titles[row] or "")
        if len(core) < 4:
            continue
        exact = by_title.get(core)
        if exact:
            for policy in exact:
                add(policy, row, docs.urls[policy], docs.urls[row], "title", 85)
            continue
        queries.append((row, core))
    for row, policy, score in best_title_matches(docs, cores, queries, common, FUZZY_THRESHOLD):
        add(policy, row, docs.urls[policy], docs.urls[row], "fuzzy", round(score * 100))


def best_title_matches(
    docs: DocBatch,
    cores: dict[int, str],
    queries: list[tuple[int, str]],
    common: int = COMMON_GRAM_POSTINGS,
    threshold: float = 0.0,
) -> list[tuple[int, int, float]]:
    """For each (row, core) query whose best score reaches ``threshold``: (row, the policy row whose
    core title is closest, the score).

    The score is the character-bigram Dice coefficient ``2·|A∩B| / (|A| + |B|)`` where ``A∩B``
    leaves out bigrams that more than ``common`` policy titles share (they cast no vote, but still
    count in ``|A|`` and ``|B|``). Policies with a core shorter than 4 characters take no part.
    Ties go to a policy published on or before the 解读 (or undated), then the most recently
    published of those, then the first stored — so the same store always links the same way.

    All queries are scored against all policies at once with a sparse product of bigram
    incidence matrices, instead of a Python loop over every posting of every bigram.
    """
    policy_rows = np.asarray([row for row, core in cores.items() if len(core) >= 4], dtype=np.int64)
    if not queries or not len(policy_rows):
        return []
    policy_codes, policy_owner = _bigram_codes([cores[int(row)] for row in policy_rows])
    pairs = _distinct(policy_owner << _CODE_BITS | policy_codes)  # each bigram once per title: a set
    owner, codes = pairs >> _CODE_BITS, pairs & _CODE_MASK
    policy_size = np.bincount(owner, minlength=len(policy_rows))
    query_rows = np.asarray([row for row, _ in queries], dtype=np.int64)
    query_codes, query_owner = _bigram_codes([core for _, core in queries])
    qpairs = _distinct(query_owner << _CODE_BITS | query_codes)
    query_owner, query_codes = qpairs >> _CODE_BITS, qpairs & _CODE_MASK
    query_size = np.bincount(query_owner, minlength=len(queries))
    # Only bigrams some query holds can vote: index those alone (a few thousand, not every bigram).
    vocab = np.unique(query_codes)
    at = np.minimum(np.searchsorted(vocab, codes), len(vocab) - 1)
    held = vocab[at] == codes
    gram, holder = at[held], owner[held]
    postings = np.bincount(gram, minlength=len(vocab))  # how many policy titles hold each bigram
    incidence = sparse.csr_matrix(
        (np.ones(len(gram), dtype=np.int32), (gram, holder)), shape=(len(vocab), len(policy_rows))
    )
    position = np.searchsorted(vocab, query_codes)
    voting = postings[position] <= common
    query_matrix = sparse.csr_matrix(
        (np.ones(int(voting.sum()), dtype=np.int32), (query_owner[voting], position[voting])),
        shape=(len(queries), len(vocab)),
    )
    published = docs.published
    out: list[tuple[int, int, float]] = []
    for start in range(0, len(queries), _FUZZY_CHUNK):
        shared = (query_matrix[start : start + _FUZZY_CHUNK] @ incidence).tocsr()
        counts = np.diff(shared.indptr)
        voted = np.flatnonzero(counts)
        if not len(voted):
            continue
        entry_query = np.repeat(np.arange(start, start + len(counts)), counts)
        scores = 2 * shared.data / (query_size[entry_query] + policy_size[shared.indices])
        best = np.maximum.reduceat(scores, shared.indptr[voted])
        for i, top in zip(voted[best >= threshold], best[best >= threshold], strict=True):
            lo, hi = shared.indptr[i], shared.indptr[i + 1]
            tied = shared.indices[lo:hi][scores[lo:hi] == top]
            row = int(query_rows[start + i])
            mine = published[row]
            rows = policy_rows[tied]
            dates = published[rows]
            before = (dates <= mine) | (mine == 0)
            # lexsort: last key is primary → before first, then newest, then first stored (-row).
            order = np.lexsort((-rows, np.where(before, dates, -dates), before))
            out.append((row, int(rows[order[-1]]), float(top)))
    return out


#: A bigram code holds two code points (< 2**21 each); the title index goes above it.
_CODE_BITS = 42
_CODE_MASK = (1 << _CODE_BITS) - 1


def _distinct(keys: np.ndarray) -> np.ndarray:
    """The distinct values of an int64 array, sorted."""
    if not len(keys):
        return keys
    keys = np.sort(keys)
    keep = np.empty(len(keys), dtype=bool)
    keep[0] = True
    np.not_equal(keys[1:], keys[:-1], out=keep[1:])
    return keys[keep]


def _bigram_codes(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Every adjacent character pair of every text as one int64 code, with the text it came from."""
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    points = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    codes = (points[:-1] << 21) | points[1:]  # code points are < 2**21
    owner = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)[:-1] if len(points) else points[:0]
    ends = np.cumsum(lengths) - 1  # a pair starting at a text's last character spans two texts
    keep = np.ones(len(codes), dtype=bool)
    keep[ends[(ends >= 0) & (ends < len(codes))]] = False
    return codes[keep], owner[keep]


def _norm_doc_no(text: str) -> str:
    if is_canonical(text):  # already in GB/T 9704 form (most stored 文号): its own normal form
        return text
    checked = check_doc_no(text)
    return checked.normalized or re.sub(r"\s", "", text)


def interpretation_index(docs: DocBatch, edges: Iterable[Edge]) -> InterpretationIndex:
    """Per policy row: how many 解读 are linked and when the earliest was published."""
    index = InterpretationIndex.none(len(docs))
    for edge in edges:
        if edge.policy_row is None:
            continue
        row = edge.policy_row
        index.count[row] += 1
        index.urls.setdefault(row, []).append(edge.interpretation_url)
        if edge.interpretation_row is not None:
            published = docs.published[edge.interpretation_row]
            if published and (
                index.earliest_published[row] == 0 or published < index.earliest_published[row]
            ):
                index.earliest_published[row] = published
    return index


def store_links(store: Store, site_id: int, docs: DocBatch, edges: list[Edge]) -> int:
    """Replace the site's 解读 links in ``document_links`` with ``edges`` (one transaction)."""
    now = utcnow()
    rows = []
    for edge in edges:
        if edge.policy_row is not None:
            source = int(docs.ids[edge.policy_row])
            target = int(docs.ids[edge.interpretation_row]) if edge.interpretation_row is not None else None
            rows.append(
                {
                    "source_id": source,
                    "target_id": target,
                    "target_url": edge.interpretation_url,
                    "kind": "interpretation",
                }
            )
        else:  # the interpretation links to a policy that was not crawled
            assert edge.interpretation_row is not None
            rows.append(
                {
                    "source_id": int(docs.ids[edge.interpretation_row]),
                    "target_id": None,
                    "target_url": edge.policy_url,
                    "kind": "interprets",
                }
            )
        rows[-1].update(method=edge.method, confidence=edge.confidence, created_at=now)
    store.replace_interpretation_links(site_id, rows)
    return len(rows)


def link_graph(store: Store, site: str | None = None) -> list[dict[str, Any]]:
    """The stored policy ↔ 解读 graph: one dict per edge, with both ends' URL and title."""
    return store.interpretation_graph(site)
