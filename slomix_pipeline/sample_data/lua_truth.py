"""What ``lua_round_teams``, ``lua_spawn_stats`` and ``processed_files`` must hold for the
corpus's Lua files, stated independently of the parsers and the merge.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from slomix_pipeline.domain.identity import stable_id
from slomix_pipeline.domain.lua_values import map_key
from slomix_pipeline.landing.zone import (
    GAMETIMES_FOLDER,
)
from slomix_pipeline.sample_data.clock import SERVER_TZ, gaming_day
from slomix_pipeline.sample_data.lua_files import (
    GAMETIME,
    OBJECTIVE_PING,
    WEBHOOK,
    LandedLuaFile,
    plan_lua_deliveries,
)
from slomix_pipeline.sample_data.lua_render import (
    LUA_VERSION,
    format_timelimit,
)
from slomix_pipeline.sample_data.lua_spec import (
    END_REASON_CODES,
    LEGACY_LUA_VERSION,
    LEGACY_WARNINGS,
    ROUND_ZERO_WARNINGS,
    lua_end_reason,
    round_spec,
)
from slomix_pipeline.sample_data.model import SimCorpus, SimRound


@dataclass(frozen=True, slots=True)
class LuaFileTruth:
    """The ``processed_files`` outcome a landed Lua file must get."""

    source: str
    file_name: str
    kind: str
    status: str
    reason_code: str | None
    gaming_day: date
    sha256: str


@dataclass(frozen=True, slots=True)
class LuaTruth:
    """Expected rows, in the warehouse's column names.

    ``teams``: ``lua_round_teams.id`` -> every column; ``spawns``: ``(lua_round_id, guid)`` -> every
    column of ``lua_spawn_stats``; ``files``: ``(source, file name)`` -> outcome; ``scenarios``:
    planted case -> ``lua_round_teams.id`` (the ping -> the id of the round it interrupted).
    """

    teams: dict[int, dict[str, Any]]
    spawns: dict[tuple[int, str], dict[str, Any]]
    files: dict[tuple[str, str], LuaFileTruth]
    scenarios: dict[str, int]
    days: tuple[date, ...]


def expected_lua_round_id(r: SimRound) -> int:
    """The id convention: ``stable_id`` of ``lua:<map key>:R<n>:<start>:<end>``."""
    return stable_id(
        f"lua:{map_key(r.map_name)}:R{r.round_number}:{r.round_start_unix}:{r.round_end_unix}"
    )


def _day_of_epoch(epoch: int) -> date:
    return gaming_day(datetime.fromtimestamp(epoch, SERVER_TZ).replace(tzinfo=None))


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _round_identity(r: SimRound) -> dict[str, Any]:
    """The columns both Lua tables carry to name the round (day, match, map, number, times)."""
    return {
        "gaming_day": gaming_day(r.end_local),
        "match_id": f"{r.end_local:%Y-%m-%d-%H%M%S}",
        "map_key": map_key(r.map_name),
        "map_name": r.map_name,
        "round_number": r.round_number,
        "round_start_unix": r.round_start_unix,
        "round_end_unix": r.round_end_unix,
    }


def _team_truth(
    r: SimRound, legacy: bool, warnings: tuple[str, ...], files: Sequence[LandedLuaFile]
) -> dict[str, Any]:
    spec = round_spec(r)
    webhook = next((f for f in files if f.role == WEBHOOK), None)
    primary = webhook or files[0]
    gametime = next((f for f in files if f.role == GAMETIME), None)
    caller = spec.surrender_caller_name or None
    arrivals = [f.received_at for f in files]
    roster = _json([{"guid": g, "name": n} for g, n in spec.axis])
    allies = _json([{"guid": g, "name": n} for g, n in spec.allies])
    pauses = _json(
        [
            {"n": n, "start": p.start_unix, "end": p.end_unix, "sec": p.seconds}
            for n, p in enumerate(spec.pauses, start=1)
        ]
    )
    raw_reason = lua_end_reason(r)
    return {
        "id": expected_lua_round_id(r),
        **_round_identity(r),
        "actual_duration_seconds": r.actual_duration_seconds,
        "total_pause_seconds": r.total_pause_seconds,
        "pause_count": r.pause_count,
        "lua_pause_events": "[]" if legacy else pauses,
        "end_reason": END_REASON_CODES[raw_reason],
        "end_reason_raw": raw_reason,
        "winner_team": r.winner_team,
        "defender_team": r.defender_team,
        "timelimit_minutes": float(format_timelimit(r.timelimit_minutes)),
        "lua_warmup_seconds": None if legacy else r.warmup_seconds,
        "lua_warmup_start_unix": None if legacy else r.round_start_unix - r.warmup_seconds,
        "surrender_team": 0 if legacy else r.surrender_team,
        "surrender_caller_guid": None if legacy else (r.surrender_caller_guid32 or None),
        "surrender_caller_name": None if legacy else caller,
        "axis_score": None if legacy else spec.axis_score,
        "allies_score": None if legacy else spec.allies_score,
        "axis_players": "[]" if legacy else roster,
        "allies_players": "[]" if legacy else allies,
        "lua_version": LEGACY_LUA_VERSION if legacy else LUA_VERSION,
        "sources": "+".join(s for s in (WEBHOOK, GAMETIME) if any(f.role == s for f in files)),
        "event_count": len(files),
        "first_seen_at": min(arrivals),
        "last_update_at": max(arrivals),
        "spawn_source_file": gametime.name if gametime else None,
        "warnings": "; ".join(sorted(warnings)) or None,
        "source_file": primary.name,
        "source_sha256": primary.sha256,
    }


def _spawn_truth(r: SimRound, gametime: LandedLuaFile) -> dict[tuple[int, str], dict[str, Any]]:
    round_id = expected_lua_round_id(r)
    out: dict[tuple[int, str], dict[str, Any]] = {}
    for p in r.players:
        if p.player.is_bot or not (p.spawns or p.deaths):
            continue
        out[(round_id, p.player.guid32)] = {
            "lua_round_id": round_id,
            "player_guid": p.player.guid32,
            **_round_identity(r),
            "player_name": p.player.clean_name,
            "spawn_count": p.spawns,
            "death_count": p.deaths,
            "dead_seconds": p.dead_seconds,
            "avg_respawn_seconds": p.avg_respawn_seconds,
            "max_respawn_seconds": p.max_respawn_seconds,
            "source": GAMETIME,
            "source_file": gametime.name,
            "source_sha256": gametime.sha256,
        }
    return out


def _file_truth(f: LandedLuaFile, r: SimRound) -> LuaFileTruth:
    source = GAMETIME if f.folder == GAMETIMES_FOLDER else WEBHOOK
    if f.role in {WEBHOOK, GAMETIME}:
        kind = "gametime" if f.role == GAMETIME else "stats_ready"
        status, reason, day = "loaded", None, gaming_day(r.end_local)
    elif f.role == "malformed":
        kind, status, reason = "stats_ready", "rejected", "malformed_json"
        day = _day_of_epoch(f.received_at)
    else:
        kind, status, reason = "objective_update", "ignored", "not_stats_ready"
        day = _day_of_epoch(f.received_at)
    return LuaFileTruth(source, f.name, kind, status, reason, day, f.sha256)


def lua_truth(corpus: SimCorpus) -> LuaTruth:
    """What the Lua tables and ``processed_files`` must hold for the corpus's Lua files."""
    plan = plan_lua_deliveries(corpus)
    landed = plan.landed()
    by_round: dict[int, list[LandedLuaFile]] = {}
    files: dict[tuple[str, str], LuaFileTruth] = {}
    for f in landed.values():
        r = plan.rounds[f.round_index]
        truth = _file_truth(f, r)
        files[(truth.source, truth.file_name)] = truth
        if f.role in {WEBHOOK, GAMETIME}:
            by_round.setdefault(f.round_index, []).append(f)
    inverse = {index: name for name, index in plan.scenarios.items() if name != OBJECTIVE_PING}
    teams: dict[int, dict[str, Any]] = {}
    spawns: dict[tuple[int, str], dict[str, Any]] = {}
    for index, round_files in sorted(by_round.items()):
        r = plan.rounds[index]
        scenario = inverse.get(index)
        warnings = {
            "legacy": LEGACY_WARNINGS,
            "round_zero": ROUND_ZERO_WARNINGS,
        }.get(scenario or "", ())
        row = _team_truth(r, scenario == "legacy", warnings, round_files)
        teams[row["id"]] = row
        gametime = next((f for f in round_files if f.role == GAMETIME), None)
        if gametime is not None:
            spawns.update(_spawn_truth(r, gametime))
    scenarios = {
        name: expected_lua_round_id(plan.rounds[index]) for name, index in plan.scenarios.items()
    }
    days = {row["gaming_day"] for row in teams.values()} | {t.gaming_day for t in files.values()}
    return LuaTruth(teams, spawns, files, scenarios, tuple(sorted(days)))
