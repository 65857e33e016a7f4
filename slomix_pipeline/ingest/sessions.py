"""Gaming sessions for a set of gaming days: linked rounds -> sessions -> aggregates -> tables.

A session belongs to the gaming day of its first round, so building day D needs every round of
every session that *starts* on D, and enough of D-1 to know whether D's first rounds continue a
session that started the day before. The loader therefore reads the run's days plus one day on
each side, groups, and widens the window by a day at an edge while a session may still run over
it (bounded by :data:`MAX_EXTRA_DAYS`).

Inputs are the upstream tables (``rounds``, ``player_comprehensive_stats``,
``weapon_comprehensive_stats``) and the ``linked_rounds`` tables (``round_links`` for effective
winner and defender, ``linked_player_rounds`` for the clamped time played). A round without a
stored link row (its day's ``linked_rounds`` partition has not run yet) falls back to its stats
values and is reported in ``rounds_without_links``.

Late files and merges: sessions are recomputed from the round set each time, so a late file
joins its session and a file filling a gap merges two. When that changes sessions owned by a
neighbouring day, that day's stored rows are stale until it is materialized again; the report
lists such days (``stale_days``) instead of silently rewriting partitions it does not own.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, select

from slomix_pipeline.config import Settings
from slomix_pipeline.domain.aggregates import (
    ACCURACY_EXCLUDED_WEAPONS,
    Counters,
    PlayerRound,
    PlayerTotals,
    map_summary,
    player_totals,
    rates,
)
from slomix_pipeline.domain.gaming_day import gaming_day_bounds_epoch
from slomix_pipeline.domain.scoring import Half, MapScore, score_map, session_score
from slomix_pipeline.domain.sessions import (
    GamingSession,
    MapPlay,
    RoundSides,
    RoundStatus,
    SessionRound,
    TeamAssignment,
    assign_teams,
    group_sessions,
    map_plays,
    round_statuses,
    touches_edge,
)
from slomix_pipeline.ingest.day_chunks import day_chunks
from slomix_pipeline.ingest.stored_rounds import StoredRoundInfo, read_rounds
from slomix_pipeline.warehouse import schema, schema_sessions
from slomix_pipeline.warehouse.writes import TableSlice, replace_partition

MAX_EXTRA_DAYS = 7
"""How far the window may grow past the run's days to see a whole session (per side)."""


# ------------------------------------------------------------------------------------- reads


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


@dataclass(slots=True)
class WindowData:
    """Everything read for one run: the rounds of the window and their per-player rows."""

    days: list[date]
    rounds: list[StoredRoundInfo]
    guid_sets: dict[int, frozenset[str]]
    links: dict[int, LinkedValues]
    players: dict[int, list[PlayerRoundInput]]
    stored_sessions: dict[int, set[tuple[int, date]]]


def _read_links(conn: Connection, days: Sequence[date]) -> dict[int, LinkedValues]:
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


def _read_players(conn: Connection, days: Sequence[date]) -> dict[int, list[PlayerRoundInput]]:
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
            kills=r.kills,
            deaths=r.deaths,
            damage_given=r.damage_given,
            damage_received=r.damage_received,
            time_played_seconds=played,
            time_dead_seconds=min(round(r.time_dead_minutes * 60), played),
            shots=shots,
            hits=hits,
            headshots=r.headshots,
            headshot_kills=r.headshot_kills,
            revives_given=r.revives_given,
            times_revived=r.times_revived,
            gibs=r.gibs,
            kill_assists=r.kill_assists,
            objectives_stolen=r.objectives_stolen,
            objectives_returned=r.objectives_returned,
            dynamites_planted=r.dynamites_planted,
            dynamites_defused=r.dynamites_defused,
            self_kills=r.self_kills,
            team_kills=r.team_kills,
            useful_kills=r.most_useful_kills,
            denied_playtime=r.denied_playtime,
            xp=r.xp,
        )
        out[r.round_id].append(
            PlayerRoundInput(
                r.round_id, r.player_guid, r.player_name, r.is_bot, r.team, counters, clamped
            )
        )
    return out


