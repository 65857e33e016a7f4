"""Gaming sessions: the gap rule, deterministic ids, restarts, map plays and persistent teams."""

from __future__ import annotations

import random
from datetime import date

from slomix_pipeline.domain.identity import stable_id
from slomix_pipeline.domain.sessions import (
    STATUS_CANCELLED,
    STATUS_COMPLETED,
    STATUS_ORPHAN_R2,
    STATUS_SUBSTITUTION,
    TEAM_A,
    TEAM_B,
    GamingSession,
    RoundSides,
    SessionRound,
    assign_teams,
    group_sessions,
    map_plays,
    round_statuses,
    touches_edge,
)

T0 = 1_770_750_000
DAY = date(2026, 2, 10)
SIX = frozenset({"A1", "A2", "A3", "B1", "B2", "B3"})


def rr(
    round_id: int,
    minute: float,
    map_key: str = "supply",
    number: int = 1,
    match: str | None = None,
    guids: frozenset[str] = SIX,
    status: str = STATUS_COMPLETED,
) -> SessionRound:
    end = T0 + int(minute * 60)
    return SessionRound(
        round_id=round_id,
        round_key=f"k{end}-{map_key}-R{number}",
        map_key=map_key,
        map_name=map_key,
        round_number=number,
        match_id=match or f"m{end}",
        end_unix=end,
        gaming_day=DAY,
        round_status=status,
        guids=guids,
    )


def test_gap_of_exactly_the_threshold_continues_and_one_second_more_splits() -> None:
    """Edge E2: 60:00 continues, 60:01 starts a new session (end-to-end times)."""
    a = rr(1, 0)
    same = group_sessions([a, rr(2, 60)])
    assert len(same) == 1 and [r.round_id for r in same[0].rounds] == [1, 2]
    split = group_sessions([a, SessionRound(**{**_fields(rr(2, 60)), "end_unix": T0 + 3601})])
    assert [len(s.rounds) for s in split] == [1, 1]


def test_a_long_half_time_never_splits_a_map_play() -> None:
    """A 55-minute half-time plus a 10-minute R2: 65 min end to end, still one map play."""
    r1 = rr(1, 0, match="m1")
    r2 = rr(2, 65, number=2, match="m1")
    other_r2 = rr(3, 65, "radar", number=2, match="m9")  # an orphan R2 after a gap does split
    assert [len(s.rounds) for s in group_sessions([r1, r2])] == [2]
    assert [len(s.rounds) for s in group_sessions([r1, other_r2])] == [1, 1]


def _fields(r: SessionRound) -> dict[str, object]:
    return {name: getattr(r, name) for name in SessionRound.__dataclass_fields__}


def test_session_id_comes_from_the_first_round_and_ignores_order() -> None:
    rounds = [rr(i, 10 * i) for i in range(1, 7)] + [rr(20, 300), rr(21, 310)]
    expected = group_sessions(rounds)
    assert [len(s.rounds) for s in expected] == [6, 2]
    assert expected[0].session_id == stable_id(f"session:{rounds[0].round_key}")
    rng = random.Random(3)
    for _ in range(5):
        shuffled = list(rounds)
        rng.shuffle(shuffled)
        assert group_sessions(shuffled) == expected


def test_midnight_does_not_split_and_the_day_is_the_first_rounds() -> None:
    """Edge E1: 23:40, 23:52, 00:06, 00:19 are one session owned by the first round's day."""
    late = [
        SessionRound(**{**_fields(rr(i, m)), "gaming_day": day})
        for i, (m, day) in enumerate(
            [(0, DAY), (12, DAY), (26, date(2026, 2, 11)), (39, date(2026, 2, 11))], start=1
        )
    ]
    sessions = group_sessions(late)
    assert len(sessions) == 1 and sessions[0].gaming_day == DAY


def test_a_late_file_inside_a_session_joins_it_and_one_in_a_gap_merges() -> None:
    """Edge E3/E4 done right: the late file lands in its own session; a gap filler merges."""
    early = [rr(1, 0), rr(2, 10), rr(3, 20)]
    later = [rr(4, 100), rr(5, 110)]
    before = group_sessions(early + later)
    assert len(before) == 2
    joined = group_sessions([*early, rr(9, 15), *later])
    assert [s.session_id for s in joined] == [s.session_id for s in before]
    assert 9 in joined[0].round_ids
    merged = group_sessions([*early, rr(8, 60), *later])
    assert len(merged) == 1 and merged[0].session_id == before[0].session_id
    # A late file *before* the first round becomes the new first: the id follows it.
    earlier = group_sessions([rr(7, -30), *early])
    assert earlier[0].session_id != before[0].session_id


def test_touches_edge_tells_when_the_window_may_cut_a_session() -> None:
    sessions = group_sessions([rr(1, 10), rr(2, 20)])
    first, last = T0, T0 + 24 * 3600
    assert touches_edge(sessions, first, last, 3600) == (True, False)
    assert touches_edge(sessions, first - 7200, last, 3600) == (False, False)
    assert touches_edge((), first, last, 3600) == (False, False)


