"""STATS_READY webhook bodies (the Discord execute-webhook JSON the Lua posts) -> ``LuaRoundEnd``.

The round facts live in the embed's fields, every value a string: plain numbers, numbers with a
unit (``"562 sec"``, ``"7.433 min"``), ``"<count> (<seconds> sec)"`` for pauses, and JSON *text*
for the rosters and pause list. Fields are looked up by case-insensitive name, current names
first and pre-v1.2 names (``End Reason``, ``Start Unix``, ...) as fallbacks.

Policy for bad input (each rejection carries a ``RejectReason`` and a detail):

* the body itself is not JSON, not an object, or a required field (map, round, round start/end)
  is missing or not a number -> rejected;
* structurally wrong JSON text (rosters, pauses, spawn stats not a list of objects, non-numeric
  counters) -> rejected, because the Lua never produces that and a human should look;
* a roster or spawn list longer than the 64-client limit -> rejected (``oversized_roster``);
* control bytes in names (pre-v1.6.4 Lua wrote them unescaped, which made the whole body invalid
  JSON and silently lost the round upstream) -> the JSON is read leniently, the bytes are
  *stripped* and a warning recorded: a cosmetic name must not cost the round's timing. Control
  bytes in the *map name* are rejected instead, since the map is part of the event identity;
* an unparseable optional figure (warmup, scores, ...) -> ``None`` plus a warning.

This module also holds the draft/finish machinery the gametime parser reuses, because a gametime
file embeds the very same body.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from slomix_pipeline.domain.lua_events import (
    MAX_EPOCH,
    MAX_GUID_CHARS,
    MAX_MAP_CHARS,
    MAX_NAME_CHARS,
    MAX_PAUSES,
    MAX_PLAYERS,
    SHORT_ROUND_SECONDS,
    SOURCE_WEBHOOK,
    EventRejected,
    IgnoredMessage,
    LuaPause,
    LuaRejection,
    LuaRoundEnd,
    RejectReason,
    RosterPlayer,
    SpawnStat,
    has_control_chars,
    is_known_end_reason,
    map_key,
    normalise_end_reason,
    normalise_round,
    normalise_side,
    strip_control_chars,
)
from slomix_pipeline.formats.limits import (
    INT32_MAX,
    INT32_MIN,
    MAX_INT_DIGITS,
    MAX_JSON_DEPTH,
    first_lone_surrogate,
    in_int32,
    json_depth,
)

MAX_BODY_BYTES = 262_144
STATS_READY = "STATS_READY"

WebhookParse = LuaRoundEnd | IgnoredMessage | LuaRejection

# Embed field names (case-folded), best first; later entries are pre-v1.2 / alternative names.
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "map": ("map",),
    "round": ("round",),
    "winner": ("winner",),
    "defender": ("defender",),
    "playtime": ("lua_playtime", "duration"),
    "timelimit": ("lua_timelimit", "time limit"),
    "pauses": ("lua_pauses", "pauses"),
    "end_reason": ("lua_endreason", "end reason"),
    "warmup": ("lua_warmup",),
    "warmup_start": ("lua_warmupstart",),
    "round_start": ("lua_roundstart", "start unix"),
    "round_end": ("lua_roundend", "end unix"),
    "surrender_team": ("lua_surrenderteam",),
    "caller_guid": ("lua_surrendercaller",),
    "caller_name": ("lua_surrendercallername",),
    "axis_score": ("lua_axisscore",),
    "allies_score": ("lua_alliesscore",),
    "axis_json": ("axis_json",),
    "allies_json": ("allies_json",),
    "pauses_json": ("lua_pauses_json",),
    "spawn_json": ("lua_spawnstats_json", "lua_spawn_stats_json", "spawn_stats"),
}

_INT_LIMIT = 10**MAX_INT_DIGITS
_INT_RE = re.compile(r"^\s*([+-]?\d+)(?:\.0*)?(?:\s+\S.*)?\s*$")
_FLOAT_RE = re.compile(r"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:\s+\S.*)?\s*$")
_PAUSES_RE = re.compile(r"^\s*(\d+)\s*(?:\(\s*(\d+)\s*(?:sec|s)?\s*\))?\s*$")
_VERSION_RE = re.compile(r"v(\d+\.\d+(?:\.\d+)?)")
_SLUG_RE = re.compile(r"[^a-z0-9]+")


# ----------------------------------------------------------------------------- low-level helpers


def reject(reason: RejectReason, detail: str) -> EventRejected:
    """Build the exception the parsers raise; ``raise reject(...)`` reads like the policy."""
    return EventRejected(reason, detail)


def load_json(data: bytes | str, what: str, warnings: list[str], max_bytes: int) -> Any:
    """Decode JSON leniently enough to rescue pre-v1.6.4 Lua output, strictly otherwise.

    Invalid UTF-8 is replaced (warning), and raw control characters inside strings are accepted
    (warning) because old Lua versions wrote them unescaped; anything else that is not JSON is
    rejected as ``malformed_json``.
    """
    if isinstance(data, bytes):
        if len(data) > max_bytes:
            raise reject(RejectReason.OVERSIZED_INPUT, f"{what}: {len(data)} > {max_bytes} bytes")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("utf-8", errors="replace")
            warnings.append(f"invalid_utf8_replaced:{what}")
    else:
        text = data
    text = text.removeprefix("\ufeff")
    if len(text) > max_bytes:
        raise reject(RejectReason.OVERSIZED_INPUT, f"{what}: {len(text)} > {max_bytes} characters")
    depth = json_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise reject(
            RejectReason.MALFORMED_JSON, f"{what}: nesting depth {depth} > {MAX_JSON_DEPTH}"
        )
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        try:
            value = json.loads(text, strict=False)
        except (ValueError, RecursionError) as exc:
            detail = str(exc) if isinstance(exc, ValueError) else "nesting too deep"
            raise reject(RejectReason.MALFORMED_JSON, f"{what}: {detail:.200}") from None
        warnings.append(f"raw_control_chars_in_json:{what}")
    surrogate = first_lone_surrogate(value)
    if surrogate is not None:
        raise reject(
            RejectReason.MALFORMED_JSON,
            f"{what}: lone UTF-16 surrogate {surrogate} (not encodable as UTF-8)",
        )
    return value


def parse_int_text(value: str) -> int | None:
    """First token as an integer (``"562 sec"`` -> 562, ``"17.0"`` -> 17); None if not one."""
    match = _INT_RE.match(value)
    if not match or len(match.group(1).lstrip("+-")) > MAX_INT_DIGITS:
        return None
    return int(match.group(1))


def parse_float_text(value: str) -> float | None:
    """First token as a finite float, exactly as written (``"7.4333 min"`` -> 7.4333)."""
    match = _FLOAT_RE.match(value)
    if not match:
        return None
    number = float(match.group(1))
    return number if math.isfinite(number) else None


def json_int(value: Any, what: str) -> int:
    """An integer carried by typed JSON (meta, spawn stats, pause events); else ``wrong_type``."""
    if isinstance(value, bool):
        raise reject(RejectReason.WRONG_TYPE, f"{what}: boolean where an integer was expected")
    if isinstance(value, int):
        if not -_INT_LIMIT < value < _INT_LIMIT:
            raise reject(RejectReason.INVALID_VALUE, f"{what}: integer of more than 18 digits")
        return value
    if isinstance(value, float) and value.is_integer():
        if not -_INT_LIMIT < value < _INT_LIMIT:
            raise reject(RejectReason.INVALID_VALUE, f"{what}: {value!r:.40} out of range")
        return int(value)
    if isinstance(value, str) and (parsed := parse_int_text(value)) is not None:
        return parsed
    raise reject(RejectReason.WRONG_TYPE, f"{what}: expected an integer, got {value!r:.60}")


def clean_text(value: Any, what: str, limit: int, warnings: list[str]) -> str:
    """A display string made safe: control bytes stripped, trimmed, length-capped (warnings)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise reject(RejectReason.WRONG_TYPE, f"{what}: expected a string, got {value!r:.60}")
    if has_control_chars(value):
        value = strip_control_chars(value)
        warnings.append(f"control_chars_stripped:{what}")
    value = value.strip()
    if len(value) > limit:
        value = value[:limit]
        warnings.append(f"truncated:{what}")
    return value


