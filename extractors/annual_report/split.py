"""Splitting runs of digits whose cells ran together ("21710000218") with the format's arithmetic.

A crawler's text of a table drops the boundaries between cells. The cells of a part-three row are
seven numbers whose first six add up to the seventh (总计); the fifteen cells of part four are
three groups of five whose first four add up to the fifth. :func:`splits` lists every way to cut
the runs into numbers (no leading zeros, a white space is always a cut) that satisfies those sums;
a row is read only when exactly one way is left (or the columns' sums pick one, see ``tables``).
Nothing is guessed: an ambiguous or impossible run is reported as unreadable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

#: A number in these tables has at most this many digits (a county's applications: ≤ 99999).
MAX_DIGITS = 6
#: Stop listing candidates beyond this many (the row is ambiguous anyway).
MAX_CANDIDATES = 64

GroupCheck = Callable[[Sequence[int]], bool]


def sum_to_last(values: Sequence[int]) -> bool:
    """The group's last number is the sum of the others (总计 = the columns before it)."""
    return sum(values[:-1]) == values[-1]


def any_values(values: Sequence[int]) -> bool:
    return True


def splits(
    chunks: Sequence[str],
    groups: Sequence[int],
    check: GroupCheck = sum_to_last,
    *,
    limit: int = MAX_CANDIDATES,
) -> list[list[int]]:
    """Every way to read ``chunks`` (white-space separated digit runs) as ``sum(groups)`` numbers,
    group by group, each group passing ``check``; at most ``limit`` of them."""
    text = "".join(chunks)
    ends: list[int] = []
    pos = 0
    for chunk in chunks:
        pos += len(chunk)
        ends.append(pos)
    total_numbers = sum(groups)
    found: list[list[int]] = []

    def next_end(start: int) -> int:
        return next(e for e in ends if e > start)

    def pieces(start: int, count: int, left_after: int) -> Iterator[tuple[list[int], int]]:
        """Every way to read ``count`` numbers from ``start`` leaving room for ``left_after`` more."""
        if count == 0:
            yield [], start
            return
        remaining = len(text) - start
        if remaining < count + left_after or remaining > (count + left_after) * MAX_DIGITS:
            return
        stop = next_end(start)
        longest = 1 if text[start] == "0" else min(MAX_DIGITS, stop - start)
        for length in range(1, longest + 1):
            end = start + length
            for rest, after in pieces(end, count - 1, left_after):
                yield [int(text[start:end]), *rest], after

    def walk(start: int, group: int, acc: list[int]) -> None:
        if len(found) >= limit:
            return
        if group == len(groups):
            if start == len(text):
                found.append(acc)
            return
        left_after = total_numbers - len(acc) - groups[group]
        for numbers, after in pieces(start, groups[group], left_after):
            if check(numbers):
                walk(after, group + 1, acc + numbers)
                if len(found) >= limit:
                    return

    if text:
        walk(0, 0, [])
    return found
