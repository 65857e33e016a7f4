"""links and sessions: round_links, lua_round_links, linked_player_rounds and the session tables

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "gaming_sessions",
        sa.Column("session_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False, comment="gaming day of the first round"),
        sa.Column("session_key", sa.Text(), nullable=False),
        sa.Column("first_round_id", sa.BigInteger(), nullable=False),
        sa.Column("last_round_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "start_unix", sa.BigInteger(), nullable=False, comment="first round end (file time)"
        ),
        sa.Column(
            "end_unix", sa.BigInteger(), nullable=False, comment="last round end (file time)"
        ),
        sa.Column("start_local", sa.DateTime(), nullable=False),
        sa.Column("end_local", sa.DateTime(), nullable=False),
        sa.Column("last_gaming_day", sa.Date(), nullable=False),
        sa.Column("crosses_midnight", sa.Boolean(), nullable=False),
        sa.Column("crosses_day_boundary", sa.Boolean(), nullable=False),
        sa.Column("round_count", sa.Integer(), nullable=False),
        sa.Column("counted_round_count", sa.Integer(), nullable=False),
        sa.Column("superseded_round_count", sa.Integer(), nullable=False),
        sa.Column("rounds_linked", sa.Integer(), nullable=False, comment="rounds with a Lua link"),
        sa.Column("map_play_count", sa.Integer(), nullable=False),
        sa.Column("player_count", sa.Integer(), nullable=False),
        sa.Column("team_a_players", sa.Text(), nullable=False, comment="JSON list of GUIDs"),
        sa.Column("team_b_players", sa.Text(), nullable=False),
        sa.Column("unassigned_players", sa.Text(), nullable=False),
        sa.Column("team_a_points", sa.Integer(), nullable=False),
        sa.Column("team_b_points", sa.Integer(), nullable=False),
        sa.Column("maps_counted", sa.Integer(), nullable=False),
        sa.Column("maps_uncounted", sa.Integer(), nullable=False),
        sa.Column("inputs_digest", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("session_id"),
        sa.UniqueConstraint("session_key"),
    )
    with op.batch_alter_table("gaming_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_gaming_sessions_day", ["gaming_day"], unique=False)

    op.create_table(
        "linked_player_rounds",
        sa.Column("round_id", sa.BigInteger(), nullable=False),
        sa.Column("player_guid", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column("time_played_seconds_stats", sa.BigInteger(), nullable=False),
        sa.Column(
            "time_played_seconds", sa.BigInteger(), nullable=False, comment="after the Lua clamp"
        ),
        sa.Column("dpm_stats", sa.Float(), nullable=False),
        sa.Column("dpm", sa.Float(), nullable=False),
        sa.Column("time_clamped", sa.Boolean(), nullable=False),
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("source_sha256", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("round_id", "player_guid", name="pk_linked_player_rounds"),
    )
    with op.batch_alter_table("linked_player_rounds", schema=None) as batch_op:
        batch_op.create_index("ix_linked_player_rounds_day", ["gaming_day"], unique=False)

    op.create_table(
        "lua_round_links",
        sa.Column("lua_round_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column("map_key", sa.Text(), nullable=False),
        sa.Column("round_number", sa.Integer(), nullable=False),
        sa.Column("round_start_unix", sa.BigInteger(), nullable=False),
        sa.Column("round_end_unix", sa.BigInteger(), nullable=False),
        sa.Column("round_id", sa.BigInteger(), nullable=True, comment="= rounds.id"),
        sa.Column("link_method", sa.Text(), nullable=True),
        sa.Column("link_delta_seconds", sa.Integer(), nullable=True),
        sa.Column("link_reason", sa.Text(), nullable=False),
        sa.Column("round_candidates", sa.Integer(), nullable=False),
        sa.Column("sources", sa.Text(), nullable=False),
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("source_sha256", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("lua_round_id"),
    )
    with op.batch_alter_table("lua_round_links", schema=None) as batch_op:
        batch_op.create_index("ix_lua_round_links_day", ["gaming_day"], unique=False)
        batch_op.create_index("ix_lua_round_links_round", ["round_id"], unique=False)

    op.create_table(
        "map_summaries",
        sa.Column("map_play_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("session_id", sa.BigInteger(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column("map_key", sa.Text(), nullable=False),
        sa.Column("map_name", sa.Text(), nullable=False),
        sa.Column("match_id", sa.Text(), nullable=False),
        sa.Column(
            "play_index", sa.Integer(), nullable=False, comment="1, 2, ... per map in the session"
        ),
        sa.Column("play_order", sa.Integer(), nullable=False),
        sa.Column(
            "completeness", sa.Text(), nullable=False, comment="complete | r1_only | r2_only"
        ),
        sa.Column("r1_round_id", sa.BigInteger(), nullable=True),
        sa.Column("r2_round_id", sa.BigInteger(), nullable=True),
        sa.Column("rounds", sa.Integer(), nullable=False),
        sa.Column("players", sa.Integer(), nullable=False),
        sa.Column("kills", sa.BigInteger(), nullable=False),
        sa.Column("deaths", sa.BigInteger(), nullable=False),
        sa.Column("damage_given", sa.BigInteger(), nullable=False),
        sa.Column("damage_received", sa.BigInteger(), nullable=False),
        sa.Column("time_played_seconds", sa.BigInteger(), nullable=False),
        sa.Column("time_dead_seconds", sa.BigInteger(), nullable=False),
        sa.Column("shots", sa.BigInteger(), nullable=False),
        sa.Column("hits", sa.BigInteger(), nullable=False),
        sa.Column("headshots", sa.BigInteger(), nullable=False),
        sa.Column("headshot_kills", sa.BigInteger(), nullable=False),
        sa.Column("revives_given", sa.BigInteger(), nullable=False),
        sa.Column("times_revived", sa.BigInteger(), nullable=False),
        sa.Column("gibs", sa.BigInteger(), nullable=False),
        sa.Column("kill_assists", sa.BigInteger(), nullable=False),
        sa.Column("objectives_stolen", sa.BigInteger(), nullable=False),
        sa.Column("objectives_returned", sa.BigInteger(), nullable=False),
        sa.Column("dynamites_planted", sa.BigInteger(), nullable=False),
        sa.Column("dynamites_defused", sa.BigInteger(), nullable=False),
        sa.Column("self_kills", sa.BigInteger(), nullable=False),
        sa.Column("team_kills", sa.BigInteger(), nullable=False),
        sa.Column("useful_kills", sa.BigInteger(), nullable=False),
        sa.Column("denied_playtime", sa.BigInteger(), nullable=False),
        sa.Column("xp", sa.BigInteger(), nullable=False),
        sa.Column(
            "objectives", sa.BigInteger(), nullable=False, comment="stolen+returned+planted+defused"
        ),
        sa.Column("dpm", sa.Float(), nullable=False),
        sa.Column("kdr", sa.Float(), nullable=False),
        sa.Column("efficiency", sa.Float(), nullable=False),
        sa.Column("accuracy", sa.Float(), nullable=False),
        sa.Column("top_player_guid", sa.Text(), nullable=True),
        sa.Column("top_player_name", sa.Text(), nullable=True),
        sa.Column("top_player_kills", sa.Integer(), nullable=False),
        sa.Column("scoring_counted", sa.Boolean(), nullable=False),
        sa.Column("scoring_note", sa.Text(), nullable=False),
        sa.Column("scoring_source", sa.Text(), nullable=True, comment="winner | time"),
        sa.Column("r1_attackers", sa.Text(), nullable=True, comment="A | B"),
        sa.Column("r1_attack_succeeded", sa.Boolean(), nullable=True),
        sa.Column("r2_attack_succeeded", sa.Boolean(), nullable=True),
        sa.Column("r1_time_seconds", sa.Integer(), nullable=True),
        sa.Column("r2_time_seconds", sa.Integer(), nullable=True),
        sa.Column("map_winner", sa.Text(), nullable=True, comment="A | B | draw"),
        sa.Column("team_a_points", sa.Integer(), nullable=False),
        sa.Column("team_b_points", sa.Integer(), nullable=False),
        sa.Column("inputs_digest", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("map_play_id"),
    )
    with op.batch_alter_table("map_summaries", schema=None) as batch_op:
        batch_op.create_index("ix_map_summaries_day", ["gaming_day"], unique=False)
        batch_op.create_index("ix_map_summaries_session", ["session_id"], unique=False)

    op.create_table(
        "round_links",
        sa.Column("round_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column("round_key", sa.Text(), nullable=False),
        sa.Column("map_key", sa.Text(), nullable=False),
        sa.Column("round_number", sa.Integer(), nullable=False),
        sa.Column("file_time_unix", sa.BigInteger(), nullable=False),
        sa.Column("lua_round_id", sa.BigInteger(), nullable=True, comment="= lua_round_teams.id"),
        sa.Column(
            "link_method", sa.Text(), nullable=True, comment="exact_start | end_within_tolerance"
        ),
        sa.Column("link_delta_seconds", sa.Integer(), nullable=True, comment="Lua end - file time"),
        sa.Column("link_reason", sa.Text(), nullable=False, comment="linked | the reason code"),
        sa.Column(
            "lua_candidates", sa.Integer(), nullable=False, comment="Lua rows within tolerance"
        ),
        sa.Column(
            "lua_sources", sa.Text(), nullable=True, comment="webhook | gametime | webhook+gametime"
        ),
        sa.Column("proximity_file", sa.Text(), nullable=True),
        sa.Column("proximity_reason", sa.Text(), nullable=False),
        sa.Column(
            "duration_seconds", sa.Integer(), nullable=True, comment="the effective round duration"
        ),
        sa.Column("duration_source", sa.Text(), nullable=False, comment="lua | stats_clock | ..."),
        sa.Column("duration_reason", sa.Text(), nullable=False),
        sa.Column("winner_team", sa.Integer(), nullable=False),
        sa.Column("winner_source", sa.Text(), nullable=False),
        sa.Column("defender_team", sa.Integer(), nullable=False),
        sa.Column("defender_source", sa.Text(), nullable=False),
        sa.Column("lua_end_reason", sa.Text(), nullable=True),
        sa.Column("stats_clock_seconds", sa.Integer(), nullable=True, comment="header actual time"),
        sa.Column(
            "stats_duration_seconds", sa.Integer(), nullable=True, comment="header ms // 1000"
        ),
        sa.Column("lua_duration_seconds", sa.Integer(), nullable=True),
        sa.Column("lua_pause_seconds", sa.Integer(), nullable=True),
        sa.Column("lua_pause_count", sa.Integer(), nullable=True),
        sa.Column(
            "timing_diff_seconds", sa.Integer(), nullable=True, comment="stats clock - Lua duration"
        ),
        sa.Column(
            "timing_status",
            sa.Text(),
            nullable=False,
            comment="aligned|minor_diff|discrepancy|reason",
        ),
        sa.Column("players_clamped", sa.Integer(), nullable=False),
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("source_sha256", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("round_id"),
    )
    with op.batch_alter_table("round_links", schema=None) as batch_op:
        batch_op.create_index("ix_round_links_day", ["gaming_day"], unique=False)
        batch_op.create_index("ix_round_links_lua", ["lua_round_id"], unique=False)

    op.create_table(
        "session_player_stats",
        sa.Column("session_id", sa.BigInteger(), nullable=False),
        sa.Column("player_guid", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "display_name", sa.Text(), nullable=False, comment="the name used in most rounds"
        ),
        sa.Column("is_bot", sa.Boolean(), nullable=False),
        sa.Column("team", sa.Text(), nullable=True, comment="A | B | NULL (unassigned)"),
        sa.Column("rank", sa.Integer(), nullable=False, comment="by kills, then DPM"),
        sa.Column("rounds_played", sa.Integer(), nullable=False),
        sa.Column("kills", sa.BigInteger(), nullable=False),
        sa.Column("deaths", sa.BigInteger(), nullable=False),
        sa.Column("damage_given", sa.BigInteger(), nullable=False),
        sa.Column("damage_received", sa.BigInteger(), nullable=False),
        sa.Column("time_played_seconds", sa.BigInteger(), nullable=False),
        sa.Column("time_dead_seconds", sa.BigInteger(), nullable=False),
        sa.Column("shots", sa.BigInteger(), nullable=False),
        sa.Column("hits", sa.BigInteger(), nullable=False),
        sa.Column("headshots", sa.BigInteger(), nullable=False),
        sa.Column("headshot_kills", sa.BigInteger(), nullable=False),
        sa.Column("revives_given", sa.BigInteger(), nullable=False),
        sa.Column("times_revived", sa.BigInteger(), nullable=False),
        sa.Column("gibs", sa.BigInteger(), nullable=False),
        sa.Column("kill_assists", sa.BigInteger(), nullable=False),
        sa.Column("objectives_stolen", sa.BigInteger(), nullable=False),
        sa.Column("objectives_returned", sa.BigInteger(), nullable=False),
        sa.Column("dynamites_planted", sa.BigInteger(), nullable=False),
        sa.Column("dynamites_defused", sa.BigInteger(), nullable=False),
        sa.Column("self_kills", sa.BigInteger(), nullable=False),
        sa.Column("team_kills", sa.BigInteger(), nullable=False),
        sa.Column("useful_kills", sa.BigInteger(), nullable=False),
        sa.Column("denied_playtime", sa.BigInteger(), nullable=False),
        sa.Column("xp", sa.BigInteger(), nullable=False),
        sa.Column(
            "objectives", sa.BigInteger(), nullable=False, comment="stolen+returned+planted+defused"
        ),
        sa.Column("dpm", sa.Float(), nullable=False),
        sa.Column("kdr", sa.Float(), nullable=False),
        sa.Column("efficiency", sa.Float(), nullable=False),
        sa.Column("accuracy", sa.Float(), nullable=False),
        sa.Column("inputs_digest", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("session_id", "player_guid", name="pk_session_player_stats"),
    )
    with op.batch_alter_table("session_player_stats", schema=None) as batch_op:
        batch_op.create_index("ix_session_player_stats_day", ["gaming_day"], unique=False)

    op.create_table(
        "session_round_graphs",
        sa.Column("session_id", sa.BigInteger(), nullable=False),
        sa.Column("round_id", sa.BigInteger(), nullable=False),
        sa.Column("player_guid", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column("round_order", sa.Integer(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False, comment="<map> R<n>"),
        sa.Column("map_name", sa.Text(), nullable=False),
        sa.Column("round_number", sa.Integer(), nullable=False),
        sa.Column("player_name", sa.Text(), nullable=False),
        sa.Column("side", sa.Integer(), nullable=False),
        sa.Column("team", sa.Text(), nullable=True),
        sa.Column("time_clamped", sa.Boolean(), nullable=False),
        sa.Column("kills", sa.BigInteger(), nullable=False),
        sa.Column("deaths", sa.BigInteger(), nullable=False),
        sa.Column("damage_given", sa.BigInteger(), nullable=False),
        sa.Column("damage_received", sa.BigInteger(), nullable=False),
        sa.Column("time_played_seconds", sa.BigInteger(), nullable=False),
        sa.Column("time_dead_seconds", sa.BigInteger(), nullable=False),
        sa.Column("shots", sa.BigInteger(), nullable=False),
        sa.Column("hits", sa.BigInteger(), nullable=False),
        sa.Column("headshots", sa.BigInteger(), nullable=False),
        sa.Column("headshot_kills", sa.BigInteger(), nullable=False),
        sa.Column("revives_given", sa.BigInteger(), nullable=False),
        sa.Column("times_revived", sa.BigInteger(), nullable=False),
        sa.Column("gibs", sa.BigInteger(), nullable=False),
        sa.Column("kill_assists", sa.BigInteger(), nullable=False),
        sa.Column("objectives_stolen", sa.BigInteger(), nullable=False),
        sa.Column("objectives_returned", sa.BigInteger(), nullable=False),
        sa.Column("dynamites_planted", sa.BigInteger(), nullable=False),
        sa.Column("dynamites_defused", sa.BigInteger(), nullable=False),
        sa.Column("self_kills", sa.BigInteger(), nullable=False),
        sa.Column("team_kills", sa.BigInteger(), nullable=False),
        sa.Column("useful_kills", sa.BigInteger(), nullable=False),
        sa.Column("denied_playtime", sa.BigInteger(), nullable=False),
        sa.Column("xp", sa.BigInteger(), nullable=False),
        sa.Column(
            "objectives", sa.BigInteger(), nullable=False, comment="stolen+returned+planted+defused"
        ),
        sa.Column("dpm", sa.Float(), nullable=False),
        sa.Column("kdr", sa.Float(), nullable=False),
        sa.Column("efficiency", sa.Float(), nullable=False),
        sa.Column("accuracy", sa.Float(), nullable=False),
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("source_sha256", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint(
            "session_id", "round_id", "player_guid", name="pk_session_round_graphs"
        ),
    )
    with op.batch_alter_table("session_round_graphs", schema=None) as batch_op:
        batch_op.create_index("ix_session_round_graphs_day", ["gaming_day"], unique=False)
        batch_op.create_index("ix_session_round_graphs_session", ["session_id"], unique=False)

    op.create_table(
        "session_rounds",
        sa.Column("session_id", sa.BigInteger(), nullable=False),
        sa.Column("round_id", sa.BigInteger(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False, comment="the session's day"),
        sa.Column("round_gaming_day", sa.Date(), nullable=False, comment="the round's own day"),
        sa.Column("round_order", sa.Integer(), nullable=False),
        sa.Column("end_unix", sa.BigInteger(), nullable=False),
        sa.Column("map_key", sa.Text(), nullable=False),
        sa.Column("round_number", sa.Integer(), nullable=False),
        sa.Column(
            "round_status", sa.Text(), nullable=False, comment="completed|orphan_r2|cancelled|..."
        ),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.Column("superseded_by", sa.BigInteger(), nullable=True),
        sa.Column("map_play_id", sa.BigInteger(), nullable=True),
        sa.Column("team_a_side", sa.Integer(), nullable=True),
        sa.Column(
            "link_reason",
            sa.Text(),
            nullable=True,
            comment="from round_links (None: not linked yet)",
        ),
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("source_sha256", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("session_id", "round_id", name="pk_session_rounds"),
    )
    with op.batch_alter_table("session_rounds", schema=None) as batch_op:
        batch_op.create_index("ix_session_rounds_day", ["gaming_day"], unique=False)
        batch_op.create_index("ix_session_rounds_round", ["round_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("session_rounds", schema=None) as batch_op:
        batch_op.drop_index("ix_session_rounds_round")
        batch_op.drop_index("ix_session_rounds_day")

    op.drop_table("session_rounds")
    with op.batch_alter_table("session_round_graphs", schema=None) as batch_op:
        batch_op.drop_index("ix_session_round_graphs_session")
        batch_op.drop_index("ix_session_round_graphs_day")

    op.drop_table("session_round_graphs")
    with op.batch_alter_table("session_player_stats", schema=None) as batch_op:
        batch_op.drop_index("ix_session_player_stats_day")

    op.drop_table("session_player_stats")
    with op.batch_alter_table("round_links", schema=None) as batch_op:
        batch_op.drop_index("ix_round_links_lua")
        batch_op.drop_index("ix_round_links_day")

    op.drop_table("round_links")
    with op.batch_alter_table("map_summaries", schema=None) as batch_op:
        batch_op.drop_index("ix_map_summaries_session")
        batch_op.drop_index("ix_map_summaries_day")

    op.drop_table("map_summaries")
    with op.batch_alter_table("lua_round_links", schema=None) as batch_op:
        batch_op.drop_index("ix_lua_round_links_round")
        batch_op.drop_index("ix_lua_round_links_day")

    op.drop_table("lua_round_links")
    with op.batch_alter_table("linked_player_rounds", schema=None) as batch_op:
        batch_op.drop_index("ix_linked_player_rounds_day")

    op.drop_table("linked_player_rounds")
    with op.batch_alter_table("gaming_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_gaming_sessions_day")

    op.drop_table("gaming_sessions")