def _slug(text: Any) -> str:
    if not isinstance(text, str):
        return ""
    return _SLUG_RE.sub("_", text.strip().casefold()).strip("_")[:40]


# ----------------------------------------------------------------------------- the round draft


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


def _field_map(fields: Any, warnings: list[str]) -> dict[str, Any]:
    """Embed fields by case-folded, whitespace-collapsed name (duplicate names: last wins)."""
    if not isinstance(fields, list):
        raise reject(RejectReason.WRONG_TYPE, "embed fields: expected a list")
    result: dict[str, Any] = {}
    for index, item in enumerate(fields):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise reject(RejectReason.WRONG_TYPE, f"embed field #{index}: expected {{name, value}}")
        name = " ".join(item["name"].split()).casefold()
        value = item.get("value")
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, str | int | float)
        ):
            raise reject(RejectReason.WRONG_TYPE, f"embed field {item['name']!r}: not a string")
        if name in result:
            warnings.append(f"duplicate_field:{name}")
        result[name] = None if value is None else str(value)
    return result


def _lookup(fields: Mapping[str, Any], key: str, warnings: list[str]) -> str | None:
    for position, name in enumerate(FIELD_NAMES[key]):
        if name in fields and fields[name] is not None:
            if position > 0:
                warnings.append(f"legacy_field:{name}")
            return fields[name]
    return None


