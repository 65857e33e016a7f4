"""Lua round-end events: the one record both Lua sources become, its normalisation, and the merge.

The game server's Lua script reports every round end twice, as a STATS_READY webhook body and as
a gametime file. Both parsers (``formats.webhook``, ``formats.gametime``) produce the same
``LuaRoundEnd`` record, so everything downstream is source-agnostic. ``merge_round_ends`` then
folds any number of such events (redeliveries, replays, the same round seen by both sources) into
exactly one ``LuaRoundTeam`` row per real round end, identified by
``(map_key, round_number, round_start_unix, round_end_unix)``, plus one ``LuaSpawnRow`` per player.

Pure code: records in, records out. No files, no SQL, no Dagster.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from slomix_pipeline.domain.gaming_day import gaming_day_of_epoch

SOURCE_WEBHOOK = "webhook"
SOURCE_GAMETIME = "gametime"
SOURCE_PRIORITY: tuple[str, ...] = (SOURCE_WEBHOOK, SOURCE_GAMETIME)
"""Merge precedence, best first. Both sources carry the same embed, written by the same Lua at the
same instant; the webhook is ranked first because it is the primary channel (the gametime file is
the fallback), so a round seen by both keeps the values the live path delivered."""

MAX_PLAYERS = 64
"""ET:Legacy's client limit. A roster or spawn list longer than this is not a real game."""
MAX_PAUSES = 256
MAX_NAME_CHARS = 64
MAX_GUID_CHARS = 32
MAX_MAP_CHARS = 64
MAX_EPOCH = 4_102_444_800
"""2100-01-01: anything later is a corrupted epoch, not a round end."""
SHORT_ROUND_SECONDS = 30


class EndReason(StrEnum):
    """Normalised round end reason.

    ``TIME_EXPIRED`` is kept apart from ``NORMAL`` (upstream folds it in): the Lua reports
    ``time_expired`` whenever play reached 90 % of the limit, which also covers objectives done in
    the last minute, so downstream must be able to tell "the clock said so" from "unknown".
    Missing or unrecognised raw values become ``UNKNOWN`` rather than a silent ``NORMAL``.
    """

    NORMAL = "NORMAL"
    OBJECTIVE = "OBJECTIVE"
    SURRENDER = "SURRENDER"
    TIME_EXPIRED = "TIME_EXPIRED"
    MAP_CHANGE = "MAP_CHANGE"
    MAP_RESTART = "MAP_RESTART"
    SERVER_RESTART = "SERVER_RESTART"
    SHUTDOWN = "SHUTDOWN"
    UNKNOWN = "UNKNOWN"


_END_REASON_ALIASES: dict[str, EndReason] = {
    "normal": EndReason.NORMAL,
    "objective": EndReason.OBJECTIVE,
    "surrender": EndReason.SURRENDER,
    "forfeit": EndReason.SURRENDER,
    "time_expired": EndReason.TIME_EXPIRED,
    "timelimit": EndReason.TIME_EXPIRED,
    "time_limit": EndReason.TIME_EXPIRED,
    "map_change": EndReason.MAP_CHANGE,
    "mapchange": EndReason.MAP_CHANGE,
    "map_restart": EndReason.MAP_RESTART,
    "maprestart": EndReason.MAP_RESTART,
    "server_restart": EndReason.SERVER_RESTART,
    "serverrestart": EndReason.SERVER_RESTART,
    "shutdown": EndReason.SHUTDOWN,
    "unknown": EndReason.UNKNOWN,
    "": EndReason.UNKNOWN,
}


def normalise_end_reason(raw: str | None) -> EndReason:
    """Map a raw end reason (any case, spaces or underscores) to the enum; idempotent."""
    if raw is None:
        return EndReason.UNKNOWN
    token = re.sub(r"[\s\-]+", "_", raw.strip().casefold())
    return _END_REASON_ALIASES.get(token, EndReason.UNKNOWN)


def is_known_end_reason(raw: str | None) -> bool:
    """True when ``raw`` is a recognised spelling (so an unrecognised one can be warned about)."""
    if raw is None:
        return False
    return re.sub(r"[\s\-]+", "_", raw.strip().casefold()) in _END_REASON_ALIASES


TEAM_UNKNOWN = 0
TEAM_AXIS = 1
TEAM_ALLIES = 2
_SIDE_ALIASES: dict[str, int] = {
    "0": TEAM_UNKNOWN,
    "1": TEAM_AXIS,
    "2": TEAM_ALLIES,
    "axis": TEAM_AXIS,
    "allies": TEAM_ALLIES,
    "draw": TEAM_UNKNOWN,
    "unknown": TEAM_UNKNOWN,
    "": TEAM_UNKNOWN,
}


def normalise_side(raw: str | int | None) -> tuple[int, bool]:
    """Side code 0 (unknown/draw), 1 (Axis), 2 (Allies) and whether the input was recognised."""
    if raw is None:
        return TEAM_UNKNOWN, True
    token = str(raw).strip().casefold()
    if token.startswith("+"):
        token = token[1:]
    if token in _SIDE_ALIASES:
        return _SIDE_ALIASES[token], True
    return TEAM_UNKNOWN, False


