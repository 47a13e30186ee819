"""The close-title (fuzzy) 解读 match: the vectorised scorer against a brute-force reference."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from datetime import date
from pathlib import Path

from gongkai.audits import linking
from gongkai.audits.batch import DocBatch
from gongkai.audits.linking import best_title_matches, core_title, find_links
from gongkai.models.records import DocumentRecord
from hypothesis import given, settings
from hypothesis import strategies as st


def _batch(titles: list[str], published: list[date | None], interpretation: list[bool]) -> DocBatch:
    records = [
        DocumentRecord(url=f"http://127.0.0.1:1/{i}.html", title=t, published_date=p, is_interpretation=flag)
        for i, (t, p, flag) in enumerate(zip(titles, published, interpretation, strict=True))
    ]
    return DocBatch.from_records(records)


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def reference(
    batch: DocBatch, cores: dict[int, str], queries: list[tuple[int, str]], common: int
) -> dict[int, tuple[float, set[int]]]:
    """Per query: the best Dice score and every policy row reaching it (the documented definition)."""
    grams = {row: _bigrams(core) for row, core in cores.items() if len(core) >= 4}
    postings: dict[str, int] = defaultdict(int)
    for gs in grams.values():
        for gram in gs:
            postings[gram] += 1
    out: dict[int, tuple[float, set[int]]] = {}
    for row, core in queries:
        mine = _bigrams(core)
        voting = {g for g in mine if 0 < postings.get(g, 0) <= common}
        scores = {
            policy: 2 * len(voting & gs) / (len(mine) + len(gs))
            for policy, gs in grams.items()
            if voting & gs
        }
        if scores:
            best = max(scores.values())
            out[row] = (best, {p for p, s in scores.items() if s == best})
    return out


def tie_winner(batch: DocBatch, row: int, tied: set[int]) -> int:
    """The documented tie-break: published on/before the 解读 first, then newest, then first stored."""
    mine = int(batch.published[row])

    def key(policy: int) -> tuple[bool, int, int]:
        day = int(batch.published[policy])
        before = day <= mine or mine == 0
        return (before, day if before else -day, -policy)

    return max(tied, key=key)


# Titles from a tiny alphabet so that bigrams repeat, scores tie and the common-gram cut-off bites.
TITLE = st.text(alphabet="关于印发通知办法政策", min_size=2, max_size=12)
DAY = st.one_of(st.none(), st.dates(min_value=date(2020, 1, 1), max_value=date(2020, 3, 1)))


@settings(max_examples=80, deadline=None)
@given(
    policies=st.lists(st.tuples(TITLE, DAY), min_size=1, max_size=25),
    interps=st.lists(st.tuples(TITLE, DAY), min_size=1, max_size=8),
    common=st.integers(min_value=1, max_value=6),
)
def test_vectorised_scores_equal_the_brute_force_definition(
    policies: list[tuple[str, date | None]], interps: list[tuple[str, date | None]], common: int
) -> None:
    items = policies + interps
    batch = _batch(
        [t for t, _ in items], [d for _, d in items], [False] * len(policies) + [True] * len(interps)
    )
    cores = {row: title for row, (title, _) in enumerate(policies)}
    queries = [(len(policies) + i, title) for i, (title, _) in enumerate(interps) if len(title) >= 4]
    got = {row: (policy, score) for row, policy, score in best_title_matches(batch, cores, queries, common)}
    expected = reference(batch, cores, queries, common)
    assert set(got) == set(expected)
    for row, (best, tied) in expected.items():
        policy, score = got[row]
        assert score == best
        assert policy == tie_winner(batch, row, tied)


def test_threshold_drops_weak_matches() -> None:
    batch = _batch(["关于印发办法的通知甲乙", "通知办法甲乙丙丁"], [None, None], [False, True])
    cores = {0: "印发办法通知甲乙"}
    [(row, policy, score)] = best_title_matches(batch, cores, [(1, "通知办法甲乙丙丁")])
    assert (row, policy) == (1, 0) and 0 < score < 0.9
    assert best_title_matches(batch, cores, [(1, "通知办法甲乙丙丁")], threshold=score + 0.01) == []


def test_a_reposted_policy_links_its_interpretation_the_same_way_every_time() -> None:
    """Two stored copies of one policy tie exactly; the 解读 goes to the copy that preceded it.

    Before the tie-break was fixed the winner depended on set iteration order, i.e. on Python's
    per-process hash seed: two runs over the same store could link differently.
    """
    title = "某县人民政府办公室关于印发某县农村人居环境整治提升五年行动方案的通知"
    interp = "某县有关部门负责人就某县农村人居环境整治提升五年行动方答记者问"
    days = [date(2024, 5, 6), date(2024, 3, 1), date(2024, 6, 3), None]
    batch = _batch([title, title, title, interp], days, [False, False, False, True])
    [edge] = find_links(batch, {}, {})
    assert edge.method == "fuzzy" and edge.interpretation_row == 3
    assert edge.policy_row == 2  # an undated 解读 counts every copy as before it: the newest wins


def test_tie_prefers_the_newest_policy_published_before_the_interpretation() -> None:
    title = "某县人民政府办公室关于印发某县农村人居环境整治提升五年行动方案的通知"
    interp = "某县有关部门负责人就某县农村人居环境整治提升五年行动方答记者问"
    days = [date(2024, 5, 6), date(2024, 3, 1), date(2024, 6, 3), date(2024, 5, 20)]
    batch = _batch([title, title, title, interp], days, [False, False, False, True])
    [edge] = find_links(batch, {}, {})
    assert (edge.method, edge.policy_row) == ("fuzzy", 0)  # 05-06: before 05-20, newer than 03-01
    days = [date(2024, 5, 6), date(2024, 3, 1), date(2024, 1, 2)]
    early = _batch([title, title, interp], days, [False, False, True])
    [edge] = find_links(early, {}, {})
    assert edge.policy_row == 1  # none precedes the 解读: the one closest after it


# The marker pattern as first written, without the first-character lookahead added for speed.
PLAIN_MARKERS = re.compile(
    r"【[^】]{0,8}】|[《》“”\"'「」]|政策解读|图片解读|视频解读|文字解读|一图读懂|一图看懂|图解|解读|答记者问|政策问答|问答|"
    r"新闻发布会|权威发布|^关于|的$|[\s\u3000:：,，、.。·\-—]"
)


def test_core_title_strips_exactly_what_the_plain_marker_pattern_strips(shared_data: Path) -> None:
    with (shared_data / "corpus" / "titles_with_dates.tsv").open(encoding="utf-8") as handle:
        titles = [row["title"] for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)]
    titles += ["【图解】关于印发某办法的通知", "政策解读：关于某事的\n", " 一图读懂《某规划》", "答记者问的"]
    for title in titles:
        text = title
        wrapped = linking._WRAPPER.search(text)
        if wrapped:
            text = wrapped.group(1) or wrapped.group(2) or text
        assert core_title(title) == PLAIN_MARKERS.sub("", text), title
