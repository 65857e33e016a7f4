"""Round-identity candidates that depend only on the landing zone, whatever was built before.

A proximity file's round is decided against the stats rounds and Lua round ends of its gaming
day +- one day. The run's own days are read from the warehouse: the run (or the latest run of
those days) built them from the same files. A neighbouring day *outside* the run used to be read
from the warehouse too, so the decision and ``proximity_files.identity_candidates`` depended on
whether that neighbour had been materialized yet: building days one at a time in another order
gave other tables. Here those neighbours are planned from the landing zone with the very code
the stats and Lua assets use (no database access), so the candidates are a pure function of the
files and every build order gives the same tables.

A file whose content changed after landing counts as loaded here (the stats asset would
quarantine it); the difference only matters for a file an operator must restore anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from slomix_pipeline.config import Settings
from slomix_pipeline.domain.gaming_day import days_in_range
from slomix_pipeline.domain.lua_events import SOURCE_GAMETIME, SOURCE_WEBHOOK, merge_round_ends
from slomix_pipeline.domain.maps import map_key
from slomix_pipeline.domain.round_identity import RoundCandidate
from slomix_pipeline.ingest.lua_events import plan_lua_source_days
from slomix_pipeline.ingest.proximity_rounds import (
    LUA_CANDIDATE,
    RoundCandidates,
    StatsRoundRef,
    _candidate_days,
    read_round_candidates,
)
from slomix_pipeline.ingest.stats_files import plan_stats_days


def landing_candidates(
    data_dir: Path, days: Sequence[date], settings: Settings
) -> tuple[list[tuple[date, RoundCandidate]], list[StatsRoundRef]]:
    """Lua round ends and stats rounds of ``days`` as their assets would store them."""
    if not days:
        return [], []
    stats = plan_stats_days(data_dir, days, settings, {})
    refs = [
        StatsRoundRef(
            r.round_id,
            r.round_key,
            map_key(r.stats.map_name),
            r.stats.round_number,
            r.file_time_unix,
            r.gaming_day,
        )
        for r in stats.rounds
    ]
    events = []
    for source in (SOURCE_WEBHOOK, SOURCE_GAMETIME):
        events += plan_lua_source_days(data_dir, days, settings, source).events
    day_of = {e.event.key: e.gaming_day for e in events}
    merged = merge_round_ends([(e.event, e.provenance) for e in events])
    lua = [
        (
            day_of[t.key],
            RoundCandidate(
                t.map_key, t.round_number, t.round_start_unix, t.round_end_unix, LUA_CANDIDATE
            ),
        )
        for t in merged.teams
    ]
    return lua, refs


def round_candidates(
    engine: Engine, data_dir: Path, days: Sequence[date], settings: Settings
) -> RoundCandidates:
    """The run's days from the warehouse, their neighbours outside the run from the files."""
    if not days:
        return RoundCandidates()
    run = set(days)
    stored = read_round_candidates(engine, days)
    lua = [(d, c) for rows in stored.by_map.values() for d, c in rows if d in run]
    lua = [(d, c) for d, c in lua if c.source == LUA_CANDIDATE]
    stats = [r for rows in stored.stats_by_map.values() for r in rows if r.gaming_day in run]
    first, last = _candidate_days(days)
    outside = [d for d in days_in_range(first, last) if d not in run]
    extra_lua, extra_stats = landing_candidates(data_dir, outside, settings)
    return RoundCandidates.build(
        lua + [(d, c) for d, c in extra_lua if d not in run],
        stats + [r for r in extra_stats if r.gaming_day not in run],
    )
