"""SQL reads behind the community datasets (``ingest/datasets.py``).

Sums run in the database (``GROUP BY`` over the session tables joined to ``player_guid_map``),
so a career costs one aggregate per table, not a Python loop over every round of the history.
Only the record and streak inputs come back row by row (one row per player-session, per
player-map-play and per player-round, as narrow tuples).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, Integer, and_, distinct, func, literal, select

from slomix_pipeline.warehouse import schema, schema_endstats, schema_lua, schema_proximity
from slomix_pipeline.warehouse import schema_datasets as ds
from slomix_pipeline.warehouse import schema_sessions as ss
from slomix_pipeline.warehouse.schema_sessions import COUNTER_COLUMNS


def stats_names(conn: Connection) -> list[Any]:
    """(player_guid, player_name, is_bot, first day, last day, rounds) per stats key and name,
    by one scan of every stats row: the reference the players ledger is tested against
    (``ingest/identity_ledger.py``); no daily run uses it."""
    t = schema.player_comprehensive_stats
    query = select(
        t.c.player_guid,
        t.c.player_name,
        func.max(t.c.is_bot.cast(Integer)).label("is_bot"),
        func.min(t.c.gaming_day).label("first_day"),
        func.max(t.c.gaming_day).label("last_day"),
        func.count().label("rounds"),
    ).group_by(t.c.player_guid, t.c.player_name)
    return list(conn.execute(query))


def full_guids(conn: Connection) -> set[str]:
    """Every 32-character GUID of the Lua, proximity and endstats tables (full scans: the
    reference the players ledger is tested against; no daily run uses it)."""
    out: set[str] = set()
    for column in (
        schema_lua.lua_spawn_stats.c.player_guid,
        schema_proximity.player_track.c.player_guid,
        schema_endstats.round_vs_stats.c.subject_guid_full,
    ):
        out.update(g for (g,) in conn.execute(select(column).distinct()) if g and len(g) == 32)
    return out


def _day_filter(column: Any, season: tuple[date, date] | None) -> Any:
    return literal(True) if season is None else column.between(season[0], season[1])


def among(column: Any, only: Collection[str] | None) -> Any:
    """No condition for ``None`` (every player), else ``column IN only`` (the touched ones)."""
    return literal(True) if only is None else column.in_(sorted(only))


def _sums(table: Any, names: Sequence[str] = COUNTER_COLUMNS) -> list[Any]:
    """``sum(name) AS name`` for each of ``names`` (the session counters by default)."""
    return [func.sum(table.c[name]).label(name) for name in names]


def season_sums(
    conn: Connection, season: tuple[date, date] | None, only: Collection[str] | None = None
) -> list[Any]:
    """Per canonical player: sessions, rounds, summed counters, first and last day."""
    s, m = ss.session_player_stats, ds.player_guid_map
    query = (
        select(
            m.c.canonical_guid,
            func.count(distinct(s.c.session_id)).label("sessions"),
            func.sum(s.c.rounds_played).label("rounds_played"),
            *_sums(s),
            func.min(s.c.gaming_day).label("first_day"),
            func.max(s.c.gaming_day).label("last_day"),
        )
        .join(m, m.c.guid == s.c.player_guid)
        .where(_day_filter(s.c.gaming_day, season), among(m.c.canonical_guid, only))
        .group_by(m.c.canonical_guid)
    )
    return list(conn.execute(query))


def map_sums(conn: Connection, only: Collection[str] | None = None) -> list[Any]:
    """Per canonical player and map: counted rounds and summed counters."""
    g, m = ss.session_round_graphs, ds.player_guid_map
    keys = (m.c.canonical_guid, g.c.map_name)
    query = (
        select(*keys, func.count().label("rounds_played"), *_sums(g))
        .join(m, m.c.guid == g.c.player_guid)
        .where(among(m.c.canonical_guid, only))
        .group_by(*keys)
    )
    return list(conn.execute(query))


_WEAPON_COUNTERS = ("kills", "deaths", "shots", "hits", "headshots")


def weapon_sums(conn: Connection, only: Collection[str] | None = None) -> list[Any]:
    """Per canonical player and weapon, over the counted rounds (those with a graph row)."""
    w, g, m = schema.weapon_comprehensive_stats, ss.session_round_graphs, ds.player_guid_map
    keys = (m.c.canonical_guid, w.c.weapon_name)
    query = (
        select(*keys, func.count().label("rounds_played"), *_sums(w, _WEAPON_COUNTERS))
        .join(g, and_(g.c.round_id == w.c.round_id, g.c.player_guid == w.c.player_guid))
        .join(m, m.c.guid == w.c.player_guid)
        .where(among(m.c.canonical_guid, only))
        .group_by(*keys)
    )
    return list(conn.execute(query))


def map_results(conn: Connection, only: Collection[str] | None = None) -> Iterator[Any]:
    """One row per canonical player per scored map play they played a counted round of, in
    play order: (canonical, map_play_id, map_name, gaming_day, session_id, team, map_winner)."""
    g, sr, ms, gs, m = (
        ss.session_round_graphs,
        ss.session_rounds,
        ss.map_summaries,
        ss.gaming_sessions,
        ds.player_guid_map,
    )
    query = (
        select(
            m.c.canonical_guid,
            ms.c.map_play_id,
            ms.c.map_name,
            ms.c.gaming_day,
            ms.c.session_id,
            func.min(g.c.team).label("team"),
            ms.c.map_winner,
            gs.c.start_unix,
            ms.c.play_order,
        )
        .select_from(g)
        .join(sr, and_(sr.c.session_id == g.c.session_id, sr.c.round_id == g.c.round_id))
        .join(ms, ms.c.map_play_id == sr.c.map_play_id)
        .join(gs, gs.c.session_id == ms.c.session_id)
        .join(m, m.c.guid == g.c.player_guid)
        .where(among(m.c.canonical_guid, only))
        .where(ms.c.scoring_counted.is_(True))
        .group_by(
            m.c.canonical_guid,
            ms.c.map_play_id,
            ms.c.map_name,
            ms.c.gaming_day,
            ms.c.session_id,
            ms.c.map_winner,
            gs.c.start_unix,
            ms.c.play_order,
        )
        .order_by(m.c.canonical_guid, gs.c.start_unix, ms.c.play_order, ms.c.map_play_id)
    )
    yield from conn.execute(query)


def _kills_and_damage(
    conn: Connection,
    table: Any,
    only: Collection[str] | None,
    keys: Sequence[str],
    after_start: Sequence[str] = (),
) -> Iterator[Any]:
    """Per canonical player and ``keys`` of a per-player session ``table``: summed kills and
    damage given, with the session's start (and ``after_start`` columns) for ordering."""
    gs, m = ss.gaming_sessions, ds.player_guid_map
    grouped = [
        m.c.canonical_guid,
        *(table.c[key] for key in keys),
        gs.c.start_unix,
        *(table.c[key] for key in after_start),
    ]
    query = (
        select(
            *grouped,
            func.sum(table.c.kills).label("kills"),
            func.sum(table.c.damage_given).label("damage_given"),
        )
        .join(gs, gs.c.session_id == table.c.session_id)
        .join(m, m.c.guid == table.c.player_guid)
        .where(among(m.c.canonical_guid, only))
        .group_by(*grouped)
    )
    yield from conn.execute(query)


