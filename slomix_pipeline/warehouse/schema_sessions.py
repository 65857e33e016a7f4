"""Warehouse tables of round linking (``linked_rounds``) and sessions (``session_aggregates``).

Linking tables (partition = the gaming day of the round, or of the Lua round end):

- ``round_links``: one row per stats round: its Lua link (or the reason code), its proximity
  file, and the *effective* values after the Lua truth (duration with source and reason, winner,
  defender) next to the timing comparison. ``rounds`` itself is never updated: it belongs to
  ``raw_stats_files``, which deletes and rewrites it.
- ``lua_round_links``: one row per Lua round end: its round (or the reason code).
- ``linked_player_rounds``: one row per player per round: time played and DPM after the clamp.

Session tables (partition = the gaming day of the session's *first* round):

- ``gaming_sessions``: one row per session (boundaries, counts, teams, stopwatch score).
- ``session_rounds``: every round of every session, with its status inside the session
  (``cancelled`` / ``substitution`` when restarted) and whether it is counted.
- ``session_player_stats``: per session per player GUID totals.
- ``map_summaries``: per map play (R1 + R2 of one play) totals and the stopwatch score.
- ``session_round_graphs``: per counted round per player rows behind the graphs; they sum to
  ``session_player_stats``.

Rows computed from one stats round carry that file's provenance (``source_file`` +
``source_sha256``); rows aggregated over many rounds carry ``inputs_digest``, the SHA-256 of the
sorted provenance of every round that fed them (trace them through ``session_rounds``).
No wall-clock columns: ``start_local`` / ``end_local`` are the stats files' own times.

Session rows are keyed by session (``session_rounds``: session + round), not by round alone: when
a late file moves rounds into a session owned by another day, that day's stored session keeps its
rows until it is materialized again (the run reports it as stale), and both must fit meanwhile.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Table,
    Text,
)

from slomix_pipeline.warehouse.schema import metadata, provenance_columns

COUNTER_COLUMNS: tuple[str, ...] = (
    "kills",
    "deaths",
    "damage_given",
    "damage_received",
    "time_played_seconds",
    "time_dead_seconds",
    "shots",
    "hits",
    "headshots",
    "headshot_kills",
    "revives_given",
    "times_revived",
    "gibs",
    "kill_assists",
    "objectives_stolen",
    "objectives_returned",
    "dynamites_planted",
    "dynamites_defused",
    "self_kills",
    "team_kills",
    "useful_kills",
    "denied_playtime",
    "xp",
)
"""Summable per-player counters (the fields of ``domain.aggregates.Counters``)."""
RATE_COLUMNS: tuple[str, ...] = ("dpm", "kdr", "efficiency", "accuracy")
"""Derived per-player values (floats), recomputed from the summed counters."""


OBJECTIVES_COMMENT = "stolen+returned+planted+defused"


def player_value_columns(objectives_comment: str | None = OBJECTIVES_COMMENT) -> list[Column]:
    """Fresh per-player counter, ``objectives`` and rate columns (sessions, maps, careers).

    The career tables were created without the ``objectives`` comment, hence the parameter.
    """
    return [
        *(Column(name, BigInteger, nullable=False) for name in COUNTER_COLUMNS),
        Column("objectives", BigInteger, nullable=False, comment=objectives_comment),
        *(Column(name, Float, nullable=False) for name in RATE_COLUMNS),
    ]


round_links = Table(
    "round_links",
    metadata,
    Column("round_id", BigInteger, primary_key=True, autoincrement=False),
    Column("gaming_day", Date, nullable=False),
    Column("round_key", Text, nullable=False),
    Column("map_key", Text, nullable=False),
    Column("round_number", Integer, nullable=False),
    Column("file_time_unix", BigInteger, nullable=False),
    Column("lua_round_id", BigInteger, nullable=True, comment="= lua_round_teams.id"),
    Column("link_method", Text, nullable=True, comment="exact_start | end_within_tolerance"),
    Column("link_delta_seconds", Integer, nullable=True, comment="Lua end - file time"),
    Column("link_reason", Text, nullable=False, comment="linked | the reason code"),
    Column("lua_candidates", Integer, nullable=False, comment="Lua rows within tolerance"),
    Column("lua_sources", Text, nullable=True, comment="webhook | gametime | webhook+gametime"),
    Column("proximity_file", Text, nullable=True),
    Column("proximity_reason", Text, nullable=False),
    Column("duration_seconds", Integer, nullable=True, comment="the effective round duration"),
    Column("duration_source", Text, nullable=False, comment="lua | stats_clock | ..."),
    Column("duration_reason", Text, nullable=False),
    Column("winner_team", Integer, nullable=False),
    Column("winner_source", Text, nullable=False),
    Column("defender_team", Integer, nullable=False),
    Column("defender_source", Text, nullable=False),
    Column("lua_end_reason", Text, nullable=True),
    Column("stats_clock_seconds", Integer, nullable=True, comment="header actual time"),
    Column("stats_duration_seconds", Integer, nullable=True, comment="header ms // 1000"),
    Column("lua_duration_seconds", Integer, nullable=True),
    Column("lua_pause_seconds", Integer, nullable=True),
    Column("lua_pause_count", Integer, nullable=True),
    Column("timing_diff_seconds", Integer, nullable=True, comment="stats clock - Lua duration"),
    Column("timing_status", Text, nullable=False, comment="aligned|minor_diff|discrepancy|reason"),
    Column("players_clamped", Integer, nullable=False),
    # The Lua truth applied to the round contract (migration 0005), each with its source.
    Column("end_reason", Text, nullable=True, comment="semantic end reason, see docs"),
    Column("end_reason_source", Text, nullable=True),
    Column("round_stopwatch_state", Text, nullable=True, comment="TIME_SET | FULL_HOLD | none"),
    Column("time_to_beat_seconds", Integer, nullable=True, comment="the limit R2 gets"),
    Column("r1_attack_time_seconds", Integer, nullable=True),
    Column("map_time_limit_seconds", Integer, nullable=True),
    Column("map_time_limit_source", Text, nullable=True),
    Column("round_start_unix", BigInteger, nullable=True),
    Column("round_end_unix", BigInteger, nullable=True),
    Column("round_times_source", Text, nullable=True, comment="lua | lua_end_minus_duration"),
    *provenance_columns(),
    Index("ix_round_links_day", "gaming_day"),
    Index("ix_round_links_lua", "lua_round_id"),
)

lua_round_links = Table(
    "lua_round_links",
    metadata,
    Column("lua_round_id", BigInteger, primary_key=True, autoincrement=False),
    Column("gaming_day", Date, nullable=False),
    Column("map_key", Text, nullable=False),
    Column("round_number", Integer, nullable=False),
    Column("round_start_unix", BigInteger, nullable=False),
    Column("round_end_unix", BigInteger, nullable=False),
    Column("round_id", BigInteger, nullable=True, comment="= rounds.id"),
    Column("link_method", Text, nullable=True),
    Column("link_delta_seconds", Integer, nullable=True),
    Column("link_reason", Text, nullable=False),
    Column("round_candidates", Integer, nullable=False),
    Column("sources", Text, nullable=False),
    *provenance_columns(),
    Index("ix_lua_round_links_day", "gaming_day"),
    Index("ix_lua_round_links_round", "round_id"),
)

linked_player_rounds = Table(
    "linked_player_rounds",
    metadata,
    Column("round_id", BigInteger, nullable=False),
    Column("player_guid", Text, nullable=False),
    Column("gaming_day", Date, nullable=False),
    Column("time_played_seconds_stats", BigInteger, nullable=False),
    Column("time_played_seconds", BigInteger, nullable=False, comment="after the Lua clamp"),
    Column("dpm_stats", Float, nullable=False),
    Column("dpm", Float, nullable=False),
    Column("time_clamped", Boolean, nullable=False),
    *provenance_columns(),
    PrimaryKeyConstraint("round_id", "player_guid", name="pk_linked_player_rounds"),
    Index("ix_linked_player_rounds_day", "gaming_day"),
)

gaming_sessions = Table(
    "gaming_sessions",
    metadata,
    Column("session_id", BigInteger, primary_key=True, autoincrement=False),
    Column("gaming_day", Date, nullable=False, comment="gaming day of the first round"),
    Column("session_key", Text, nullable=False, unique=True),
    Column("first_round_id", BigInteger, nullable=False),
    Column("last_round_id", BigInteger, nullable=False),
    Column("start_unix", BigInteger, nullable=False, comment="first round end (file time)"),
    Column("end_unix", BigInteger, nullable=False, comment="last round end (file time)"),
    Column("start_local", DateTime, nullable=False),
    Column("end_local", DateTime, nullable=False),
    Column("last_gaming_day", Date, nullable=False),
    Column("crosses_midnight", Boolean, nullable=False),
    Column("crosses_day_boundary", Boolean, nullable=False),
    Column("round_count", Integer, nullable=False),
    Column("counted_round_count", Integer, nullable=False),
    Column("superseded_round_count", Integer, nullable=False),
    Column("rounds_linked", Integer, nullable=False, comment="rounds with a Lua link"),
    Column("map_play_count", Integer, nullable=False),
    Column("player_count", Integer, nullable=False),
    Column("team_a_players", Text, nullable=False, comment="JSON list of GUIDs"),
    Column("team_b_players", Text, nullable=False),
    Column("unassigned_players", Text, nullable=False),
    Column("team_a_points", Integer, nullable=False),
    Column("team_b_points", Integer, nullable=False),
    Column("maps_counted", Integer, nullable=False),
    Column("maps_uncounted", Integer, nullable=False),
    Column("inputs_digest", Text, nullable=False),
    Index("ix_gaming_sessions_day", "gaming_day"),
)

session_rounds = Table(
    "session_rounds",
    metadata,
    Column("session_id", BigInteger, nullable=False),
    Column("round_id", BigInteger, nullable=False),
    Column("gaming_day", Date, nullable=False, comment="the session's day"),
    Column("round_gaming_day", Date, nullable=False, comment="the round's own day"),
    Column("round_order", Integer, nullable=False),
    Column("end_unix", BigInteger, nullable=False),
    Column("map_key", Text, nullable=False),
    Column("round_number", Integer, nullable=False),
    Column("round_status", Text, nullable=False, comment="completed|orphan_r2|cancelled|..."),
    Column("counted", Boolean, nullable=False),
    Column("superseded_by", BigInteger, nullable=True),
    Column("map_play_id", BigInteger, nullable=True),
    Column("team_a_side", Integer, nullable=True),
    Column("link_reason", Text, nullable=True, comment="from round_links (None: not linked yet)"),
    *provenance_columns(),
    PrimaryKeyConstraint("session_id", "round_id", name="pk_session_rounds"),
    Index("ix_session_rounds_day", "gaming_day"),
    Index("ix_session_rounds_round", "round_id"),
)

session_player_stats = Table(
    "session_player_stats",
    metadata,
    Column("session_id", BigInteger, nullable=False),
    Column("player_guid", Text, nullable=False),
    Column("gaming_day", Date, nullable=False),
    Column("display_name", Text, nullable=False, comment="the name used in most rounds"),
    Column("is_bot", Boolean, nullable=False),
    Column("team", Text, nullable=True, comment="A | B | NULL (unassigned)"),
    Column("rank", Integer, nullable=False, comment="by kills, then DPM"),
    Column("rounds_played", Integer, nullable=False),
    *player_value_columns(),
    Column("inputs_digest", Text, nullable=False),
    PrimaryKeyConstraint("session_id", "player_guid", name="pk_session_player_stats"),
    Index("ix_session_player_stats_day", "gaming_day"),
)

map_summaries = Table(
    "map_summaries",
    metadata,
    Column("map_play_id", BigInteger, primary_key=True, autoincrement=False),
    Column("session_id", BigInteger, nullable=False),
    Column("gaming_day", Date, nullable=False),
    Column("map_key", Text, nullable=False),
    Column("map_name", Text, nullable=False),
    Column("match_id", Text, nullable=False),
    Column("play_index", Integer, nullable=False, comment="1, 2, ... per map in the session"),
    Column("play_order", Integer, nullable=False),
    Column("completeness", Text, nullable=False, comment="complete | r1_only | r2_only"),
    Column("r1_round_id", BigInteger, nullable=True),
    Column("r2_round_id", BigInteger, nullable=True),
    Column("rounds", Integer, nullable=False),
    Column("players", Integer, nullable=False),
    *player_value_columns(),
    Column("top_player_guid", Text, nullable=True),
    Column("top_player_name", Text, nullable=True),
    Column("top_player_kills", Integer, nullable=False),
    Column("scoring_counted", Boolean, nullable=False),
    Column("scoring_note", Text, nullable=False),
    Column("scoring_source", Text, nullable=True, comment="winner | time"),
    Column("r1_attackers", Text, nullable=True, comment="A | B"),
    Column("r1_attack_succeeded", Boolean, nullable=True),
    Column("r2_attack_succeeded", Boolean, nullable=True),
    Column("r1_time_seconds", Integer, nullable=True),
    Column("r2_time_seconds", Integer, nullable=True),
    Column("map_winner", Text, nullable=True, comment="A | B | draw"),
    Column("team_a_points", Integer, nullable=False),
    Column("team_b_points", Integer, nullable=False),
    Column("inputs_digest", Text, nullable=False),
    Index("ix_map_summaries_day", "gaming_day"),
    Index("ix_map_summaries_session", "session_id"),
)

session_round_graphs = Table(
    "session_round_graphs",
    metadata,
    Column("session_id", BigInteger, nullable=False),
    Column("round_id", BigInteger, nullable=False),
    Column("player_guid", Text, nullable=False),
    Column("gaming_day", Date, nullable=False),
    Column("round_order", Integer, nullable=False),
    Column("label", Text, nullable=False, comment="<map> R<n>"),
    Column("map_name", Text, nullable=False),
    Column("round_number", Integer, nullable=False),
    Column("player_name", Text, nullable=False),
    Column("side", Integer, nullable=False),
    Column("team", Text, nullable=True),
    Column("time_clamped", Boolean, nullable=False),
    *player_value_columns(),
    *provenance_columns(),
    PrimaryKeyConstraint("session_id", "round_id", "player_guid", name="pk_session_round_graphs"),
    Index("ix_session_round_graphs_day", "gaming_day"),
    Index("ix_session_round_graphs_session", "session_id"),
)

LINK_TABLES: tuple[Table, ...] = (round_links, lua_round_links, linked_player_rounds)
SESSION_TABLES: tuple[Table, ...] = (
    gaming_sessions,
    session_rounds,
    session_player_stats,
    map_summaries,
    session_round_graphs,
)
