"""Stopwatch map scoring: every outcome, the double full hold, fallbacks and uncounted plays."""

from __future__ import annotations

from slomix_pipeline.domain.scoring import (
    DRAW,
    NOTE_OUTCOME_UNKNOWN,
    NOTE_R1_ONLY,
    NOTE_R2_ONLY,
    NOTE_SIDES_AMBIGUOUS,
    SOURCE_TIME,
    SOURCE_WINNER,
    Half,
    score_map,
    session_score,
)
from slomix_pipeline.domain.sessions import TEAM_A, TEAM_B

AXIS, ALLIES = 1, 2


def half(
    round_id: int,
    winner: int,
    defender: int = AXIS,
    time: int | None = 600,
    limit: int | None = 720,
    team_a_side: int | None = AXIS,
) -> Half:
    return Half(round_id, winner, defender, time, limit, team_a_side)


def test_r2_attackers_beat_the_time() -> None:
    # Axis defends the map. Team A defends R1 (on Axis), so Team B attacks R1 and succeeds;
    # in R2 Team A attacks (on Allies) and beats the time: Team A wins 2-0.
    r1 = half(1, winner=ALLIES, time=400, team_a_side=AXIS)
    r2 = half(2, winner=ALLIES, time=350, limit=400, team_a_side=ALLIES)
    score = score_map(r1, r2)
    assert score.counted and score.scoring_source == SOURCE_WINNER
    assert (score.r1_attackers, score.r1_attack_succeeded, score.r2_attack_succeeded) == (
        TEAM_B,
        True,
        True,
    )
    assert (score.winner, score.team_a_points, score.team_b_points) == (TEAM_A, 2, 0)
    assert (score.r1_time_seconds, score.r2_time_seconds) == (400, 350)


def test_r1_time_holds_when_r2_attackers_fail() -> None:
    r1 = half(1, winner=ALLIES, time=400, team_a_side=AXIS)
    r2 = half(2, winner=AXIS, time=400, limit=400, team_a_side=ALLIES)
    score = score_map(r1, r2)
    assert (score.winner, score.team_a_points, score.team_b_points) == (TEAM_B, 0, 2)


def test_full_hold_then_r2_completion_wins_for_r2_attackers() -> None:
    r1 = half(1, winner=AXIS, time=720, team_a_side=ALLIES)  # Team A attacked R1 and was held
    r2 = half(2, winner=ALLIES, time=500, limit=720, team_a_side=AXIS)
    score = score_map(r1, r2)
    assert score.r1_attackers == TEAM_A and not score.r1_attack_succeeded
    assert (score.winner, score.team_a_points, score.team_b_points) == (TEAM_B, 0, 2)


def test_double_full_hold_is_a_one_one_draw() -> None:
    """Edge E14: the later upstream box scale (1-1), not 0-0 and not a spurious header win."""
    r1 = half(1, winner=AXIS, time=720, team_a_side=AXIS)
    r2 = half(2, winner=AXIS, time=720, limit=720, team_a_side=ALLIES)
    score = score_map(r1, r2)
    assert (score.winner, score.team_a_points, score.team_b_points) == (DRAW, 1, 1)


def test_surrender_is_a_failed_attack_whatever_the_clock_says() -> None:
    """An R1 surrendered at 4:00: the attackers did not set 4:00, they failed."""
    r1 = half(1, winner=AXIS, time=720, team_a_side=AXIS)  # defenders (Team A) win by surrender
    r2 = half(2, winner=AXIS, time=720, limit=720, team_a_side=ALLIES)
    assert score_map(r1, r2).winner == DRAW
    r2_done = half(2, winner=ALLIES, time=300, limit=720, team_a_side=ALLIES)
    assert score_map(r1, r2_done).winner == TEAM_A


def test_unknown_winner_falls_back_to_the_clock() -> None:
    r1 = half(1, winner=0, time=400, limit=720, team_a_side=AXIS)
    r2 = half(2, winner=0, time=400, limit=400, team_a_side=ALLIES)  # not strictly below: held
    score = score_map(r1, r2)
    assert score.scoring_source == SOURCE_TIME
    assert (score.r1_attack_succeeded, score.r2_attack_succeeded) == (True, False)
    assert score.winner == TEAM_B


def test_defender_is_borrowed_from_the_other_half() -> None:
    r1 = half(1, winner=ALLIES, defender=0, team_a_side=AXIS)
    r2 = half(2, winner=AXIS, defender=AXIS, team_a_side=ALLIES)
    assert score_map(r1, r2).winner == TEAM_B
    both_unknown = score_map(half(1, 0, 0, time=None), half(2, 0, 0, time=None))
    assert not both_unknown.counted and both_unknown.note == NOTE_OUTCOME_UNKNOWN


def test_incomplete_and_ambiguous_plays_are_reported_but_not_counted() -> None:
    r1 = half(1, winner=ALLIES)
    assert score_map(r1, None).note == NOTE_R1_ONLY
    assert score_map(None, r1).note == NOTE_R2_ONLY
    unknown_side = score_map(half(1, ALLIES, team_a_side=None), half(2, AXIS))
    assert not unknown_side.counted and unknown_side.note == NOTE_SIDES_AMBIGUOUS
    assert (unknown_side.team_a_points, unknown_side.team_b_points) == (0, 0)


def test_session_score_sums_counted_maps_only() -> None:
    win_a = score_map(half(1, ALLIES), half(2, ALLIES, team_a_side=ALLIES))
    draw = score_map(half(3, AXIS), half(4, AXIS, team_a_side=ALLIES))
    abandoned = score_map(half(5, ALLIES), None)
    total = session_score([win_a, draw, abandoned])
    assert (total.team_a_points, total.team_b_points) == (3, 1)
    assert (total.maps_counted, total.maps_uncounted) == (2, 1)


def test_an_r2_cut_by_a_map_change_is_a_failed_attack_not_an_unknown() -> None:
    """Shutdown-path R2: no winner, a ``0:00`` clock. Upstream's header winner 1 gave a draw or a
    B win; the clock alone says 'unknown'. The attack did not finish: R1's result decides."""
    r1 = half(1, winner=ALLIES, time=400, team_a_side=AXIS)
    cut = Half(2, 0, AXIS, 0, 400, ALLIES, "map_change")
    score = score_map(r1, cut)
    assert score.counted and score.r2_attack_succeeded is False
    assert (score.winner, score.team_a_points, score.team_b_points) == (TEAM_B, 0, 2)
    unknown = score_map(r1, Half(2, 0, AXIS, 0, 400, ALLIES))
    assert unknown.note == NOTE_OUTCOME_UNKNOWN and not unknown.counted
