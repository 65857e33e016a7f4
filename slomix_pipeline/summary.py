"""The short summary printed by ``slomix-pipeline demo`` / ``materialize``: one line per stage.

Everything is read back from the warehouse (what was committed, not what a run believed), plus
the gate verdicts of the run that just finished.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, Table, func, select

from slomix_pipeline.config import Settings
from slomix_pipeline.warehouse import (
    schema,
    schema_endstats,
    schema_lua,
    schema_proximity,
    schema_proximity_sections,
    schema_sessions,
)
from slomix_pipeline.warehouse.engine import open_warehouse


@dataclass(frozen=True, slots=True)
class GateVerdict:
    check: str
    passed: bool
    description: str


def _count(conn: Connection, table: Table, days: Sequence[date], *where) -> int:  # type: ignore[no-untyped-def]
    query = select(func.count()).select_from(table)
    query = query.where(table.c.gaming_day.between(days[0], days[-1]), *where)
    return int(conn.execute(query).scalar_one())


def _grouped(conn: Connection, column, days: Sequence[date], *where) -> dict[str, int]:  # type: ignore[no-untyped-def]
    table = column.table
    query = (
        select(column, func.count())
        .where(table.c.gaming_day.between(days[0], days[-1]), *where)
        .group_by(column)
    )
    return {str(k): int(v) for k, v in conn.execute(query).all()}


def _fmt(counts: dict[str, int]) -> str:
    return ", ".join(f"{v} {k}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1])) or "none"


def _endstats_counts(conn: Connection, days: Sequence[date]) -> str:
    """Side-cars by link status, awards (of which relabelled) and head-to-head rows."""
    files = _grouped(conn, schema_endstats.endstats_files.c.status, days)
    awards = schema_endstats.round_awards
    relabelled = _count(conn, awards, days, awards.c.award_name != awards.c.raw_award_name)
    return (
        f"{sum(files.values())} files ({_fmt(files)}), {_count(conn, awards, days)} awards "
        f"({relabelled} relabelled), {_count(conn, schema_endstats.round_vs_stats, days)} VS rows"
    )


def _section_counts(conn: Connection, days: Sequence[date]) -> str:
    """Rows in the proximity section tables and file sections per capability state."""
    rows = sum(
        _count(conn, table, days) for table in schema_proximity_sections.SECTION_TABLE_OF.values()
    )
    caps = schema_proximity_sections.proximity_section_capability
    states = _grouped(conn, caps.c.state, days, caps.c.kind == "section")
    flagged = int(
        conn.execute(
            select(func.coalesce(func.sum(caps.c.out_of_range_rows), 0)).where(
                caps.c.gaming_day.between(days[0], days[-1])
            )
        ).scalar_one()
    )
    return f"{rows} rows, file sections {_fmt(states)}, {flagged} rows flagged out of range"


def print_summary(
    settings: Settings,
    days: list[date],
    elapsed_seconds: float,
    gates: Sequence[GateVerdict] = (),
) -> None:
    """Files, rounds, players, rejects, Lua, proximity, links, sessions and gates of ``days``."""
    engine = open_warehouse(settings.database_url)
    pf = schema.processed_files
    with engine.connect() as conn:
        stats_status = _grouped(conn, pf.c.status, days, pf.c.source == "stats")
        rejects = conn.execute(
            select(pf.c.source, pf.c.file_name, pf.c.reason)
            .where(
                pf.c.gaming_day.between(days[0], days[-1]),
                pf.c.status.in_(["rejected", "changed"]),
            )
            .order_by(pf.c.source, pf.c.file_name)
        ).all()
        rounds = _count(conn, schema.rounds, days)
        orphans = _count(conn, schema.rounds, days, schema.rounds.c.is_orphan_r2.is_(True))
        player_rows = _count(conn, schema.player_comprehensive_stats, days)
        players = conn.execute(
            select(func.count(schema.player_comprehensive_stats.c.player_guid.distinct())).where(
                schema.player_comprehensive_stats.c.gaming_day.between(days[0], days[-1])
            )
        ).scalar_one()
        lua_by_sources = _grouped(conn, schema_lua.lua_round_teams.c.sources, days)
        prox_files = _count(conn, schema_proximity.proximity_files, days)
        engagements = _count(conn, schema_proximity.combat_engagement, days)
        links = _grouped(conn, schema_sessions.round_links.c.link_reason, days)
        sessions = _count(conn, schema_sessions.gaming_sessions, days)
        session_players = _count(conn, schema_sessions.session_player_stats, days)
        endstats = _endstats_counts(conn, days)
        sections = _section_counts(conn, days)
    total = sum(stats_status.values())
    rejected = stats_status.get("rejected", 0) + stats_status.get("changed", 0)
    print(f"\nSummary for gaming days {days[0]} .. {days[-1]} ({elapsed_seconds:.1f} s)")
    print(
        f"  stats files : {total} seen, {stats_status.get('loaded', 0)} loaded, "
        f"{stats_status.get('ignored', 0)} side-cars ignored, {rejected} rejected"
    )
    print(f"  rounds      : {rounds} ({orphans} orphan R2)")
    print(f"  players     : {players} distinct, {player_rows} player-round rows")
    print(f"  lua rounds  : {sum(lua_by_sources.values())} ({_fmt(lua_by_sources)})")
    print(f"  proximity   : {prox_files} files, {engagements} engagements")
    print(f"  prox. sects : {sections}")
    print(f"  endstats    : {endstats}")
    print(f"  round links : {_fmt(links)}")
    print(f"  sessions    : {sessions} gaming sessions, {session_players} session-player rows")
    if rejects:
        print("  rejects     :")
        for source, name, reason in rejects:
            print(f"    [{source}] {name}: {reason}")
    if gates:
        print("  gates       :")
        for gate in gates:
            verdict = "passed" if gate.passed else "FAILED"
            print(f"    {gate.check:<24} {verdict:<7} {gate.description}")
