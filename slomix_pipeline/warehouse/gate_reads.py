"""SELECTs behind the quality gates: the rows of a set of gaming days, as gate records.

Each reader returns records of :mod:`slomix_pipeline.domain.gates` grouped by gaming day, so an
asset check can judge every partition of a range on its own. Work that would move many rows
into Python is done in SQL instead: negative values are filtered with one ``OR`` over the
metric columns, duplicate natural keys are found with ``GROUP BY ... HAVING count(*) > 1``, and
the sprint distribution is summarised per day; only the offending rows and the counts travel.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Row, Table, and_, case, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from slomix_pipeline.domain.gates import (
    WS7_FIELDS,
    ContractRound,
    DuplicateKey,
    LinkedRound,
    LuaRoundEnd,
    PlayerValues,
    ProximityFileLink,
    SessionRoundRef,
    SprintDistribution,
    ValueRow,
    lua_label,
)
from slomix_pipeline.warehouse import schema, schema_lua, schema_proximity, schema_sessions
from slomix_pipeline.warehouse.schema import PLAYER_METRICS
from slomix_pipeline.warehouse.writes import TableSlice

_WEAPON_VALUES = ("hits", "shots", "kills", "deaths", "headshots", "accuracy")


def _in_days(table: Table, days: Sequence[date]) -> ColumnElement[bool]:
    return TableSlice(table, days).condition()


def _split_reasons(text: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (text or "").split(";") if part.strip())


# ------------------------------------------------------------------------------------- WS0


def read_contract_rounds(conn: Connection, days: Sequence[date]) -> dict[date, list[ContractRound]]:
    """The contract columns of every ``rounds`` row of ``days``."""
    t = schema.rounds
    query = select(
        t.c.gaming_day,
        t.c.round_key,
        t.c.round_number,
        t.c.defender_team,
        t.c.winner_team,
        t.c.score_confidence,
        t.c.round_stopwatch_state,
        t.c.time_limit_seconds,
        t.c.actual_time_seconds,
        t.c.side_reasons,
        t.c.is_orphan_r2,
        t.c.source_file,
        t.c.r1_file_name,
        t.c.end_reason,
    ).where(_in_days(t, days))
    out: dict[date, list[ContractRound]] = defaultdict(list)
    for r in conn.execute(query):
        out[r.gaming_day].append(
            ContractRound(
                round_key=r.round_key,
                round_number=r.round_number,
                defender_team=r.defender_team,
                winner_team=r.winner_team,
                score_confidence=r.score_confidence,
                round_stopwatch_state=r.round_stopwatch_state,
                time_limit_seconds=r.time_limit_seconds,
                actual_time_seconds=r.actual_time_seconds,
                side_reasons=_split_reasons(r.side_reasons),
                is_orphan_r2=r.is_orphan_r2,
                source_file=r.source_file,
                r1_file_name=r.r1_file_name,
                end_reason=r.end_reason,
            )
        )
    return out


@dataclass(slots=True)
class NegativeValues:
    """Rows holding a negative value, and how many rows were looked at, per day."""

    rows: dict[date, list[ValueRow]] = field(default_factory=lambda: defaultdict(list))
    checked: dict[date, int] = field(default_factory=lambda: defaultdict(int))


def read_negative_values(conn: Connection, days: Sequence[date]) -> NegativeValues:
    """Player and weapon rows of ``days`` with any negative metric (SQL-filtered)."""
    out = NegativeValues()
    rounds = schema.rounds
    for table, metrics, weapon in (
        (schema.player_comprehensive_stats, PLAYER_METRICS, False),
        (schema.weapon_comprehensive_stats, _WEAPON_VALUES, True),
    ):
        counts = select(table.c.gaming_day, func.count()).where(_in_days(table, days))
        for day, n in conn.execute(counts.group_by(table.c.gaming_day)):
            out.checked[day] += n
        label_cols = [table.c.player_guid] + ([table.c.weapon_name] if weapon else [])
        query = (
            select(
                table.c.gaming_day,
                table.c.round_id,
                rounds.c.round_key,
                *label_cols,
                *(table.c[m] for m in metrics),
            )
            .select_from(table.outerjoin(rounds, rounds.c.id == table.c.round_id))
            .where(_in_days(table, days), or_(*(table.c[m] < 0 for m in metrics)))
        )
        for r in conn.execute(query):
            label = f"{r.player_guid} {r.weapon_name}" if weapon else r.player_guid
            values = {m: r._mapping[m] for m in metrics}
            round_key = r.round_key or f"round id {r.round_id}"
            out.rows[r.gaming_day].append(ValueRow(round_key, label, values))
    return out


# ------------------------------------------------------------------------------------- WS1


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


def read_link_window(conn: Connection, days: Sequence[date], tz: ZoneInfo) -> LinkWindow:
    """Rounds with their ``round_links`` row and proximity start; Lua rows with their link.

    ``days`` should already include the neighbours a link may reach (the caller decides).
    """
    out = LinkWindow()
    r, rl, pf = schema.rounds, schema_sessions.round_links, schema_proximity.proximity_files
    query = (
        select(
            r.c.gaming_day,
            r.c.id,
            r.c.round_key,
            r.c.map_key,
            r.c.round_number,
            r.c.file_time_unix,
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
        .where(_in_days(r, days))
    )
    for row in conn.execute(query):
        out.rounds[row.gaming_day].append(
            LinkedRound(
                round_id=row.id,
                round_key=row.round_key,
                map_key=row.map_key,
                round_number=row.round_number,
                file_time_unix=row.file_time_unix,
                lua_round_id=row.lua_round_id,
                link_reason=row.link_reason,
                alt_file_time_unix=_alt_time(
                    row.file_time_local, row.file_time_ambiguous, row.file_time_unix, tz
                ),
                round_start_unix=row.round_start_unix,
            )
        )
    lt, ll = schema_lua.lua_round_teams, schema_sessions.lua_round_links
    query = (
        select(
            lt.c.gaming_day,
            lt.c.id,
            lt.c.match_id,
            lt.c.map_key,
            lt.c.round_number,
            lt.c.round_start_unix,
            lt.c.round_end_unix,
            lt.c.end_reason,
            lt.c.winner_team,
            lt.c.defender_team,
            lt.c.actual_duration_seconds,
            lt.c.timelimit_minutes,
            lt.c.lua_warmup_seconds,
            ll.c.round_id,
            ll.c.link_reason,
        )
        .select_from(lt.outerjoin(ll, ll.c.lua_round_id == lt.c.id))
        .where(_in_days(lt, days))
    )
    for row in conn.execute(query):
        out.lua[row.gaming_day].append(
            LuaRoundEnd(
                lua_round_id=row.id,
                label=lua_label(row.match_id, row.map_key, row.round_number),
                map_key=row.map_key,
                round_number=row.round_number,
                round_start_unix=row.round_start_unix,
                round_end_unix=row.round_end_unix,
                end_reason=row.end_reason,
                winner_team=row.winner_team,
                defender_team=row.defender_team,
                round_id=row.round_id,
                link_reason=row.link_reason,
                actual_duration_seconds=row.actual_duration_seconds,
                timelimit_minutes=row.timelimit_minutes,
                warmup_seconds=row.lua_warmup_seconds,
            )
        )
    return out


# ------------------------------------------------------------------------------------ WS1C


def read_proximity_files(
    conn: Connection, days: Sequence[date]
) -> dict[date, list[ProximityFileLink]]:
    """Every ``proximity_files`` row of ``days`` with whether its linked round still exists."""
    pf, r = schema_proximity.proximity_files, schema.rounds
    query = (
        select(
            pf.c.gaming_day,
            pf.c.source_file,
            pf.c.round_id,
            r.c.id.label("stored_round"),
            pf.c.identity_reason,
            pf.c.sprint_signal,
            pf.c.player_tracks,
        )
        .select_from(pf.outerjoin(r, r.c.id == pf.c.round_id))
        .where(_in_days(pf, days))
    )
    out: dict[date, list[ProximityFileLink]] = defaultdict(list)
    for row in conn.execute(query):
        out[row.gaming_day].append(
            ProximityFileLink(
                source_file=row.source_file,
                round_id=row.round_id,
                round_exists=row.stored_round is not None,
                identity_reason=row.identity_reason,
                sprint_signal=row.sprint_signal,
                player_tracks=row.player_tracks,
            )
        )
    return out


def read_sprint_distributions(
    conn: Connection, days: Sequence[date]
) -> dict[date, SprintDistribution]:
    """Per day: tracks, tracks with a sprint value, tracks sprinting, min and max."""
    t, pf = schema_proximity.player_track, schema_proximity.proximity_files
    pct = t.c.sprint_percentage
    query = (
        select(
            t.c.gaming_day,
            func.count(),
            func.count(pct),
            func.coalesce(func.sum(case((pct > 0, 1), else_=0)), 0),
            func.min(pct),
            func.max(pct),
        )
        .where(_in_days(t, days))
        .group_by(t.c.gaming_day)
    )
    absent_query = (
        select(pf.c.gaming_day, func.count())
        .where(_in_days(pf, days), pf.c.sprint_signal == "absent")
        .group_by(pf.c.gaming_day)
    )
    absent = {day: n for day, n in conn.execute(absent_query)}
    out: dict[date, SprintDistribution] = {}
    for day, tracks, valued, nonzero, low, high in conn.execute(query):
        out[day] = SprintDistribution(
            label=day.isoformat(),
            tracks=tracks,
            valued=valued,
            nonzero=int(nonzero),
            minimum=low,
            maximum=high,
            files_signal_absent=absent.get(day, 0),
        )
    return out


@dataclass(slots=True)
class KeyCheck:
    """Duplicate natural keys and rows checked per table, per day."""

    duplicates: dict[date, list[DuplicateKey]] = field(default_factory=lambda: defaultdict(list))
    checked: dict[date, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))


def read_duplicate_keys(conn: Connection, days: Sequence[date]) -> KeyCheck:
    """Natural keys of proximity rounds, engagements and tracks stored more than once.

    Keys follow upstream's (round scope = day, map, round number, round start): a round's file
    landed twice under two names, or a round stored once per header variant, shows up here. Rows
    without a round start cannot be placed and are not compared.
    """
    pf = schema_proximity.proximity_files
    ce = schema_proximity.combat_engagement
    pt = schema_proximity.player_track
    specs: list[tuple[str, Table, list[Any], ColumnElement[bool]]] = [
        (
            "proximity_files",
            pf,
            [pf.c.map_key, pf.c.resolved_round_number, pf.c.round_start_unix, pf.c.round_end_unix],
            pf.c.round_start_unix.is_not(None),
        ),
        (
            "combat_engagement",
            ce,
            [ce.c.map_name, ce.c.round_number, ce.c.round_start_unix, ce.c.engagement_id],
            ce.c.round_start_unix.is_not(None),
        ),
        (
            "player_track",
            pt,
            [
                pt.c.map_name,
                pt.c.round_number,
                pt.c.round_start_unix,
                pt.c.player_guid,
                pt.c.spawn_time_ms,
            ],
            pt.c.round_start_unix.is_not(None),
        ),
    ]
    out = KeyCheck()
    for name, table, key_cols, known in specs:
        counts = select(table.c.gaming_day, func.count()).where(_in_days(table, days))
        for day, n in conn.execute(counts.group_by(table.c.gaming_day)):
            out.checked[day][name] = n
        query = (
            select(
                table.c.gaming_day,
                *key_cols,
                func.count().label("n"),
                func.aggregate_strings(table.c.source_file, ",").label("files"),
            )
            .where(and_(_in_days(table, days), known))
            .group_by(table.c.gaming_day, *key_cols)
            .having(func.count() > 1)
        )
        for row in conn.execute(query):
            key = " ".join(str(row._mapping[c.name]) for c in key_cols)
            files = tuple(sorted(set(row.files.split(","))))
            out.duplicates[row.gaming_day].append(DuplicateKey(name, key, row.n, files))
    return out


# ------------------------------------------------------------------------------------- WS7


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
        select(gs.c.gaming_day, gs.c.session_id, gs.c.session_key).where(_in_days(gs, days))
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
        .where(_in_days(sr, days))
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
    for row in conn.execute(query.where(_in_days(sp, days))):
        out[row.gaming_day].totals.append(
            PlayerValues(row.session_id, row.player_guid, row.display_name, _values(row))
        )
    fields = [sg.c[name] for name in WS7_FIELDS]
    query = select(
        sg.c.gaming_day, sg.c.session_id, sg.c.round_id, sg.c.player_guid, sg.c.player_name, *fields
    )
    for row in conn.execute(query.where(_in_days(sg, days))):
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
        .where(_in_days(sr, days), sr.c.counted)
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


# ------------------------------------------------------------------------------- freshness


def read_newest_round(conn: Connection) -> tuple[int, str] | None:
    """The file time and key of the newest stored stats round, or None when there is none."""
    t = schema.rounds
    row = conn.execute(
        select(t.c.file_time_unix, t.c.round_key).order_by(t.c.file_time_unix.desc()).limit(1)
    ).first()
    return None if row is None else (row.file_time_unix, row.round_key)
