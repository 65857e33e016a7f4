"""Stopwatch map scoring: R1 sets the time, R2 beats it or not (pure).

In stopwatch the two teams attack the same objective once each. R1's attackers set a time (the
time they took, or the full limit if they were held or gave up); R2's attackers get that time as
their limit, so *completing the objective in R2 is beating the time*. Hence the outcome needs
only who won each half, read against the half's defending side:

- R2 attackers succeed -> they win the map;
- else R1 attackers succeeded -> they win the map;
- else (both held: a double full hold) -> a draw.

Points follow the reference's recommendation (the later upstream "box" scale): a map win is worth
2 points, a double full hold 1-1. The older rule (0-0 on the time path, and a spurious 1-0 on the
header path, edge case E14) is not reproduced.

A half's success comes from its winner vs its defender (Lua when known, else the stats header),
so a surrender counts as a failed attack whatever the clock says. Only when the winner is
unknown does the clock decide (attack time strictly below the limit); the map is then scored
from ``time`` instead of ``winner`` and says so. Plays without both halves, or whose team sides
cannot be told, are reported but not counted (``counted=False`` with a note).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from slomix_pipeline.domain.sessions import TEAM_A, TEAM_B

WIN_POINTS = 2
DRAW_POINTS = 1

NOTE_OK = "ok"
NOTE_R1_ONLY = "r1_only"
NOTE_R2_ONLY = "r2_only"
NOTE_SIDES_AMBIGUOUS = "team_sides_ambiguous"
NOTE_OUTCOME_UNKNOWN = "outcome_unknown"

SOURCE_WINNER = "winner"
SOURCE_TIME = "time"
END_MAP_CHANGE = "map_change"

DRAW = "draw"


@dataclass(frozen=True, slots=True)
class Half:
    """One half as scoring sees it (effective values, see ``domain.lua_truth.effective_round``).

    ``time_seconds`` is the stopwatch time of the half (the stats clock: the attackers' time, or
    the limit after a hold or surrender); ``limit_seconds`` the limit in force (R2: R1's time).
    ``team_a_side`` is the side Team A played in this half (None when it cannot be told).
    """

    round_id: int
    winner_team: int
    defender_team: int
    time_seconds: int | None
    limit_seconds: int | None
    team_a_side: int | None
    end_reason: str | None = None


@dataclass(frozen=True, slots=True)
class MapScore:
    """The scored result of one map play (R1 + R2)."""

    counted: bool
    note: str
    scoring_source: str | None
    r1_attackers: str | None
    r1_attack_succeeded: bool | None
    r2_attack_succeeded: bool | None
    r1_time_seconds: int | None
    r2_time_seconds: int | None
    winner: str | None
    team_a_points: int
    team_b_points: int


def _defender(half: Half, other: Half | None) -> int | None:
    """The half's defending side; a stopwatch map is defended by the same side in both halves."""
    if half.defender_team in (1, 2):
        return half.defender_team
    if other is not None and other.defender_team in (1, 2):
        return other.defender_team
    return None


def _succeeded(half: Half, defender: int) -> tuple[bool | None, str]:
    """Did the half's attackers succeed, and from which evidence."""
    if half.winner_team in (1, 2):
        return half.winner_team != defender, SOURCE_WINNER
    if half.end_reason == END_MAP_CHANGE:
        return False, SOURCE_WINNER  # cut by a map change: no winner, the attack did not finish
    if half.time_seconds is None or half.time_seconds <= 0:
        return None, SOURCE_TIME
    if half.limit_seconds is None or half.limit_seconds <= 0:
        return True, SOURCE_TIME
    return half.time_seconds < half.limit_seconds, SOURCE_TIME


def _unscored(note: str, r1: Half | None, r2: Half | None) -> MapScore:
    return MapScore(
        False,
        note,
        None,
        None,
        None,
        None,
        r1.time_seconds if r1 else None,
        r2.time_seconds if r2 else None,
        None,
        0,
        0,
    )


def score_map(r1: Half | None, r2: Half | None) -> MapScore:
    """Score one map play; see the module docstring for the rules."""
    if r1 is None or r2 is None:
        return _unscored(NOTE_R2_ONLY if r1 is None else NOTE_R1_ONLY, r1, r2)
    if r1.team_a_side not in (1, 2):
        return _unscored(NOTE_SIDES_AMBIGUOUS, r1, r2)
    d1, d2 = _defender(r1, r2), _defender(r2, r1)
    if d1 is None or d2 is None:
        return _unscored(NOTE_OUTCOME_UNKNOWN, r1, r2)
    ok1, source1 = _succeeded(r1, d1)
    ok2, source2 = _succeeded(r2, d2)
    if ok1 is None or ok2 is None:
        return _unscored(NOTE_OUTCOME_UNKNOWN, r1, r2)
    r1_attackers = TEAM_A if r1.team_a_side != d1 else TEAM_B
    r2_attackers = TEAM_B if r1_attackers == TEAM_A else TEAM_A
    if ok2:
        winner = r2_attackers
    elif ok1:
        winner = r1_attackers
    else:
        winner = DRAW
    if winner == DRAW:
        points = (DRAW_POINTS, DRAW_POINTS)
    else:
        points = (WIN_POINTS, 0) if winner == TEAM_A else (0, WIN_POINTS)
    source = SOURCE_WINNER if source1 == source2 == SOURCE_WINNER else SOURCE_TIME
    return MapScore(
        True,
        NOTE_OK,
        source,
        r1_attackers,
        ok1,
        ok2,
        r1.time_seconds,
        r2.time_seconds,
        winner,
        points[0],
        points[1],
    )


@dataclass(frozen=True, slots=True)
class SessionScore:
    """Sum over the counted maps; uncounted maps are listed by their note."""

    team_a_points: int
    team_b_points: int
    maps_counted: int
    maps_uncounted: int


def session_score(scores: Iterable[MapScore]) -> SessionScore:
    a = b = counted = uncounted = 0
    for s in scores:
        if s.counted:
            a += s.team_a_points
            b += s.team_b_points
            counted += 1
        else:
            uncounted += 1
    return SessionScore(a, b, counted, uncounted)
