"""Render Lua round ends the way the game server's Lua script emits them (for the sample data).

From one ``LuaRoundSpec`` this produces the STATS_READY webhook body (bytes, as POSTed) and the
gametime fallback file (name and bytes, as written to disk). The spec holds the values *as
emitted* (after the Lua's own timelimit cap and round mapping): the simulator decides what
happened, this module only formats it.

Format choices mirror the Lua v1.7.2 output: compact JSON, non-ASCII passed through raw, control
characters escaped (``\\n`` etc. and ``\\u00XX``), embed values as strings, rosters and pauses as
JSON *text* inside field values, timelimit integral when whole and else up to three decimals.
Flags produce the variants the parsers must cope with: pre-v1.2 field names, a raw ``0`` for R2,
and the gametime ``payload`` / ``spawn_stats`` written as JSON strings instead of objects.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

LUA_VERSION = "1.7.2"
STATS_USERNAME = "ET:Legacy Stats"
EMBED_COLOR = 3447003
EMBED_DESCRIPTION = (
    "Round timing reported by the game server. Winner/Defender: 1 = Axis, 2 = Allies, "
    "0 = unknown. Times are Unix epoch seconds; playtime excludes pauses."
)


@dataclass(frozen=True, slots=True)
class PauseSpec:
    """One closed pause (epoch seconds)."""

    start_unix: int
    end_unix: int

    @property
    def seconds(self) -> int:
        return max(1, self.end_unix - self.start_unix)


@dataclass(frozen=True, slots=True)
class SpawnSpec:
    """One player's respawn figures for the round (only players who spawned or died)."""

    guid: str
    name: str
    spawns: int
    deaths: int
    dead_seconds: int
    max_respawn: int

    @property
    def avg_respawn(self) -> int:
        return self.dead_seconds // self.deaths if self.deaths else 0


@dataclass(frozen=True, slots=True)
class LuaRoundSpec:
    """Everything the Lua reports about one round end, as it would emit it.

    ``round_number`` is the mapped round (1 or 2). ``end_reason`` is the raw Lua string
    (``objective`` / ``surrender`` / ``time_expired``). Rosters are ``(guid, name)`` pairs with
    colour codes already stripped; a guid may be empty (bots). ``open_pause`` counts a pause still
    running at round end: it is in the count but not in seconds or events, as the Lua does.
    """

    map_name: str
    round_number: int
    round_start_unix: int
    round_end_unix: int
    actual_duration_seconds: int
    end_reason: str
    winner: int
    defender: int
    timelimit_minutes: float
    axis: tuple[tuple[str, str], ...] = ()
    allies: tuple[tuple[str, str], ...] = ()
    pauses: tuple[PauseSpec, ...] = ()
    open_pause: bool = False
    warmup_seconds: int = 0
    warmup_start_unix: int = 0
    surrender_team: int = 0
    surrender_caller_guid: str = ""
    surrender_caller_name: str = ""
    axis_score: int = 0
    allies_score: int = 0
    spawn_stats: tuple[SpawnSpec, ...] = ()
    server_ip: str = ""
    server_port: str = "27960"
    lua_version: str = LUA_VERSION

    @property
    def pause_seconds(self) -> int:
        return sum(p.seconds for p in self.pauses)

    @property
    def pause_count(self) -> int:
        return len(self.pauses) + (1 if self.open_pause else 0)