def _int_field(fields: Mapping[str, Any], key: str, warnings: list[str]) -> int | None:
    """An identity number: ``None`` when absent or blank, rejected when present but not a number."""
    value = _lookup(fields, key, warnings)
    if value is None or not value.strip():
        return None
    number = parse_int_text(value)
    if number is None:
        raise reject(RejectReason.WRONG_TYPE, f"{FIELD_NAMES[key][0]}: not a number: {value!r:.60}")
    return number


def _optional_int(fields: Mapping[str, Any], key: str, warnings: list[str]) -> int | None:
    value = _lookup(fields, key, warnings)
    if value is None or not value.strip():
        return None
    number = parse_int_text(value)
    if number is None:
        warnings.append(f"unparseable:{FIELD_NAMES[key][0]}")
    return number


def _json_list(value: Any, what: str, warnings: list[str]) -> list[Any]:
    """A JSON array carried as text (or, tolerated, already decoded); ``""`` is an empty list."""
    if isinstance(value, list):
        return value
    if not isinstance(value, str):
        raise reject(RejectReason.WRONG_TYPE, f"{what}: expected JSON text")
    if not value.strip():
        return []
    try:
        decoded = load_json(value, what, warnings, max_bytes=MAX_BODY_BYTES)
    except EventRejected:
        # Defensive against a double-escaped array (\" instead of "), seen in the wild upstream.
        if '\\"' not in value:
            raise
        decoded = load_json(value.replace('\\"', '"'), what, warnings, max_bytes=MAX_BODY_BYTES)
        warnings.append(f"double_escaped_json:{what}")
    if not isinstance(decoded, list):
        raise reject(RejectReason.WRONG_TYPE, f"{what}: expected a JSON array")
    return decoded


def _check_size(items: list[Any], what: str, limit: int, reason: RejectReason) -> None:
    if len(items) > limit:
        raise reject(reason, f"{what}: {len(items)} entries > {limit}")


