"""What a session build reads besides the rounds: links, player rows, accuracy, stored sessions.

The link tables override the stats file where they know better (effective winner and defender,
the clamped time played); a round whose link row is missing keeps its stats values, so a day
whose ``linked_rounds`` has not run still builds, and says so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, select

from slomix_pipeline.domain.aggregates import (
    ACCURACY_EXCLUDED_WEAPONS,
    COUNTER_FIELDS,
    Counters,
)
from slomix_pipeline.warehouse import schema, schema_sessions
from slomix_pipeline.warehouse.writes import TableSlice


@dataclass(frozen=True, slots=True)
class LinkedValues:
    """What ``round_links`` says about a round (effective winner/defender, link reason)."""

    winner_team: int
    defender_team: int
    link_reason: str
    end_reason: str | None = None


@dataclass(frozen=True, slots=True)
class PlayerRoundInput:
    """One player row of a round with the values the aggregates need."""

    round_id: int
    player_guid: str
    player_name: str
    is_bot: bool
    side: int
    counters: Counters
    time_clamped: bool


_DERIVED_COUNTERS = frozenset(
    {"time_played_seconds", "time_dead_seconds", "shots", "hits", "useful_kills"}
)
_SAME_NAMED_COUNTERS: tuple[str, ...] = tuple(
    name for name in COUNTER_FIELDS if name not in _DERIVED_COUNTERS
)
"""Counters stored in ``player_comprehensive_stats`` under their own name (the rest are derived)."""


def read_links(conn: Connection, days: Sequence[date]) -> dict[int, LinkedValues]:
    t = schema_sessions.round_links
    query = select(
        t.c.round_id, t.c.winner_team, t.c.defender_team, t.c.link_reason, t.c.end_reason
    ).where(TableSlice(t, days).condition())
    return {
        r.round_id: LinkedValues(r.winner_team, r.defender_team, r.link_reason, r.end_reason)
        for r in conn.execute(query)
    }


def _read_accuracy(
    conn: Connection, days: Sequence[date]
) -> dict[tuple[int, str], tuple[int, int]]:
    """(hits, shots) per player-round over the aimed weapons."""
    t = schema.weapon_comprehensive_stats
    query = select(t.c.round_id, t.c.player_guid, t.c.weapon_name, t.c.hits, t.c.shots).where(
        TableSlice(t, days).condition()
    )
    out: dict[tuple[int, str], tuple[int, int]] = {}
    for r in conn.execute(query):
        if r.weapon_name in ACCURACY_EXCLUDED_WEAPONS:
            continue
        hits, shots = out.get((r.round_id, r.player_guid), (0, 0))
        out[(r.round_id, r.player_guid)] = (hits + r.hits, shots + r.shots)
    return out


def read_players(conn: Connection, days: Sequence[date]) -> dict[int, list[PlayerRoundInput]]:
    t = schema.player_comprehensive_stats
    lp = schema_sessions.linked_player_rounds
    clamp = {
        (r.round_id, r.player_guid): (r.time_played_seconds, r.time_clamped)
        for r in conn.execute(
            select(
                lp.c.round_id, lp.c.player_guid, lp.c.time_played_seconds, lp.c.time_clamped
            ).where(TableSlice(lp, days).condition())
        )
    }
    accuracy = _read_accuracy(conn, days)
    out: dict[int, list[PlayerRoundInput]] = defaultdict(list)
    for r in conn.execute(select(t).where(TableSlice(t, days).condition())):
        key = (r.round_id, r.player_guid)
        played, clamped = clamp.get(key, (r.time_played_seconds, False))
        hits, shots = accuracy.get(key, (0, 0))
        counters = Counters(
            **{name: getattr(r, name) for name in _SAME_NAMED_COUNTERS},
            time_played_seconds=played,
            time_dead_seconds=min(round(r.time_dead_minutes * 60), played),
            shots=shots,
            hits=hits,
            useful_kills=r.most_useful_kills,
        )
        out[r.round_id].append(
            PlayerRoundInput(
                r.round_id, r.player_guid, r.player_name, r.is_bot, r.team, counters, clamped
            )
        )
    return out


def read_stored_sessions(
    conn: Connection, days: Sequence[date]
) -> dict[int, set[tuple[int, date]]]:
    """round id -> every (session id, session day) currently storing it for ``days``' sessions.

    Usually one; two while a neighbouring day's stale session still holds rounds that a newer
    session took over (see :func:`~slomix_pipeline.ingest.session_report.record_changes`).
    """
    t = schema_sessions.session_rounds
    query = select(t.c.round_id, t.c.session_id, t.c.gaming_day).where(
        TableSlice(t, days).condition()
    )
    out: dict[int, set[tuple[int, date]]] = defaultdict(set)
    for r in conn.execute(query):
        out[r.round_id].add((r.session_id, r.gaming_day))
    return dict(out)


def read_guid_sets(conn: Connection, days: Sequence[date]) -> dict[int, frozenset[str]]:
    t = schema.player_comprehensive_stats
    query = select(t.c.round_id, t.c.player_guid).where(TableSlice(t, days).condition())
    out: dict[int, set[str]] = defaultdict(set)
    for r in conn.execute(query):
        out[r.round_id].add(r.player_guid)
    return {k: frozenset(v) for k, v in out.items()}
