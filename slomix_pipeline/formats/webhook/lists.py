"""The JSON-text lists an embed or gametime file carries: rosters, pause events, spawn stats.

Wrong shapes are rejected (the Lua never writes them), lists over the client limit are
``oversized_roster``, names are cleaned rather than rejected.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from slomix_pipeline.domain.lua_records import LuaPause, RosterPlayer, SpawnStat
from slomix_pipeline.domain.lua_rejections import EventRejected, RejectReason
from slomix_pipeline.domain.lua_values import (
    MAX_GUID_CHARS,
    MAX_NAME_CHARS,
    MAX_PAUSES,
    MAX_PLAYERS,
)
from slomix_pipeline.formats.limits import (
    INT32_MAX,
)
from slomix_pipeline.formats.webhook.values import (
    MAX_BODY_BYTES,
    clean_text,
    json_int,
    load_json,
    reject,
)


def json_list(value: Any, what: str, warnings: list[str]) -> list[Any]:
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


def check_size(items: list[Any], what: str, limit: int, reason: RejectReason) -> None:
    if len(items) > limit:
        raise reject(reason, f"{what}: {len(items)} entries > {limit}")


def json_objects(
    value: Any, what: str, warnings: list[str], limit: int, reason: RejectReason
) -> Iterator[tuple[int, dict[str, Any]]]:
    """The objects of a JSON-text list with their index: too many entries reject with
    ``reason``, a non-object entry with ``wrong_type``. Lazy, so entries are checked in order."""
    items = json_list(value, what, warnings)
    check_size(items, what, limit, reason)
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise reject(RejectReason.WRONG_TYPE, f"{what}[{index}]: expected an object")
        yield index, item


def _guid_and_name(item: dict[str, Any], what: str, warnings: list[str]) -> tuple[str, str]:
    guid = clean_text(item.get("guid"), f"{what}.guid", MAX_GUID_CHARS, warnings)
    name = clean_text(item.get("name"), f"{what}.name", MAX_NAME_CHARS, warnings)
    return guid, name


def read_roster(value: Any, what: str, warnings: list[str]) -> tuple[RosterPlayer, ...]:
    """``[{"guid":..., "name":...}]`` -> roster; wrong shapes are rejected, names cleaned."""
    return tuple(
        RosterPlayer(*_guid_and_name(item, what, warnings))
        for _, item in json_objects(
            value, what, warnings, MAX_PLAYERS, RejectReason.OVERSIZED_ROSTER
        )
    )


def read_pauses(value: Any, what: str, warnings: list[str]) -> tuple[LuaPause, ...]:
    """``[{"n":1,"start":u,"end":u,"sec":s}]`` -> pauses (typed; wrong shapes rejected)."""
    return tuple(
        LuaPause(
            n=json_int(item.get("n", index + 1), f"{what}[{index}].n"),
            start_unix=json_int(item.get("start"), f"{what}[{index}].start"),
            end_unix=json_int(item.get("end"), f"{what}[{index}].end"),
            seconds=json_int(item.get("sec"), f"{what}[{index}].sec"),
        )
        for index, item in json_objects(
            value, what, warnings, MAX_PAUSES, RejectReason.INVALID_VALUE
        )
    )


_SPAWN_KEYS = ("spawns", "deaths", "dead_seconds", "avg_respawn", "max_respawn")


def read_spawn_stats(value: Any, what: str, warnings: list[str]) -> tuple[SpawnStat, ...]:
    """Per-player spawn objects -> ``SpawnStat``; entries without GUID are skipped (warning)."""
    stats: dict[str, SpawnStat] = {}
    objects = json_objects(value, what, warnings, MAX_PLAYERS, RejectReason.OVERSIZED_ROSTER)
    for index, item in objects:
        guid, name = _guid_and_name(item, what, warnings)
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