def _read_stored_sessions(
    conn: Connection, days: Sequence[date]
) -> dict[int, set[tuple[int, date]]]:
    """round id -> every (session id, session day) currently storing it for ``days``' sessions.

    Usually one; two while a neighbouring day's stale session still holds rounds that a newer
    session took over (see :func:`_changes`).
    """
    t = schema_sessions.session_rounds
    query = select(t.c.round_id, t.c.session_id, t.c.gaming_day).where(
        TableSlice(t, days).condition()
    )
    out: dict[int, set[tuple[int, date]]] = defaultdict(set)
    for r in conn.execute(query):
        out[r.round_id].add((r.session_id, r.gaming_day))
    return dict(out)


def _session_round(info: StoredRoundInfo, guids: frozenset[str]) -> SessionRound:
    return SessionRound(
        round_id=info.round_id,
        round_key=info.round_key,
        map_key=info.map_key,
        map_name=info.map_name,
        round_number=info.round_number,
        match_id=info.match_id,
        end_unix=info.file_time_unix,
        gaming_day=info.gaming_day,
        round_status=info.round_status,
        guids=guids,
    )


def _sessions_of(
    rounds: Sequence[StoredRoundInfo], guid_sets: Mapping[int, frozenset[str]], gap_s: int
) -> tuple[GamingSession, ...]:
    """Group the play rounds (bot-only rounds are not play and never form a session)."""
    return group_sessions(
        (
            _session_round(r, guid_sets.get(r.round_id, frozenset()))
            for r in rounds
            if not r.is_bot_round
        ),
        gap_s,
    )


def _guid_sets(conn: Connection, days: Sequence[date]) -> dict[int, frozenset[str]]:
    t = schema.player_comprehensive_stats
    query = select(t.c.round_id, t.c.player_guid).where(TableSlice(t, days).condition())
    out: dict[int, set[str]] = defaultdict(set)
    for r in conn.execute(query):
        out[r.round_id].add(r.player_guid)
    return {k: frozenset(v) for k, v in out.items()}


def _window(run: Sequence[date], before: int, after: int) -> list[date]:
    first, last = run[0] - timedelta(days=before), run[-1] + timedelta(days=after)
    return [first + timedelta(days=k) for k in range((last - first).days + 1)]


def load_window(conn: Connection, days: Sequence[date], settings: Settings) -> WindowData:
    """Read the run's days plus neighbours, widening while a session may cross the window."""
    run = sorted(set(days))
    gap_s = settings.session_gap_minutes * 60
    tz, hour = settings.server_tz, settings.day_start_hour
    before = after = 1
    while True:
        window = _window(run, before, after)
        rounds = read_rounds(conn, window)
        guid_sets = _guid_sets(conn, window)
        sessions = _sessions_of(rounds, guid_sets, gap_s)
        first_unix = gaming_day_bounds_epoch(window[0], tz, hour)[0]
        last_unix = gaming_day_bounds_epoch(window[-1], tz, hour)[1]
        early, late = touches_edge(sessions, first_unix, last_unix, gap_s)
        grow_early = early and before < MAX_EXTRA_DAYS
        grow_late = late and after < MAX_EXTRA_DAYS
        if not (grow_early or grow_late):
            break
        before += int(grow_early)
        after += int(grow_late)
    return WindowData(
        days=window,
        rounds=rounds,
        guid_sets=guid_sets,
        links=_read_links(conn, window),
        players=_read_players(conn, window),
        stored_sessions=_read_stored_sessions(conn, window),
    )


# ---------------------------------------------------------------------------------- compute


@dataclass(frozen=True, slots=True)
class SessionResult:
    """Everything computed for one session (input for rows and metadata)."""

    session: GamingSession
    statuses: dict[int, RoundStatus]
    plays: tuple[MapPlay, ...]
    teams: TeamAssignment
    totals: tuple[PlayerTotals, ...]
    scores: dict[int, MapScore]
    rows: tuple[PlayerRound, ...]


def _effective(info: StoredRoundInfo, links: Mapping[int, LinkedValues]) -> tuple[int, int]:
    linked = links.get(info.round_id)
    if linked is None:
        return info.winner_team, info.defender_team
    return linked.winner_team, linked.defender_team


