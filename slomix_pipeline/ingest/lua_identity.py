"""The identity of a Lua round end in the warehouse: its natural key, stable id and match id.

The id is derived from the round end itself, never from a sequence, so the same round end gets
the same ``lua_round_teams.id`` in any run order and links survive a rebuild.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from slomix_pipeline.domain.identity import stable_id
from slomix_pipeline.domain.lua_records import (
    LuaRoundKey,
)


def lua_round_key(key: LuaRoundKey) -> str:
    """Natural key text of a round end (input of its deterministic id)."""
    return f"lua:{key.map_key}:R{key.round_number}:{key.round_start_unix}:{key.round_end_unix}"


def lua_round_id(key: LuaRoundKey) -> int:
    """``lua_round_teams.id``: the same round end always gets the same id, in any run order."""
    return stable_id(lua_round_key(key))


def match_id_of(round_end_unix: int, tz: ZoneInfo) -> str:
    """Upstream's ``match_id`` (round end on the wall clock), here in the *server's* zone."""
    return datetime.fromtimestamp(round_end_unix, tz).strftime("%Y-%m-%d-%H%M%S")
