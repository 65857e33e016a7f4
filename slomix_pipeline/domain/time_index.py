"""Rounds of one (map, round number) found by time: the candidates within N seconds of an epoch.

Linking asks, for every Lua round end, which stats rounds of its map and round number lie within
the tolerance (and the wider window) of it. Scanning the key's whole list made a range run
quadratic in its rounds per key: a seven-year history has hundreds of rounds per map, and the
scan was the largest cost of ``linked_rounds`` (issue 13). Bisection over the sorted file times
(and, separately, the alternative readings of the repeated autumn hour) gives the same rounds,
in the same (input) order.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Protocol, TypeVar


class Timed(Protocol):
    @property
    def file_time_unix(self) -> int: ...

    @property
    def alt_file_time_unix(self) -> int | None: ...


T = TypeVar("T", bound=Timed)


class TimeIndex(Sequence[T]):
    """The items in input order, searchable by any of their file-time readings."""

    def __init__(self, items: Sequence[T]) -> None:
        self._items = list(items)
        pairs = [(item.file_time_unix, i) for i, item in enumerate(self._items)]
        pairs += [
            (item.alt_file_time_unix, i)
            for i, item in enumerate(self._items)
            if item.alt_file_time_unix is not None
        ]
        pairs.sort()
        self._times = [t for t, _ in pairs]
        self._positions = [i for _, i in pairs]

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index):  # type: ignore[override]
        return self._items[index]

    def within(self, epoch: int, limit_s: int) -> list[T]:
        """The items with a reading at most ``limit_s`` seconds from ``epoch``, in input order."""
        lo = bisect_left(self._times, epoch - limit_s)
        hi = bisect_right(self._times, epoch + limit_s)
        return [self._items[i] for i in sorted(set(self._positions[lo:hi]))]