def round_rows(conn: Connection, only: Collection[str] | None = None) -> Iterator[Any]:
    """Per canonical player per counted round: kills, damage and where/when (records)."""
    keys = ("session_id", "round_id", "gaming_day")
    yield from _kills_and_damage(conn, ss.session_round_graphs, only, keys, ("round_order",))


def session_rows(conn: Connection, only: Collection[str] | None = None) -> Iterator[Any]:
    """Per canonical player per session: kills, damage, time played (records)."""
    keys = ("session_id", "gaming_day")
    yield from _kills_and_damage(conn, ss.session_player_stats, only, keys)


def award_counts(conn: Connection, only: Collection[str] | None = None) -> list[Any]:
    """Awarded endstats lines per session, canonical player and award (counted rounds only)."""
    a, sr, m = schema_endstats.round_awards, ss.session_rounds, ds.player_guid_map
    keys = (sr.c.session_id, m.c.canonical_guid, a.c.award_name, sr.c.gaming_day)
    query = (
        select(*keys, func.count().label("awards"))
        .join(sr, and_(sr.c.round_id == a.c.round_id, sr.c.counted.is_(True)))
        .join(m, m.c.guid == a.c.player_guid)
        .where(among(m.c.canonical_guid, only))
        .where(a.c.award_status == "awarded")
        .group_by(*keys)
    )
    return list(conn.execute(query))


def table_rows(conn: Connection, table: Any, order: Sequence[str]) -> list[dict[str, Any]]:
    """Every row of a dataset table as dicts in a stable order (exports, gates, tests)."""
    query = select(table).order_by(*(table.c[c] for c in order))
    return [dict(r._mapping) for r in conn.execute(query)]


