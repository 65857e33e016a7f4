"""The round draft: a mutable record filled from an embed (and, for gametime files, from meta)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from slomix_pipeline.domain.lua_events import (
    LuaPause,
    RejectReason,
    RosterPlayer,
    SpawnStat,
)
from slomix_pipeline.formats.webhook.fields import field_map, int_field, lookup, optional_int
from slomix_pipeline.formats.webhook.lists import read_pauses, read_roster, read_spawn_stats
from slomix_pipeline.formats.webhook.values import parse_float_text, reject

_PAUSES_RE = re.compile(r"^\s*(\d+)\s*(?:\(\s*(\d+)\s*(?:sec|s)?\s*\))?\s*$")
_VERSION_RE = re.compile(r"v(\d+\.\d+(?:\.\d+)?)")


@dataclass(slots=True)
class RoundDraft:
    """Mutable scratch record while reading one source; ``finish_round_end`` freezes it.

    Every attribute is ``None`` until a source provides it, which is what lets the gametime
    parser fill gaps of the embed from its ``meta`` block.
    """

    map_name: str | None = None
    round_raw: int | None = None
    round_start_unix: int | None = None
    round_end_unix: int | None = None
    playtime_seconds: int | None = None
    timelimit_minutes: float | None = None
    pause_count: int | None = None
    pause_seconds: int | None = None
    pauses: tuple[LuaPause, ...] | None = None
    end_reason_raw: str | None = None
    winner_raw: str | None = None
    defender_raw: str | None = None
    warmup_seconds: int | None = None
    warmup_start_unix: int | None = None
    surrender_team_raw: str | None = None
    caller_guid: str | None = None
    caller_name: str | None = None
    axis_score: int | None = None
    allies_score: int | None = None
    axis_players: tuple[RosterPlayer, ...] | None = None
    allies_players: tuple[RosterPlayer, ...] | None = None
    spawn_stats: tuple[SpawnStat, ...] | None = None
    lua_version: str | None = None
    message_id: str | None = None
    warnings: list[str] = field(default_factory=list)


def read_embed(embed: Any, draft: RoundDraft) -> None:
    """Fill ``draft`` from one STATS_READY embed (fields by name, current and legacy names)."""
    warnings = draft.warnings
    if not isinstance(embed, dict):
        raise reject(RejectReason.WRONG_TYPE, "embed: expected an object")
    fields = field_map(embed.get("fields", []), warnings)
    draft.map_name = lookup(fields, "map", warnings)
    draft.round_raw = int_field(fields, "round", warnings)
    draft.round_start_unix = int_field(fields, "round_start", warnings)
    draft.round_end_unix = int_field(fields, "round_end", warnings)
    draft.winner_raw = lookup(fields, "winner", warnings)
    draft.defender_raw = lookup(fields, "defender", warnings)
    draft.playtime_seconds = optional_int(fields, "playtime", warnings)
    if (limit := lookup(fields, "timelimit", warnings)) is not None and limit.strip():
        draft.timelimit_minutes = parse_float_text(limit)
        if draft.timelimit_minutes is None:
            warnings.append("unparseable:lua_timelimit")
    if (pauses := lookup(fields, "pauses", warnings)) is not None and pauses.strip():
        if match := _PAUSES_RE.match(pauses):
            draft.pause_count = int(match.group(1))
            draft.pause_seconds = int(match.group(2)) if match.group(2) is not None else None
        else:
            warnings.append("unparseable:lua_pauses")
    draft.end_reason_raw = lookup(fields, "end_reason", warnings)
    draft.warmup_seconds = optional_int(fields, "warmup", warnings)
    draft.warmup_start_unix = optional_int(fields, "warmup_start", warnings)
    draft.surrender_team_raw = lookup(fields, "surrender_team", warnings)
    draft.caller_guid = lookup(fields, "caller_guid", warnings)
    draft.caller_name = lookup(fields, "caller_name", warnings)
    draft.axis_score = optional_int(fields, "axis_score", warnings)
    draft.allies_score = optional_int(fields, "allies_score", warnings)
    if (axis := lookup(fields, "axis_json", warnings)) is not None:
        draft.axis_players = read_roster(axis, "axis_json", warnings)
    if (allies := lookup(fields, "allies_json", warnings)) is not None:
        draft.allies_players = read_roster(allies, "allies_json", warnings)
    if (pause_json := lookup(fields, "pauses_json", warnings)) is not None:
        draft.pauses = read_pauses(pause_json, "lua_pauses_json", warnings)
    if (spawn_json := lookup(fields, "spawn_json", warnings)) is not None:
        draft.spawn_stats = read_spawn_stats(spawn_json, "spawn_stats", warnings)
    footer = embed.get("footer")
    footer_text = footer.get("text") if isinstance(footer, dict) else None
    if isinstance(footer_text, str) and (match := _VERSION_RE.search(footer_text)):
        draft.lua_version = match.group(1)


def first_embed(body: Mapping[str, Any]) -> Any:
    embeds = body.get("embeds")
    if embeds is None or embeds == []:
        raise reject(RejectReason.MISSING_FIELD, "STATS_READY body without embeds")
    if not isinstance(embeds, list):
        raise reject(RejectReason.WRONG_TYPE, "embeds: expected a list")
    return embeds[0]
