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

from dataclasses import fields

from sqlalchemy import Column, Index, Table, Text

from slomix_pipeline.domain.aggregates import Counters
from slomix_pipeline.warehouse.columns import *
from slomix_pipeline.warehouse.tables import primary_key, table

COUNTER_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Counters))
"""Summable per-player counters (the fields of ``domain.aggregates.Counters``)."""
RATE_COLUMNS: tuple[str, ...] = ("dpm", "kdr", "efficiency", "accuracy")
"""Derived per-player values (floats), recomputed from the summed counters."""


OBJECTIVES_COMMENT = "stolen+returned+planted+defused"


def player_value_columns(objectives_comment: str | None = OBJECTIVES_COMMENT) -> list[Column]:
    """Fresh per-player counter, ``objectives`` and rate columns (sessions, maps, careers).

    The career tables were created without the ``objectives`` comment, hence the parameter.
    """
    return [
        *many(bigint, *COUNTER_COLUMNS),
        bigint("objectives", objectives_comment),
        *many(floating, *RATE_COLUMNS),
    ]


round_links = table(
    "round_links",
    id_key("round_id"),
    gaming_day(),
    text("round_key"),
    text("map_key"),
    integer("round_number"),
    bigint("file_time_unix"),
    bigint_null("lua_round_id", "= lua_round_teams.id"),
    text_null("link_method", "exact_start | end_within_tolerance"),
    integer_null("link_delta_seconds", "Lua end - file time"),
    text("link_reason", "linked | the reason code"),
    integer("lua_candidates", "Lua rows within tolerance"),
    text_null("lua_sources", "webhook | gametime | webhook+gametime"),
    text_null("proximity_file"),
    text("proximity_reason"),
    integer_null("duration_seconds", "the effective round duration"),
    text("duration_source", "lua | stats_clock | ..."),
    text("duration_reason"),
    integer("winner_team"),
    text("winner_source"),
    integer("defender_team"),
    text("defender_source"),
    text_null("lua_end_reason"),
    integer_null("stats_clock_seconds", "header actual time"),
    integer_null("stats_duration_seconds", "header ms // 1000"),
    integer_null("lua_duration_seconds"),
    integer_null("lua_pause_seconds"),
    integer_null("lua_pause_count"),
    integer_null("timing_diff_seconds", "stats clock - Lua duration"),
    text("timing_status", "aligned|minor_diff|discrepancy|reason"),
    integer("players_clamped"),
    # The Lua truth applied to the round contract (migration 0005), each with its source.
    text_null("end_reason", "semantic end reason, see docs"),
    text_null("end_reason_source"),
    text_null("round_stopwatch_state", "TIME_SET | FULL_HOLD | none"),
    integer_null("time_to_beat_seconds", "the limit R2 gets"),
    integer_null("r1_attack_time_seconds"),
    integer_null("map_time_limit_seconds"),
    text_null("map_time_limit_source"),
    bigint_null("round_start_unix"),
    bigint_null("round_end_unix"),
    text_null("round_times_source", "lua | lua_end_minus_duration"),
    *provenance_columns(),
    Index("ix_round_links_day", "gaming_day"),
    Index("ix_round_links_lua", "lua_round_id"),
)

lua_round_links = table(
    "lua_round_links",
    id_key("lua_round_id"),
    gaming_day(),
    text("map_key"),
    integer("round_number"),
    bigint("round_start_unix"),
    bigint("round_end_unix"),
    bigint_null("round_id", "= rounds.id"),
    text_null("link_method"),
    integer_null("link_delta_seconds"),
    text("link_reason"),
    integer("round_candidates"),
    text("sources"),
    *provenance_columns(),
    Index("ix_lua_round_links_day", "gaming_day"),
    Index("ix_lua_round_links_round", "round_id"),
)

linked_player_rounds = table(
    "linked_player_rounds",
    bigint("round_id"),
    text("player_guid"),
    gaming_day(),
    bigint("time_played_seconds_stats"),
    bigint("time_played_seconds", "after the Lua clamp"),
    floating("dpm_stats"),
    floating("dpm"),
    boolean("time_clamped"),
    *provenance_columns(),
    primary_key("round_id", "player_guid"),
    Index("ix_linked_player_rounds_day", "gaming_day"),
)

