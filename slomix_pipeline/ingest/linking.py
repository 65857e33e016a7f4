"""Round linking for a set of gaming days: warehouse rows -> ``domain.linking`` -> link tables.

Reads ``rounds``, ``lua_round_teams`` and ``proximity_files`` of the run's days *and their
neighbours* (a round ending at 05:59 has its stats file on the next gaming day; candidates within
the tolerance or the search window may sit across the boundary), links them with the pure
:func:`slomix_pipeline.domain.linking.link_rounds`, applies the Lua truth, and replaces the run's
days of ``round_links``, ``lua_round_links`` and ``linked_player_rounds`` in one transaction.

Rows are written only for the run's own days, and every decision only depends on rows within the
search window of the decided row, so a day's result does not depend on the range it was run in
or on the order days were run (given the same upstream tables). The one input that is not data
is ``now_unix``, which only decides ``late_pending`` for rows inside the grace period.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, select

from slomix_pipeline.config import Settings
from slomix_pipeline.domain.gaming_day import utc_now_epoch
from slomix_pipeline.domain.linking import (
    EffectivePlayerTime,
    EffectiveRound,
    LinkResult,
    LinkSettings,
    LuaFacts,
    LuaRoundRef,
    PlayerTime,
    ProximityRef,
    RoundFacts,
    RoundLink,
    StatsRoundRef,
    effective_player_time,
    effective_round,
    link_rounds,
)
from slomix_pipeline.domain.stopwatch import SRC_HEADER_SHUTDOWN
from slomix_pipeline.ingest.day_chunks import day_chunks
from slomix_pipeline.warehouse import schema, schema_lua, schema_proximity, schema_sessions
from slomix_pipeline.warehouse.writes import TableSlice, insert_rows, replace_partition


def neighbour_days(days: Iterable[date], margin: int = 1) -> list[date]:
    """``days`` plus ``margin`` days on each side of each (sorted, distinct)."""
    out = set()
    for d in days:
        for k in range(-margin, margin + 1):
            out.add(d + timedelta(days=k))
    return sorted(out)


# ------------------------------------------------------------------------------------- reads


@dataclass(frozen=True, slots=True)
class StoredRoundInfo:
    """The ``rounds`` columns linking, the Lua truth and sessions need."""

    round_id: int
    round_key: str
    gaming_day: date
    map_key: str
    map_name: str
    round_number: int
    match_id: str
    file_time_local: datetime
    file_time_unix: int
    file_time_ambiguous: bool
    time_limit_seconds: int | None
    actual_time_seconds: int | None
    round_duration_ms: int | None
    round_duration_seconds: int | None
    map_time_limit_seconds: int | None
    end_reason: str | None
    end_reason_source: str | None
    winner_team: int
    defender_team: int
    round_status: str
    is_orphan_r2: bool
    is_bot_round: bool
    source_file: str
    source_sha256: str

    def ref(self, tz: ZoneInfo) -> StatsRoundRef:
        alt = None
        if self.file_time_ambiguous:
            second = int(self.file_time_local.replace(tzinfo=tz, fold=1).timestamp())
            alt = second if second != self.file_time_unix else None
        return StatsRoundRef(
            self.round_id, self.map_key, self.round_number, self.file_time_unix, alt
        )

    def facts(self) -> RoundFacts:
        return RoundFacts(
            self.round_id,
            self.actual_time_seconds,
            self.round_duration_seconds,
            self.winner_team,
            self.defender_team,
            self.is_orphan_r2,
            round_number=self.round_number,
            limit_seconds=self.time_limit_seconds,
            duration_ms=self.round_duration_ms,
            map_limit_seconds=self.map_time_limit_seconds,
            shutdown=self.end_reason_source == SRC_HEADER_SHUTDOWN,
        )


@dataclass(frozen=True, slots=True)
class StoredLuaInfo:
    """The ``lua_round_teams`` columns linking and the Lua truth need."""

    lua_round_id: int
    gaming_day: date
    map_key: str
    round_number: int
    round_start_unix: int
    round_end_unix: int
    facts: LuaFacts
    source_file: str
    source_sha256: str

    def ref(self) -> LuaRoundRef:
        return LuaRoundRef(
            self.lua_round_id,
            self.map_key,
            self.round_number,
            self.round_start_unix,
            self.round_end_unix,
        )


def read_rounds(conn: Connection, days: Sequence[date]) -> list[StoredRoundInfo]:
    t = schema.rounds
    cols = [
        t.c.id.label("round_id") if name == "round_id" else t.c[name]
        for name in StoredRoundInfo.__dataclass_fields__
    ]
    query = select(*cols).where(TableSlice(t, days).condition())
    return [StoredRoundInfo(**row._mapping) for row in conn.execute(query)]


def read_lua(conn: Connection, days: Sequence[date]) -> list[StoredLuaInfo]:
    t = schema_lua.lua_round_teams
    query = select(t).where(TableSlice(t, days).condition())
    out = []
    for row in conn.execute(query):
        facts = LuaFacts(
            row.id,
            row.actual_duration_seconds,
            row.total_pause_seconds,
            row.pause_count,
            row.end_reason,
            row.winner_team,
            row.defender_team,
            row.sources,
            timelimit_minutes=row.timelimit_minutes,
            round_start_unix=row.round_start_unix,
            round_end_unix=row.round_end_unix,
        )
        out.append(
            StoredLuaInfo(
                row.id,
                row.gaming_day,
                row.map_key,
                row.round_number,
                row.round_start_unix,
                row.round_end_unix,
                facts,
                row.source_file,
                row.source_sha256,
            )
        )
    return out


def read_proximity(conn: Connection, days: Sequence[date]) -> list[ProximityRef]:
    """The proximity files of ``days`` with the stats round their ingestion linked them to."""
    t = schema_proximity.proximity_files
    query = select(t.c.source_file, t.c.round_id, t.c.round_start_unix).where(
        TableSlice(t, days).condition()
    )
    return [
        ProximityRef(r.source_file, r.round_id, r.round_start_unix) for r in conn.execute(query)
    ]


def read_player_times(conn: Connection, days: Sequence[date]) -> list[tuple[PlayerTime, Any]]:
    """Each player-round of ``days`` with its row (for provenance)."""
    t = schema.player_comprehensive_stats
    query = select(
        t.c.round_id,
        t.c.player_guid,
        t.c.time_played_seconds,
        t.c.damage_given,
        t.c.dpm,
        t.c.gaming_day,
        t.c.source_file,
        t.c.source_sha256,
    ).where(TableSlice(t, days).condition())
    return [
        (
            PlayerTime(r.round_id, r.player_guid, r.time_played_seconds, r.damage_given, r.dpm),
            r,
        )
        for r in conn.execute(query)
    ]


# ----------------------------------------------------------------------------------- report


@dataclass(slots=True)
class LinkReport:
    """The outcome of one linking run over ``days`` (input for asset metadata)."""

    days: list[date]
    now_unix: int
    rounds: list[StoredRoundInfo] = field(default_factory=list)
    lua: list[StoredLuaInfo] = field(default_factory=list)
    links: dict[int, RoundLink] = field(default_factory=dict)
    effective: dict[int, EffectiveRound] = field(default_factory=dict)
    lua_reasons: dict[int, str] = field(default_factory=dict)
    players_clamped: int = 0
    proximity_files: int = 0
    rows_written: dict[str, int] = field(default_factory=dict)

    def round_reason_counts(self) -> dict[str, int]:
        return dict(sorted(Counter(link.reason for link in self.links.values()).items()))

    def lua_reason_counts(self) -> dict[str, int]:
        return dict(sorted(Counter(self.lua_reasons.values()).items()))

    def linked_by_source(self) -> dict[str, int]:
        """Rounds linked to a Lua row, per delivery channel(s) of that row, plus proximity."""
        sources = {lua.lua_round_id: lua.facts.sources for lua in self.lua}
        counts: Counter[str] = Counter()
        for link in self.links.values():
            if link.lua_round_id is not None:
                counts[f"lua:{sources.get(link.lua_round_id, '?')}"] += 1
            if link.proximity_file is not None:
                counts["proximity"] += 1
        return dict(sorted(counts.items()))

    def timing_counts(self) -> dict[str, int]:
        return dict(sorted(Counter(e.timing.status for e in self.effective.values()).items()))

    def end_reason_counts(self) -> dict[str, int]:
        """Effective end reasons (``unknown`` when no rule could tell), with their source."""
        return dict(
            sorted(
                Counter(
                    f"{e.end_reason or 'unknown'} ({e.end_reason_source})"
                    for e in self.effective.values()
                ).items()
            )
        )

    def duration_source_counts(self) -> dict[str, int]:
        return dict(sorted(Counter(e.duration_source for e in self.effective.values()).items()))


# ------------------------------------------------------------------------------------- plan


def _round_row(
    info: StoredRoundInfo,
    link: RoundLink,
    eff: EffectiveRound,
    lua_sources: str | None,
    clamped: int,
) -> dict[str, Any]:
    t = eff.timing
    return {
        "round_id": info.round_id,
        "gaming_day": info.gaming_day,
        "round_key": info.round_key,
        "map_key": info.map_key,
        "round_number": info.round_number,
        "file_time_unix": info.file_time_unix,
        "lua_round_id": link.lua_round_id,
        "link_method": link.method,
        "link_delta_seconds": link.delta_seconds,
        "link_reason": link.reason,
        "lua_candidates": link.lua_candidates,
        "lua_sources": lua_sources,
        "proximity_file": link.proximity_file,
        "proximity_reason": link.proximity_reason,
        "duration_seconds": eff.duration_seconds,
        "duration_source": eff.duration_source,
        "duration_reason": eff.duration_reason,
        "winner_team": eff.winner_team,
        "winner_source": eff.winner_source,
        "defender_team": eff.defender_team,
        "defender_source": eff.defender_source,
        "lua_end_reason": eff.lua_end_reason,
        "stats_clock_seconds": t.stats_clock_seconds,
        "stats_duration_seconds": t.stats_duration_seconds,
        "lua_duration_seconds": t.lua_duration_seconds,
        "lua_pause_seconds": t.lua_pause_seconds,
        "lua_pause_count": t.lua_pause_count,
        "timing_diff_seconds": t.diff_seconds,
        "timing_status": t.status,
        "players_clamped": clamped,
        "end_reason": eff.end_reason,
        "end_reason_source": eff.end_reason_source,
        "round_stopwatch_state": eff.stopwatch_state,
        "time_to_beat_seconds": eff.time_to_beat_seconds,
        "r1_attack_time_seconds": eff.r1_attack_time_seconds,
        "map_time_limit_seconds": eff.map_limit_seconds,
        "map_time_limit_source": eff.map_limit_source,
        "round_start_unix": eff.round_start_unix,
        "round_end_unix": eff.round_end_unix,
        "round_times_source": eff.round_times_source,
        "source_file": info.source_file,
        "source_sha256": info.source_sha256,
    }


def _player_row(eff: EffectivePlayerTime, row: Any) -> dict[str, Any]:
    return {
        "round_id": eff.round_id,
        "player_guid": eff.player_guid,
        "gaming_day": row.gaming_day,
        "time_played_seconds_stats": eff.time_played_seconds_stats,
        "time_played_seconds": eff.time_played_seconds,
        "dpm_stats": eff.dpm_stats,
        "dpm": eff.dpm,
        "time_clamped": eff.clamped,
        "source_file": row.source_file,
        "source_sha256": row.source_sha256,
    }


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
                player_rows.append(_player_row(eff, row))
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
    lua_links: Mapping[int, Any],
    clamped: Counter[int],
) -> None:
    """Replace the run's ``round_links`` and ``lua_round_links`` slices."""

    sources = {x.lua_round_id: x.facts.sources for x in lua}
    round_rows = [
        _round_row(
            info,
            report.links[info.round_id],
            report.effective[info.round_id],
            sources.get(report.links[info.round_id].lua_round_id or -1),
            clamped[info.round_id],
        )
        for info in report.rounds
    ]
    lua_rows = []
    for x in report.lua:
        link = lua_links[x.lua_round_id]
        lua_rows.append(
            {
                "lua_round_id": x.lua_round_id,
                "gaming_day": x.gaming_day,
                "map_key": x.map_key,
                "round_number": x.round_number,
                "round_start_unix": x.round_start_unix,
                "round_end_unix": x.round_end_unix,
                "round_id": link.round_id,
                "link_method": link.method,
                "link_delta_seconds": link.delta_seconds,
                "link_reason": link.reason,
                "round_candidates": link.round_candidates,
                "sources": x.facts.sources,
                "source_file": x.source_file,
                "source_sha256": x.source_sha256,
            }
        )
    report.rows_written = replace_partition(
        conn,
        [
            (TableSlice(schema_sessions.round_links, report.days), round_rows),
            (TableSlice(schema_sessions.lua_round_links, report.days), lua_rows),
        ],
    )
