"""Gaming sessions for a set of gaming days: linked rounds -> sessions -> aggregates -> tables.

A session belongs to the gaming day of its first round, so building day D needs every round of
every session that *starts* on D, and enough of D-1 to know whether D's first rounds continue a
session that started the day before. The loader therefore reads the run's days plus one day on
each side, groups, and widens the window by a day at an edge while a session may still run over
it (bounded by :data:`MAX_EXTRA_DAYS`).

Inputs are the upstream tables (``rounds``, ``player_comprehensive_stats``,
``weapon_comprehensive_stats``) and the ``linked_rounds`` tables (``round_links`` for effective
winner and defender, ``linked_player_rounds`` for the clamped time played). A round without a
stored link row (its day's ``linked_rounds`` partition has not run yet) falls back to its stats
values and is reported in ``rounds_without_links``.

Late files and merges: sessions are recomputed from the round set each time, so a late file
joins its session and a file filling a gap merges two. When that changes sessions owned by a
neighbouring day, that day's stored rows are stale until it is materialized again; the report
lists such days (``stale_days``) instead of silently rewriting partitions it does not own.
The window, reads, computation, rows and report live in the ``session_*`` modules of this
package (``session_window``, ``session_reads``, ``session_compute``, ``session_rows``,
``session_map_rows``, ``session_report``); this module runs a build.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine

from slomix_pipeline.config import Settings
from slomix_pipeline.ingest.day_chunks import day_chunks
from slomix_pipeline.ingest.session_compute import SessionResult, compute_session
from slomix_pipeline.ingest.session_map_rows import graph_rows, map_summary_rows
from slomix_pipeline.ingest.session_reads import LinkedValues, PlayerRoundInput
from slomix_pipeline.ingest.session_report import SessionReport, record_changes
from slomix_pipeline.ingest.session_rows import (
    session_player_rows,
    session_round_rows,
    session_row,
)
from slomix_pipeline.ingest.session_window import load_window, sessions_of
from slomix_pipeline.ingest.stored_rounds import StoredRoundInfo
from slomix_pipeline.warehouse import schema_sessions
from slomix_pipeline.warehouse.writes import TableSlice, replace_partition


def session_tables(
    result: SessionResult,
    infos: Mapping[int, StoredRoundInfo],
    links: Mapping[int, LinkedValues],
    players: Mapping[int, list[PlayerRoundInput]],
) -> dict[str, list[dict[str, Any]]]:
    """Every row one session contributes, by table."""
    return {
        "gaming_sessions": [session_row(result, infos, links)],
        "session_rounds": session_round_rows(result, infos, links),
        "session_player_stats": session_player_rows(result, infos),
        "map_summaries": map_summary_rows(result, infos),
        "session_round_graphs": graph_rows(result, infos, players),
    }


def build_sessions_days(engine: Engine, days: Sequence[date], settings: Settings) -> SessionReport:
    """Rebuild the session tables for ``days`` (sessions that start on them) in one transaction.

    Inside it the range is built in chunks of days (``ingest.day_chunks``), each exactly what a
    run over that chunk reads (its window widens past the chunk like any run's), so a
    whole-history run holds one chunk's rounds and players, not the range's.
    """
    report = SessionReport(days=sorted(set(days)))
    if not report.days:
        return report
    chunks = list(day_chunks(report.days))
    all_days = set(report.days)
    window: set[date] = set()
    with engine.begin() as conn:
        for chunk in chunks:
            results = _build_chunk(conn, chunk, settings, report, all_days, window)
            if len(chunks) == 1:
                report.sessions = results
    report.window_days = sorted(window)
    report.rounds_joined.sort()
    return report


def _build_chunk(
    conn: Connection,
    days: list[date],
    settings: Settings,
    report: SessionReport,
    all_days: set[date],
    window: set[date],
) -> list[SessionResult]:
    """Build and write one chunk's sessions on the caller's transaction."""
    run_days = set(days)
    data = load_window(conn, days, settings)
    window.update(data.days)
    infos = {r.round_id: r for r in data.rounds}
    sessions = sessions_of(data.rounds, data.guid_sets, settings.session_gap_minutes * 60)
    computed: dict[int, tuple[int, date]] = {
        r.round_id: (s.session_id, s.gaming_day) for s in sessions for r in s.rounds
    }
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    results: list[SessionResult] = []
    for session in sessions:
        if session.gaming_day not in run_days:
            continue
        result = compute_session(session, infos, data.links, data.players)
        results.append(result)
        report.session_ids.append(session.session_id)
        if infos[session.rounds[-1].round_id].gaming_day != session.gaming_day:
            report.sessions_crossing_day_boundary.append(session.session_id)
        report.rounds_without_links.extend(
            r.round_id for r in session.rounds if r.round_id not in data.links
        )
        for table, table_rows in session_tables(result, infos, data.links, data.players).items():
            rows[table].extend(table_rows)
    record_changes(report, data, computed, run_days, results, all_days)
    written = replace_partition(
        conn,
        [(TableSlice(table, days), rows[table.name]) for table in schema_sessions.SESSION_TABLES],
    )
    for table, count in written.items():
        report.rows_written[table] = report.rows_written.get(table, 0) + count
    return results
