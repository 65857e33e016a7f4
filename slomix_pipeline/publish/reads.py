"""Warehouse rows -> post records (SELECTs only; what ``linked_rounds`` and
``session_aggregates`` wrote, nothing recomputed).

* round posts: every *counted* round of ``session_rounds`` (a restarted false start or a
  superseded round is not posted) with its ``round_links`` facts and its players from
  ``session_round_graphs`` (per-round rows with the side played and the persistent team);
* map posts: every ``complete`` play of ``map_summaries`` (R1 + R2), players summed over both
  halves from the same graph rows, so the side marker shows ``[MIXED]`` for who played both;
* session posts: ``gaming_sessions`` with ``session_player_stats`` and the session's map plays;
  awards come from :data:`AWARDS_READER` (none until the endstats tables exist).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import fields
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Connection, select

from slomix_pipeline.publish import model
from slomix_pipeline.warehouse import schema
from slomix_pipeline.warehouse.schema_sessions import (
    gaming_sessions,
    map_summaries,
    round_links,
    session_player_stats,
    session_round_graphs,
    session_rounds,
)

AwardsReader = Callable[[Connection, int], Sequence[model.Award]]
Record = TypeVar("Record")


def _record(cls: type[Record], row: Any, **given: Any) -> Record:
    """A post record from a result row: each field not ``given`` is the row's same-named column
    (the warehouse and the post records use the same names on purpose)."""
    names = (f.name for f in fields(cls))  # type: ignore[arg-type]
    return cls(**{name: given[name] if name in given else getattr(row, name) for name in names})


def no_awards(conn: Connection, session_id: int) -> Sequence[model.Award]:
    """The default awards reader: nothing (endstats are not in the warehouse yet).

    Hook for the endstats tables: replace :data:`AWARDS_READER` with a reader of
    ``session_id``'s awards (check that its table exists first, so an older warehouse still
    publishes); the session post then shows an "Awards" section.
    """
    return ()


AWARDS_READER: AwardsReader = no_awards


def _bots(conn: Connection, session_ids: Iterable[int]) -> set[tuple[int, str]]:
    t = session_player_stats
    ids = sorted(set(session_ids))
    if not ids:
        return set()
    rows = conn.execute(
        select(t.c.session_id, t.c.player_guid).where(t.c.session_id.in_(ids), t.c.is_bot)
    )
    return {(r.session_id, r.player_guid) for r in rows}


def _graphs_by_round(conn: Connection, round_ids: Sequence[int]) -> dict[int, list]:  # type: ignore[type-arg]
    """The per-player graph rows of ``round_ids`` grouped by round (read in chunks of 500)."""
    g = session_round_graphs
    by_round: dict[int, list] = defaultdict(list)  # type: ignore[type-arg]
    for start in range(0, len(round_ids), 500):
        chunk = list(round_ids[start : start + 500])
        for row in conn.execute(select(g).where(g.c.round_id.in_(chunk))).all():
            by_round[row.round_id].append(row)
    return by_round


def _player(rows: Sequence, bots: set[tuple[int, str]]) -> model.PlayerLine:  # type: ignore[type-arg]
    first = rows[0]
    damage = sum(r.damage_given for r in rows)
    seconds = sum(r.time_played_seconds for r in rows)
    return model.PlayerLine(
        guid=first.player_guid,
        name=rows[-1].player_name,
        team=first.team,
        sides=frozenset(r.side for r in rows),
        kills=sum(r.kills for r in rows),
        deaths=sum(r.deaths for r in rows),
        damage_given=damage,
        dpm=damage * 60 / seconds if seconds else 0.0,
        kill_assists=sum(r.kill_assists for r in rows),
        revives_given=sum(r.revives_given for r in rows),
        time_played_seconds=seconds,
        is_bot=(first.session_id, first.player_guid) in bots,
    )


def read_round_posts(conn: Connection, days: Sequence[date]) -> list[model.RoundPostData]:
    """The counted rounds of ``days`` (the round's own gaming day), oldest first."""
    sr, rl, r = session_rounds, round_links, schema.rounds
    query = (
        select(
            sr.c.session_id,
            rl,
            r.c.map_name,
            r.c.file_time_local,
        )
        .select_from(sr.join(rl, rl.c.round_id == sr.c.round_id).join(r, r.c.id == sr.c.round_id))
        .where(sr.c.round_gaming_day.in_(list(days)), sr.c.counted)
        .order_by(rl.c.file_time_unix, rl.c.round_id)
    )
    rounds = conn.execute(query).all()
    graphs = _graphs_by_round(conn, [x.round_id for x in rounds])
    bots = _bots(conn, (x.session_id for x in rounds))
    out = []
    for x in rounds:
        players = tuple(
            _player([row], bots)
            for row in sorted(graphs[x.round_id], key=lambda g: g.player_guid)
            if row.session_id == x.session_id
        )
        out.append(_record(model.RoundPostData, x, end_local=x.file_time_local, players=players))
    return out


def read_map_posts(conn: Connection, days: Sequence[date]) -> list[model.MapPostData]:
    """The complete (R1 + R2) map plays of sessions owned by ``days``, in play order."""
    m, r = map_summaries, schema.rounds
    plays = conn.execute(
        select(m, r.c.file_time_local)
        .select_from(m.outerjoin(r, r.c.id == m.c.r2_round_id))
        .where(m.c.gaming_day.in_(list(days)), m.c.completeness == "complete")
        .order_by(m.c.session_id, m.c.play_order)
    ).all()
    ids = [i for p in plays for i in (p.r1_round_id, p.r2_round_id) if i is not None]
    by_round = _graphs_by_round(conn, ids)
    bots = _bots(conn, (p.session_id for p in plays))
    out = []
    for p in plays:
        per_guid: dict[str, list] = defaultdict(list)  # type: ignore[type-arg]
        for rid in (p.r1_round_id, p.r2_round_id):
            for row in sorted(by_round.get(rid, []), key=lambda g: g.round_order):
                if row.session_id == p.session_id:
                    per_guid[row.player_guid].append(row)
        players = tuple(_player(rows, bots) for _, rows in sorted(per_guid.items()))
        out.append(_record(model.MapPostData, p, end_local=p.file_time_local, players=players))
    return out


def read_session_posts(
    conn: Connection, days: Sequence[date], awards: AwardsReader | None = None
) -> list[model.SessionPostData]:
    """Sessions owned by ``days`` (closed or not: the caller decides), oldest first."""
    s, p, m = gaming_sessions, session_player_stats, map_summaries
    reader = awards or AWARDS_READER
    sessions = conn.execute(
        select(s).where(s.c.gaming_day.in_(list(days))).order_by(s.c.start_unix)
    ).all()
    out = []
    for x in sessions:
        players = conn.execute(
            select(p).where(p.c.session_id == x.session_id).order_by(p.c.rank)
        ).all()
        maps = conn.execute(
            select(m).where(m.c.session_id == x.session_id).order_by(m.c.play_order)
        ).all()
        out.append(
            _record(
                model.SessionPostData,
                x,
                maps=tuple(_record(model.SessionMapLine, y) for y in maps),
                players=tuple(
                    _record(
                        model.PlayerLine,
                        y,
                        guid=y.player_guid,
                        name=y.display_name,
                        sides=frozenset(),
                    )
                    for y in players
                ),
                awards=tuple(reader(conn, x.session_id)),
            )
        )
    return out


def latest_session_start(conn: Connection) -> int | None:
    """Start of the newest session in the warehouse (a later session closes every earlier one)."""
    s = gaming_sessions
    row = conn.execute(select(s.c.start_unix).order_by(s.c.start_unix.desc()).limit(1)).first()
    return None if row is None else int(row[0])


__all__ = ["read_map_posts", "read_round_posts", "read_session_posts"]


def days_with_posts(conn: Connection) -> list[date]:
    """Every gaming day holding a counted round or owning a session (history replays)."""
    sr, s = session_rounds, gaming_sessions
    days = {r[0] for r in conn.execute(select(sr.c.round_gaming_day).distinct())}
    days |= {r[0] for r in conn.execute(select(s.c.gaming_day).distinct())}
    return sorted(days)
