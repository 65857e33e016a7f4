"""The players asset's per-day ledger: tonight's run reads tonight, not seven years of rounds.

Every GUID the warehouse knows, and every (stats key, name) with its first and last day, rounds
and bot rounds, used to come from one ``GROUP BY`` over every stats row ever loaded (plus three
full scans for the 32-character GUIDs). Now each run of days ``D``:

1. reads ``D``'s contribution from the stats, Lua, proximity and endstats tables (by day);
2. swaps it for ``D``'s previous contribution in ``player_identity_days``;
3. updates the totals of the keys involved in ``player_identity_keys``: rounds and bot rounds
   by difference (old out, new in); the first and last day from the previous totals when the
   previous boundary day is outside ``D`` or ``D`` itself reaches past it, otherwise (a rebuilt
   day removed a key's first or last appearance, rare) from that key's ledger rows.

A first run (no ledger yet, e.g. after the upgrade) and a run without days build the ledger
from the whole history once. The totals are exactly what the old full scan returned: a test
builds day by day, in any order, with a day shrunk in between, and compares with a rebuild.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Integer, delete, func, select

from slomix_pipeline.warehouse import schema, schema_endstats, schema_lua, schema_proximity
from slomix_pipeline.warehouse import schema_datasets as ds
from slomix_pipeline.warehouse.schema_identity import player_identity_days, player_identity_keys
from slomix_pipeline.warehouse.writes import insert_rows

LEDGER_KEY = "identity_ledger"
LEDGER_VERSION = "1"
STATS, FULL = "stats", "full"

Key = tuple[str, str, str]  # (kind, guid, player_name)


@dataclass(slots=True)
class Totals:
    first_day: date
    last_day: date
    rounds: int
    bot_rounds: int


def _where_days(query: Any, column: Any, days: Sequence[date] | None) -> Any:
    return query if days is None else query.where(column.in_(sorted(days)))


def contribution(conn: Connection, days: Sequence[date] | None) -> list[dict[str, Any]]:
    """The ledger rows of ``days`` (None: every day) from the tables the players come from."""
    t = schema.player_comprehensive_stats
    stats = select(
        t.c.gaming_day,
        t.c.player_guid,
        t.c.player_name,
        func.count().label("rounds"),
        func.sum(t.c.is_bot.cast(Integer)).label("bot_rounds"),
    ).group_by(t.c.gaming_day, t.c.player_guid, t.c.player_name)
    rows = [
        {
            "gaming_day": d,
            "kind": STATS,
            "guid": g,
            "player_name": n,
            "rounds": int(r),
            "bot_rounds": int(b or 0),
        }
        for d, g, n, r, b in conn.execute(_where_days(stats, t.c.gaming_day, days))
    ]
    fulls: set[tuple[date, str]] = set()
    for table, column in (
        (schema_lua.lua_spawn_stats, schema_lua.lua_spawn_stats.c.player_guid),
        (schema_proximity.player_track, schema_proximity.player_track.c.player_guid),
        (schema_endstats.round_vs_stats, schema_endstats.round_vs_stats.c.subject_guid_full),
    ):
        query = _where_days(select(table.c.gaming_day, column).distinct(), table.c.gaming_day, days)
        fulls.update((d, g) for d, g in conn.execute(query) if g and len(g) == 32)
    rows += [
        {"gaming_day": d, "kind": FULL, "guid": g, "player_name": "", "rounds": 1, "bot_rounds": 0}
        for d, g in sorted(fulls)
    ]
    return rows


def _fold(rows: Iterable[dict[str, Any]]) -> dict[Key, Totals]:
    out: dict[Key, Totals] = {}
    for r in rows:
        key = (r["kind"], r["guid"], r["player_name"])
        day, cur = r["gaming_day"], out.get(key)
        if cur is None:
            out[key] = Totals(day, day, r["rounds"], r["bot_rounds"])
        else:
            cur.first_day, cur.last_day = min(cur.first_day, day), max(cur.last_day, day)
            cur.rounds += r["rounds"]
            cur.bot_rounds += r["bot_rounds"]
    return out


def _key_rows(totals: dict[Key, Totals]) -> list[dict[str, Any]]:
    return [
        {
            "kind": k,
            "guid": g,
            "player_name": n,
            "first_day": t.first_day,
            "last_day": t.last_day,
            "rounds": t.rounds,
            "bot_rounds": t.bot_rounds,
        }
        for (k, g, n), t in sorted(totals.items())
    ]


def _rebuild(conn: Connection) -> None:
    """The whole ledger from the whole history (first run, or a run without days)."""
    rows = contribution(conn, None)
    conn.execute(delete(player_identity_days))
    conn.execute(delete(player_identity_keys))
    insert_rows(conn, player_identity_days, rows)
    insert_rows(conn, player_identity_keys, _key_rows(_fold(rows)))
    state = ds.dataset_state
    conn.execute(delete(state).where(state.c.key == LEDGER_KEY))
    insert_rows(conn, state, [{"key": LEDGER_KEY, "value": LEDGER_VERSION}])


def _ledger_ready(conn: Connection) -> bool:
    state = ds.dataset_state
    value = conn.execute(
        select(state.c.value).where(state.c.key == LEDGER_KEY)
    ).scalar_one_or_none()
    return value == LEDGER_VERSION


def _day_rows(conn: Connection, days: Sequence[date]) -> list[dict[str, Any]]:
    t = player_identity_days
    query = select(t).where(t.c.gaming_day.in_(sorted(days)))
    return [dict(r._mapping) for r in conn.execute(query)]


def _stored_totals(conn: Connection, guids: set[str]) -> dict[Key, Totals]:
    t = player_identity_keys
    query = select(t).where(t.c.guid.in_(sorted(guids)))
    return {
        (r.kind, r.guid, r.player_name): Totals(r.first_day, r.last_day, r.rounds, r.bot_rounds)
        for r in conn.execute(query)
    }


def _recount(conn: Connection, key: Key) -> Totals | None:
    """One key's totals from its ledger rows: when a rebuilt day took away its first or last
    appearance (bounded by the days that key was seen, not by the history)."""
    t = player_identity_days
    query = select(t).where(t.c.guid == key[1], t.c.kind == key[0], t.c.player_name == key[2])
    return _fold(dict(r._mapping) for r in conn.execute(query)).get(key)


def _update(
    conn: Connection,
    key: Key,
    old: Totals | None,
    was: Totals | None,
    now: Totals | None,
    days: set[date],
) -> Totals | None:
    """New totals of ``key`` from its stored totals ``old``, the days' previous contribution
    ``was`` and their new one ``now``."""
    rest = (old.rounds if old else 0) - (was.rounds if was else 0)
    if rest <= 0:  # nothing outside the days: the days alone
        return now
    assert old is not None
    bots = old.bot_rounds - (was.bot_rounds if was else 0) + (now.bot_rounds if now else 0)
    first_known = old.first_day not in days or (now is not None and now.first_day <= old.first_day)
    last_known = old.last_day not in days or (now is not None and now.last_day >= old.last_day)
    if not (first_known and last_known):
        return _recount(conn, key)
    first = old.first_day if now is None else min(old.first_day, now.first_day)
    last = old.last_day if now is None else max(old.last_day, now.last_day)
    return Totals(first, last, rest + (now.rounds if now else 0), bots)


def update_ledger(conn: Connection, days: Sequence[date] | None) -> None:
    """Bring ``player_identity_days`` and ``player_identity_keys`` up to date for ``days``."""
    if days is None or not _ledger_ready(conn):
        _rebuild(conn)
        return
    day_set = set(days)
    was_rows = _day_rows(conn, days)
    now_rows = contribution(conn, days)
    t = player_identity_days
    conn.execute(delete(t).where(t.c.gaming_day.in_(sorted(day_set))))
    insert_rows(conn, t, now_rows)
    was, now = _fold(was_rows), _fold(now_rows)
    guids = {k[1] for k in (*was, *now)}
    if not guids:
        return
    stored = _stored_totals(conn, guids)
    totals = dict(stored)
    for key in set(was) | set(now):
        new = _update(conn, key, stored.get(key), was.get(key), now.get(key), day_set)
        if new is None:
            totals.pop(key, None)
        else:
            totals[key] = new
    keys = player_identity_keys
    conn.execute(delete(keys).where(keys.c.guid.in_(sorted(guids))))
    insert_rows(conn, keys, _key_rows(totals))


def all_totals(conn: Connection) -> list[Any]:
    """Every key's totals (identity resolution is global: one row per GUID and name ever seen,
    not per round)."""
    t = player_identity_keys
    return list(conn.execute(select(t).order_by(t.c.kind, t.c.guid, t.c.player_name)))