def _json(value: Any) -> str:
    """Compact JSON with the Lua's escaping (quotes, backslash, control bytes; UTF-8 raw)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def format_timelimit(minutes: float) -> str:
    """``12`` for whole minutes, else up to three decimals with trailing zeros trimmed."""
    if float(minutes).is_integer():
        return str(int(minutes))
    return f"{minutes:.3f}".rstrip("0").rstrip(".")


def spawn_summary(spec: LuaRoundSpec) -> str:
    """The human one-liner the Lua adds to the embed (not parsed downstream)."""
    stats = spec.spawn_stats
    deaths = sum(s.deaths for s in stats)
    avg = sum(s.dead_seconds for s in stats) // deaths if deaths else 0
    longest = max((s.max_respawn for s in stats), default=0)
    spawns = sum(s.spawns for s in stats)
    return f"Players:{len(stats)} | Spawns:{spawns} | AvgRespawn:{avg}s | MaxRespawn:{longest}s"


def _emitted_round(spec: LuaRoundSpec, round_zero: bool) -> int:
    return 0 if round_zero and spec.round_number == 2 else spec.round_number


def _roster(players: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    return [{"guid": guid[:32], "name": name} for guid, name in players]


def _pause_events(spec: LuaRoundSpec) -> list[dict[str, int]]:
    return [
        {"n": n, "start": p.start_unix, "end": p.end_unix, "sec": p.seconds}
        for n, p in enumerate(spec.pauses, start=1)
    ]


def _round_fields(spec: LuaRoundSpec, round_zero: bool) -> list[tuple[str, str, bool]]:
    """The fields every layout opens with: map, round, winner and defender."""
    return [
        ("Map", spec.map_name, True),
        ("Round", str(_emitted_round(spec, round_zero)), True),
        ("Winner", str(spec.winner), True),
        ("Defender", str(spec.defender), True),
    ]


def _fields(spec: LuaRoundSpec, round_zero: bool) -> list[tuple[str, str, bool]]:
    pauses = f"{spec.pause_count} ({spec.pause_seconds} sec)"
    return [
        *_round_fields(spec, round_zero),
        ("Lua_Playtime", f"{spec.actual_duration_seconds} sec", True),
        ("Lua_Timelimit", f"{format_timelimit(spec.timelimit_minutes)} min", True),
        ("Lua_Pauses", pauses, True),
        ("Lua_EndReason", spec.end_reason, True),
        ("Lua_Warmup", f"{spec.warmup_seconds} sec", True),
        ("Lua_WarmupStart", str(spec.warmup_start_unix), True),
        ("Lua_RoundStart", str(spec.round_start_unix), True),
        ("Lua_RoundEnd", str(spec.round_end_unix), True),
        ("Lua_SurrenderTeam", str(spec.surrender_team), True),
        ("Lua_SurrenderCaller", spec.surrender_caller_guid, True),
        ("Lua_SurrenderCallerName", spec.surrender_caller_name, True),
        ("Lua_AxisScore", str(spec.axis_score), True),
        ("Lua_AlliesScore", str(spec.allies_score), True),
        ("Axis_JSON", _json(_roster(spec.axis)), False),
        ("Allies_JSON", _json(_roster(spec.allies)), False),
        ("Lua_Pauses_JSON", _json(_pause_events(spec)), False),
        ("Lua_SpawnSummary", spawn_summary(spec), False),
    ]


def _legacy_fields(spec: LuaRoundSpec, round_zero: bool) -> list[tuple[str, str, bool]]:
    """Pre-v1.2 layout: spelled-out names and display-only name lists instead of roster JSON."""
    return [
        *_round_fields(spec, round_zero),
        ("Duration", f"{spec.actual_duration_seconds} sec", True),
        ("Time Limit", f"{format_timelimit(spec.timelimit_minutes)} min", True),
        ("Pauses", f"{spec.pause_count} ({spec.pause_seconds} sec)", True),
        ("End Reason", spec.end_reason, True),
        ("Start Unix", str(spec.round_start_unix), True),
        ("End Unix", str(spec.round_end_unix), True),
        ("Axis", ", ".join(name for _, name in spec.axis) or "-", False),
        ("Allies", ", ".join(name for _, name in spec.allies) or "-", False),
    ]


def stats_ready_body(
    spec: LuaRoundSpec, *, legacy_names: bool = False, round_zero: bool = False
) -> dict[str, Any]:
    """The STATS_READY body as a JSON-ready object (key order as the Lua writes it)."""
    fields = _legacy_fields(spec, round_zero) if legacy_names else _fields(spec, round_zero)
    return {
        "username": STATS_USERNAME,
        "content": "STATS_READY",
        "embeds": [
            {
                "title": f"Round Complete: {spec.map_name} R{_emitted_round(spec, round_zero)}",
                "description": EMBED_DESCRIPTION,
                "color": EMBED_COLOR,
                "fields": [
                    {"name": name, "value": value, "inline": inline}
                    for name, value, inline in fields
                ],
                "footer": {"text": f"Slomix Lua Webhook v{spec.lua_version}"},
            }
        ],
    }


def render_stats_ready(
    spec: LuaRoundSpec, *, legacy_names: bool = False, round_zero: bool = False
) -> bytes:
    """The exact bytes the Lua POSTs to each configured webhook URL."""
    body = stats_ready_body(spec, legacy_names=legacy_names, round_zero=round_zero)
    return _json(body).encode("utf-8")


def gametime_file_name(spec: LuaRoundSpec, *, round_zero: bool = False) -> str:
    """``gametime-<safe_map>-R<round>-<round_end_unix>.json`` with the Lua's map sanitising."""
    allowed = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
    # Byte-wise, as the Lua's gsub works on bytes: a two-byte UTF-8 letter becomes "__".
    safe = "".join(chr(b) if b in allowed else "_" for b in spec.map_name.encode("utf-8"))
    return f"gametime-{safe}-R{_emitted_round(spec, round_zero)}-{spec.round_end_unix}.json"


def render_gametime(
    spec: LuaRoundSpec,
    *,
    legacy_names: bool = False,
    round_zero: bool = False,
    payload_as_string: bool = False,
    spawn_stats_as_string: bool = False,
) -> tuple[str, bytes]:
    """The gametime fallback file (name, bytes) the Lua writes before it launches the POST."""
    spawn = [
        {
            "guid": s.guid[:32],
            "name": s.name,
            "spawns": s.spawns,
            "deaths": s.deaths,
            "dead_seconds": s.dead_seconds,
            "avg_respawn": s.avg_respawn,
            "max_respawn": s.max_respawn,
        }
        for s in spec.spawn_stats
        if s.guid and (s.spawns or s.deaths)
    ]
    meta: dict[str, Any] = {
        "map": spec.map_name,
        "round": _emitted_round(spec, round_zero),
        "round_start_unix": spec.round_start_unix,
        "round_end_unix": spec.round_end_unix,
        "actual_duration_seconds": spec.actual_duration_seconds,
        "warmup_seconds": spec.warmup_seconds,
        "pause_seconds": spec.pause_seconds,
        "pause_count": spec.pause_count,
        "server_ip": spec.server_ip,
        "server_port": spec.server_port,
        "match_id": str(spec.round_end_unix),
        "spawn_stats": _json(spawn) if spawn_stats_as_string else spawn,
    }
    body = stats_ready_body(spec, legacy_names=legacy_names, round_zero=round_zero)
    document = {"meta": meta, "payload": _json(body) if payload_as_string else body}
    return gametime_file_name(spec, round_zero=round_zero), _json(document).encode("utf-8")
