"""Winner, end reason, stopwatch state and duration of one half, by source (pure rules)."""

from __future__ import annotations

import pytest

from slomix_pipeline.domain.stopwatch import (
    FULL_HOLD,
    MAP_CHANGE,
    OBJECTIVE,
    SURRENDER,
    TIME_EXPIRED,
    TIME_SET,
    HeaderFacts,
    LuaTiming,
    choose_duration,
    judge,
)


def header(
    defender: int = 1,
    winner: int = 2,
    limit: int | None = 600,
    clock: int | None = 456,
    ms: int | None = 456_300,
) -> HeaderFacts:
    return HeaderFacts(defender, winner, limit, clock, ms)


def lua(
    winner: int = 2,
    reason: str = "OBJECTIVE",
    playtime: int | None = 456,
    pauses: int = 0,
    limit_min: float | None = 10.0,
) -> LuaTiming:
    return LuaTiming(winner, 1, reason, playtime, pauses, limit_min)


@pytest.mark.parametrize(
    ("h", "lua_row", "expected"),
    [
        (header(), None, (2, OBJECTIVE, TIME_SET)),
        (header(winner=1, clock=600, ms=600_100), None, (1, TIME_EXPIRED, FULL_HOLD)),
        # Objective 29 s before the limit: the Lua's 90 % rule says time_expired.
        (header(clock=571, ms=571_000), lua(2, "TIME_EXPIRED", 571), (2, OBJECTIVE, TIME_SET)),
        # A surrender shows the full limit on the clock; the Lua says so.
        (header(winner=1, clock=600, ms=250_000), lua(1, "SURRENDER", 250), (1, SURRENDER, None)),
        # Without a Lua: a defender win long before the limit (header ms) was a surrender.
        (header(winner=1, clock=600, ms=250_000), None, (1, SURRENDER, None)),
        # Shutdown path: header ms not positive, winner field 1; the Lua's 0 is the answer.
        (header(winner=1, clock=0, ms=0), lua(0, "SURRENDER", 301), (0, MAP_CHANGE, None)),
        (header(winner=1, clock=0, ms=0), None, (0, MAP_CHANGE, None)),
        # Unknown sides: the clock as a last resort.
        (header(defender=0, winner=0, clock=590), None, (0, TIME_EXPIRED, FULL_HOLD)),
        (header(defender=0, winner=0, clock=400), None, (0, OBJECTIVE, TIME_SET)),
    ],
)  # fmt: skip
def test_judge(h: HeaderFacts, lua_row: LuaTiming | None, expected: tuple) -> None:
    v = judge(h, lua_row)
    assert (v.winner_team, v.end_reason, v.stopwatch_state) == expected


def test_duration_by_source_reliability() -> None:
    assert choose_duration(header(), lua(playtime=460), 600) == (456, "stats_duration")
    # Capped warm-up: the Lua reports the limit, the engine measured 681 s.
    assert choose_duration(header(ms=681_900), lua(playtime=720), 720) == (681, "stats_duration")
    assert choose_duration(header(ms=None), lua(playtime=460), 600) == (460, "lua")
    assert choose_duration(header(ms=None), None, 600) == (456, "stats_clock")
    # The R2 '0:00' estimate (4037 s for 10 minutes) is never accepted.
    assert choose_duration(header(ms=None, clock=4037), None, 600) == (None, "none")
    # Pauses lengthen nothing measured, but a source may count them: limit + pauses.
    assert choose_duration(header(ms=None), lua(playtime=640, pauses=45), 600) == (640, "lua")
    assert choose_duration(header(ms=None, clock=0), lua(playtime=700), 600) == (None, "none")