def read_roster(value: Any, what: str, warnings: list[str]) -> tuple[RosterPlayer, ...]:
    """``[{"guid":..., "name":...}]`` -> roster; wrong shapes are rejected, names cleaned."""
    items = _json_list(value, what, warnings)
    _check_size(items, what, MAX_PLAYERS, RejectReason.OVERSIZED_ROSTER)
    players: list[RosterPlayer] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise reject(RejectReason.WRONG_TYPE, f"{what}[{index}]: expected an object")
        guid = clean_text(item.get("guid"), f"{what}.guid", MAX_GUID_CHARS, warnings)
        name = clean_text(item.get("name"), f"{what}.name", MAX_NAME_CHARS, warnings)
        players.append(RosterPlayer(guid, name))
    return tuple(players)


def read_pauses(value: Any, what: str, warnings: list[str]) -> tuple[LuaPause, ...]:
    """``[{"n":1,"start":u,"end":u,"sec":s}]`` -> pauses (typed; wrong shapes rejected)."""
    items = _json_list(value, what, warnings)
    _check_size(items, what, MAX_PAUSES, RejectReason.INVALID_VALUE)
    pauses: list[LuaPause] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise reject(RejectReason.WRONG_TYPE, f"{what}[{index}]: expected an object")
        pauses.append(
            LuaPause(
                n=json_int(item.get("n", index + 1), f"{what}[{index}].n"),
                start_unix=json_int(item.get("start"), f"{what}[{index}].start"),
                end_unix=json_int(item.get("end"), f"{what}[{index}].end"),
                seconds=json_int(item.get("sec"), f"{what}[{index}].sec"),
            )
        )
    return tuple(pauses)


_SPAWN_KEYS = ("spawns", "deaths", "dead_seconds", "avg_respawn", "max_respawn")


def read_spawn_stats(value: Any, what: str, warnings: list[str]) -> tuple[SpawnStat, ...]:
    """Per-player spawn objects -> ``SpawnStat``; entries without GUID are skipped (warning)."""
    items = _json_list(value, what, warnings)
    _check_size(items, what, MAX_PLAYERS, RejectReason.OVERSIZED_ROSTER)
    stats: dict[str, SpawnStat] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise reject(RejectReason.WRONG_TYPE, f"{what}[{index}]: expected an object")
        guid = clean_text(item.get("guid"), f"{what}.guid", MAX_GUID_CHARS, warnings)
        name = clean_text(item.get("name"), f"{what}.name", MAX_NAME_CHARS, warnings)
        numbers: list[int] = []
        for key in _SPAWN_KEYS:
            if key not in item:
                warnings.append(f"spawn_stat_missing:{key}")
                numbers.append(0)
                continue
            number = json_int(item[key], f"{what}[{index}].{key}")
            if number < 0 or number > INT32_MAX:
                raise reject(RejectReason.INVALID_VALUE, f"{what}[{index}].{key} = {number}")
            numbers.append(number)
        if not guid:
            warnings.append("spawn_stat_without_guid")
            continue
        if guid in stats:
            warnings.append("duplicate_spawn_guid")
            continue
        stats[guid] = SpawnStat(guid, name or "unknown", *numbers)
    return tuple(stats.values())


