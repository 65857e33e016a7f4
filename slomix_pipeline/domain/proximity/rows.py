"""Row types of the four proximity warehouse tables, their natural keys and column order.

One frozen dataclass per table; field order is column order, so :func:`row_values` gives the
tuple a COPY writer needs and :func:`table_columns` the matching column names.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True, slots=True)
class CombatEngagementRow:
    """``combat_engagement``: one kept engagement. Key: (source_file, engagement_id)."""

    source_file: str
    engagement_id: int
    source_line: int
    round_key: str | None
    map_name: str | None
    round_number: int | None
    round_start_unix: int | None
    round_end_unix: int | None
    start_time_ms: int
    end_time_ms: int
    duration_ms: int
    target_guid: str
    target_name: str
    target_team: str
    outcome: str
    #: enemy_kill | self_kill | team_kill | world, or None when the target was not killed.
    death_kind: str | None
    total_damage_taken: int
    friendly_fire_damage: int
    #: The tracker invents 100 damage for a kill with no recorded hit ("instant kill").
    damage_is_estimated: bool
    killer_guid: str | None
    killer_name: str | None
    num_attackers: int
    is_crossfire: bool | None  # None: crossfire_detection declared off (not measured)
    crossfire_delay_ms: int | None
    crossfire_participants: str | None  # JSON array of GUIDs, None when empty
    start_x: float
    start_y: float
    start_z: float
    end_x: float
    end_y: float
    end_z: float
    distance_traveled: float
    position_path: str  # the victim path as written: time,x,y,z,event|...
    attackers: str  # JSON array of enemy attackers
    friendly_attackers: str | None  # JSON array of removed teammate attackers


@dataclass(frozen=True, slots=True)
class PlayerTrackRow:
    """``player_track``: one life with its metrics. Key: (source_file, source_line)."""

    source_file: str
    source_line: int
    round_key: str | None
    map_name: str | None
    round_number: int | None
    round_start_unix: int | None
    round_end_unix: int | None
    player_guid: str
    player_name: str
    team: str
    player_class: str
    spawn_time_ms: int
    death_time_ms: int | None
    death_type: str | None
    duration_ms: int | None
    first_move_time_ms: int | None
    time_to_first_move_ms: int | None
    sample_count: int
    periodic_samples: int
    total_distance: float
    avg_speed: float | None
    peak_speed: float
    sprint_percentage: float | None
    sprint_sec: float | None
    stance_standing_sec: float | None
    stance_crouching_sec: float | None
    stance_prone_sec: float | None
    path: str  # the path as written: time,x,y,z,health,speed,weapon,stance,sprint,event|...


@dataclass(frozen=True, slots=True)
class TradeEventRow:
    """``proximity_trade_event``: one enemy kill and whether it was traded.

    Key: (source_file, engagement_id) — the killing engagement, unique within a file.
    """

    source_file: str
    engagement_id: int
    round_key: str | None
    map_name: str | None
    round_number: int | None
    round_start_unix: int | None
    round_end_unix: int | None
    victim_guid: str
    victim_name: str
    victim_team: str
    killer_guid: str | None
    killer_name: str | None
    death_time_ms: int
    trade_window_ms: int
    opportunity_count: int
    opportunities: str
    attempt_count: int
    attempts: str
    success_count: int
    successes: str
    missed_count: int
    missed_candidates: str
    nearest_teammate_dist: float | None
    is_isolation_death: bool
    is_traded: bool


@dataclass(frozen=True, slots=True)
class SupportSummaryRow:
    """``proximity_support_summary``: one per file. Key: (source_file,)."""

    source_file: str
    round_key: str | None
    map_name: str | None
    round_number: int | None
    round_start_unix: int | None
    round_end_unix: int | None
    support_samples: int | None  # None: ENGAGEMENTS not captured (no combat to measure against)
    total_samples: int
    support_uptime_pct: float | None
    support_dist: float
    combat_recent_ms: int
    pos_delta_ms: int


TABLE_ROW_TYPES: dict[str, type] = {
    "combat_engagement": CombatEngagementRow,
    "player_track": PlayerTrackRow,
    "proximity_trade_event": TradeEventRow,
    "proximity_support_summary": SupportSummaryRow,
}
#: Natural keys: re-importing a file replaces exactly these rows.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "combat_engagement": ("source_file", "engagement_id"),
    "player_track": ("source_file", "source_line"),
    "proximity_trade_event": ("source_file", "engagement_id"),
    "proximity_support_summary": ("source_file",),
}


def table_columns(row_type: type) -> tuple[str, ...]:
    """Column names of a row type, in field order (the order of :func:`row_values`)."""
    return tuple(f.name for f in fields(row_type))


def row_values(row: Any) -> tuple[Any, ...]:
    """A row as a plain tuple in column order (e.g. for a COPY writer)."""
    return tuple(getattr(row, name) for name in row.__slots__)
