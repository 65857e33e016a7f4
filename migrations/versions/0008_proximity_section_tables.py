"""proximity sections: one table per v4 heatmap/objective-focus and later (v4.2 … v6.10)
section, the per-file section capability and the per-player section figures

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = (
    "proximity_kill_heatmap",
    "proximity_movement_heatmap",
    "proximity_objective_focus",
    "proximity_reaction_metric",
    "proximity_spawn_timing",
    "proximity_team_cohesion",
    "proximity_crossfire_opportunity",
    "proximity_focus_fire",
    "proximity_team_push",
    "proximity_lua_trade_kill",
    "proximity_revive",
    "proximity_weapon_accuracy",
    "proximity_kill_outcome",
    "proximity_hit_region",
    "proximity_combat_position",
    "proximity_shot_fired",
    "proximity_aim_lock",
    "proximity_spawn_select",
    "proximity_skill_snapshot",
    "proximity_comm_event",
    "proximity_carrier_event",
    "proximity_carrier_kill",
    "proximity_carrier_return",
    "proximity_vehicle_progress",
    "proximity_escort_credit",
    "proximity_construction_event",
    "proximity_objective_run",
    "proximity_section_capability",
    "proximity_player_sections",
)


def upgrade() -> None:
    op.create_table(
        "proximity_kill_heatmap",
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "round_id", sa.BigInteger(), nullable=True, comment="rounds.id of the linked round"
        ),
        sa.Column("round_number", sa.BigInteger(), nullable=True, comment="resolved round"),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("grid_x", sa.BigInteger(), nullable=False),
        sa.Column("grid_y", sa.BigInteger(), nullable=False),
        sa.Column("axis_kills", sa.BigInteger(), nullable=False),
        sa.Column("allies_kills", sa.BigInteger(), nullable=False),
        sa.Column("out_of_range", sa.Text(), nullable=True, comment="flagged fields, values kept"),
        sa.PrimaryKeyConstraint("source_file", "source_line", name="pk_proximity_kill_heatmap"),
    )
    op.create_index("ix_proximity_kill_heatmap_day", "proximity_kill_heatmap", ["gaming_day"])

    op.create_table(
        "proximity_movement_heatmap",
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "round_id", sa.BigInteger(), nullable=True, comment="rounds.id of the linked round"
        ),
        sa.Column("round_number", sa.BigInteger(), nullable=True, comment="resolved round"),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("grid_x", sa.BigInteger(), nullable=False),
        sa.Column("grid_y", sa.BigInteger(), nullable=False),
        sa.Column("traversal", sa.BigInteger(), nullable=False),
        sa.Column("combat", sa.BigInteger(), nullable=False),
        sa.Column("escape", sa.BigInteger(), nullable=False),
        sa.Column("out_of_range", sa.Text(), nullable=True, comment="flagged fields, values kept"),
        sa.PrimaryKeyConstraint("source_file", "source_line", name="pk_proximity_movement_heatmap"),
    )
    op.create_index(
        "ix_proximity_movement_heatmap_day", "proximity_movement_heatmap", ["gaming_day"]
    )

    op.create_table(
        "proximity_objective_focus",
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "round_id", sa.BigInteger(), nullable=True, comment="rounds.id of the linked round"
        ),
        sa.Column("round_number", sa.BigInteger(), nullable=True, comment="resolved round"),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("player_guid", sa.Text(), nullable=False),
        sa.Column("player_name", sa.Text(), nullable=False),
        sa.Column("team", sa.Text(), nullable=False),
        sa.Column("objective", sa.Text(), nullable=False),
        sa.Column("avg_distance", sa.Float(), nullable=False),
        sa.Column("time_within_radius_ms", sa.BigInteger(), nullable=False),
        sa.Column("samples", sa.BigInteger(), nullable=False),
        sa.Column("out_of_range", sa.Text(), nullable=True, comment="flagged fields, values kept"),
        sa.PrimaryKeyConstraint("source_file", "source_line", name="pk_proximity_objective_focus"),
    )
    op.create_index("ix_proximity_objective_focus_day", "proximity_objective_focus", ["gaming_day"])

    op.create_table(
        "proximity_reaction_metric",
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "round_id", sa.BigInteger(), nullable=True, comment="rounds.id of the linked round"
        ),
        sa.Column("round_number", sa.BigInteger(), nullable=True, comment="resolved round"),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.BigInteger(), nullable=False),
        sa.Column("target_guid", sa.Text(), nullable=False),
        sa.Column("target_name", sa.Text(), nullable=False),
        sa.Column("target_team", sa.Text(), nullable=False),
        sa.Column("target_class", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("num_attackers", sa.BigInteger(), nullable=False),
        sa.Column("return_fire_ms", sa.BigInteger(), nullable=True),
        sa.Column("dodge_reaction_ms", sa.BigInteger(), nullable=True),
        sa.Column("support_reaction_ms", sa.BigInteger(), nullable=True),
        sa.Column("start_time", sa.BigInteger(), nullable=False),
        sa.Column("end_time", sa.BigInteger(), nullable=False),
        sa.Column("duration", sa.BigInteger(), nullable=False),
        sa.Column("out_of_range", sa.Text(), nullable=True, comment="flagged fields, values kept"),
        sa.PrimaryKeyConstraint("source_file", "source_line", name="pk_proximity_reaction_metric"),
    )
    op.create_index("ix_proximity_reaction_metric_day", "proximity_reaction_metric", ["gaming_day"])

    op.create_table(
        "proximity_spawn_timing",
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "round_id", sa.BigInteger(), nullable=True, comment="rounds.id of the linked round"
        ),
        sa.Column("round_number", sa.BigInteger(), nullable=True, comment="resolved round"),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("killer_guid", sa.Text(), nullable=False),
        sa.Column("killer_name", sa.Text(), nullable=False),
        sa.Column("killer_team", sa.Text(), nullable=False),
        sa.Column("victim_guid", sa.Text(), nullable=False),
        sa.Column("victim_name", sa.Text(), nullable=False),
        sa.Column("victim_team", sa.Text(), nullable=False),
        sa.Column("kill_time", sa.BigInteger(), nullable=False),
        sa.Column("enemy_spawn_interval", sa.BigInteger(), nullable=False),
        sa.Column("time_to_next_spawn", sa.BigInteger(), nullable=False),
        sa.Column("spawn_timing_score", sa.Float(), nullable=False),
        sa.Column("killer_reinf", sa.Float(), nullable=True),
        sa.Column("victim_reinf", sa.Float(), nullable=True),
        sa.Column("out_of_range", sa.Text(), nullable=True, comment="flagged fields, values kept"),
        sa.PrimaryKeyConstraint("source_file", "source_line", name="pk_proximity_spawn_timing"),
    )
    op.create_index("ix_proximity_spawn_timing_day", "proximity_spawn_timing", ["gaming_day"])

    op.create_table(
        "proximity_team_cohesion",
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "round_id", sa.BigInteger(), nullable=True, comment="rounds.id of the linked round"
        ),
        sa.Column("round_number", sa.BigInteger(), nullable=True, comment="resolved round"),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("sample_time", sa.BigInteger(), nullable=False),
        sa.Column("team", sa.Text(), nullable=False),
        sa.Column("alive_count", sa.BigInteger(), nullable=False),
        sa.Column("centroid_x", sa.Float(), nullable=False),
        sa.Column("centroid_y", sa.Float(), nullable=False),
        sa.Column("dispersion", sa.Float(), nullable=False),
        sa.Column("max_spread", sa.Float(), nullable=False),
        sa.Column("straggler_count", sa.BigInteger(), nullable=False),
        sa.Column("buddy_pair_guids", sa.Text(), nullable=True),
        sa.Column("buddy_distance", sa.Float(), nullable=True),
        sa.Column("out_of_range", sa.Text(), nullable=True, comment="flagged fields, values kept"),
        sa.PrimaryKeyConstraint("source_file", "source_line", name="pk_proximity_team_cohesion"),
    )
    op.create_index("ix_proximity_team_cohesion_day", "proximity_team_cohesion", ["gaming_day"])

    op.create_table(
        "proximity_crossfire_opportunity",
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "round_id", sa.BigInteger(), nullable=True, comment="rounds.id of the linked round"
        ),
        sa.Column("round_number", sa.BigInteger(), nullable=True, comment="resolved round"),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("event_time", sa.BigInteger(), nullable=False),
        sa.Column("target_guid", sa.Text(), nullable=False),
        sa.Column("target_name", sa.Text(), nullable=False),
        sa.Column("target_team", sa.Text(), nullable=False),
        sa.Column("teammate1_guid", sa.Text(), nullable=False),
        sa.Column("teammate2_guid", sa.Text(), nullable=False),
        sa.Column("angular_separation", sa.Float(), nullable=False),
        sa.Column("was_executed", sa.Boolean(), nullable=False),
        sa.Column("damage_within_window", sa.BigInteger(), nullable=False),
        sa.Column("out_of_range", sa.Text(), nullable=True, comment="flagged fields, values kept"),
        sa.PrimaryKeyConstraint(
            "source_file", "source_line", name="pk_proximity_crossfire_opportunity"
        ),
    )
    op.create_index(
        "ix_proximity_crossfire_opportunity_day", "proximity_crossfire_opportunity", ["gaming_day"]
    )

    op.create_table(
        "proximity_focus_fire",
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "round_id", sa.BigInteger(), nullable=True, comment="rounds.id of the linked round"
        ),
        sa.Column("round_number", sa.BigInteger(), nullable=True, comment="resolved round"),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.BigInteger(), nullable=False),
        sa.Column("target_guid", sa.Text(), nullable=False),
        sa.Column("target_name", sa.Text(), nullable=False),
        sa.Column("attacker_count", sa.BigInteger(), nullable=False),
        sa.Column("attacker_guids", sa.Text(), nullable=False),
        sa.Column("total_damage", sa.BigInteger(), nullable=False),
        sa.Column("duration", sa.BigInteger(), nullable=False),
        sa.Column("focus_score", sa.Float(), nullable=False),
        sa.Column("out_of_range", sa.Text(), nullable=True, comment="flagged fields, values kept"),
        sa.PrimaryKeyConstraint("source_file", "source_line", name="pk_proximity_focus_fire"),
    )
    op.create_index("ix_proximity_focus_fire_day", "proximity_focus_fire", ["gaming_day"])

    op.create_table(
        "proximity_team_push",
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "round_id", sa.BigInteger(), nullable=True, comment="rounds.id of the linked round"
        ),
        sa.Column("round_number", sa.BigInteger(), nullable=True, comment="resolved round"),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("start_time", sa.BigInteger(), nullable=False),
        sa.Column("end_time", sa.BigInteger(), nullable=False),
        sa.Column("team", sa.Text(), nullable=False),
        sa.Column("avg_speed", sa.Float(), nullable=False),
        sa.Column("direction_x", sa.Float(), nullable=False),
        sa.Column("direction_y", sa.Float(), nullable=False),
        sa.Column("alignment_score", sa.Float(), nullable=False),
        sa.Column("push_quality", sa.Float(), nullable=False),
        sa.Column("participant_count", sa.BigInteger(), nullable=False),
        sa.Column("toward_objective", sa.Text(), nullable=False),
        sa.Column("out_of_range", sa.Text(), nullable=True, comment="flagged fields, values kept"),
        sa.PrimaryKeyConstraint("source_file", "source_line", name="pk_proximity_team_push"),
    )
    op.create_index("ix_proximity_team_push_day", "proximity_team_push", ["gaming_day"])

    op.create_table(
        "proximity_lua_trade_kill",
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "round_id", sa.BigInteger(), nullable=True, comment="rounds.id of the linked round"
        ),
        sa.Column("round_number", sa.BigInteger(), nullable=True, comment="resolved round"),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("original_kill_time", sa.BigInteger(), nullable=False),
        sa.Column("traded_kill_time", sa.BigInteger(), nullable=False),
        sa.Column("delta_ms", sa.BigInteger(), nullable=False),
        sa.Column("original_victim_guid", sa.Text(), nullable=False),
        sa.Column("original_victim_name", sa.Text(), nullable=False),
        sa.Column("original_killer_guid", sa.Text(), nullable=False),
        sa.Column("original_killer_name", sa.Text(), nullable=False),
        sa.Column("trader_guid", sa.Text(), nullable=False),
        sa.Column("trader_name", sa.Text(), nullable=False),
        sa.Column("out_of_range", sa.Text(), nullable=True, comment="flagged fields, values kept"),
        sa.PrimaryKeyConstraint("source_file", "source_line", name="pk_proximity_lua_trade_kill"),
    )
    op.create_index("ix_proximity_lua_trade_kill_day", "proximity_lua_trade_kill", ["gaming_day"])

    op.create_table(
        "proximity_revive",
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "round_id", sa.BigInteger(), nullable=True, comment="rounds.id of the linked round"
        ),
        sa.Column("round_number", sa.BigInteger(), nullable=True, comment="resolved round"),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("revive_time", sa.BigInteger(), nullable=False),
        sa.Column("medic_guid", sa.Text(), nullable=True),
        sa.Column("medic_name", sa.Text(), nullable=True),
        sa.Column("revived_guid", sa.Text(), nullable=False),
        sa.Column("revived_name", sa.Text(), nullable=False),
        sa.Column("revive_x", sa.Float(), nullable=False),
        sa.Column("revive_y", sa.Float(), nullable=False),
        sa.Column("revive_z", sa.Float(), nullable=False),
        sa.Column("distance_to_enemy", sa.Float(), nullable=False),
        sa.Column("nearest_enemy_guid", sa.Text(), nullable=True),
        sa.Column("under_fire", sa.Boolean(), nullable=False),
        sa.Column("out_of_range", sa.Text(), nullable=True, comment="flagged fields, values kept"),
        sa.PrimaryKeyConstraint("source_file", "source_line", name="pk_proximity_revive"),
    )
    op.create_index("ix_proximity_revive_day", "proximity_revive", ["gaming_day"])

    op.create_table(
        "proximity_weapon_accuracy",
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "round_id", sa.BigInteger(), nullable=True, comment="rounds.id of the linked round"
        ),
        sa.Column("round_number", sa.BigInteger(), nullable=True, comment="resolved round"),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("player_guid", sa.Text(), nullable=False),
        sa.Column("player_name", sa.Text(), nullable=False),
        sa.Column("team", sa.Text(), nullable=False),
        sa.Column("weapon_id", sa.BigInteger(), nullable=False),
        sa.Column("shots_fired", sa.BigInteger(), nullable=False),
        sa.Column("hits", sa.BigInteger(), nullable=False),
        sa.Column("kills", sa.BigInteger(), nullable=False),
        sa.Column("headshots", sa.BigInteger(), nullable=False),
        sa.Column("out_of_range", sa.Text(), nullable=True, comment="flagged fields, values kept"),
        sa.PrimaryKeyConstraint("source_file", "source_line", name="pk_proximity_weapon_accuracy"),
    )
    op.create_index("ix_proximity_weapon_accuracy_day", "proximity_weapon_accuracy", ["gaming_day"])

    op.create_table(
        "proximity_kill_outcome",
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "round_id", sa.BigInteger(), nullable=True, comment="rounds.id of the linked round"
        ),
        sa.Column("round_number", sa.BigInteger(), nullable=True, comment="resolved round"),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("kill_time", sa.BigInteger(), nullable=False),
        sa.Column("victim_guid", sa.Text(), nullable=False),
        sa.Column("victim_name", sa.Text(), nullable=False),
        sa.Column("killer_guid", sa.Text(), nullable=False),
        sa.Column("killer_name", sa.Text(), nullable=False),
        sa.Column("kill_mod", sa.BigInteger(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("outcome_time", sa.BigInteger(), nullable=False),
        sa.Column("delta_ms", sa.BigInteger(), nullable=False),
        sa.Column("effective_denied_ms", sa.BigInteger(), nullable=False),
        sa.Column("gibber_guid", sa.Text(), nullable=True),
        sa.Column("gibber_name", sa.Text(), nullable=True),
        sa.Column("reviver_guid", sa.Text(), nullable=True),
        sa.Column("reviver_name", sa.Text(), nullable=True),
        sa.Column("out_of_range", sa.Text(), nullable=True, comment="flagged fields, values kept"),
        sa.PrimaryKeyConstraint("source_file", "source_line", name="pk_proximity_kill_outcome"),
    )
    op.create_index("ix_proximity_kill_outcome_day", "proximity_kill_outcome", ["gaming_day"])

    op.create_table(
        "proximity_hit_region",
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "round_id", sa.BigInteger(), nullable=True, comment="rounds.id of the linked round"
        ),
        sa.Column("round_number", sa.BigInteger(), nullable=True, comment="resolved round"),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("event_time", sa.BigInteger(), nullable=False),
        sa.Column("attacker_guid", sa.Text(), nullable=False),
        sa.Column("attacker_name", sa.Text(), nullable=False),
        sa.Column("victim_guid", sa.Text(), nullable=False),
        sa.Column("victim_name", sa.Text(), nullable=False),
        sa.Column("weapon_id", sa.BigInteger(), nullable=False),
        sa.Column("hit_region", sa.BigInteger(), nullable=False),
        sa.Column("damage", sa.BigInteger(), nullable=False),
        sa.Column("out_of_range", sa.Text(), nullable=True, comment="flagged fields, values kept"),
        sa.PrimaryKeyConstraint("source_file", "source_line", name="pk_proximity_hit_region"),
    )
    op.create_index("ix_proximity_hit_region_day", "proximity_hit_region", ["gaming_day"])

    op.create_table(
        "proximity_combat_position",
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "round_id", sa.BigInteger(), nullable=True, comment="rounds.id of the linked round"
        ),
        sa.Column("round_number", sa.BigInteger(), nullable=True, comment="resolved round"),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("event_time", sa.BigInteger(), nullable=False),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("attacker_guid", sa.Text(), nullable=False),
        sa.Column("attacker_name", sa.Text(), nullable=False),
        sa.Column("attacker_team", sa.Text(), nullable=False),
        sa.Column("attacker_class", sa.Text(), nullable=False),
        sa.Column("victim_guid", sa.Text(), nullable=False),
        sa.Column("victim_name", sa.Text(), nullable=False),
        sa.Column("victim_team", sa.Text(), nullable=False),
        sa.Column("victim_class", sa.Text(), nullable=False),
        sa.Column("attacker_x", sa.BigInteger(), nullable=False),
        sa.Column("attacker_y", sa.BigInteger(), nullable=False),
        sa.Column("attacker_z", sa.BigInteger(), nullable=False),
        sa.Column("victim_x", sa.BigInteger(), nullable=False),
        sa.Column("victim_y", sa.BigInteger(), nullable=False),
        sa.Column("victim_z", sa.BigInteger(), nullable=False),
        sa.Column("weapon_id", sa.BigInteger(), nullable=False),
        sa.Column("means_of_death", sa.BigInteger(), nullable=False),
        sa.Column("killer_health", sa.BigInteger(), nullable=True),
        sa.Column("axis_alive", sa.BigInteger(), nullable=True),
        sa.Column("allies_alive", sa.BigInteger(), nullable=True),
        sa.Column("out_of_range", sa.Text(), nullable=True, comment="flagged fields, values kept"),
        sa.PrimaryKeyConstraint("source_file", "source_line", name="pk_proximity_combat_position"),
    )
    op.create_index("ix_proximity_combat_position_day", "proximity_combat_position", ["gaming_day"])

    op.create_table(
        "proximity_shot_fired",
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "round_id", sa.BigInteger(), nullable=True, comment="rounds.id of the linked round"
        ),
        sa.Column("round_number", sa.BigInteger(), nullable=True, comment="resolved round"),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("event_time", sa.BigInteger(), nullable=False),
        sa.Column("guid", sa.Text(), nullable=False),
        sa.Column("weapon_id", sa.BigInteger(), nullable=False),
        sa.Column("origin_x", sa.BigInteger(), nullable=False),
        sa.Column("origin_y", sa.BigInteger(), nullable=False),
        sa.Column("origin_z", sa.BigInteger(), nullable=False),
        sa.Column("view_yaw", sa.Float(), nullable=False),
        sa.Column("view_pitch", sa.Float(), nullable=False),
        sa.Column("out_of_range", sa.Text(), nullable=True, comment="flagged fields, values kept"),
        sa.PrimaryKeyConstraint("source_file", "source_line", name="pk_proximity_shot_fired"),
    )
    op.create_index("ix_proximity_shot_fired_day", "proximity_shot_fired", ["gaming_day"])

    op.create_table(
        "proximity_aim_lock",
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "round_id", sa.BigInteger(), nullable=True, comment="rounds.id of the linked round"
        ),
        sa.Column("round_number", sa.BigInteger(), nullable=True, comment="resolved round"),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("start_time", sa.BigInteger(), nullable=False),
        sa.Column("end_time", sa.BigInteger(), nullable=False),
        sa.Column("duration_ms", sa.BigInteger(), nullable=False),
        sa.Column("guid", sa.Text(), nullable=False),
        sa.Column("player_name", sa.Text(), nullable=False),
        sa.Column("team", sa.Text(), nullable=False),
        sa.Column("target_guid", sa.Text(), nullable=False),
        sa.Column("target_name", sa.Text(), nullable=False),
        sa.Column("avg_err_deg", sa.Float(), nullable=False),
        sa.Column("avg_dist", sa.BigInteger(), nullable=False),
        sa.Column("samples", sa.BigInteger(), nullable=False),
        sa.Column("out_of_range", sa.Text(), nullable=True, comment="flagged fields, values kept"),
        sa.PrimaryKeyConstraint("source_file", "source_line", name="pk_proximity_aim_lock"),
    )
    op.create_index("ix_proximity_aim_lock_day", "proximity_aim_lock", ["gaming_day"])

    op.create_table(
        "proximity_spawn_select",
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "round_id", sa.BigInteger(), nullable=True, comment="rounds.id of the linked round"
        ),
        sa.Column("round_number", sa.BigInteger(), nullable=True, comment="resolved round"),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("event_time", sa.BigInteger(), nullable=False),
        sa.Column("guid", sa.Text(), nullable=False),
        sa.Column("player_name", sa.Text(), nullable=False),
        sa.Column("team", sa.Text(), nullable=False),
        sa.Column("spawn_index", sa.BigInteger(), nullable=False),
        sa.Column("last_spawn_time", sa.BigInteger(), nullable=False),
        sa.Column("out_of_range", sa.Text(), nullable=True, comment="flagged fields, values kept"),
        sa.PrimaryKeyConstraint("source_file", "source_line", name="pk_proximity_spawn_select"),
    )
    op.create_index("ix_proximity_spawn_select_day", "proximity_spawn_select", ["gaming_day"])

    op.create_table(
        "proximity_skill_snapshot",
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "round_id", sa.BigInteger(), nullable=True, comment="rounds.id of the linked round"
        ),
        sa.Column("round_number", sa.BigInteger(), nullable=True, comment="resolved round"),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("guid", sa.Text(), nullable=False),
        sa.Column("player_name", sa.Text(), nullable=False),
        sa.Column("team", sa.Text(), nullable=False),
        sa.Column("battle_sense", sa.BigInteger(), nullable=False),
        sa.Column("engineering", sa.BigInteger(), nullable=False),
        sa.Column("first_aid", sa.BigInteger(), nullable=False),
        sa.Column("signals", sa.BigInteger(), nullable=False),
        sa.Column("light_weapons", sa.BigInteger(), nullable=False),
        sa.Column("heavy_weapons", sa.BigInteger(), nullable=False),
        sa.Column("covertops", sa.BigInteger(), nullable=False),
        sa.Column("out_of_range", sa.Text(), nullable=True, comment="flagged fields, values kept"),
        sa.PrimaryKeyConstraint("source_file", "source_line", name="pk_proximity_skill_snapshot"),
    )
    op.create_index("ix_proximity_skill_snapshot_day", "proximity_skill_snapshot", ["gaming_day"])

    op.create_table(
        "proximity_comm_event",
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "round_id", sa.BigInteger(), nullable=True, comment="rounds.id of the linked round"
        ),
        sa.Column("round_number", sa.BigInteger(), nullable=True, comment="resolved round"),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("event_time", sa.BigInteger(), nullable=False),
        sa.Column("guid", sa.Text(), nullable=False),
        sa.Column("player_name", sa.Text(), nullable=False),
        sa.Column("team", sa.Text(), nullable=False),
        sa.Column("cmd", sa.Text(), nullable=False),
        sa.Column("arg", sa.Text(), nullable=True),
        sa.Column("out_of_range", sa.Text(), nullable=True, comment="flagged fields, values kept"),
        sa.PrimaryKeyConstraint("source_file", "source_line", name="pk_proximity_comm_event"),
    )
    op.create_index("ix_proximity_comm_event_day", "proximity_comm_event", ["gaming_day"])

    op.create_table(
        "proximity_carrier_event",
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "round_id", sa.BigInteger(), nullable=True, comment="rounds.id of the linked round"
        ),
        sa.Column("round_number", sa.BigInteger(), nullable=True, comment="resolved round"),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("carrier_guid", sa.Text(), nullable=False),
        sa.Column("carrier_name", sa.Text(), nullable=False),
        sa.Column("carrier_team", sa.Text(), nullable=False),
        sa.Column("flag_team", sa.Text(), nullable=False),
        sa.Column("pickup_time", sa.BigInteger(), nullable=False),
        sa.Column("drop_time", sa.BigInteger(), nullable=False),
        sa.Column("duration_ms", sa.BigInteger(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("carry_distance", sa.Float(), nullable=False),
        sa.Column("beeline_distance", sa.Float(), nullable=False),
        sa.Column("efficiency", sa.Float(), nullable=False),
        sa.Column("path_samples", sa.BigInteger(), nullable=False),
        sa.Column("pickup_x", sa.BigInteger(), nullable=False),
        sa.Column("pickup_y", sa.BigInteger(), nullable=False),
        sa.Column("pickup_z", sa.BigInteger(), nullable=False),
        sa.Column("drop_x", sa.BigInteger(), nullable=False),
        sa.Column("drop_y", sa.BigInteger(), nullable=False),
        sa.Column("drop_z", sa.BigInteger(), nullable=False),
        sa.Column("killer_guid", sa.Text(), nullable=True),
        sa.Column("killer_name", sa.Text(), nullable=True),
        sa.Column("out_of_range", sa.Text(), nullable=True, comment="flagged fields, values kept"),
        sa.PrimaryKeyConstraint("source_file", "source_line", name="pk_proximity_carrier_event"),
    )
    op.create_index("ix_proximity_carrier_event_day", "proximity_carrier_event", ["gaming_day"])

    op.create_table(
        "proximity_carrier_kill",
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "round_id", sa.BigInteger(), nullable=True, comment="rounds.id of the linked round"
        ),
        sa.Column("round_number", sa.BigInteger(), nullable=True, comment="resolved round"),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("kill_time", sa.BigInteger(), nullable=False),
        sa.Column("carrier_guid", sa.Text(), nullable=False),
        sa.Column("carrier_name", sa.Text(), nullable=False),
        sa.Column("carrier_team", sa.Text(), nullable=False),
        sa.Column("killer_guid", sa.Text(), nullable=False),
        sa.Column("killer_name", sa.Text(), nullable=False),
        sa.Column("killer_team", sa.Text(), nullable=False),
        sa.Column("means_of_death", sa.BigInteger(), nullable=False),
        sa.Column("carrier_distance_at_kill", sa.Float(), nullable=False),
        sa.Column("flag_team", sa.Text(), nullable=False),
        sa.Column("out_of_range", sa.Text(), nullable=True, comment="flagged fields, values kept"),
        sa.PrimaryKeyConstraint("source_file", "source_line", name="pk_proximity_carrier_kill"),
    )
    op.create_index("ix_proximity_carrier_kill_day", "proximity_carrier_kill", ["gaming_day"])

    op.create_table(
        "proximity_carrier_return",
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "round_id", sa.BigInteger(), nullable=True, comment="rounds.id of the linked round"
        ),
        sa.Column("round_number", sa.BigInteger(), nullable=True, comment="resolved round"),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("return_time", sa.BigInteger(), nullable=False),
        sa.Column("returner_guid", sa.Text(), nullable=False),
        sa.Column("returner_name", sa.Text(), nullable=False),
        sa.Column("returner_team", sa.Text(), nullable=False),
        sa.Column("flag_team", sa.Text(), nullable=False),
        sa.Column("original_carrier_guid", sa.Text(), nullable=False),
        sa.Column("drop_time", sa.BigInteger(), nullable=False),
        sa.Column("return_delay_ms", sa.BigInteger(), nullable=False),
        sa.Column("drop_x", sa.BigInteger(), nullable=False),
        sa.Column("drop_y", sa.BigInteger(), nullable=False),
        sa.Column("drop_z", sa.BigInteger(), nullable=False),
        sa.Column("out_of_range", sa.Text(), nullable=True, comment="flagged fields, values kept"),
        sa.PrimaryKeyConstraint("source_file", "source_line", name="pk_proximity_carrier_return"),
    )
    op.create_index("ix_proximity_carrier_return_day", "proximity_carrier_return", ["gaming_day"])

    op.create_table(
        "proximity_vehicle_progress",
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "round_id", sa.BigInteger(), nullable=True, comment="rounds.id of the linked round"
        ),
        sa.Column("round_number", sa.BigInteger(), nullable=True, comment="resolved round"),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("vehicle_name", sa.Text(), nullable=False),
        sa.Column("vehicle_type", sa.Text(), nullable=False),
        sa.Column("start_x", sa.BigInteger(), nullable=False),
        sa.Column("start_y", sa.BigInteger(), nullable=False),
        sa.Column("start_z", sa.BigInteger(), nullable=False),
        sa.Column("end_x", sa.BigInteger(), nullable=False),
        sa.Column("end_y", sa.BigInteger(), nullable=False),
        sa.Column("end_z", sa.BigInteger(), nullable=False),
        sa.Column("total_distance", sa.Float(), nullable=False),
        sa.Column("max_health", sa.BigInteger(), nullable=False),
        sa.Column("final_health", sa.BigInteger(), nullable=False),
        sa.Column("destroyed_count", sa.BigInteger(), nullable=False),
        sa.Column("out_of_range", sa.Text(), nullable=True, comment="flagged fields, values kept"),
        sa.PrimaryKeyConstraint("source_file", "source_line", name="pk_proximity_vehicle_progress"),
    )
    op.create_index(
        "ix_proximity_vehicle_progress_day", "proximity_vehicle_progress", ["gaming_day"]
    )

    op.create_table(
        "proximity_escort_credit",
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "round_id", sa.BigInteger(), nullable=True, comment="rounds.id of the linked round"
        ),
        sa.Column("round_number", sa.BigInteger(), nullable=True, comment="resolved round"),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("player_guid", sa.Text(), nullable=False),
        sa.Column("player_name", sa.Text(), nullable=False),
        sa.Column("player_team", sa.Text(), nullable=False),
        sa.Column("vehicle_name", sa.Text(), nullable=False),
        sa.Column("mounted_time_ms", sa.BigInteger(), nullable=False),
        sa.Column("proximity_time_ms", sa.BigInteger(), nullable=False),
        sa.Column("total_escort_distance", sa.Float(), nullable=False),
        sa.Column("credit_distance", sa.Float(), nullable=False),
        sa.Column("samples", sa.BigInteger(), nullable=False),
        sa.Column("out_of_range", sa.Text(), nullable=True, comment="flagged fields, values kept"),
        sa.PrimaryKeyConstraint("source_file", "source_line", name="pk_proximity_escort_credit"),
    )
    op.create_index("ix_proximity_escort_credit_day", "proximity_escort_credit", ["gaming_day"])

    op.create_table(
        "proximity_construction_event",
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "round_id", sa.BigInteger(), nullable=True, comment="rounds.id of the linked round"
        ),
        sa.Column("round_number", sa.BigInteger(), nullable=True, comment="resolved round"),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("event_time", sa.BigInteger(), nullable=False),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("player_guid", sa.Text(), nullable=False),
        sa.Column("player_name", sa.Text(), nullable=False),
        sa.Column("player_team", sa.Text(), nullable=False),
        sa.Column("track_name", sa.Text(), nullable=True),
        sa.Column("player_x", sa.BigInteger(), nullable=False),
        sa.Column("player_y", sa.BigInteger(), nullable=False),
        sa.Column("player_z", sa.BigInteger(), nullable=False),
        sa.Column("out_of_range", sa.Text(), nullable=True, comment="flagged fields, values kept"),
        sa.PrimaryKeyConstraint(
            "source_file", "source_line", name="pk_proximity_construction_event"
        ),
    )
    op.create_index(
        "ix_proximity_construction_event_day", "proximity_construction_event", ["gaming_day"]
    )

    op.create_table(
        "proximity_objective_run",
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "round_id", sa.BigInteger(), nullable=True, comment="rounds.id of the linked round"
        ),
        sa.Column("round_number", sa.BigInteger(), nullable=True, comment="resolved round"),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("engineer_guid", sa.Text(), nullable=False),
        sa.Column("engineer_name", sa.Text(), nullable=False),
        sa.Column("engineer_team", sa.Text(), nullable=False),
        sa.Column("action_type", sa.Text(), nullable=False),
        sa.Column("track_name", sa.Text(), nullable=True),
        sa.Column("action_time", sa.BigInteger(), nullable=False),
        sa.Column("approach_time_ms", sa.BigInteger(), nullable=False),
        sa.Column("approach_distance", sa.Float(), nullable=False),
        sa.Column("beeline_distance", sa.Float(), nullable=False),
        sa.Column("path_efficiency", sa.Float(), nullable=False),
        sa.Column("self_kills", sa.BigInteger(), nullable=False),
        sa.Column("team_kills", sa.BigInteger(), nullable=False),
        sa.Column("escort_guids", sa.Text(), nullable=True),
        sa.Column("enemies_nearby", sa.BigInteger(), nullable=False),
        sa.Column("nearby_teammates", sa.BigInteger(), nullable=False),
        sa.Column("run_type", sa.Text(), nullable=False),
        sa.Column("obj_x", sa.BigInteger(), nullable=False),
        sa.Column("obj_y", sa.BigInteger(), nullable=False),
        sa.Column("obj_z", sa.BigInteger(), nullable=False),
        sa.Column("killer_guid", sa.Text(), nullable=True),
        sa.Column("killer_name", sa.Text(), nullable=True),
        sa.Column("out_of_range", sa.Text(), nullable=True, comment="flagged fields, values kept"),
        sa.PrimaryKeyConstraint("source_file", "source_line", name="pk_proximity_objective_run"),
    )
    op.create_index("ix_proximity_objective_run_day", "proximity_objective_run", ["gaming_day"])

    op.create_table(
        "proximity_section_capability",
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("source_sha256", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "round_id", sa.BigInteger(), nullable=True, comment="rounds.id of the linked round"
        ),
        sa.Column("kind", sa.Text(), nullable=False, comment="section | unknown_section | flag"),
        sa.Column("name", sa.Text(), nullable=False, comment="section marker or flag name"),
        sa.Column("round_key", sa.Text(), nullable=True),
        sa.Column("map_name", sa.Text(), nullable=True),
        sa.Column("round_number", sa.BigInteger(), nullable=True, comment="resolved round"),
        sa.Column("round_start_unix", sa.BigInteger(), nullable=True),
        sa.Column("round_end_unix", sa.BigInteger(), nullable=True),
        sa.Column("flag", sa.Text(), nullable=True, comment="the gating capability flag"),
        sa.Column("declared", sa.Boolean(), nullable=True, comment="value in the 6.11 declaration"),
        sa.Column(
            "state",
            sa.Text(),
            nullable=False,
            comment="enabled | disabled | unknown | not_understood",
        ),
        sa.Column(
            "evidence", sa.Text(), nullable=False, comment="declared | rows | ungated | none | ..."
        ),
        sa.Column("present", sa.Boolean(), nullable=False, comment="the marker is in the file"),
        sa.Column("rows_in_file", sa.Integer(), nullable=True),
        sa.Column("broken_rows", sa.Integer(), nullable=False),
        sa.Column("out_of_range_rows", sa.Integer(), nullable=False),
        sa.Column(
            "conflict", sa.Boolean(), nullable=False, comment="declared off but rows present"
        ),
        sa.PrimaryKeyConstraint(
            "source_file", "kind", "name", name="pk_proximity_section_capability"
        ),
    )
    op.create_index(
        "ix_proximity_section_capability_day", "proximity_section_capability", ["gaming_day"]
    )

    op.create_table(
        "proximity_player_sections",
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("source_sha256", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "round_id", sa.BigInteger(), nullable=True, comment="rounds.id of the linked round"
        ),
        sa.Column("player_guid", sa.Text(), nullable=False),
        sa.Column("round_key", sa.Text(), nullable=True),
        sa.Column("map_name", sa.Text(), nullable=True),
        sa.Column("round_number", sa.BigInteger(), nullable=True, comment="resolved round"),
        sa.Column("round_start_unix", sa.BigInteger(), nullable=True),
        sa.Column("round_end_unix", sa.BigInteger(), nullable=True),
        sa.Column("shots_fired", sa.BigInteger(), nullable=True),
        sa.Column("weapon_shots", sa.BigInteger(), nullable=True),
        sa.Column("weapon_hits", sa.BigInteger(), nullable=True),
        sa.Column("weapon_headshots", sa.BigInteger(), nullable=True),
        sa.Column("revives_given", sa.BigInteger(), nullable=True),
        sa.Column("times_revived", sa.BigInteger(), nullable=True),
        sa.Column("head_hits", sa.BigInteger(), nullable=True),
        sa.Column("aim_lock_ms", sa.BigInteger(), nullable=True),
        sa.Column("lua_trades", sa.BigInteger(), nullable=True),
        sa.Column("carrier_pickups", sa.BigInteger(), nullable=True),
        sa.Column("objective_actions", sa.BigInteger(), nullable=True),
        sa.Column("kills_gibbed", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("source_file", "player_guid", name="pk_proximity_player_sections"),
    )
    op.create_index("ix_proximity_player_sections_day", "proximity_player_sections", ["gaming_day"])
    op.create_index("ix_proximity_player_sections_round", "proximity_player_sections", ["round_id"])


def downgrade() -> None:
    for table in reversed(_TABLES):
        op.drop_table(table)