def read_embed(embed: Any, draft: RoundDraft) -> None:
    """Fill ``draft`` from one STATS_READY embed (fields by name, current and legacy names)."""
    warnings = draft.warnings
    if not isinstance(embed, dict):
        raise reject(RejectReason.WRONG_TYPE, "embed: expected an object")
    fields = _field_map(embed.get("fields", []), warnings)
    draft.map_name = _lookup(fields, "map", warnings)
    draft.round_raw = _int_field(fields, "round", warnings)
    draft.round_start_unix = _int_field(fields, "round_start", warnings)
    draft.round_end_unix = _int_field(fields, "round_end", warnings)
    draft.winner_raw = _lookup(fields, "winner", warnings)
    draft.defender_raw = _lookup(fields, "defender", warnings)
    draft.playtime_seconds = _optional_int(fields, "playtime", warnings)
    if (limit := _lookup(fields, "timelimit", warnings)) is not None and limit.strip():
        draft.timelimit_minutes = parse_float_text(limit)
        if draft.timelimit_minutes is None:
            warnings.append("unparseable:lua_timelimit")
    if (pauses := _lookup(fields, "pauses", warnings)) is not None and pauses.strip():
        if match := _PAUSES_RE.match(pauses):
            draft.pause_count = int(match.group(1))
            draft.pause_seconds = int(match.group(2)) if match.group(2) is not None else None
        else:
            warnings.append("unparseable:lua_pauses")
    draft.end_reason_raw = _lookup(fields, "end_reason", warnings)
    draft.warmup_seconds = _optional_int(fields, "warmup", warnings)
    draft.warmup_start_unix = _optional_int(fields, "warmup_start", warnings)
    draft.surrender_team_raw = _lookup(fields, "surrender_team", warnings)
    draft.caller_guid = _lookup(fields, "caller_guid", warnings)
    draft.caller_name = _lookup(fields, "caller_name", warnings)
    draft.axis_score = _optional_int(fields, "axis_score", warnings)
    draft.allies_score = _optional_int(fields, "allies_score", warnings)
    if (axis := _lookup(fields, "axis_json", warnings)) is not None:
        draft.axis_players = read_roster(axis, "axis_json", warnings)
    if (allies := _lookup(fields, "allies_json", warnings)) is not None:
        draft.allies_players = read_roster(allies, "allies_json", warnings)
    if (pause_json := _lookup(fields, "pauses_json", warnings)) is not None:
        draft.pauses = read_pauses(pause_json, "lua_pauses_json", warnings)
    if (spawn_json := _lookup(fields, "spawn_json", warnings)) is not None:
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


# ------------------------------------------------------------------------------- finishing


def _check_epoch(value: int, what: str) -> None:
    if not 0 <= value < MAX_EPOCH:
        raise reject(RejectReason.INVALID_VALUE, f"{what} = {value} is not a plausible epoch")


def _non_negative(value: int | None, what: str) -> int | None:
    if value is not None and value < 0:
        raise reject(RejectReason.INVALID_VALUE, f"{what} = {value} is negative")
    return value


def _int32_or_none(value: int | None, what: str, warnings: list[str]) -> int | None:
    """An optional figure stored in an ``integer`` column: out of range -> None plus a warning.

    Flagged, not rejected, so that a garbled score or playtime never costs the round's timing,
    and identical on SQLite and PostgreSQL (which would refuse the value).
    """
    if value is not None and not INT32_MIN <= value <= INT32_MAX:
        warnings.append(f"out_of_range:{what}")
        return None
    return value


def _bound_draft(draft: RoundDraft) -> None:
    """Clamp every optional integer of the draft to what the warehouse columns store."""
    warnings = draft.warnings
    for attribute in (
        "playtime_seconds",
        "pause_count",
        "pause_seconds",
        "warmup_seconds",
        "axis_score",
        "allies_score",
    ):
        setattr(draft, attribute, _int32_or_none(getattr(draft, attribute), attribute, warnings))
    if draft.warmup_start_unix is not None and not 0 <= draft.warmup_start_unix < MAX_EPOCH:
        warnings.append("out_of_range:warmup_start_unix")
        draft.warmup_start_unix = None
    if draft.timelimit_minutes is not None and abs(draft.timelimit_minutes) > INT32_MAX:
        warnings.append("out_of_range:timelimit_minutes")
        draft.timelimit_minutes = None
    for pause in draft.pauses or ():
        if not (in_int32(pause.n) and in_int32(pause.seconds)):
            raise reject(RejectReason.INVALID_VALUE, f"pause {pause.n}: n or sec out of range")
        if not (-1 < pause.start_unix < MAX_EPOCH and -1 < pause.end_unix < MAX_EPOCH):
            raise reject(RejectReason.INVALID_VALUE, f"pause {pause.n}: not a plausible epoch")


