"""What the Lua reports for a simulated round: the round spec, its end reason, the drop name.

The end reason is the Lua's clock-based reading, not what really happened; pre-v1.2 bodies and
the older round ``0`` produce known parser warnings, listed here for the truth.
"""

from __future__ import annotations

import json

from slomix_pipeline.formats.webhook import is_stats_ready, message_kind
from slomix_pipeline.landing.zone import (
    content_addressed_name,
)
from slomix_pipeline.sample_data.lua_render import (
    LUA_VERSION,
    LuaRoundSpec,
    PauseSpec,
    SpawnSpec,
)
from slomix_pipeline.sample_data.model import ALLIES, AXIS, SimRound

LEGACY_LUA_VERSION = "1.1.0"
LEGACY_WARNINGS: tuple[str, ...] = (
    "legacy_field:duration",
    "legacy_field:end reason",
    "legacy_field:end unix",
    "legacy_field:pauses",
    "legacy_field:start unix",
    "legacy_field:time limit",
)
"""What the parser notes for a pre-v1.2 body: one warning per field read under its old name."""
ROUND_ZERO_WARNINGS: tuple[str, ...] = ("round_0_mapped_to_2",)

END_REASON_CODES = {
    "objective": "OBJECTIVE",
    "surrender": "SURRENDER",
    "time_expired": "TIME_EXPIRED",
}


def lua_end_reason(r: SimRound) -> str:
    """The end reason the Lua computes from the clock, not from what really happened.

    Play at or beyond 90 % of the limit reads ``time_expired`` (even an objective finished late),
    else a surrender vote reads ``surrender``, else a known winner reads ``objective``.
    """
    if r.timelimit_seconds > 0 and r.actual_duration_seconds >= 0.9 * r.timelimit_seconds:
        return "time_expired"
    if r.surrender_team:
        return "surrender"
    return "objective" if r.winner_team else "surrender"


def _lua_guid(guid32: str, is_bot: bool) -> str:
    """Omni-bots have no ``cl_guid``: the Lua lists them with an empty GUID."""
    return "" if is_bot else guid32[:32]


def round_spec(r: SimRound, *, lua_version: str = LUA_VERSION) -> LuaRoundSpec:
    """What the Lua reports for a simulated round (rosters at round end, colour codes stripped)."""

    def roster(team: int) -> tuple[tuple[str, str], ...]:
        return tuple(
            (_lua_guid(p.player.guid32, p.player.is_bot), p.player.clean_name)
            for p in r.players
            if p.team == team
        )

    caller = r.player(r.surrender_caller_guid32) if r.surrender_caller_guid32 else None
    start = r.round_start_unix
    return LuaRoundSpec(
        map_name=r.map_name,
        round_number=r.round_number,
        round_start_unix=start,
        round_end_unix=r.round_end_unix,
        actual_duration_seconds=r.actual_duration_seconds,
        end_reason=lua_end_reason(r),
        winner=r.winner_team,
        defender=r.defender_team,
        timelimit_minutes=r.timelimit_minutes,
        axis=roster(AXIS),
        allies=roster(ALLIES),
        pauses=tuple(PauseSpec(start + off, start + off + length) for off, length in r.pauses),
        warmup_seconds=r.warmup_seconds,
        warmup_start_unix=start - r.warmup_seconds,
        surrender_team=r.surrender_team,
        surrender_caller_guid=r.surrender_caller_guid32,
        surrender_caller_name=caller.player.clean_name if caller else "",
        axis_score=1 if r.winner_team == AXIS else 0,
        allies_score=1 if r.winner_team == ALLIES else 0,
        spawn_stats=tuple(
            SpawnSpec(
                p.player.guid32,
                p.player.clean_name,
                p.spawns,
                p.deaths,
                p.dead_seconds,
                p.max_respawn_seconds,
            )
            for p in r.players
            if not p.player.is_bot
        ),
        lua_version=lua_version,
    )


def webhook_drop_name(data: bytes) -> str:
    """The name the receiver lands a body under (``<kind>_<sha256>.json``), same rule."""
    body = json.loads(data)
    kind = "stats_ready" if is_stats_ready(body) else message_kind(body)
    return content_addressed_name(data, f"{kind}_", ".json")
