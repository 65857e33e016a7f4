"""The round draft: a mutable record filled from an embed (and, for gametime files, from meta)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from slomix_pipeline.domain.lua_records import LuaPause, RosterPlayer, SpawnStat
from slomix_pipeline.domain.lua_rejections import RejectReason
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


FieldReader = Callable[[Mapping[str, Any], str, list[str]], Any]

# (draft attribute, field key, reader) in reading order (the order of the legacy warnings);
# ``lookup`` keeps text, ``int_field`` rejects a non-number, ``optional_int`` only warns.
_LEADING_FIELDS: tuple[tuple[str, str, FieldReader], ...] = (
    ("map_name", "map", lookup),
    ("round_raw", "round", int_field),
    ("round_start_unix", "round_start", int_field),
    ("round_end_unix", "round_end", int_field),
    ("winner_raw", "winner", lookup),
    ("defender_raw", "defender", lookup),
    ("playtime_seconds", "playtime", optional_int),
)
_TRAILING_FIELDS: tuple[tuple[str, str, FieldReader], ...] = (
    ("end_reason_raw", "end_reason", lookup),
    ("warmup_seconds", "warmup", optional_int),
    ("warmup_start_unix", "warmup_start", optional_int),
    ("surrender_team_raw", "surrender_team", lookup),
    ("caller_guid", "caller_guid", lookup),
    ("caller_name", "caller_name", lookup),
    ("axis_score", "axis_score", optional_int),
    ("allies_score", "allies_score", optional_int),
)
# (draft attribute, field key, list reader, name in warnings and rejections)
_JSON_FIELDS: tuple[tuple[str, str, Callable[[Any, str, list[str]], Any], str], ...] = (
    ("axis_players", "axis_json", read_roster, "axis_json"),
    ("allies_players", "allies_json", read_roster, "allies_json"),
    ("pauses", "pauses_json", read_pauses, "lua_pauses_json"),
    ("spawn_stats", "spawn_json", read_spawn_stats, "spawn_stats"),
)


def _read_fields(
    draft: RoundDraft, fields: Mapping[str, Any], table: tuple[tuple[str, str, FieldReader], ...]
) -> None:
    for attribute, key, read in table:
        setattr(draft, attribute, read(fields, key, draft.warnings))


def read_embed(embed: Any, draft: RoundDraft) -> None:
    """Fill ``draft`` from one STATS_READY embed (fields by name, current and legacy names)."""
    warnings = draft.warnings
    if not isinstance(embed, dict):
        raise reject(RejectReason.WRONG_TYPE, "embed: expected an object")
    fields = field_map(embed.get("fields", []), warnings)
    _read_fields(draft, fields, _LEADING_FIELDS)
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
    _read_fields(draft, fields, _TRAILING_FIELDS)
    for attribute, key, read_list, what in _JSON_FIELDS:
        if (text := lookup(fields, key, warnings)) is not None:
            setattr(draft, attribute, read_list(text, what, warnings))
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