def compute_session(
    session: GamingSession,
    infos: Mapping[int, StoredRoundInfo],
    links: Mapping[int, LinkedValues],
    players: Mapping[int, list[PlayerRoundInput]],
) -> SessionResult:
    """Statuses, map plays, teams, player totals, graph rows and scores of one session."""
    statuses = round_statuses(session)
    plays = map_plays(session, statuses)
    counted = [r for r in session.rounds if statuses[r.round_id].counted]
    sides = [
        RoundSides(
            r.round_id,
            {p.player_guid: p.side for p in players.get(r.round_id, ())},
            _effective(infos[r.round_id], links)[1],
        )
        for r in counted
    ]
    teams = assign_teams(sides)
    order = {r.round_id: i for i, r in enumerate(session.rounds, start=1)}
    rows = tuple(
        PlayerRound(
            p.round_id,
            order[p.round_id],
            p.player_guid,
            p.player_name,
            p.is_bot,
            p.side,
            p.counters,
        )
        for r in counted
        for p in sorted(players.get(r.round_id, ()), key=lambda p: p.player_guid)
    )
    totals = player_totals(rows, teams.team_of)
    scores: dict[int, MapScore] = {}
    for play in plays:
        halves = []
        for r in (play.r1, play.r2):
            if r is None:
                halves.append(None)
                continue
            info = infos[r.round_id]
            winner, defender = _effective(info, links)
            linked = links.get(r.round_id)
            halves.append(
                Half(
                    r.round_id,
                    winner,
                    defender,
                    info.actual_time_seconds,
                    info.time_limit_seconds,
                    teams.side_of_a.get(r.round_id),
                    linked.end_reason if linked is not None else info.end_reason,
                )
            )
        scores[play.map_play_id] = score_map(halves[0], halves[1])
    return SessionResult(session, statuses, plays, teams, totals, scores, rows)


# ---------------------------------------------------------------------------------- report


@dataclass(slots=True)
class SessionReport:
    """The outcome of one session build over ``days`` (input for asset metadata)."""

    days: list[date]
    window_days: list[date] = field(default_factory=list)
    sessions: list[SessionResult] = field(default_factory=list)
    rounds_without_links: list[int] = field(default_factory=list)
    stale_days: list[date] = field(default_factory=list)
    sessions_before: list[int] = field(default_factory=list)
    merged: dict[int, list[int]] = field(default_factory=dict)
    rounds_joined: list[int] = field(default_factory=list)
    sessions_crossing_day_boundary: list[int] = field(default_factory=list)
    rows_written: dict[str, int] = field(default_factory=dict)
    session_ids: list[int] = field(default_factory=list)
    """Every session built (``sessions`` keeps the full results of a one-chunk run only)."""

    @property
    def sessions_after(self) -> list[int]:
        return list(self.session_ids)

    @property
    def sessions_removed(self) -> list[int]:
        return sorted(set(self.sessions_before) - set(self.sessions_after))

    @property
    def sessions_added(self) -> list[int]:
        return sorted(set(self.sessions_after) - set(self.sessions_before))


