"""Career figures from summed session rows: rates, map results, streaks, records, leaderboards.

Everything here works on plain values read by ``warehouse/dataset_reads.py``; the rates use the
very definitions of the session tables (``domain.aggregates.Counters``), so a career DPM is
``sum(damage_given) * 60 / sum(time_played_seconds)`` over the same rows, never an average of
per-session DPMs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from slomix_pipeline.domain.aggregates import Counters

COUNTERS: tuple[str, ...] = tuple(f.name for f in fields(Counters))

LEADERBOARD_METRICS: tuple[str, ...] = (
    "kills",
    "dpm",
    "kdr",
    "accuracy",
    "revives_given",
    "maps_won",
)
"""The leaderboards of each season (higher is better for all of them)."""


def with_rates(sums: Mapping[str, int]) -> dict[str, Any]:
    """The summed counters plus objectives, DPM, K/D, efficiency and accuracy."""
    c = Counters(**{k: int(sums.get(k) or 0) for k in COUNTERS})
    return {
        **c.as_dict(),
        "objectives": c.objectives,
        "dpm": c.dpm,
        "kdr": c.kdr,
        "efficiency": c.efficiency,
        "accuracy": c.accuracy,
    }


def map_result(team: str | None, map_winner: str | None) -> str | None:
    """won / lost / draw for a player of ``team`` (A | B) on a scored map; None when the map was
    not scored or the player had no team."""
    if team not in ("A", "B") or map_winner not in ("A", "B", "draw"):
        return None
    if map_winner == "draw":
        return "draw"
    return "won" if map_winner == team else "lost"


@dataclass(frozen=True, slots=True)
class Streak:
    length: int
    last_index: int | None  # index (in the given order) of the map that completed the streak


def longest_win_streak(results: Sequence[str]) -> Streak:
    """Longest run of consecutive ``won`` maps; a draw or a loss ends a run; the earliest wins
    a tie (deterministic)."""
    best = Streak(0, None)
    run = 0
    for i, result in enumerate(results):
        run = run + 1 if result == "won" else 0
        if run > best.length:
            best = Streak(run, i)
    return best


def beats(value: float, order: tuple, best_value: float, best_order: tuple) -> bool:
    """Whether ``value`` (reached at ``order``) takes a record held at ``best_order``: strictly
    higher, or equal and earlier (the first to set a value keeps it; deterministic)."""
    return value > best_value or (value == best_value and order < best_order)


def rank(
    rows: Iterable[Mapping[str, Any]], metric: str, min_rounds: int
) -> list[tuple[int, Mapping[str, Any]]]:
    """Eligible rows (human, ``rounds_played >= min_rounds``) ranked by ``metric`` descending;
    ties broken by more rounds played, then by canonical GUID ascending, so the order never
    depends on the read order. Ranks are 1..n, unique."""
    eligible = [r for r in rows if not r["is_bot"] and r["rounds_played"] >= min_rounds]
    ordered = sorted(
        eligible, key=lambda r: (-float(r[metric]), -int(r["rounds_played"]), r["canonical_guid"])
    )
    return [(i, r) for i, r in enumerate(ordered, start=1)]
