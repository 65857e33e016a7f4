"""Planning halves: the map pool, R1 outcomes (objective, hold, surrender), R2 limits, pauses.

Times are seconds relative to the night's anchor; ``Half`` is anchored on the wall clock later.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from slomix_pipeline.sample_data.model import (
    ALLIES,
    AXIS,
    END_OBJECTIVE,
    END_SURRENDER,
    END_TIME_EXPIRED,
)


@dataclass(frozen=True, slots=True)
class MapInfo:
    """A stopwatch map: its configured limit, the side that defends it, whether it has a carry
    objective (documents, gold) that can be stolen and returned."""

    name: str
    limit_seconds: int
    defender_team: int
    carry_objective: bool


MAP_POOL: tuple[MapInfo, ...] = (
    MapInfo("supply", 12 * 60, AXIS, True),
    MapInfo("etl_adlernest", 10 * 60, AXIS, True),
    MapInfo("sw_goldrush_te", 12 * 60, AXIS, True),
    MapInfo("etl_frostbite", 12 * 60, AXIS, True),
    MapInfo("radar", 15 * 60, AXIS, True),
    MapInfo("erdenberg_t2", 10 * 60, ALLIES, False),
    MapInfo("te_escape2", 5 * 60, ALLIES, False),
    MapInfo("etl_sp_delivery", 10 * 60, AXIS, True),
    MapInfo("bremen_b3", 12 * 60, AXIS, True),
    MapInfo("et_brewdog", 10 * 60, AXIS, False),
    MapInfo("karsiah_te2", 10 * 60, ALLIES, False),
    MapInfo("tc_base-b2", 10 * 60, AXIS, False),
    MapInfo("etl_ice", 12 * 60, AXIS, True),
)
"""Maps with '_' and '-' in their names on purpose: filename splitting must cope with both."""


FRACTIONAL_R1_SECONDS = 446
"""R1 of the fractional play sets 7:26, so R2's limit is 7.4333 minutes."""


@dataclass(frozen=True, slots=True)
class Half:
    """Timing and outcome of one half, relative to the night's anchor (seconds)."""

    start: int
    warmup: int
    duration: int
    duration_ms: int
    pauses: tuple[tuple[int, int], ...]
    end_reason: str
    winner: int
    limit: int
    end: int
    file: int
    endstats_delay: int | None
    surrender_team: int


def choose_maps(
    rng: random.Random, n_plays: int, repeat_pair: tuple[int, int] | None
) -> list[MapInfo]:
    """Distinct maps within a night while the pool lasts, never one of the last 8 maps after that,
    so only the planted repeat puts the same map twice within a couple of hours."""
    chosen: list[MapInfo] = []
    for idx in range(n_plays):
        if repeat_pair is not None and idx == repeat_pair[1]:
            chosen.append(chosen[repeat_pair[0]])
            continue
        used = {m.name for m in chosen}
        recent = {m.name for m in chosen[-8:]}
        options = [m for m in MAP_POOL if m.name not in used] or [
            m for m in MAP_POOL if m.name not in recent
        ]
        if repeat_pair is not None:
            first = chosen[0].name if chosen else None
            options = [m for m in options if m.name != first] or options
        chosen.append(rng.choice(options))
    return chosen


def _pauses(rng: random.Random, duration: int, count: int) -> tuple[tuple[int, int], ...]:
    """``count`` pauses at distinct play times, as (wall offset from round start, length)."""
    if duration < 90 or count == 0:
        return ()
    marks = sorted(rng.sample(range(30, duration - 30), count))
    out: list[tuple[int, int]] = []
    shift = 0
    for mark in marks:
        length = rng.randint(20, 75)
        out.append((mark + shift, length))
        shift += length
    return tuple(out)


def _finish_half(
    rng: random.Random,
    start: int,
    warmup: int,
    duration: int,
    end_reason: str,
    winner: int,
    limit: int,
    pauses: tuple[tuple[int, int], ...],
    surrender_team: int,
) -> Half:
    """Wall-clock end, file write (~3 s after intermission) and the optional endstats delay."""
    end = start + duration + sum(length for _, length in pauses)
    file_time = end + rng.randint(2, 4)
    jitter = rng.randint(0, 150) if end_reason == END_TIME_EXPIRED else rng.randint(0, 999)
    endstats = rng.randint(0, 3) if rng.random() < 0.6 else None
    return Half(
        start=start,
        warmup=warmup,
        duration=duration,
        duration_ms=duration * 1000 + jitter,
        pauses=pauses,
        end_reason=end_reason,
        winner=winner,
        limit=limit,
        end=end,
        file=file_time,
        endstats_delay=endstats,
        surrender_team=surrender_team,
    )


def plan_r1(
    rng: random.Random, cursor: int, info: MapInfo, feature: str | None, paused: bool
) -> Half:
    """R1 outcome: objective in 35-85 % of the limit (below the Lua's 90 % 'time_expired' line),
    a full hold, or the attackers' surrender after a few minutes."""
    limit = info.limit_seconds
    defender = info.defender_team
    attacker = ALLIES if defender == AXIS else AXIS
    warmup = rng.randint(40, 150)
    start = cursor + warmup
    surrender_team = 0
    if feature == "surrender":
        duration = rng.randint(int(limit * 0.3), int(limit * 0.45))
        end_reason, winner, surrender_team = END_SURRENDER, defender, attacker
    elif feature == "full_hold" or (feature is None and rng.random() < 0.12):
        duration, end_reason, winner = limit, END_TIME_EXPIRED, defender
    elif feature == "fractional" and 0.85 * limit > FRACTIONAL_R1_SECONDS:
        duration, end_reason, winner = FRACTIONAL_R1_SECONDS, END_OBJECTIVE, attacker
    else:
        duration = rng.randint(int(limit * 0.35), int(limit * 0.85))
        end_reason, winner = END_OBJECTIVE, attacker
    count = 2 if paused else (1 if rng.random() < 0.05 else 0)
    pauses = _pauses(rng, duration, count)
    return _finish_half(
        rng, start, warmup, duration, end_reason, winner, limit, pauses, surrender_team
    )


def plan_r2(rng: random.Random, r1: Half, info: MapInfo) -> Half:
    """R2: the limit is R1's time (the full limit after a hold or surrender); the new attackers
    (R1's defending team, now on the attacking side) either beat it or are held."""
    limit = r1.duration if r1.end_reason == END_OBJECTIVE else r1.limit
    defender = info.defender_team
    attacker = ALLIES if defender == AXIS else AXIS
    warmup = rng.randint(20, 60)
    start = r1.file + rng.randint(20, 45) + warmup
    if rng.random() < 0.5 and limit >= 90:
        duration = rng.randint(int(limit * 0.5), int(limit * 0.88))
        end_reason, winner = END_OBJECTIVE, attacker
    else:
        duration, end_reason, winner = limit, END_TIME_EXPIRED, defender
    pauses = _pauses(rng, duration, 1 if rng.random() < 0.05 else 0)
    return _finish_half(rng, start, warmup, duration, end_reason, winner, limit, pauses, 0)
