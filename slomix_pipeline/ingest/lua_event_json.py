"""Lua events as stored JSON (``lua_events.event_json``) and the JSON columns of the team rows.

The event is stored whole so the merge step can re-read every delivery without the landing
zone; the text is deterministic (sorted keys, compact) so a rebuild writes identical rows. Both
directions walk the record's fields, so a field added to the event cannot be forgotten by one
of them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import fields
from typing import Any

from slomix_pipeline.domain.lua_end_reason import EndReason
from slomix_pipeline.domain.lua_records import (
    LuaPause,
    LuaRoundEnd,
    RosterPlayer,
    SpawnStat,
)

EVENT_JSON_VERSION = 1


_NESTED: dict[str, type] = {
    "pauses": LuaPause,
    "axis_players": RosterPlayer,
    "allies_players": RosterPlayer,
    "spawn_stats": SpawnStat,
}
"""Fields holding a tuple of records, stored as lists of their values in field order."""


def _values(item: object) -> list[Any]:
    """A nested record's values in field order (named tuples and dataclasses alike)."""
    if isinstance(item, tuple):
        return list(item)
    return [getattr(item, f.name) for f in fields(item)]


def event_to_json(event: LuaRoundEnd) -> str:
    """The event as deterministic JSON text (sorted keys, compact), lossless for the merge."""
    document: dict[str, Any] = {"v": EVENT_JSON_VERSION}
    for f in fields(LuaRoundEnd):
        value = getattr(event, f.name)
        if f.name in _NESTED:
            value = [_values(item) for item in value]
        elif isinstance(value, EndReason):
            value = value.value
        elif isinstance(value, tuple):
            value = list(value)
        document[f.name] = value
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_from_json(text: str) -> LuaRoundEnd:
    """Inverse of :func:`event_to_json`; an unknown version is an error, never a guess."""
    d = json.loads(text)
    if d.get("v") != EVENT_JSON_VERSION:
        raise ValueError(f"lua_events.event_json version {d.get('v')!r} is not supported")
    values: dict[str, Any] = {}
    for f in fields(LuaRoundEnd):
        value = d[f.name]
        if f.name in _NESTED:
            value = tuple(_NESTED[f.name](*item) for item in value)
        elif f.name == "end_reason":
            value = EndReason(value)
        elif isinstance(value, list):
            value = tuple(value)
        values[f.name] = value
    return LuaRoundEnd(**values)


def _json_text(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def roster_json(players: Iterable[RosterPlayer]) -> str:
    """Roster column text: ``[{"guid":..,"name":..}]`` in the order the Lua listed the players."""
    return _json_text([{"guid": p.guid, "name": p.name} for p in players])


def pauses_json(pauses: Iterable[LuaPause]) -> str:
    """``lua_pause_events`` column text: ``[{"n":..,"start":..,"end":..,"sec":..}]``."""
    return _json_text(
        [{"n": p.n, "start": p.start_unix, "end": p.end_unix, "sec": p.seconds} for p in pauses]
    )