def _digest(items: Iterable[tuple[str, str]]) -> str:
    text = "\n".join(f"{name}:{sha}" for name, sha in sorted(set(items)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _values(c: Counters) -> dict[str, Any]:
    return {**c.as_dict(), **rates(c)}


def _rows_for(
    result: SessionResult,
    infos: Mapping[int, StoredRoundInfo],
    links: Mapping[int, LinkedValues],
    players: Mapping[int, list[PlayerRoundInput]],
) -> dict[str, list[dict[str, Any]]]:
    s = result.session
    day = s.gaming_day
    session_digest = _digest(
        (infos[r.round_id].source_file, infos[r.round_id].source_sha256) for r in s.rounds
    )
    play_of = {r.round_id: p.map_play_id for p in result.plays for r in p.rounds}
    counted = sum(1 for st in result.statuses.values() if st.counted)
    total_score = session_score(result.scores.values())
    first, last = infos[s.rounds[0].round_id], infos[s.rounds[-1].round_id]
    session_row = {
        "session_id": s.session_id,
        "gaming_day": day,
        "session_key": s.session_key,
        "first_round_id": first.round_id,
        "last_round_id": last.round_id,
        "start_unix": s.start_unix,
        "end_unix": s.end_unix,
        "start_local": first.file_time_local,
        "end_local": last.file_time_local,
        "last_gaming_day": last.gaming_day,
        "crosses_midnight": first.file_time_local.date() != last.file_time_local.date(),
        "crosses_day_boundary": last.gaming_day != day,
        "round_count": len(s.rounds),
        "counted_round_count": counted,
        "superseded_round_count": len(s.rounds) - counted,
        "rounds_linked": sum(
            1
            for r in s.rounds
            if (link := links.get(r.round_id)) is not None and link.link_reason == "linked"
        ),
        "map_play_count": len(result.plays),
        "player_count": len(result.totals),
        "team_a_players": json.dumps(list(result.teams.members("A"))),
        "team_b_players": json.dumps(list(result.teams.members("B"))),
        "unassigned_players": json.dumps(sorted(result.teams.unassigned)),
        "team_a_points": total_score.team_a_points,
        "team_b_points": total_score.team_b_points,
        "maps_counted": total_score.maps_counted,
        "maps_uncounted": total_score.maps_uncounted,
        "inputs_digest": session_digest,
    }
    round_rows = []
    for order, r in enumerate(s.rounds, start=1):
        info = infos[r.round_id]
        status = result.statuses[r.round_id]
        link = links.get(r.round_id)
        round_rows.append(
            {
                "round_id": r.round_id,
                "session_id": s.session_id,
                "gaming_day": day,
                "round_gaming_day": info.gaming_day,
                "round_order": order,
                "end_unix": info.file_time_unix,
                "map_key": info.map_key,
                "round_number": info.round_number,
                "round_status": status.status,
                "counted": status.counted,
                "superseded_by": status.superseded_by,
                "map_play_id": play_of.get(r.round_id),
                "team_a_side": result.teams.side_of_a.get(r.round_id),
                "link_reason": link.link_reason if link else None,
                "source_file": info.source_file,
                "source_sha256": info.source_sha256,
            }
        )
    player_rows = [
        {
            "session_id": s.session_id,
            "player_guid": p.player_guid,
            "gaming_day": day,
            "display_name": p.display_name,
            "is_bot": p.is_bot,
            "team": p.team,
            "rank": rank,
            "rounds_played": p.rounds_played,
            **_values(p.counters),
            "inputs_digest": session_digest,
        }
        for rank, p in enumerate(result.totals, start=1)
    ]
    rows_by_round: dict[int, list[PlayerRound]] = defaultdict(list)
    for row in result.rows:
        rows_by_round[row.round_id].append(row)
    summary_rows = []
    for play in result.plays:
        summary = map_summary([row for r in play.rounds for row in rows_by_round[r.round_id]])
        score = result.scores[play.map_play_id]
        summary_rows.append(
            {
                "map_play_id": play.map_play_id,
                "session_id": s.session_id,
                "gaming_day": day,
                "map_key": play.map_key,
                "map_name": play.map_name,
                "match_id": play.match_id,
                "play_index": play.play_index,
                "play_order": play.order,
                "completeness": play.completeness,
                "r1_round_id": play.r1.round_id if play.r1 else None,
                "r2_round_id": play.r2.round_id if play.r2 else None,
                "rounds": summary.rounds,
                "players": summary.players,
                **_values(summary.counters),
                "top_player_guid": summary.top_player_guid,
                "top_player_name": summary.top_player_name,
                "top_player_kills": summary.top_player_kills,
                "scoring_counted": score.counted,
                "scoring_note": score.note,
                "scoring_source": score.scoring_source,
                "r1_attackers": score.r1_attackers,
                "r1_attack_succeeded": score.r1_attack_succeeded,
                "r2_attack_succeeded": score.r2_attack_succeeded,
                "r1_time_seconds": score.r1_time_seconds,
                "r2_time_seconds": score.r2_time_seconds,
                "map_winner": score.winner,
                "team_a_points": score.team_a_points,
                "team_b_points": score.team_b_points,
                "inputs_digest": _digest(
                    (infos[r.round_id].source_file, infos[r.round_id].source_sha256)
                    for r in play.rounds
                ),
            }
        )
    clamped = {
        (p.round_id, p.player_guid): p.time_clamped
        for r in s.rounds
        for p in players.get(r.round_id, ())
    }
    graph_rows = []
    for row in result.rows:
        info = infos[row.round_id]
        graph_rows.append(
            {
                "session_id": s.session_id,
                "round_id": row.round_id,
                "player_guid": row.player_guid,
                "gaming_day": day,
                "round_order": row.order,
                "label": f"{info.map_name} R{info.round_number}",
                "map_name": info.map_name,
                "round_number": info.round_number,
                "player_name": row.player_name,
                "side": row.side,
                "team": result.teams.team_of.get(row.player_guid),
                "time_clamped": clamped.get((row.round_id, row.player_guid), False),
                **_values(row.counters),
                "source_file": info.source_file,
                "source_sha256": info.source_sha256,
            }
        )
    return {
        "gaming_sessions": [session_row],
        "session_rounds": round_rows,
        "session_player_stats": player_rows,
        "map_summaries": summary_rows,
        "session_round_graphs": graph_rows,
    }


def _changes(
    report: SessionReport,
    data: WindowData,
    computed: Mapping[int, tuple[int, date]],
    run_days: set[date],
    results: Sequence[SessionResult],
    all_days: set[date],
) -> None:
    """Fill the change figures: merges, joins and neighbouring days left stale.

    A neighbouring day is stale when a session it stores no longer matches the rounds'
    sessions as computed now (it lost or gained rounds, or must not exist any more); the run's
    own days are being rewritten, so they never are.
    """
    stored = data.stored_sessions
    before_run = {
        round_id: {entry for entry in entries if entry[1] in run_days}
        for round_id, entries in stored.items()
    }
    report.sessions_before = sorted(
        set(report.sessions_before)
        | {sid for entries in before_run.values() for sid, _day in entries}
    )
    stale: set[date] = set()
    for round_id in set(stored) | set(computed):
        entries, now = stored.get(round_id, set()), computed.get(round_id)
        stale.update(day for session_id, day in entries if (session_id, day) != now)
        if now is not None and now not in entries:
            stale.add(now[1])
            if now[1] in run_days and not before_run.get(round_id):
                report.rounds_joined.append(round_id)
    report.stale_days = sorted((set(report.stale_days) | stale) - all_days)
    for result in results:
        previous = {
            sid for r in result.session.rounds for sid, _day in before_run.get(r.round_id, ())
        }
        if len(previous) > 1:
            report.merged[result.session.session_id] = sorted(previous)
    report.rounds_joined.sort()


def build_sessions_days(engine: Engine, days: Sequence[date], settings: Settings) -> SessionReport:
    """Rebuild the session tables for ``days`` (sessions that start on them) in one transaction.

    Inside it the range is built in chunks of days (``ingest.day_chunks``), each exactly what a
    run over that chunk reads (its window widens past the chunk like any run's), so a
    whole-history run holds one chunk's rounds and players, not the range's.
    """
    report = SessionReport(days=sorted(set(days)))
    if not report.days:
        return report
    chunks = list(day_chunks(report.days))
    all_days = set(report.days)
    window: set[date] = set()
    with engine.begin() as conn:
        for chunk in chunks:
            results = _build_chunk(conn, chunk, settings, report, all_days, window)
            if len(chunks) == 1:
                report.sessions = results
    report.window_days = sorted(window)
    report.rounds_joined.sort()
    return report


def _build_chunk(
    conn: Connection,
    days: list[date],
    settings: Settings,
    report: SessionReport,
    all_days: set[date],
    window: set[date],
) -> list[SessionResult]:
    """Build and write one chunk's sessions on the caller's transaction."""
    run_days = set(days)
    data = load_window(conn, days, settings)
    window.update(data.days)
    infos = {r.round_id: r for r in data.rounds}
    sessions = _sessions_of(data.rounds, data.guid_sets, settings.session_gap_minutes * 60)
    computed: dict[int, tuple[int, date]] = {
        r.round_id: (s.session_id, s.gaming_day) for s in sessions for r in s.rounds
    }
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    results: list[SessionResult] = []
    for session in sessions:
        if session.gaming_day not in run_days:
            continue
        result = compute_session(session, infos, data.links, data.players)
        results.append(result)
        report.session_ids.append(session.session_id)
        if infos[session.rounds[-1].round_id].gaming_day != session.gaming_day:
            report.sessions_crossing_day_boundary.append(session.session_id)
        report.rounds_without_links.extend(
            r.round_id for r in session.rounds if r.round_id not in data.links
        )
        for table, table_rows in _rows_for(result, infos, data.links, data.players).items():
            rows[table].extend(table_rows)
    _changes(report, data, computed, run_days, results, all_days)
    written = replace_partition(
        conn,
        [(TableSlice(table, days), rows[table.name]) for table in schema_sessions.SESSION_TABLES],
    )
    for table, count in written.items():
        report.rows_written[table] = report.rows_written.get(table, 0) + count
    return results
