"""Materialization metadata of ``linked_rounds`` and ``session_aggregates``.

Each materialization says what it linked per source, why the rest is unlinked (reason codes,
never a bare "no data"), which sessions it found, what changed since the previous run (late
files, merges, neighbouring days left stale) and the partition's top players, as table values.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import dagster as dg

from slomix_pipeline.defs.tables import table
from slomix_pipeline.ingest.link_report import LinkReport
from slomix_pipeline.ingest.sessions import SessionReport

_PREVIEW_ROWS = 40
_TOP_PLAYERS = 10


def _days(days: Sequence[Any]) -> dg.MetadataValue:
    return dg.MetadataValue.text(", ".join(d.isoformat() for d in days))


def _utc(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def link_metadata(report: LinkReport) -> dict[str, Any]:
    """Metadata of ``linked_rounds``: links per source, reasons of the unlinked, timing."""
    reasons = report.round_reason_counts()
    linked = reasons.get("linked", 0)
    unlinked = {k: v for k, v in reasons.items() if k != "linked"}
    lua_unlinked = {k: v for k, v in report.lua_reason_counts().items() if k != "linked"}
    methods = Counter(link.method for link in report.links.values() if link.method)
    rows = [
        [
            f"{info.file_time_local:%Y-%m-%d %H:%M:%S}",
            info.map_name,
            info.round_number,
            report.links[info.round_id].reason,
            report.links[info.round_id].lua_candidates,
        ]
        for info in report.rounds
        if report.links[info.round_id].reason != "linked"
    ]
    lua_rows = [
        [_utc(x.round_end_unix), x.map_key, x.round_number, report.lua_reasons[x.lua_round_id]]
        for x in report.lua
        if report.lua_reasons[x.lua_round_id] != "linked"
    ]
    return {
        "days": _days(report.days),
        "rounds": len(report.rounds),
        "rounds_linked": linked,
        "rounds_unlinked": sum(unlinked.values()),
        "rounds_linked_per_source": dg.MetadataValue.json(report.linked_by_source()),
        "link_methods": dg.MetadataValue.json(dict(sorted(methods.items()))),
        "unlinked_reasons": dg.MetadataValue.json(unlinked),
        "lua_rows": len(report.lua),
        "lua_unlinked_reasons": dg.MetadataValue.json(lua_unlinked),
        "timing_statuses": dg.MetadataValue.json(report.timing_counts()),
        "end_reasons": dg.MetadataValue.json(report.end_reason_counts()),
        "duration_sources": dg.MetadataValue.json(report.duration_source_counts()),
        "players_time_clamped": report.players_clamped,
        "proximity_files_read": report.proximity_files,
        "unlinked_rounds": table(
            ["file time", "map", "round", "reason", "candidates"], rows, limit=_PREVIEW_ROWS
        ),
        "unlinked_lua_rows": table(
            ["round end (UTC)", "map", "round", "reason"], lua_rows, limit=_PREVIEW_ROWS
        ),
        "dagster/row_count": len(report.rounds),
    }


def session_metadata(report: SessionReport) -> dict[str, Any]:
    """Metadata of ``session_aggregates``: sessions found, changes, top players."""
    sessions = []
    players = []
    for result in report.sessions:
        s = result.session
        score = [sc for sc in result.scores.values() if sc.counted]
        a = sum(sc.team_a_points for sc in score)
        b = sum(sc.team_b_points for sc in score)
        counted = sum(1 for st in result.statuses.values() if st.counted)
        sessions.append(
            [
                s.session_id,
                s.gaming_day.isoformat(),
                _utc(s.start_unix),
                _utc(s.end_unix),
                f"{counted}/{len(s.rounds)}",
                len(result.plays),
                len(result.totals),
                f"{a}-{b}",
            ]
        )
        for p in result.totals:
            players.append((s.session_id, p))
    players.sort(
        key=lambda item: (-item[1].counters.kills, -item[1].counters.dpm, item[1].player_guid)
    )
    top = [
        [
            rank,
            p.display_name,
            p.player_guid,
            p.team or "-",
            p.counters.kills,
            p.counters.deaths,
            f"{p.counters.kdr:.2f}",
            f"{p.counters.dpm:.1f}",
            p.counters.kill_assists,
            session_id,
        ]
        for rank, (session_id, p) in enumerate(players[:_TOP_PLAYERS], start=1)
    ]
    return {
        "days": _days(report.days),
        "window_days": _days(report.window_days),
        "sessions_found": len(report.session_ids),
        "sessions": table(
            [
                "session",
                "day",
                "start (UTC)",
                "end (UTC)",
                "rounds counted",
                "maps",
                "players",
                "score A-B",
            ],
            sessions,
            limit=_PREVIEW_ROWS,
            more="more sessions not listed",
        ),
        "top_players": table(
            ["#", "player", "guid", "team", "kills", "deaths", "KDR", "DPM", "KA", "session"], top
        ),
        "sessions_added": dg.MetadataValue.json(report.sessions_added),
        "sessions_removed": dg.MetadataValue.json(report.sessions_removed),
        "sessions_merged": dg.MetadataValue.json(
            {str(k): v for k, v in sorted(report.merged.items())}
        ),
        "rounds_joined": len(report.rounds_joined),
        "sessions_crossing_day_boundary": len(report.sessions_crossing_day_boundary),
        "stale_partitions": dg.MetadataValue.json([d.isoformat() for d in report.stale_days]),
        "rounds_without_links": len(report.rounds_without_links),
        "dagster/row_count": len(report.session_ids),
    }
