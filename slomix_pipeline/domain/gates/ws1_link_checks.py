"""WS1 per-link checks: does one stored link join rows that really belong together?

Map key, round number, Lua end vs file time (within the link tolerance), start vs start (unless
the Lua's warm-up timelimit cap explains the difference) and the Lua row's own enums. Kept apart
from :mod:`~slomix_pipeline.domain.gates.ws1_lua_links`, which walks the links and counts, so
each tolerance rule can be read on its own.
"""

from __future__ import annotations

from slomix_pipeline.domain.gates.verdicts import GateFailure
from slomix_pipeline.domain.gates.ws0_records import SIDES
from slomix_pipeline.domain.gates.ws1_records import (
    END_REASONS,
    WS1_ENUM_INVALID,
    WS1_MAP_MISMATCH,
    WS1_ROUND_MISMATCH,
    WS1_START_MISMATCH,
    WS1_TIME_MISMATCH,
    LinkedRound,
    LuaRoundEnd,
)
from slomix_pipeline.domain.linking.records import file_time_delta
from slomix_pipeline.domain.lua_cap import warmup_cap_shift


def link_failures(
    r: LinkedRound, lua: LuaRoundEnd, tolerance_s: int, start_tolerance_s: int
) -> list[GateFailure]:
    out = []
    pair = f"{r.round_key} <-> {lua.label}"
    if lua.map_key != r.map_key:
        out.append(GateFailure(r.round_key, WS1_MAP_MISMATCH, f"{pair}: {lua.map_key!r}"))
    if lua.round_number != r.round_number:
        out.append(
            GateFailure(r.round_key, WS1_ROUND_MISMATCH, f"{pair}: Lua says R{lua.round_number}")
        )
    delta = file_time_delta(lua.round_end_unix, r.file_time_unix, r.alt_file_time_unix)
    if abs(delta) > tolerance_s:
        out.append(
            GateFailure(
                r.round_key,
                WS1_TIME_MISMATCH,
                f"{pair}: Lua end - file time = {delta} s (limit {tolerance_s} s)",
            )
        )
    if r.round_start_unix and lua.round_start_unix > 0:
        start_delta = lua.round_start_unix - r.round_start_unix
        if abs(start_delta) > start_tolerance_s and not _cap_explains(r, lua, start_tolerance_s):
            out.append(
                GateFailure(
                    r.round_key,
                    WS1_START_MISMATCH,
                    f"{pair}: start {r.round_start_unix} (proximity) vs {lua.round_start_unix} "
                    f"(Lua), {start_delta} s apart (limit {start_tolerance_s} s; the warm-up "
                    "timelimit cap does not explain it)",
                )
            )
    return out


def _cap_explains(r: LinkedRound, lua: LuaRoundEnd, tolerance_s: int) -> bool:
    """Whether the Lua's warm-up timelimit cap explains a later Lua start (a correct link)."""
    if not r.round_start_unix:
        return False
    shift = warmup_cap_shift(
        r.round_start_unix,
        lua.round_start_unix,
        lua.actual_duration_seconds,
        lua.timelimit_minutes,
        lua.warmup_seconds,
        tolerance_s,
    )
    return shift is not None


def start_shifted_by_cap(r: LinkedRound, lua: LuaRoundEnd, tolerance_s: int) -> bool:
    """A link whose starts differ by more than the tolerance, explained by the timelimit cap."""
    if not (r.round_start_unix and lua.round_start_unix > 0):
        return False
    delta = lua.round_start_unix - r.round_start_unix
    return abs(delta) > tolerance_s and _cap_explains(r, lua, tolerance_s)


def enum_failures(lua: LuaRoundEnd) -> list[GateFailure]:
    bad = []
    if lua.end_reason not in END_REASONS:
        bad.append(f"end_reason={lua.end_reason!r}")
    if lua.winner_team not in SIDES:
        bad.append(f"winner_team={lua.winner_team}")
    if lua.defender_team not in SIDES:
        bad.append(f"defender_team={lua.defender_team}")
    if lua.round_number not in (1, 2):
        bad.append(f"round_number={lua.round_number}")
    return [GateFailure(lua.label, WS1_ENUM_INVALID, ", ".join(bad))] if bad else []
