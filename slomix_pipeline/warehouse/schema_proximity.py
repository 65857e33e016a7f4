"""Warehouse tables of the proximity tracker: four derived tables plus one row per landed file.

``combat_engagement``, ``player_track``, ``proximity_trade_event`` and
``proximity_support_summary`` hold the rows of :func:`slomix_pipeline.domain.proximity.derive`;
their columns are the fields of the row dataclasses (same names, same order, same nullability, a
test keeps them in step) plus what the warehouse adds to every partitioned row:

- ``gaming_day``: the gaming day of the file's round end (server clock), the partition key;
- ``round_id``: the ``rounds.id`` of the stats round the file was linked to, when one matched;
- provenance: ``source_file`` (the landed name) and ``source_sha256``.

Primary keys are the natural keys of ``domain.proximity.NATURAL_KEYS``: a file's rows are keyed
by the file and a line-level key (engagement id, track line), so re-importing a file *replaces*
its rows; there is no serial id and no wall-clock column.

``proximity_files`` is the audit trail of the round identity: per file, what the header said, the
round number that was stored, the decision's reason code, time difference and matched sources
(see ``domain.round_identity``), the linked stats round, the row counts and the broken lines.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Table,
    Text,
)

from slomix_pipeline.warehouse import schema_proximity_sections as _sections
from slomix_pipeline.warehouse.schema import metadata


def _warehouse_columns() -> list[Column]:
    """The columns every proximity table carries besides the derived row's fields."""
    return [
        Column("source_file", Text, nullable=False, comment="landed file name"),
        Column("source_sha256", Text, nullable=False),
        Column("gaming_day", Date, nullable=False, comment="gaming day of the round end"),
        Column(
            "round_id", BigInteger, nullable=True, comment="rounds.id of the linked stats round"
        ),
    ]


def _scope_columns() -> list[Column]:
    """The round scope every derived row repeats (the round number is the *resolved* one)."""
    return [
        Column("round_key", Text, nullable=True, comment="rounds.round_key when linked"),
        Column("map_name", Text, nullable=True, comment="map as the header wrote it"),
        Column("round_number", BigInteger, nullable=True, comment="resolved round (R2 corrected)"),
        Column("round_start_unix", BigInteger, nullable=True),
        Column("round_end_unix", BigInteger, nullable=True),
    ]


_NO_CROSSFIRE = "NULL when the file declares crossfire_detection:0 (not measured)"

combat_engagement = Table(
    "combat_engagement",
    metadata,
    *_warehouse_columns(),
    Column("engagement_id", BigInteger, nullable=False, comment="tracker id, unique per file"),
    Column("source_line", Integer, nullable=False),
    *_scope_columns(),
    Column("start_time_ms", BigInteger, nullable=False, comment="tracker time base"),
    Column("end_time_ms", BigInteger, nullable=False),
    Column("duration_ms", BigInteger, nullable=False),
    Column("target_guid", Text, nullable=False),
    Column("target_name", Text, nullable=False),
    Column("target_team", Text, nullable=False),
    Column("outcome", Text, nullable=False, comment="killed | escaped | round_end | timeout ..."),
    Column("death_kind", Text, nullable=True, comment="enemy_kill | self_kill | team_kill | world"),
    Column("total_damage_taken", BigInteger, nullable=False, comment="enemy damage only"),
    Column("friendly_fire_damage", BigInteger, nullable=False),
    Column("damage_is_estimated", Boolean, nullable=False, comment="tracker's invented 100"),
    Column("killer_guid", Text, nullable=True),
    Column("killer_name", Text, nullable=True),
    Column("num_attackers", BigInteger, nullable=False, comment="enemy attackers"),
    Column("is_crossfire", Boolean, nullable=True, comment=_NO_CROSSFIRE),
    Column("crossfire_delay_ms", BigInteger, nullable=True),
    Column("crossfire_participants", Text, nullable=True, comment="JSON array of GUIDs"),
    Column("start_x", Float, nullable=False),
    Column("start_y", Float, nullable=False),
    Column("start_z", Float, nullable=False),
    Column("end_x", Float, nullable=False),
    Column("end_y", Float, nullable=False),
    Column("end_z", Float, nullable=False),
    Column("distance_traveled", Float, nullable=False),
    Column("position_path", Text, nullable=False, comment="time,x,y,z,event|... as written"),
    Column("attackers", Text, nullable=False, comment="JSON array of enemy attackers"),
    Column("friendly_attackers", Text, nullable=True, comment="JSON array of removed teammates"),
    PrimaryKeyConstraint("source_file", "engagement_id", name="pk_combat_engagement"),
    Index("ix_combat_engagement_day", "gaming_day"),
    Index("ix_combat_engagement_round", "round_id"),
    Index("ix_combat_engagement_target", "target_guid"),
)

