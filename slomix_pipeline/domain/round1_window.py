"""Upstream-style pairing of an R2 with its R1 by a time window (benchmarks and comparison).

Ingestion pairs by server sequence instead (``domain.pairing``); this window search is kept to
measure against upstream and is indexed by map so that a backfill's pairing is not quadratic.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from slomix_pipeline.formats.stats_file import StatsFileKind, StatsFileName

DEFAULT_WINDOW_MINUTES = 45


def find_round1(
    r2: StatsFileName,
    candidates: Iterable[StatsFileName],
    window_minutes: int = DEFAULT_WINDOW_MINUTES,
) -> StatsFileName | None:
    """Upstream-style window search for an R2's R1 (kept for benchmarks and comparison).

    Ingestion pairs by server sequence instead (``domain.pairing``): a window orphaned every
    half-time longer than it. A candidate must be a STATS round-1 file of the same map
    (case-insensitive), strictly earlier than the R2 and at most ``window_minutes`` before it;
    the latest such file wins (a restarted R1 is superseded by the replay). Dates play no role,
    so a pair across midnight is found however many other R1 files of that map exist (upstream
    only looked at the previous day when the R2's own day had no R1 of the map at all).
    """
    if window_minutes < 0:
        raise ValueError(f"window_minutes must be >= 0, got {window_minutes}")
    end = r2.local_time
    start = end - timedelta(minutes=window_minutes)
    map_key = r2.map_name.lower()
    best: StatsFileName | None = None
    for c in candidates:
        # Cheapest test first: callers often pass every R1 of a backfill.
        if not start <= c.local_time < end:
            continue
        if c.round_number != 1 or c.kind is not StatsFileKind.STATS:
            continue
        if c.map_name.lower() != map_key:
            continue
        if best is None or (c.local_time, c.name) > (best.local_time, best.name):
            best = c
    return best


class Round1Index:
    """R1 candidates grouped by map, so pairing a backfill's R2s is not quadratic.

    ``find`` answers exactly what :func:`find_round1` answers over all candidates.
    """

    def __init__(self, candidates: Iterable[StatsFileName]) -> None:
        self._by_map: dict[str, list[StatsFileName]] = {}
        for c in candidates:
            if c.round_number == 1 and c.kind is StatsFileKind.STATS:
                self._by_map.setdefault(c.map_name.lower(), []).append(c)

    def find(
        self, r2: StatsFileName, window_minutes: int = DEFAULT_WINDOW_MINUTES
    ) -> StatsFileName | None:
        return find_round1(r2, self._by_map.get(r2.map_name.lower(), ()), window_minutes)