def _session(rounds: list[SessionRound]) -> GamingSession:
    (session,) = group_sessions(rounds)
    return session


def test_false_start_is_cancelled_and_a_roster_change_is_a_substitution() -> None:
    """Edges E5/E6: the earlier of two same-map R1s within 15 min is superseded."""
    replay_match = f"m{T0 + 9 * 60}"
    rounds = [
        rr(1, 0),
        rr(2, 9),
        rr(3, 17, number=2, match=replay_match),
        rr(4, 30, "radar", guids=SIX - {"B3"}),
        rr(5, 38, "radar"),
        rr(6, 46, "radar", 2, match=f"m{T0 + 38 * 60}"),
    ]
    statuses = round_statuses(_session(rounds))
    assert statuses[1].status == STATUS_CANCELLED and statuses[1].superseded_by == 2
    assert statuses[4].status == STATUS_SUBSTITUTION and statuses[4].superseded_by == 5
    assert all(statuses[i].status == STATUS_COMPLETED for i in (2, 3, 5, 6))
    assert [s.counted for s in statuses.values()] == [False, True, True, False, True, True]


def test_a_finished_map_replayed_soon_after_is_not_a_restart() -> None:
    """An R1 whose R2 exists is a finished half; the same map right after is a new play."""
    rounds = [
        rr(1, 0),
        rr(2, 7, number=2, match=f"m{T0}"),
        rr(3, 14),
        rr(4, 21, number=2, match=f"m{T0 + 14 * 60}"),
    ]
    statuses = round_statuses(_session(rounds))
    assert {s.status for s in statuses.values()} == {STATUS_COMPLETED}
    plays = map_plays(_session(rounds), statuses)
    assert [(p.play_index, p.completeness) for p in plays] == [(1, "complete"), (2, "complete")]
    assert plays[0].map_play_id != plays[1].map_play_id


def test_an_r2_restart_pairs_with_the_same_r1() -> None:
    rounds = [rr(1, 0), rr(2, 7, number=2, match=f"m{T0}"), rr(3, 12, number=2, match=f"m{T0}")]
    statuses = round_statuses(_session(rounds))
    assert statuses[2].status == STATUS_CANCELLED and statuses[3].counted
    (play,) = map_plays(_session(rounds), statuses)
    assert (play.r1.round_id, play.r2.round_id) == (1, 3)


def test_map_plays_cover_abandoned_and_orphan_plays_and_keep_statuses() -> None:
    rounds = [
        rr(1, 0, "supply"),
        rr(2, 20, "radar", 2, status=STATUS_ORPHAN_R2),
        rr(3, 40, "goldrush"),
        rr(4, 48, "goldrush", 2, match=f"m{T0 + 40 * 60}"),
    ]
    session = _session(rounds)
    statuses = round_statuses(session)
    assert statuses[2].status == STATUS_ORPHAN_R2 and statuses[2].counted
    plays = map_plays(session, statuses)
    assert [(p.map_key, p.completeness, p.order) for p in plays] == [
        ("supply", "r1_only", 1),
        ("radar", "r2_only", 2),
        ("goldrush", "complete", 3),
    ]


def test_teams_follow_side_swaps_and_take_late_joiners() -> None:
    r1 = RoundSides(1, {"A1": 2, "A2": 2, "B1": 1, "B2": 1}, defender_team=2)
    r2 = RoundSides(2, {"A1": 1, "A2": 1, "B1": 2, "B2": 2}, defender_team=2)
    # Next map: A1 stays, A3 joins team A, B3 replaces B2.
    r3 = RoundSides(3, {"A1": 1, "A3": 1, "B1": 2, "B3": 2}, defender_team=1)
    teams = assign_teams([r1, r2, r3])
    assert teams.members(TEAM_A) == ("A1", "A2", "A3")
    assert teams.members(TEAM_B) == ("B1", "B2", "B3")
    assert dict(teams.side_of_a) == {1: 2, 2: 1, 3: 1}
    assert teams.unassigned == frozenset()


def test_a_round_of_strangers_is_placed_once_others_connect_it() -> None:
    seed = RoundSides(1, {"A1": 1, "B1": 2}, defender_team=1)
    strangers = RoundSides(2, {"X1": 1, "Y1": 2}, defender_team=1)
    bridge = RoundSides(3, {"A1": 2, "X1": 2, "B1": 1, "Y1": 1}, defender_team=1)
    teams = assign_teams([seed, strangers, bridge])
    assert teams.team_of["X1"] == TEAM_A and teams.team_of["Y1"] == TEAM_B
    lonely = assign_teams([seed, RoundSides(2, {"Z1": 1, "Z2": 2}, 1)])
    assert lonely.unassigned == frozenset({"Z1", "Z2"})
    assert lonely.side_of_a[2] is None


def test_unknown_defender_seeds_team_a_on_axis() -> None:
    teams = assign_teams([RoundSides(1, {"P": 1, "Q": 2}, defender_team=0)])
    assert teams.team_of == {"P": TEAM_A, "Q": TEAM_B}