gaming_sessions = table(
    "gaming_sessions",
    id_key("session_id"),
    gaming_day("gaming day of the first round"),
    Column("session_key", Text, nullable=False, unique=True),
    bigint("first_round_id"),
    bigint("last_round_id"),
    bigint("start_unix", "first round end (file time)"),
    bigint("end_unix", "last round end (file time)"),
    timestamp("start_local"),
    timestamp("end_local"),
    date("last_gaming_day"),
    boolean("crosses_midnight"),
    boolean("crosses_day_boundary"),
    integer("round_count"),
    integer("counted_round_count"),
    integer("superseded_round_count"),
    integer("rounds_linked", "rounds with a Lua link"),
    integer("map_play_count"),
    integer("player_count"),
    text("team_a_players", "JSON list of GUIDs"),
    text("team_b_players"),
    text("unassigned_players"),
    integer("team_a_points"),
    integer("team_b_points"),
    integer("maps_counted"),
    integer("maps_uncounted"),
    text("inputs_digest"),
    Index("ix_gaming_sessions_day", "gaming_day"),
)

session_rounds = table(
    "session_rounds",
    bigint("session_id"),
    bigint("round_id"),
    gaming_day("the session's day"),
    date("round_gaming_day", "the round's own day"),
    integer("round_order"),
    bigint("end_unix"),
    text("map_key"),
    integer("round_number"),
    text("round_status", "completed|orphan_r2|cancelled|..."),
    boolean("counted"),
    bigint_null("superseded_by"),
    bigint_null("map_play_id"),
    integer_null("team_a_side"),
    text_null("link_reason", "from round_links (None: not linked yet)"),
    *provenance_columns(),
    primary_key("session_id", "round_id"),
    Index("ix_session_rounds_day", "gaming_day"),
    Index("ix_session_rounds_round", "round_id"),
)

session_player_stats = table(
    "session_player_stats",
    bigint("session_id"),
    text("player_guid"),
    gaming_day(),
    text("display_name", "the name used in most rounds"),
    boolean("is_bot"),
    text_null("team", "A | B | NULL (unassigned)"),
    integer("rank", "by kills, then DPM"),
    integer("rounds_played"),
    *player_value_columns(),
    text("inputs_digest"),
    primary_key("session_id", "player_guid"),
    Index("ix_session_player_stats_day", "gaming_day"),
)

map_summaries = table(
    "map_summaries",
    id_key("map_play_id"),
    bigint("session_id"),
    gaming_day(),
    text("map_key"),
    text("map_name"),
    text("match_id"),
    integer("play_index", "1, 2, ... per map in the session"),
    integer("play_order"),
    text("completeness", "complete | r1_only | r2_only"),
    bigint_null("r1_round_id"),
    bigint_null("r2_round_id"),
    integer("rounds"),
    integer("players"),
    *player_value_columns(),
    text_null("top_player_guid"),
    text_null("top_player_name"),
    integer("top_player_kills"),
    boolean("scoring_counted"),
    text("scoring_note"),
    text_null("scoring_source", "winner | time"),
    text_null("r1_attackers", "A | B"),
    boolean_null("r1_attack_succeeded"),
    boolean_null("r2_attack_succeeded"),
    integer_null("r1_time_seconds"),
    integer_null("r2_time_seconds"),
    text_null("map_winner", "A | B | draw"),
    integer("team_a_points"),
    integer("team_b_points"),
    text("inputs_digest"),
    Index("ix_map_summaries_day", "gaming_day"),
    Index("ix_map_summaries_session", "session_id"),
)

session_round_graphs = table(
    "session_round_graphs",
    bigint("session_id"),
    bigint("round_id"),
    text("player_guid"),
    gaming_day(),
    integer("round_order"),
    text("label", "<map> R<n>"),
    text("map_name"),
    integer("round_number"),
    text("player_name"),
    integer("side"),
    text_null("team"),
    boolean("time_clamped"),
    *player_value_columns(),
    *provenance_columns(),
    primary_key(
        "session_id",
        "round_id",
        "player_guid",
    ),
    Index("ix_session_round_graphs_day", "gaming_day"),
    Index("ix_session_round_graphs_session", "session_id"),
)

SESSION_TABLES: tuple[Table, ...] = (
    gaming_sessions,
    session_rounds,
    session_player_stats,
    map_summaries,
    session_round_graphs,
)
LINK_TABLES: tuple[Table, ...] = (round_links, lua_round_links, linked_player_rounds)
