"""WS1 reads: the rounds and Lua round ends of a window of days, for the link gate."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Row, select

from slomix_pipeline.domain.gates import (
    LinkedRound,
    LuaRoundEnd,
    lua_label,
)
from slomix_pipeline.warehouse import schema, schema_lua, schema_proximity, schema_sessions
from slomix_pipeline.warehouse.gate_reads.common import in_days
from slomix_pipeline.warehouse.query_parts import by_day, columns, values


@dataclass(slots=True)
class LinkWindow:
    """Rounds and Lua round ends of a window of days, each filed under its own gaming day."""

    rounds: dict[date, list[LinkedRound]] = field(default_factory=lambda: defaultdict(list))
    lua: dict[date, list[LuaRoundEnd]] = field(default_factory=lambda: defaultdict(list))

    def split(
        self, day: date, margin: int = 1
    ) -> tuple[list[LinkedRound], list[LuaRoundEnd], list[LinkedRound], list[LuaRoundEnd]]:
        """``day``'s own rounds and Lua rows, then the rows of its ``margin`` neighbour days.

        The context is what a single-day run of ``day`` reads (the day and its neighbours), so
        a range run judges each day exactly as a one-day run would, in time linear in the range
        (every other day of the window as context made a seven-year range quadratic).
        """
        near = [day + timedelta(days=k) for k in range(-margin, margin + 1) if k]
        other_rounds = [r for d in near for r in self.rounds.get(d, ())]
        other_lua = [x for d in near for x in self.lua.get(d, ())]
        return list(self.rounds.get(day, [])), list(self.lua.get(day, [])), other_rounds, other_lua


def _alt_time(local: datetime, ambiguous: bool, first: int, tz: ZoneInfo) -> int | None:
    if not ambiguous:
        return None
    second = int(local.replace(tzinfo=tz, fold=1).timestamp())
    return second if second != first else None


_ROUND_FIELDS = ("round_key", "map_key", "round_number", "file_time_unix")
"""``LinkedRound`` fields that are ``rounds`` columns of the same name."""
_LINK_FIELDS = ("round_id", *_ROUND_FIELDS, "lua_round_id", "link_reason", "round_start_unix")
_LUA_FIELDS = (
    "map_key",
    "round_number",
    "round_start_unix",
    "round_end_unix",
    "end_reason",
    "winner_team",
    "defender_team",
    "actual_duration_seconds",
    "timelimit_minutes",
)
"""``LuaRoundEnd`` fields that are ``lua_round_teams`` columns of the same name."""
_LUA_END_FIELDS = ("lua_round_id", *_LUA_FIELDS, "warmup_seconds", "round_id", "link_reason")


def read_link_window(conn: Connection, days: Sequence[date], tz: ZoneInfo) -> LinkWindow:
    """Rounds with their ``round_links`` row and proximity start; Lua rows with their link.

    ``days`` should already include the neighbours a link may reach (the caller decides).
    """
    r, rl, pf = schema.rounds, schema_sessions.round_links, schema_proximity.proximity_files
    query = (
        select(
            r.c.gaming_day,
            r.c.id.label("round_id"),
            *columns(r, _ROUND_FIELDS),
            r.c.file_time_local,
            r.c.file_time_ambiguous,
            rl.c.lua_round_id,
            rl.c.link_reason,
            pf.c.round_start_unix,
        )
        .select_from(
            r.outerjoin(rl, rl.c.round_id == r.c.id).outerjoin(
                pf, pf.c.source_file == rl.c.proximity_file
            )
        )
        .where(in_days(r, days))
    )

    def linked_round(row: Row[Any]) -> LinkedRound:
        local, ambiguous = row.file_time_local, row.file_time_ambiguous
        alt = _alt_time(local, ambiguous, row.file_time_unix, tz)
        return LinkedRound(**values(row, _LINK_FIELDS), alt_file_time_unix=alt)

    lt, ll = schema_lua.lua_round_teams, schema_sessions.lua_round_links
    lua_query = (
        select(
            lt.c.gaming_day,
            lt.c.id.label("lua_round_id"),
            lt.c.match_id,
            *columns(lt, _LUA_FIELDS),
            lt.c.lua_warmup_seconds.label("warmup_seconds"),
            ll.c.round_id,
            ll.c.link_reason,
        )
        .select_from(lt.outerjoin(ll, ll.c.lua_round_id == lt.c.id))
        .where(in_days(lt, days))
    )

    def lua_round_end(row: Row[Any]) -> LuaRoundEnd:
        label = lua_label(row.match_id, row.map_key, row.round_number)
        return LuaRoundEnd(**values(row, _LUA_END_FIELDS), label=label)

    return LinkWindow(
        rounds=by_day(conn, query, linked_round), lua=by_day(conn, lua_query, lua_round_end)
    )
