"""Round linking for a set of gaming days: warehouse rows -> ``domain.linking`` -> link tables.

Reads ``rounds``, ``lua_round_teams`` and ``proximity_files`` of the run's days *and their
neighbours* (a round ending at 05:59 has its stats file on the next gaming day; candidates within
the tolerance or the search window may sit across the boundary), links them with the pure
:func:`slomix_pipeline.domain.linking.link.link_rounds`, applies the Lua truth, and replaces
the run's days of ``round_links``, ``lua_round_links`` and ``linked_player_rounds`` in one
transaction.

Rows are written only for the run's own days, and every decision only depends on rows within the
search window of the decided row, so a day's result does not depend on the range it was run in
or on the order days were run (given the same upstream tables). The one input that is not data
is ``now_unix``, which only decides ``late_pending`` for rows inside the grace period.

The reads live in :mod:`~slomix_pipeline.ingest.stored_rounds` and
:mod:`~slomix_pipeline.ingest.link_reads`, the rows in :mod:`~slomix_pipeline.ingest.link_rows`,
the figures in :mod:`~slomix_pipeline.ingest.link_report`; this module is the run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine

from slomix_pipeline.config import Settings
from slomix_pipeline.domain.gaming_day import utc_now_epoch
from slomix_pipeline.domain.linking.link import link_rounds
from slomix_pipeline.domain.linking.records import LinkResult, LinkSettings, LuaLink, ProximityRef
from slomix_pipeline.domain.lua_truth import EffectiveRound, effective_player_time, effective_round
from slomix_pipeline.ingest.day_chunks import day_chunks
from slomix_pipeline.ingest.link_reads import (
    StoredLuaInfo,
    read_lua,
    read_player_times,
    read_proximity,
)
from slomix_pipeline.ingest.link_report import LinkReport
from slomix_pipeline.ingest.link_rows import linked_player_row, lua_link_row, round_link_row
from slomix_pipeline.ingest.stored_rounds import StoredRoundInfo, read_rounds
from slomix_pipeline.warehouse import schema_sessions
from slomix_pipeline.warehouse.writes import TableSlice, insert_rows, replace_partition


def neighbour_days(days: Iterable[date], margin: int = 1) -> list[date]:
    """``days`` plus ``margin`` days on each side of each (sorted, distinct)."""
    out = set()
    for d in days:
        for k in range(-margin, margin + 1):
            out.add(d + timedelta(days=k))
    return sorted(out)


def compute_links(
    rounds: Sequence[StoredRoundInfo],
    lua: Sequence[StoredLuaInfo],
    proximity: Sequence[ProximityRef] | None,
    tz: ZoneInfo,
    now_unix: int,
    link_settings: LinkSettings | None = None,
) -> tuple[LinkResult, dict[int, EffectiveRound]]:
    """Link the window's rows and apply the Lua truth to every round (no database access)."""
    result = link_rounds(
        [r.ref(tz) for r in rounds],
        [x.ref() for x in lua],
        proximity,
        now_unix=now_unix,
        settings=link_settings,
    )
    lua_facts = {x.lua_round_id: x.facts for x in lua}
    infos = {r.round_id: r for r in rounds}
    effective = {
        link.round_id: effective_round(
            infos[link.round_id].facts(),
            link,
            lua_facts.get(link.lua_round_id) if link.lua_round_id is not None else None,
        )
        for link in result.rounds
    }
    return result, effective


def link_days(
    engine: Engine,
    days: Sequence[date],
    settings: Settings,
    *,
    now_unix: int | None = None,
    link_settings: LinkSettings | None = None,
) -> LinkReport:
    """Rebuild the link tables for ``days`` in one transaction."""
    now = utc_now_epoch() if now_unix is None else now_unix
    report = LinkReport(days=sorted(set(days)), now_unix=now)
    if not report.days:
        return report
    window = neighbour_days(report.days)
    wanted = set(report.days)
    with engine.connect() as conn:
        rounds = read_rounds(conn, window)
        lua = read_lua(conn, window)
        proximity = read_proximity(conn, window)
    cfg = link_settings or LinkSettings(window_s=settings.round_match_window_minutes * 60)
    result, effective = compute_links(rounds, lua, proximity, settings.server_tz, now, cfg)
    report.proximity_files = len(proximity)
    report.rounds = sorted(
        (r for r in rounds if r.gaming_day in wanted), key=lambda r: r.file_time_unix
    )
    report.lua = [x for x in lua if x.gaming_day in wanted]
    links = {link.round_id: link for link in result.rounds}
    report.links = {r.round_id: links[r.round_id] for r in report.rounds}
    report.effective = {r.round_id: effective[r.round_id] for r in report.rounds}
    lua_links = {link.lua_round_id: link for link in result.lua}
    report.lua_reasons = {x.lua_round_id: lua_links[x.lua_round_id].reason for x in report.lua}

    infos = {r.round_id: r for r in report.rounds}
    clamped: Counter[int] = Counter()
    with engine.begin() as conn:
        # the player rows (the bulk of a long range) are read and written a chunk of days at a
        # time inside the one transaction: the slice is emptied first, then filled chunk by chunk
        players_slice = TableSlice(schema_sessions.linked_player_rounds, report.days)
        replace_partition(conn, [(players_slice, [])])
        players_written = 0
        for chunk in day_chunks(report.days):
            player_rows: list[dict[str, Any]] = []
            for player, row in read_player_times(conn, chunk):
                info = infos.get(player.round_id)
                if info is None:
                    continue
                eff = effective_player_time(
                    player,
                    report.effective[info.round_id].timing.lua_duration_seconds,
                    info.is_orphan_r2,
                )
                clamped[info.round_id] += eff.clamped
                player_rows.append(linked_player_row(eff, row))
            insert_rows(conn, schema_sessions.linked_player_rounds, player_rows)
            players_written += len(player_rows)
        report.players_clamped = sum(clamped.values())
        _write_links(conn, report, infos, lua, lua_links, clamped)
        report.rows_written[schema_sessions.linked_player_rounds.name] = players_written
    return report


def _write_links(
    conn: Connection,
    report: LinkReport,
    infos: Mapping[int, StoredRoundInfo],
    lua: Sequence[StoredLuaInfo],
    lua_links: Mapping[int, LuaLink],
    clamped: Counter[int],
) -> None:
    """Replace the run's ``round_links`` and ``lua_round_links`` slices."""

    sources = {x.lua_round_id: x.facts.sources for x in lua}
    round_rows = [
        round_link_row(
            info,
            report.links[info.round_id],
            report.effective[info.round_id],
            sources.get(report.links[info.round_id].lua_round_id or -1),
            clamped[info.round_id],
        )
        for info in report.rounds
    ]
    lua_rows = [lua_link_row(x, lua_links[x.lua_round_id]) for x in report.lua]
    report.rows_written = replace_partition(
        conn,
        [
            (TableSlice(schema_sessions.round_links, report.days), round_rows),
            (TableSlice(schema_sessions.lua_round_links, report.days), lua_rows),
        ],
    )
