"""The Lua round-end records: the one event both sources become, and what it is made of.

The game server's Lua script reports every round end twice, as a STATS_READY webhook body and as
a gametime file. Both parsers (``formats.webhook``, ``formats.gametime``) produce the same
:class:`LuaRoundEnd`, so everything downstream is source-agnostic. The values a round end states
about its round (:class:`LuaRoundValues`) are shared with the merged row
(:class:`~slomix_pipeline.domain.lua_merged_rows.LuaRoundTeam`), so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from slomix_pipeline.domain.lua_end_reason import EndReason

SOURCE_WEBHOOK = "webhook"
SOURCE_GAMETIME = "gametime"


class RosterPlayer(NamedTuple):
    """One player on a side at round end. ``guid`` may be empty (bots, clients without cl_guid)."""

    guid: str
    name: str


class LuaPause(NamedTuple):
    """One closed pause as the Lua reports it (epoch seconds, ``seconds`` >= 1)."""

    n: int
    start_unix: int
    end_unix: int
    seconds: int


@dataclass(frozen=True, slots=True)
class SpawnStat:
    """Per-player respawn figures for one round (only players with spawns or deaths)."""

    guid: str
    name: str
    spawns: int
    deaths: int
    dead_seconds: int
    avg_respawn_seconds: int
    max_respawn_seconds: int


class LuaRoundKey(NamedTuple):
    """Identity of a real round end; both sources of the same round share it."""

    map_key: str
    round_number: int
    round_start_unix: int
    round_end_unix: int


@dataclass(frozen=True, slots=True)
class LuaRoundValues:
    """What a round end states about its round, the same in one delivery and in the merged row.

    Optional figures are ``None`` when the source did not carry them (as opposed to a sent zero),
    so the merge can fill them from the other source. Side codes use 0 for "unknown".
    """

    map_key: str
    round_number: int
    round_start_unix: int
    round_end_unix: int
    map_name: str
    actual_duration_seconds: int | None
    total_pause_seconds: int | None
    pause_count: int | None
    pauses: tuple[LuaPause, ...]
    end_reason: EndReason
    end_reason_raw: str | None
    winner_team: int
    defender_team: int
    timelimit_minutes: float | None
    warmup_seconds: int | None
    warmup_start_unix: int | None
    surrender_team: int
    surrender_caller_guid: str | None
    surrender_caller_name: str | None
    axis_score: int | None
    allies_score: int | None
    axis_players: tuple[RosterPlayer, ...]
    allies_players: tuple[RosterPlayer, ...]
    lua_version: str | None

    @property
    def key(self) -> LuaRoundKey:
        return LuaRoundKey(
            self.map_key, self.round_number, self.round_start_unix, self.round_end_unix
        )


@dataclass(frozen=True, slots=True)
class LuaRoundEnd(LuaRoundValues):
    """One normalised Lua round-end event, whichever source it came from."""

    source: str
    spawn_stats: tuple[SpawnStat, ...]
    message_id: str | None
    warnings: tuple[str, ...]