player_track = Table(
    "player_track",
    metadata,
    *_warehouse_columns(),
    Column("source_line", Integer, nullable=False, comment="one life per PLAYER_TRACKS line"),
    *_scope_columns(),
    Column("player_guid", Text, nullable=False),
    Column("player_name", Text, nullable=False),
    Column("team", Text, nullable=False),
    Column("player_class", Text, nullable=False),
    Column("spawn_time_ms", BigInteger, nullable=False),
    Column("death_time_ms", BigInteger, nullable=True),
    Column("death_type", Text, nullable=True),
    Column("duration_ms", BigInteger, nullable=True),
    Column("first_move_time_ms", BigInteger, nullable=True),
    Column("time_to_first_move_ms", BigInteger, nullable=True),
    Column("sample_count", BigInteger, nullable=False, comment="path points as written"),
    Column("periodic_samples", Integer, nullable=False, comment="'sample' points only"),
    Column("total_distance", Float, nullable=False),
    Column("avg_speed", Float, nullable=True),
    Column("peak_speed", Float, nullable=False),
    Column("sprint_percentage", Float, nullable=True, comment="over periodic samples"),
    Column("sprint_sec", Float, nullable=True),
    Column("stance_standing_sec", Float, nullable=True),
    Column("stance_crouching_sec", Float, nullable=True),
    Column("stance_prone_sec", Float, nullable=True),
    Column("path", Text, nullable=False, comment="time,x,y,z,health,speed,...|... as written"),
    PrimaryKeyConstraint("source_file", "source_line", name="pk_player_track"),
    Index("ix_player_track_day", "gaming_day"),
    Index("ix_player_track_round", "round_id"),
    Index("ix_player_track_guid", "player_guid"),
)

proximity_trade_event = Table(
    "proximity_trade_event",
    metadata,
    *_warehouse_columns(),
    Column("engagement_id", BigInteger, nullable=False, comment="the killing engagement"),
    *_scope_columns(),
    Column("victim_guid", Text, nullable=False),
    Column("victim_name", Text, nullable=False),
    Column("victim_team", Text, nullable=False),
    Column("killer_guid", Text, nullable=True),
    Column("killer_name", Text, nullable=True),
    Column("death_time_ms", BigInteger, nullable=False),
    Column("trade_window_ms", Integer, nullable=False),
    Column("opportunity_count", Integer, nullable=False),
    Column("opportunities", Text, nullable=False, comment="JSON array"),
    Column("attempt_count", Integer, nullable=False),
    Column("attempts", Text, nullable=False, comment="JSON array"),
    Column("success_count", Integer, nullable=False),
    Column("successes", Text, nullable=False, comment="JSON array"),
    Column("missed_count", Integer, nullable=False),
    Column("missed_candidates", Text, nullable=False, comment="JSON array"),
    Column("nearest_teammate_dist", Float, nullable=True),
    Column("is_isolation_death", Boolean, nullable=False),
    Column("is_traded", Boolean, nullable=False),
    PrimaryKeyConstraint("source_file", "engagement_id", name="pk_proximity_trade_event"),
    Index("ix_proximity_trade_event_day", "gaming_day"),
    Index("ix_proximity_trade_event_round", "round_id"),
)