def normalise_round(raw: int) -> int | None:
    """Canonical round number: 1 or 2; ``0`` is how older Lua versions report R2.

    Anything else (negative, 3+) is not a stopwatch round and returns ``None`` so the caller can
    reject the event instead of storing an unlinkable row.
    """
    if raw == 0:
        return 2
    if raw in (1, 2):
        return raw
    return None


def map_key(name: str) -> str:
    """Comparison key for map names: case-folded, trimmed, inner whitespace collapsed."""
    return " ".join(name.split()).casefold()


_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def has_control_chars(text: str) -> bool:
    return _CONTROL_RE.search(text) is not None


def strip_control_chars(text: str) -> str:
    """Remove C0/C1 control characters (and DEL); they are never part of a real player name."""
    return _CONTROL_RE.sub("", text)


def gaming_day_of(round_end_unix: int, tz: ZoneInfo, day_start_hour: int) -> date:
    """The gaming day (partition) of an event: that of its round end, on the server's clock."""
    return gaming_day_of_epoch(round_end_unix, tz, day_start_hour)


# --------------------------------------------------------------------------------------- records


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
class LuaRoundEnd:
    """One normalised Lua round-end event, whichever source it came from.

    Optional figures are ``None`` when the source did not carry them (as opposed to a sent zero),
    so the merge can fill them from the other source. Side codes use 0 for "unknown".
    """

    source: str
    map_name: str
    map_key: str
    round_number: int
    round_start_unix: int
    round_end_unix: int
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
    spawn_stats: tuple[SpawnStat, ...]
    lua_version: str | None
    message_id: str | None
    warnings: tuple[str, ...]

    @property
    def key(self) -> LuaRoundKey:
        return LuaRoundKey(
            self.map_key, self.round_number, self.round_start_unix, self.round_end_unix
        )


class RejectReason(StrEnum):
    """Stable codes for quarantined input; each quarantined event carries one plus a detail."""

    MALFORMED_JSON = "malformed_json"
    WRONG_TYPE = "wrong_type"
    MISSING_FIELD = "missing_field"
    INVALID_VALUE = "invalid_value"
    INVALID_ROUND = "invalid_round"
    INVALID_MAP_NAME = "invalid_map_name"
    OVERSIZED_INPUT = "oversized_input"
    OVERSIZED_ROSTER = "oversized_roster"


@dataclass(frozen=True, slots=True)
class LuaRejection:
    """Input that could not become an event; the landed file stays, so nothing is lost."""

    reason: RejectReason
    detail: str


@dataclass(frozen=True, slots=True)
class IgnoredMessage:
    """A valid webhook body that is not a round end (e.g. an objective live ping)."""

    kind: str
    detail: str


class EventRejected(Exception):
    """Raised inside the parsers to abort with a reason; becomes a ``LuaRejection`` at the edge."""

    def __init__(self, reason: RejectReason, detail: str) -> None:
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.detail = detail

    def as_rejection(self) -> LuaRejection:
        return LuaRejection(self.reason, self.detail)


# ------------------------------------------------------------------------------------- the merge


@dataclass(frozen=True, slots=True)
class EventProvenance:
    """Where an event came from: the landed file, its sha256, and when it landed (epoch s)."""

    file_name: str
    sha256: str
    received_at: int


@dataclass(frozen=True, slots=True)
class LuaRoundTeam:
    """One row of ``lua_round_teams``: a real round end after merging all its deliveries."""

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
    sources: tuple[str, ...]
    event_count: int
    first_seen_at: int
    last_update_at: int
    primary_file: str
    primary_sha256: str
    spawn_source_file: str | None
    warnings: tuple[str, ...]

    @property
    def key(self) -> LuaRoundKey:
        return LuaRoundKey(
            self.map_key, self.round_number, self.round_start_unix, self.round_end_unix
        )


@dataclass(frozen=True, slots=True)
class LuaSpawnRow:
    """One row of ``lua_spawn_stats``: a player's respawn figures for one round end."""

    map_key: str
    round_number: int
    round_start_unix: int
    round_end_unix: int
    map_name: str
    player_guid: str
    player_name: str
    spawn_count: int
    death_count: int
    dead_seconds: int
    avg_respawn_seconds: int
    max_respawn_seconds: int
    source: str
    source_file: str


@dataclass(frozen=True, slots=True)
class MergeResult:
    """Rows plus the counts a Dagster asset reports as metadata."""

    teams: tuple[LuaRoundTeam, ...]
    spawn_rows: tuple[LuaSpawnRow, ...]
    duplicates_merged: int
    events_by_source: dict[str, int]
    rows_by_sources: dict[str, int]
    """Rows keyed by which sources saw them: ``webhook``, ``gametime`` or ``webhook+gametime``."""


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
