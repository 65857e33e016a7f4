"""WS7 reads: the three per-player views of each session (totals, graph rows, stored rounds)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, Row, select

from slomix_pipeline.domain.gates import (
    WS7_FIELDS,
    PlayerValues,
    SessionRoundRef,
)
from slomix_pipeline.warehouse import schema, schema_sessions
from slomix_pipeline.warehouse.gate_reads.common import in_days


@dataclass(slots=True)
class SessionViews:
    """The three views of the sessions of one gaming day (``domain.gates.kill_assists_gate``)."""

    sessions: dict[int, str] = field(default_factory=dict)
    session_rounds: list[SessionRoundRef] = field(default_factory=list)
    totals: list[PlayerValues] = field(default_factory=list)
    graphs: list[PlayerValues] = field(default_factory=list)
    rounds: list[PlayerValues] = field(default_factory=list)


def _values(row: Row[Any]) -> dict[str, int | None]:
    return {name: row._mapping[name] for name in WS7_FIELDS}


def read_session_views(conn: Connection, days: Sequence[date]) -> dict[date, SessionViews]:
    """Session totals, graph rows and the stored rows of the counted rounds, per session day.

    Stored rows are joined through ``session_rounds`` (counted rounds only), whatever gaming day
    the round itself belongs to, so a session crossing the day boundary is compared whole.
    """
    gs, sr = schema_sessions.gaming_sessions, schema_sessions.session_rounds
    sp, sg = schema_sessions.session_player_stats, schema_sessions.session_round_graphs
    pcs, rounds = schema.player_comprehensive_stats, schema.rounds
    out: dict[date, SessionViews] = defaultdict(SessionViews)
    for row in conn.execute(
        select(gs.c.gaming_day, gs.c.session_id, gs.c.session_key).where(in_days(gs, days))
    ):
        out[row.gaming_day].sessions[row.session_id] = row.session_key
    query = (
        select(
            sr.c.gaming_day,
            sr.c.session_id,
            sr.c.round_id,
            rounds.c.round_key,
            sr.c.round_number,
            sr.c.counted,
        )
        .select_from(sr.outerjoin(rounds, rounds.c.id == sr.c.round_id))
        .where(in_days(sr, days))
    )
    for row in conn.execute(query):
        out[row.gaming_day].session_rounds.append(
            SessionRoundRef(
                row.session_id,
                row.round_id,
                row.round_key or f"round id {row.round_id}",
                row.round_number,
                row.counted,
            )
        )
    fields = [sp.c[name] for name in WS7_FIELDS]
    query = select(sp.c.gaming_day, sp.c.session_id, sp.c.player_guid, sp.c.display_name, *fields)
    for row in conn.execute(query.where(in_days(sp, days))):
        out[row.gaming_day].totals.append(
            PlayerValues(row.session_id, row.player_guid, row.display_name, _values(row))
        )
    fields = [sg.c[name] for name in WS7_FIELDS]
    query = select(
        sg.c.gaming_day, sg.c.session_id, sg.c.round_id, sg.c.player_guid, sg.c.player_name, *fields
    )
    for row in conn.execute(query.where(in_days(sg, days))):
        out[row.gaming_day].graphs.append(
            PlayerValues(
                row.session_id, row.player_guid, row.player_name, _values(row), row.round_id
            )
        )
    fields = [pcs.c[name] for name in WS7_FIELDS]
    query = (
        select(
            sr.c.gaming_day,
            sr.c.session_id,
            pcs.c.round_id,
            pcs.c.round_number,
            pcs.c.player_guid,
            pcs.c.player_name,
            *fields,
        )
        .select_from(sr.join(pcs, pcs.c.round_id == sr.c.round_id))
        .where(in_days(sr, days), sr.c.counted)
    )
    for row in conn.execute(query):
        out[row.gaming_day].rounds.append(
            PlayerValues(
                row.session_id,
                row.player_guid,
                row.player_name,
                _values(row),
                row.round_id,
                row.round_number,
            )
        )
    return out