def _side(raw: str | None, what: str, warnings: list[str]) -> int:
    code, recognised = normalise_side(raw)
    if not recognised:
        warnings.append(f"invalid_side:{what}")
    return code


def finish_round_end(draft: RoundDraft, source: str) -> LuaRoundEnd:
    """Validate and normalise a filled draft into the frozen event (or raise ``EventRejected``)."""
    warnings = draft.warnings
    _bound_draft(draft)
    if draft.map_name is None or not draft.map_name.strip():
        raise reject(RejectReason.MISSING_FIELD, "map name missing")
    map_name = draft.map_name.strip()
    if has_control_chars(map_name):
        raise reject(RejectReason.INVALID_MAP_NAME, f"control characters in map {map_name!r:.80}")
    if len(map_name) > MAX_MAP_CHARS:
        raise reject(RejectReason.INVALID_MAP_NAME, f"map name longer than {MAX_MAP_CHARS}")
    if map_key(map_name) == "unknown":
        raise reject(RejectReason.MISSING_FIELD, "map name is the placeholder 'unknown'")

    if draft.round_raw is None:
        raise reject(RejectReason.MISSING_FIELD, "round number missing")
    round_number = normalise_round(draft.round_raw)
    if round_number is None:
        raise reject(RejectReason.INVALID_ROUND, f"round {draft.round_raw} is not 0, 1 or 2")
    if draft.round_raw == 0:
        warnings.append("round_0_mapped_to_2")

    if draft.round_end_unix is None:
        raise reject(RejectReason.MISSING_FIELD, "round end time missing")
    if draft.round_start_unix is None:
        raise reject(RejectReason.MISSING_FIELD, "round start time missing")
    start, end = draft.round_start_unix, draft.round_end_unix
    _check_epoch(end, "round_end_unix")
    _check_epoch(start, "round_start_unix")
    if end == 0:
        raise reject(RejectReason.INVALID_VALUE, "round_end_unix is 0")
    if start == 0:
        warnings.append("round_start_unknown")
    elif start > end:
        raise reject(RejectReason.INVALID_VALUE, f"round start {start} after round end {end}")

    duration = _non_negative(draft.playtime_seconds, "actual_duration_seconds")
    if duration is not None:
        if start and duration > end - start:
            warnings.append("duration_exceeds_wall_clock")
        if 0 < duration < SHORT_ROUND_SECONDS:
            warnings.append("short_round")
    timelimit = draft.timelimit_minutes
    if timelimit is not None and timelimit < 0:
        warnings.append("negative_timelimit")
        timelimit = None

    pauses = draft.pauses or ()
    pause_count = _non_negative(draft.pause_count, "pause_count")
    pause_seconds = _non_negative(draft.pause_seconds, "total_pause_seconds")
    if pauses:
        if pause_count is None:
            pause_count = len(pauses)
        elif pause_count < len(pauses):
            warnings.append("pause_count_below_events")
        if pause_seconds is None:
            pause_seconds = sum(p.seconds for p in pauses)
        elif pause_seconds != sum(p.seconds for p in pauses):
            warnings.append("pause_total_mismatch")
    elif pause_count is not None and pause_seconds is None:
        pause_seconds = 0

    end_reason = normalise_end_reason(draft.end_reason_raw)
    if draft.end_reason_raw is not None and not is_known_end_reason(draft.end_reason_raw):
        warnings.append("unrecognised_end_reason")
    winner = _side(draft.winner_raw, "winner", warnings)
    defender = _side(draft.defender_raw, "defender", warnings)
    surrender_team = _side(draft.surrender_team_raw, "surrender_team", warnings)

    axis = draft.axis_players or ()
    allies = draft.allies_players or ()
    if len(axis) + len(allies) > MAX_PLAYERS:
        raise reject(
            RejectReason.OVERSIZED_ROSTER, f"{len(axis) + len(allies)} players > {MAX_PLAYERS}"
        )
    both = {p.guid for p in axis if p.guid} & {p.guid for p in allies if p.guid}
    if both:
        warnings.append("player_on_both_sides")

    caller_guid = clean_text(draft.caller_guid, "surrender_caller", MAX_GUID_CHARS, warnings)
    caller_name = clean_text(draft.caller_name, "surrender_caller_name", MAX_NAME_CHARS, warnings)

    return LuaRoundEnd(
        source=source,
        map_name=map_name,
        map_key=map_key(map_name),
        round_number=round_number,
        round_start_unix=start,
        round_end_unix=end,
        actual_duration_seconds=duration,
        total_pause_seconds=pause_seconds,
        pause_count=pause_count,
        pauses=tuple(pauses),
        end_reason=end_reason,
        end_reason_raw=draft.end_reason_raw,
        winner_team=winner,
        defender_team=defender,
        timelimit_minutes=timelimit,
        warmup_seconds=_non_negative(draft.warmup_seconds, "warmup_seconds"),
        warmup_start_unix=draft.warmup_start_unix,
        surrender_team=surrender_team,
        surrender_caller_guid=caller_guid or None,
        surrender_caller_name=caller_name or None,
        axis_score=draft.axis_score,
        allies_score=draft.allies_score,
        axis_players=tuple(axis),
        allies_players=tuple(allies),
        spawn_stats=draft.spawn_stats or (),
        lua_version=draft.lua_version,
        message_id=draft.message_id,
        warnings=tuple(dict.fromkeys(warnings)),
    )