def players_among(conn: Connection, only: Collection[str] | None) -> list[dict[str, Any]]:
    """The ``players`` rows of ``only`` (None: every player)."""
    t = ds.players
    query = select(t).where(among(t.c.canonical_guid, only)).order_by(t.c.canonical_guid)
    return [dict(r._mapping) for r in conn.execute(query)]


def mapped_canonicals(conn: Connection) -> list[str]:
    """Every canonical player the GUID map resolves to, sorted (a careers run for everyone)."""
    m = ds.player_guid_map
    query = select(m.c.canonical_guid).where(m.c.canonical_guid.is_not(None)).distinct()
    return sorted(conn.execute(query).scalars())


def canonical_of(conn: Connection, guids: Collection[str]) -> dict[str, str]:
    """``player_guid_map`` for ``guids`` only: GUID -> canonical key (resolved ones)."""
    m = ds.player_guid_map
    query = select(m.c.guid, m.c.canonical_guid).where(m.c.guid.in_(sorted(guids)))
    return {g: c for g, c in conn.execute(query) if c is not None}


def session_guid_sums(conn: Connection, guids: Collection[str]) -> list[Any]:
    """Per stats GUID of ``guids`` in ``session_player_stats``: sessions, rounds and summed
    counters over their whole history (the careers gate folds them through the map itself,
    independently of the career build)."""
    s = ss.session_player_stats
    query = (
        select(s.c.player_guid, func.sum(s.c.rounds_played).label("rounds_played"), *_sums(s))
        .where(s.c.player_guid.in_(sorted(guids)))
        .group_by(s.c.player_guid)
    )
    return list(conn.execute(query))


def guid_map_among(conn: Connection, guids: Collection[str]) -> dict[str, str | None]:
    """``player_guid_map`` rows of ``guids``: GUID -> canonical key (None: unresolved)."""
    m = ds.player_guid_map
    query = select(m.c.guid, m.c.canonical_guid).where(m.c.guid.in_(sorted(guids)))
    return {guid: canonical for guid, canonical in conn.execute(query)}


def members_of(conn: Connection, canonicals: Collection[str]) -> dict[str, str]:
    """Every GUID mapped to one of ``canonicals``: GUID -> canonical key."""
    m = ds.player_guid_map
    query = select(m.c.guid, m.c.canonical_guid).where(m.c.canonical_guid.in_(sorted(canonicals)))
    return {guid: canonical for guid, canonical in conn.execute(query)}


def player_keys_among(conn: Connection, canonicals: Collection[str]) -> set[str]:
    """The canonical keys of ``canonicals`` that have a ``players`` row."""
    t = ds.players
    query = select(t.c.canonical_guid).where(t.c.canonical_guid.in_(sorted(canonicals)))
    return set(conn.execute(query).scalars())


def season_rows_among(conn: Connection, canonicals: Collection[str], season: str) -> list[Any]:
    """The ``player_season_stats`` rows of ``season`` for ``canonicals``."""
    t = ds.player_season_stats
    query = select(t).where(t.c.season == season, t.c.canonical_guid.in_(sorted(canonicals)))
    return list(conn.execute(query))


def day_guids(conn: Connection, days: Sequence[date]) -> set[str]:
    """The stats keys with session rows owned by ``days`` (what those days contribute now)."""
    s = ss.session_player_stats
    query = select(s.c.player_guid).where(s.c.gaming_day.in_(sorted(days))).distinct()
    return {g for (g,) in conn.execute(query)}


def ledger_guids(conn: Connection, days: Sequence[date]) -> set[str]:
    """The stats keys ``days`` contributed at the last careers run (``dataset_day_players``)."""
    t = ds.dataset_day_players
    query = select(t.c.player_guid).where(t.c.gaming_day.in_(sorted(days))).distinct()
    return {g for (g,) in conn.execute(query)}


def day_guid_pairs(conn: Connection, days: Sequence[date] | None) -> list[dict[str, Any]]:
    """(gaming_day, player_guid) of the session rows of ``days`` (None: every day)."""
    s = ss.session_player_stats
    query = select(s.c.gaming_day, s.c.player_guid).distinct()
    if days is not None:
        query = query.where(s.c.gaming_day.in_(sorted(days)))
    return [{"gaming_day": d, "player_guid": g} for d, g in conn.execute(query)]


def row_counts(conn: Connection, tables: Sequence[Any]) -> dict[str, int]:
    """Rows per table (the row counts shown in the UI)."""
    return {
        t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one()) for t in tables
    }
