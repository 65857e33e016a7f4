"""WS1 Lua links: the reason codes, defaults and records the link integrity gate judges.

A stats round and a Lua round end each carry their stored link (``round_links`` /
``lua_round_links``); the gate checks the two sides against each other. The records are shared
with the coverage gate (:mod:`slomix_pipeline.domain.gate_coverage`), which classifies what the
links could not find.
"""

from __future__ import annotations

from dataclasses import dataclass

from slomix_pipeline.domain.lua_end_reason import EndReason

WS1_LINK_ROW_MISSING = "link_row_missing"
WS1_ROUND_WITHOUT_LUA = "round_without_lua"
WS1_LUA_UNLINKED = "lua_unlinked"
WS1_LINKED_TWICE = "round_linked_twice"
WS1_LINK_DISAGREEMENT = "link_disagreement"
WS1_LINK_DANGLING = "link_dangling"
WS1_MAP_MISMATCH = "link_map_mismatch"
WS1_ROUND_MISMATCH = "link_round_mismatch"
WS1_TIME_MISMATCH = "link_time_mismatch"
WS1_START_MISMATCH = "link_start_mismatch"
WS1_ENUM_INVALID = "lua_enum_invalid"

END_REASONS: frozenset[str] = frozenset(e.value for e in EndReason)
DEFAULT_GRACE_S = 15 * 60


@dataclass(frozen=True, slots=True)
class LinkedRound:
    """A stats round with its stored link (``round_links``) and what integrity needs.

    ``link_reason`` None means ``linked_rounds`` has no row for the round yet;
    ``alt_file_time_unix`` is the second reading of a file time in a DST repeated hour;
    ``round_start_unix`` is the start its proximity file gives it, when one does.
    """

    round_id: int
    round_key: str
    map_key: str
    round_number: int
    file_time_unix: int
    lua_round_id: int | None
    link_reason: str | None
    alt_file_time_unix: int | None = None
    round_start_unix: int | None = None


@dataclass(frozen=True, slots=True)
class LuaRoundEnd:
    """A Lua round end (``lua_round_teams``) with its stored link (``lua_round_links``)."""

    lua_round_id: int
    label: str
    map_key: str
    round_number: int
    round_start_unix: int
    round_end_unix: int
    end_reason: str
    winner_team: int
    defender_team: int
    round_id: int | None
    link_reason: str | None
    actual_duration_seconds: int | None = None
    timelimit_minutes: float | None = None
    warmup_seconds: int | None = None


def lua_label(match_id: str, map_key: str, round_number: int) -> str:
    """How a Lua round end is named in gate metadata (end time on the server clock)."""
    return f"lua {match_id}-{map_key}-R{round_number}"