# ----------------------------------------------------------------------------------- entry point


def message_kind(body: Mapping[str, Any]) -> str:
    """Short slug naming what a webhook message is (``stats_ready``, ``objective_update``, ...)."""
    kind = _slug(body.get("content"))
    if not kind:
        embeds = body.get("embeds")
        if isinstance(embeds, list) and embeds and isinstance(embeds[0], dict):
            kind = _slug(embeds[0].get("title"))
    return kind or "empty"


def is_stats_ready(body: Mapping[str, Any]) -> bool:
    content = body.get("content")
    return isinstance(content, str) and content.strip() == STATS_READY


def parse_webhook_body(data: bytes, max_bytes: int = MAX_BODY_BYTES) -> WebhookParse:
    """Parse one landed webhook body: a round end, an ignored message, or a rejection."""
    warnings: list[str] = []
    try:
        body = load_json(data, "webhook body", warnings, max_bytes)
        if not isinstance(body, dict):
            raise reject(RejectReason.WRONG_TYPE, "webhook body is not a JSON object")
        if not is_stats_ready(body):
            return IgnoredMessage(
                kind=message_kind(body),
                detail=f"username={body.get('username')!r:.60} content={body.get('content')!r:.60}",
            )
        draft = RoundDraft(warnings=warnings)
        message_id = body.get("id")
        if isinstance(message_id, str | int) and not isinstance(message_id, bool):
            draft.message_id = str(message_id)
        read_embed(first_embed(body), draft)
        return finish_round_end(draft, SOURCE_WEBHOOK)
    except EventRejected as exc:
        return exc.as_rejection()
    except Exception as exc:  # a parser returns a rejection, never raises
        return unexpected_rejection("webhook body", exc)


def unexpected_rejection(what: str, exc: BaseException) -> LuaRejection:
    """A rejection for a failure no rule anticipated: the body is quarantined, not fatal."""
    return LuaRejection(
        RejectReason.MALFORMED_JSON, f"{what}: unreadable ({type(exc).__name__}: {exc!s:.160})"
    )