proximity_support_summary = Table(
    "proximity_support_summary",
    metadata,
    *_warehouse_columns(),
    *_scope_columns(),
    Column(
        "support_samples",
        Integer,
        nullable=True,
        comment="NULL unless ENGAGEMENTS was captured (the combat it is measured against)",
    ),
    Column("total_samples", Integer, nullable=False),
    Column("support_uptime_pct", Float, nullable=True),
    Column("support_dist", Float, nullable=False),
    Column("combat_recent_ms", Integer, nullable=False),
    Column("pos_delta_ms", Integer, nullable=False),
    PrimaryKeyConstraint("source_file", name="pk_proximity_support_summary"),
    Index("ix_proximity_support_summary_day", "gaming_day"),
)

_NOT_CAPTURED = "NULL unless the ENGAGEMENTS section was captured (state enabled)"

proximity_files = Table(
    "proximity_files",
    metadata,
    Column("source_file", Text, nullable=False),
    Column("source_sha256", Text, nullable=False),
    Column("gaming_day", Date, nullable=False),
    Column("day_source", Text, nullable=False, comment="round_end_unix | filename | mtime"),
    Column("size_bytes", BigInteger, nullable=False),
    Column("format_version", BigInteger, nullable=False, comment="from the magic line (4 if none)"),
    Column("tracker_version_full", Text, nullable=True),
    Column("map_name", Text, nullable=False),
    Column("map_key", Text, nullable=False),
    Column("round_start_unix", BigInteger, nullable=True),
    Column("round_end_unix", BigInteger, nullable=True),
    Column("position_sample_interval_ms", BigInteger, nullable=True),
    Column("header_round_number", BigInteger, nullable=True, comment="as written (V4: R2 says 1)"),
    Column("resolved_round_number", BigInteger, nullable=True, comment="stored on every row"),
    Column("round_resolved", Boolean, nullable=False),
    Column("round_corrected", Boolean, nullable=False, comment="resolved != header"),
    Column("identity_reason", Text, nullable=False, comment="domain.round_identity REASON_*"),
    Column("identity_delta_s", BigInteger, nullable=True, comment="largest start/end difference"),
    Column("identity_sources", Text, nullable=True, comment="matched candidate tables, ','"),
    Column("identity_candidates", Integer, nullable=False, comment="same-map candidates compared"),
    Column("round_id", BigInteger, nullable=True, comment="rounds.id of the linked stats round"),
    Column("round_key", Text, nullable=True),
    Column("round_link_delta_s", Integer, nullable=True, comment="|stats file time - end|"),
    Column("engagement_lines", Integer, nullable=True, comment=_NOT_CAPTURED),
    Column("combat_engagements", Integer, nullable=True, comment=_NOT_CAPTURED),
    Column("excluded_engagements", Integer, nullable=True, comment=_NOT_CAPTURED),
    Column("player_tracks", Integer, nullable=False),
    Column("track_samples", Integer, nullable=False),
    Column("trade_events", Integer, nullable=True, comment=_NOT_CAPTURED),
    Column("support_summaries", Integer, nullable=False),
    Column("sprint_signal", Text, nullable=False, comment="present | absent | undetermined"),
    Column("broken_lines", Integer, nullable=False),
    Column("broken_line_details", Text, nullable=True, comment="line:reason; ..."),
    Column("ignored_sections", Text, nullable=True, comment="name(rows); ..."),
    Column("notes", Text, nullable=True),
    PrimaryKeyConstraint("source_file", name="pk_proximity_files"),
    Index("ix_proximity_files_day", "gaming_day"),
    Index("ix_proximity_files_round", "map_key", "resolved_round_number", "round_end_unix"),
)

PROXIMITY_ROW_TABLES: dict[str, Table] = {
    "combat_engagement": combat_engagement,
    "player_track": player_track,
    "proximity_trade_event": proximity_trade_event,
    "proximity_support_summary": proximity_support_summary,
}
"""Derived-row table name -> table (the keys of ``domain.proximity.TABLE_ROW_TYPES``)."""

# The section tables (``schema_proximity_sections``) are written by the same runs and batches.
PROXIMITY_ROW_TABLES.update(_sections.SECTION_TABLES)

WAREHOUSE_COLUMNS: tuple[str, ...] = ("source_sha256", "gaming_day", "round_id")
"""Columns of the derived-row tables that the warehouse fills (not fields of the row types)."""

PROXIMITY_TABLES: tuple[Table, ...] = (proximity_files, *PROXIMITY_ROW_TABLES.values())
