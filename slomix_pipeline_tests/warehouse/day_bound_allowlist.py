"""Warehouse reads of a daily materialization that are history-wide on purpose, with the reason.

Keyed by (call site, table): the call site is the innermost function of ``slomix_pipeline``
that sent the statement (``module.function``), the table the one read without a day bound.
docs/architecture.md ("Day-bounded reads") lists the same entries for operators.
Every entry must still name a function that exists (tested), so a rename cannot leave a stale
exemption behind.
"""

from __future__ import annotations

_CAREER = (
    "a career is the player's whole history by definition (docs/datasets.md); the read is "
    "bounded by the players the run's days touch (ingest/dataset_ledger.touched_players), "
    "never by the number of days in the warehouse for anyone else"
)
_SEASON = (
    "a season table or board covers every player of the season by definition; it reads the "
    "per-player dataset tables (one row per player and season), never the per-round history"
)
_COUNTS = (
    "row counts shown in the UI for the global dataset tables (one row per player, season, "
    "map or weapon: grows with the players ever seen, not with the days)"
)
_IDENTITY = (
    "identity resolution is global (a 32-character GUID collides with any other sharing its "
    "prefix; merge chains cross any players): it reads the per-key table player_identity_keys "
    "and the GUID map (one row per GUID and name ever seen), not the per-round history"
)
_LEDGER_FIRST = (
    "the players ledger is built from the whole history once: on the first run after the "
    "upgrade that created it (migration 0014) and on a run without days; every later run reads "
    "its days only (ingest/identity_ledger.py)"
)
_RECOUNT = (
    "only when a rebuilt day removed a key's first or last appearance (never on tonight's "
    "live re-runs): that key's ledger rows, one per day it was seen"
)
ALLOWED: dict[tuple[str, str], str] = {
    # careers (ingest/careers.build_careers): per touched player, over their whole history
    **{
        (f"slomix_pipeline.warehouse.dataset_reads.{fn}", table): _CAREER
        for fn, tables in {
            "season_sums": ["session_player_stats"],
            "map_sums": ["session_round_graphs"],
            "weapon_sums": ["session_round_graphs", "weapon_comprehensive_stats"],
            "map_results": [
                "session_round_graphs",
                "session_rounds",
                "map_summaries",
                "gaming_sessions",
            ],
            # round_rows and session_rows (per round / per session) share this query builder
            "_kills_and_damage": [
                "session_round_graphs",
                "session_player_stats",
                "gaming_sessions",
            ],
            "award_counts": ["round_awards", "session_rounds"],
        }.items()
        for table in tables
    },
    # row counts of the global tables (materialization metadata)
    **{
        ("slomix_pipeline.warehouse.dataset_reads.<dictcomp>", t): _COUNTS
        for t in (
            "player_season_stats",
            "player_map_stats",
            "player_weapon_stats",
            "player_records",
            "session_award_tallies",
            "player_award_tallies",
        )
    },
    # leaderboards and exports: season-wide by definition
    ("slomix_pipeline.ingest.datasets.build_leaderboards", "player_season_stats"): _SEASON,
    ("slomix_pipeline.warehouse.dataset_reads.table_rows", "player_season_stats"): _SEASON,
    ("slomix_pipeline.ingest.datasets._replace", "season_leaderboards"): _SEASON,
    ("slomix_pipeline.ingest.dataset_exports.export_seasons", "player_season_stats"): _SEASON,
    # identity (players asset)
    ("slomix_pipeline.warehouse.dataset_reads.table_rows", "player_guid_map"): _IDENTITY,
    ("slomix_pipeline.warehouse.dataset_reads.table_rows", "players"): _IDENTITY,
    ("slomix_pipeline.ingest.datasets._replace", "player_guid_map"): _IDENTITY,
    ("slomix_pipeline.ingest.datasets._replace", "players"): _IDENTITY,
    ("slomix_pipeline.ingest.datasets._replace", "player_names"): _IDENTITY,
    ("slomix_pipeline.ingest.identity_ledger.all_totals", "player_identity_keys"): _IDENTITY,
    **{
        ("slomix_pipeline.ingest.identity_ledger.contribution", t): _LEDGER_FIRST
        for t in ("player_comprehensive_stats", "lua_spawn_stats", "player_track", "round_vs_stats")
    },
    ("slomix_pipeline.ingest.identity_ledger._rebuild", "player_identity_days"): _LEDGER_FIRST,
    ("slomix_pipeline.ingest.identity_ledger._rebuild", "player_identity_keys"): _LEDGER_FIRST,
    ("slomix_pipeline.ingest.identity_ledger._recount", "player_identity_days"): _RECOUNT,
    # the careers gate (defs/datasets/checks.py): the checked days' players, whole careers
    ("slomix_pipeline.warehouse.dataset_reads.session_guid_sums", "session_player_stats"): _CAREER,
}

HISTORY_WIDE_WRITERS: dict[str, str] = {
    "slomix_pipeline.ingest.dataset_ledger.replace_players": (
        "careers of the touched players are rewritten whole: their per-session award tallies "
        "and per-map/weapon rows grow with each player's own history (" + _CAREER + ")"
    ),
    "slomix_pipeline.ingest.datasets._replace": (
        "the identity tables and the season boards are rewritten whole: one row per player, "
        "name and GUID ever seen (" + _IDENTITY + "; " + _SEASON + ")"
    ),
    "slomix_pipeline.ingest.identity_ledger.update_ledger": (
        "the totals of each GUID the days involve are rewritten with all of that GUID's names "
        "(a player's aliases accumulate over the years; one row per name, not per day)"
    ),
}
"""Writers whose row counts may grow with history (the behavioural check counts their
statements, not their rows or parameters)."""
