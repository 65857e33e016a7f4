"""The Lua merge: any number of round-end deliveries folded into one row per real round end.

``merge_round_ends`` folds events (redeliveries, replays, the same round seen by both sources)
into exactly one ``LuaRoundTeam`` row per round end, identified by
``(map_key, round_number, round_start_unix, round_end_unix)``, plus one ``LuaSpawnRow`` per
player. The records live in :mod:`~slomix_pipeline.domain.lua_records` (the event),
:mod:`~slomix_pipeline.domain.lua_merged_rows` (the rows), the value rules in
:mod:`~slomix_pipeline.domain.lua_values` and :mod:`~slomix_pipeline.domain.lua_end_reason`.

Pure code: records in, records out. No files, no SQL, no Dagster.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from slomix_pipeline.domain.lua_end_reason import EndReason
from slomix_pipeline.domain.lua_merged_rows import (
    EventProvenance,
    LuaRoundTeam,
    LuaSpawnRow,
    MergeResult,
)
from slomix_pipeline.domain.lua_records import (
    SOURCE_GAMETIME,
    SOURCE_WEBHOOK,
    LuaRoundEnd,
    LuaRoundKey,
)
from slomix_pipeline.domain.lua_values import TEAM_UNKNOWN

SOURCE_PRIORITY: tuple[str, ...] = (SOURCE_WEBHOOK, SOURCE_GAMETIME)
"""Merge precedence, best first. Both sources carry the same embed, written by the same Lua at the
same instant; the webhook is ranked first because it is the primary channel (the gametime file is
the fallback), so a round seen by both keeps the values the live path delivered."""


def _source_rank(source: str) -> int:
    return SOURCE_PRIORITY.index(source) if source in SOURCE_PRIORITY else len(SOURCE_PRIORITY)


def _priority_key(item: tuple[LuaRoundEnd, EventProvenance]) -> tuple[Any, ...]:
    """Total order inside one identity: source rank, then earliest arrival, then content hash."""
    event, prov = item
    return (_source_rank(event.source), prov.received_at, prov.sha256, prov.file_name)


def _is_known(value: object) -> bool:
    """A value counts as carried when it is not absent, not the unknown code, not empty."""
    if value is None or value == ():
        return False
    if isinstance(value, EndReason):
        return value is not EndReason.UNKNOWN
    return True


def _first_known(events: Sequence[LuaRoundEnd], get: Callable[[LuaRoundEnd], Any]) -> Any:
    for event in events:
        value = get(event)
        if _is_known(value):
            return value
    return get(events[0])


def _first_nonzero_side(events: Sequence[LuaRoundEnd], get: Callable[[LuaRoundEnd], int]) -> int:
    for event in events:
        if get(event) != TEAM_UNKNOWN:
            return get(event)
    return TEAM_UNKNOWN


def _merge_group(items: Sequence[tuple[LuaRoundEnd, EventProvenance]]) -> LuaRoundTeam:
    """Fold the deliveries of one identity (already in priority order) into one row.

    Rule, per field: take it from the highest-priority event that actually carries it (present,
    side code not 0, end reason not UNKNOWN, roster/pause list not empty). Rosters are taken as a
    pair from one event so Axis and Allies always describe the same snapshot; the pause list and
    its count/total likewise.
    """
    events = [event for event, _ in items]
    primary, primary_prov = items[0]
    roster_event = next((e for e in events if e.axis_players or e.allies_players), primary)
    pause_event = next((e for e in events if e.pauses), None) or next(
        (e for e in events if e.pause_count is not None), primary
    )
    end_event = next((e for e in events if e.end_reason is not EndReason.UNKNOWN), primary)
    spawn_item = next((item for item in items if item[0].spawn_stats), None)
    received = [prov.received_at for _, prov in items]
    warnings = sorted({w for e in events for w in e.warnings})
    return LuaRoundTeam(
        map_key=primary.map_key,
        round_number=primary.round_number,
        round_start_unix=primary.round_start_unix,
        round_end_unix=primary.round_end_unix,
        map_name=primary.map_name,
        actual_duration_seconds=_first_known(events, lambda e: e.actual_duration_seconds),
        total_pause_seconds=pause_event.total_pause_seconds,
        pause_count=pause_event.pause_count,
        pauses=pause_event.pauses,
        end_reason=end_event.end_reason,
        end_reason_raw=end_event.end_reason_raw,
        winner_team=_first_nonzero_side(events, lambda e: e.winner_team),
        defender_team=_first_nonzero_side(events, lambda e: e.defender_team),
        timelimit_minutes=_first_known(events, lambda e: e.timelimit_minutes),
        warmup_seconds=_first_known(events, lambda e: e.warmup_seconds),
        warmup_start_unix=_first_known(events, lambda e: e.warmup_start_unix),
        surrender_team=_first_nonzero_side(events, lambda e: e.surrender_team),
        surrender_caller_guid=_first_known(events, lambda e: e.surrender_caller_guid or None),
        surrender_caller_name=_first_known(events, lambda e: e.surrender_caller_name or None),
        axis_score=_first_known(events, lambda e: e.axis_score),
        allies_score=_first_known(events, lambda e: e.allies_score),
        axis_players=roster_event.axis_players,
        allies_players=roster_event.allies_players,
        lua_version=_first_known(events, lambda e: e.lua_version),
        sources=tuple(sorted({e.source for e in events}, key=_source_rank)),
        event_count=len(items),
        first_seen_at=min(received),
        last_update_at=max(received),
        primary_file=primary_prov.file_name,
        primary_sha256=primary_prov.sha256,
        spawn_source_file=spawn_item[1].file_name if spawn_item else None,
        warnings=tuple(warnings),
    )


def _spawn_rows(team: LuaRoundTeam, item: tuple[LuaRoundEnd, EventProvenance]) -> list[LuaSpawnRow]:
    """Spawn rows come whole from one event; mixing two deliveries could double-count a player."""
    event, prov = item
    rows: dict[str, LuaSpawnRow] = {}
    for stat in event.spawn_stats:
        if not stat.guid or stat.guid in rows:
            continue
        rows[stat.guid] = LuaSpawnRow(
            map_key=team.map_key,
            round_number=team.round_number,
            round_start_unix=team.round_start_unix,
            round_end_unix=team.round_end_unix,
            map_name=team.map_name,
            player_guid=stat.guid,
            player_name=stat.name,
            spawn_count=stat.spawns,
            death_count=stat.deaths,
            dead_seconds=stat.dead_seconds,
            avg_respawn_seconds=stat.avg_respawn_seconds,
            max_respawn_seconds=stat.max_respawn_seconds,
            source=event.source,
            source_file=prov.file_name,
        )
    return [rows[guid] for guid in sorted(rows)]


def merge_round_ends(events: Iterable[tuple[LuaRoundEnd, EventProvenance]]) -> MergeResult:
    """Fold Lua events into one team row per round identity plus per-player spawn rows.

    Deterministic regardless of input order: events are grouped by identity and ordered inside a
    group by (source priority, received_at, sha256, file name). Field precedence: see
    ``_merge_group``; webhook beats gametime, and among deliveries of one source the earliest
    arrival wins, so a later replay never changes a stored value. ``first_seen_at`` and
    ``last_update_at`` are the min and max arrival times of all deliveries; the same landed file
    (source + sha256) given twice counts once. ``duplicates_merged`` counts every input folded
    into an existing row, exact repeats included. Spawn rows are taken
    from the highest-priority event that carries spawn stats (with Lua v1.7.2 only gametime files
    do). Rows are ordered by round end, then map, round, start.
    """
    items = list(events)
    # The same landed content read twice (a replay, an overlapping partition range) is one
    # delivery, not two: keep one item per (source, sha256), the best-ranked.
    distinct: dict[tuple[str, str], tuple[LuaRoundEnd, EventProvenance]] = {}
    for item in sorted(items, key=_priority_key):
        distinct.setdefault((item[0].source, item[1].sha256), item)
    groups: dict[LuaRoundKey, list[tuple[LuaRoundEnd, EventProvenance]]] = {}
    for item in distinct.values():
        groups.setdefault(item[0].key, []).append(item)
    teams: list[LuaRoundTeam] = []
    spawn_rows: list[LuaSpawnRow] = []
    for key in sorted(groups, key=lambda k: (k.round_end_unix, k.map_key, k.round_number, k)):
        group = sorted(groups[key], key=_priority_key)
        team = _merge_group(group)
        teams.append(team)
        spawn_item = next((item for item in group if item[0].spawn_stats), None)
        if spawn_item is not None:
            spawn_rows.extend(_spawn_rows(team, spawn_item))
    events_by_source = Counter(event.source for event, _ in distinct.values())
    rows_by_sources = Counter("+".join(team.sources) for team in teams)
    return MergeResult(
        teams=tuple(teams),
        spawn_rows=tuple(spawn_rows),
        duplicates_merged=len(items) - len(teams),
        events_by_source=dict(sorted(events_by_source.items())),
        rows_by_sources=dict(sorted(rows_by_sources.items())),
    )
