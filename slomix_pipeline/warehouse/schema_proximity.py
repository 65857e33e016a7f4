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

from sqlalchemy import Column, Index, Table

from slomix_pipeline.warehouse import schema_proximity_sections as _sections
from slomix_pipeline.warehouse.columns import *
from slomix_pipeline.warehouse.tables import primary_key, table


def _warehouse_columns() -> list[Column]:
    """The columns every proximity table carries besides the derived row's fields."""
    return linked_file_columns(
        file="landed file name",
        day="gaming day of the round end",
        round_="rounds.id of the linked stats round",
    )


def _scope_columns() -> list[Column]:
    """The round scope every derived row repeats (the round number is the *resolved* one)."""
    return round_scope_columns(
        "rounds.round_key when linked",
        "map as the header wrote it",
        "resolved round (R2 corrected)",
    )


_NO_CROSSFIRE = "NULL when the file declares crossfire_detection:0 (not measured)"

combat_engagement = table(
    "combat_engagement",
    *_warehouse_columns(),
    bigint("engagement_id", "tracker id, unique per file"),
    integer("source_line"),
    *_scope_columns(),
    bigint("start_time_ms", "tracker time base"),
    bigint("end_time_ms"),
    bigint("duration_ms"),
    text("target_guid"),
    text("target_name"),
    text("target_team"),
    text("outcome", "killed | escaped | round_end | timeout ..."),
    text_null("death_kind", "enemy_kill | self_kill | team_kill | world"),
    bigint("total_damage_taken", "enemy damage only"),
    bigint("friendly_fire_damage"),
    boolean("damage_is_estimated", "tracker's invented 100"),
    text_null("killer_guid"),
    text_null("killer_name"),
    bigint("num_attackers", "enemy attackers"),
    boolean_null("is_crossfire", _NO_CROSSFIRE),
    bigint_null("crossfire_delay_ms"),
    text_null("crossfire_participants", "JSON array of GUIDs"),
    floating("start_x"),
    floating("start_y"),
    floating("start_z"),
    floating("end_x"),
    floating("end_y"),
    floating("end_z"),
    floating("distance_traveled"),
    text("position_path", "time,x,y,z,event|... as written"),
    text("attackers", "JSON array of enemy attackers"),
    text_null("friendly_attackers", "JSON array of removed teammates"),
    primary_key("source_file", "engagement_id"),
    Index("ix_combat_engagement_day", "gaming_day"),
    Index("ix_combat_engagement_round", "round_id"),
    Index("ix_combat_engagement_target", "target_guid"),
)

player_track = table(
    "player_track",
    *_warehouse_columns(),
    integer("source_line", "one life per PLAYER_TRACKS line"),
    *_scope_columns(),
    text("player_guid"),
    text("player_name"),
    text("team"),
    text("player_class"),
    bigint("spawn_time_ms"),
    bigint_null("death_time_ms"),
    text_null("death_type"),
    bigint_null("duration_ms"),
    bigint_null("first_move_time_ms"),
    bigint_null("time_to_first_move_ms"),
    bigint("sample_count", "path points as written"),
    integer("periodic_samples", "'sample' points only"),
    floating("total_distance"),
    floating_null("avg_speed"),
    floating("peak_speed"),
    floating_null("sprint_percentage", "over periodic samples"),
    floating_null("sprint_sec"),
    floating_null("stance_standing_sec"),
    floating_null("stance_crouching_sec"),
    floating_null("stance_prone_sec"),
    text("path", "time,x,y,z,health,speed,...|... as written"),
    primary_key("source_file", "source_line"),
    Index("ix_player_track_day", "gaming_day"),
    Index("ix_player_track_round", "round_id"),
    Index("ix_player_track_guid", "player_guid"),
)

proximity_trade_event = table(
    "proximity_trade_event",
    *_warehouse_columns(),
    bigint("engagement_id", "the killing engagement"),
    *_scope_columns(),
    text("victim_guid"),
    text("victim_name"),
    text("victim_team"),
    text_null("killer_guid"),
    text_null("killer_name"),
    bigint("death_time_ms"),
    integer("trade_window_ms"),
    integer("opportunity_count"),
    text("opportunities", "JSON array"),
    integer("attempt_count"),
    text("attempts", "JSON array"),
    integer("success_count"),
    text("successes", "JSON array"),
    integer("missed_count"),
    text("missed_candidates", "JSON array"),
    floating_null("nearest_teammate_dist"),
    boolean("is_isolation_death"),
    boolean("is_traded"),
    primary_key("source_file", "engagement_id"),
    Index("ix_proximity_trade_event_day", "gaming_day"),
    Index("ix_proximity_trade_event_round", "round_id"),
)

proximity_support_summary = table(
    "proximity_support_summary",
    *_warehouse_columns(),
    *_scope_columns(),
    integer_null(
        "support_samples",
        "NULL unless ENGAGEMENTS was captured (the combat it is measured against)",
    ),
    integer("total_samples"),
    floating_null("support_uptime_pct"),
    floating("support_dist"),
    integer("combat_recent_ms"),
    integer("pos_delta_ms"),
    primary_key("source_file"),
    Index("ix_proximity_support_summary_day", "gaming_day"),
)

_NOT_CAPTURED = "NULL unless the ENGAGEMENTS section was captured (state enabled)"

proximity_files = table(
    "proximity_files",
    *provenance_columns(),
    gaming_day(),
    text("day_source", "round_end_unix | filename | mtime"),
    bigint("size_bytes"),
    bigint("format_version", "from the magic line (4 if none)"),
    text_null("tracker_version_full"),
    text("map_name"),
    text("map_key"),
    *round_time_columns(nullable=True),
    bigint_null("position_sample_interval_ms"),
    bigint_null("header_round_number", "as written (V4: R2 says 1)"),
    bigint_null("resolved_round_number", "stored on every row"),
    boolean("round_resolved"),
    boolean("round_corrected", "resolved != header"),
    text("identity_reason", "domain.round_identity REASON_*"),
    bigint_null("identity_delta_s", "largest start/end difference"),
    text_null("identity_sources", "matched candidate tables, ','"),
    integer("identity_candidates", "same-map candidates compared"),
    bigint_null("round_id", "rounds.id of the linked stats round"),
    text_null("round_key"),
    integer_null("round_link_delta_s", "|stats file time - end|"),
    integer_null("engagement_lines", _NOT_CAPTURED),
    integer_null("combat_engagements", _NOT_CAPTURED),
    integer_null("excluded_engagements", _NOT_CAPTURED),
    integer("player_tracks"),
    integer("track_samples"),
    integer_null("trade_events", _NOT_CAPTURED),
    integer("support_summaries"),
    text("sprint_signal", "present | absent | undetermined"),
    integer("broken_lines"),
    text_null("broken_line_details", "line:reason; ..."),
    text_null("ignored_sections", "name(rows); ..."),
    text_null("notes"),
    primary_key("source_file"),
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
