"""The stats rounds closest in time to a moment: the rule the endstats and proximity links share.

Both link a file to the stats round of the same map and round number whose file time is nearest
to a time the file carries (the endstats file time, the proximity round end). This module finds
those nearest rounds once; each caller keeps its own window and its own answer to a tie (two
equally close rounds are never guessed between).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar

__all__ = ["TimedRound", "closest_rounds"]


class TimedRound(Protocol):
    """What the rule reads of a stats round (any record with these fields)."""

    @property
    def map_key(self) -> str: ...

    @property
    def round_number(self) -> int: ...

    @property
    def file_time_unix(self) -> int: ...


Round = TypeVar("Round", bound=TimedRound)


def closest_rounds(
    rounds: Iterable[Round], map_key: str, round_number: int, at_unix: int
) -> tuple[list[Round], int | None]:
    """The rounds of ``map_key`` and ``round_number`` whose file time is nearest ``at_unix``
    (several on a tie, in input order) and that distance in seconds; ``([], None)`` if none."""
    best: list[Round] = []
    best_delta: int | None = None
    for ref in rounds:
        if ref.map_key != map_key or ref.round_number != round_number:
            continue
        delta = abs(ref.file_time_unix - at_unix)
        if best_delta is None or delta < best_delta:
            best, best_delta = [ref], delta
        elif delta == best_delta:
            best.append(ref)
    return best, best_delta
