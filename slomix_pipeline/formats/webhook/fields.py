"""Embed fields by name: current names first, pre-v1.2 names as fallbacks (with a warning)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slomix_pipeline.domain.lua_rejections import RejectReason
from slomix_pipeline.formats.webhook.values import parse_int_text, reject

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


def field_map(fields: Any, warnings: list[str]) -> dict[str, Any]:
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


def lookup(fields: Mapping[str, Any], key: str, warnings: list[str]) -> str | None:
    """The first present name of ``key`` (a legacy name adds a warning); ``None`` if none is."""
    for position, name in enumerate(FIELD_NAMES[key]):
        if name in fields and fields[name] is not None:
            if position > 0:
                warnings.append(f"legacy_field:{name}")
            return fields[name]
    return None


def _number_field(
    fields: Mapping[str, Any], key: str, warnings: list[str]
) -> tuple[str | None, int | None]:
    """The field's text and its integer; text ``None`` when absent or blank."""
    value = lookup(fields, key, warnings)
    if value is None or not value.strip():
        return None, None
    return value, parse_int_text(value)


def int_field(fields: Mapping[str, Any], key: str, warnings: list[str]) -> int | None:
    """An identity number: ``None`` when absent or blank, rejected when present but not a number."""
    value, number = _number_field(fields, key, warnings)
    if value is not None and number is None:
        raise reject(RejectReason.WRONG_TYPE, f"{FIELD_NAMES[key][0]}: not a number: {value!r:.60}")
    return number


def optional_int(fields: Mapping[str, Any], key: str, warnings: list[str]) -> int | None:
    """An optional figure: unparseable text is ``None`` plus a warning, never a rejection."""
    value, number = _number_field(fields, key, warnings)
    if value is not None and number is None:
        warnings.append(f"unparseable:{FIELD_NAMES[key][0]}")
    return number
