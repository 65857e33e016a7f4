"""One session computed: round statuses, map plays, teams, player totals, graph rows, scores.

No database access: the window's records in, a :class:`SessionResult` out, so the rules of
:mod:`slomix_pipeline.domain.sessions` and :mod:`slomix_pipeline.domain.scoring` run the same in
a test as in a build.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from slomix_pipeline.domain.aggregates import (
    PlayerRound,
    PlayerTotals,
    player_totals,
)
from slomix_pipeline.domain.scoring import Half, MapScore, score_map
from slomix_pipeline.domain.sessions import (
    GamingSession,
    MapPlay,
    RoundSides,
    RoundStatus,
    TeamAssignment,
    assign_teams,
    map_plays,
    round_statuses,
)
from slomix_pipeline.ingest.session_reads import LinkedValues, PlayerRoundInput
from slomix_pipeline.ingest.stored_rounds import StoredRoundInfo


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
