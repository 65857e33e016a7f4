"""Round linking and the Lua truth: every link rule, every reason code, the clamp and timing."""

from __future__ import annotations

import itertools
import random

import pytest

from slomix_pipeline.domain.linking.link import link_rounds
from slomix_pipeline.domain.linking.reasons import (
    AMBIGUOUS,
    LATE_PENDING,
    LINKED,
    LINKED_ELSEWHERE,
    METHOD_END_TOLERANCE,
    METHOD_EXACT_START,
    NEVER_RECEIVED,
    PROXIMITY_NOT_LOADED,
    UNLINKED_CANDIDATE,
)
from slomix_pipeline.domain.linking.records import (
    LinkSettings,
    LuaRoundRef,
    ProximityRef,
    RoundLink,
    StatsRoundRef,
)
from slomix_pipeline.domain.lua_truth import (
    SOURCE_DERIVED,
    SOURCE_LUA,
    SOURCE_NONE,
    SOURCE_STATS,
    SOURCE_STATS_CLOCK,
    SOURCE_STATS_DURATION,
    TIMING_DISCREPANCY,
    WHY_ABOVE_LIMIT,
    WHY_ENGINE_MEASURED,
    WHY_HEADER_MS_UNUSABLE,
    LuaFacts,
    PlayerTime,
    RoundFacts,
    effective_player_time,
    effective_round,
)

T0 = 1_770_750_000  # an evening in February 2026
LATER = T0 + 86_400  # "now", long after every round: nothing is pending


def rnd(round_id: int, file_time: int, map_key: str = "supply", number: int = 1) -> StatsRoundRef:
    return StatsRoundRef(round_id, map_key, number, file_time)


def lua(
    lua_id: int, end: int, map_key: str = "supply", number: int = 1, start: int | None = None
) -> LuaRoundRef:
    return LuaRoundRef(lua_id, map_key, number, start if start is not None else end - 600, end)


def test_end_within_tolerance_links_one_to_one_with_signed_delta() -> None:
    result = link_rounds([rnd(1, T0)], [lua(10, T0 - 3)], now_unix=LATER)
    link = result.round_link(1)
    assert (link.lua_round_id, link.method, link.delta_seconds, link.reason) == (
        10,
        METHOD_END_TOLERANCE,
        -3,
        LINKED,
    )
    assert link.lua_candidates == 1
    assert link.proximity_reason == PROXIMITY_NOT_LOADED
    back = result.lua_link(10)
    assert (back.round_id, back.reason, back.delta_seconds) == (1, LINKED, -3)


def test_tolerance_boundary_is_inclusive() -> None:
    inside = link_rounds([rnd(1, T0)], [lua(10, T0 - 30)], now_unix=LATER)
    outside = link_rounds([rnd(1, T0)], [lua(10, T0 - 31)], now_unix=LATER)
    assert inside.round_link(1).reason == LINKED
    assert outside.round_link(1).reason == UNLINKED_CANDIDATE
    assert outside.lua_link(10).reason == UNLINKED_CANDIDATE


def test_map_key_and_round_number_must_agree() -> None:
    result = link_rounds(
        [rnd(1, T0, "supply", 1)],
        [lua(10, T0 - 2, "supply", 2), lua(11, T0 - 2, "radar", 1)],
        now_unix=LATER,
    )
    assert result.round_link(1).reason == NEVER_RECEIVED
    assert {link.reason for link in result.lua} == {NEVER_RECEIVED}


def test_never_received_and_late_pending_depend_only_on_the_grace_period() -> None:
    rounds = [rnd(1, T0)]
    assert link_rounds(rounds, [], now_unix=LATER).round_link(1).reason == NEVER_RECEIVED
    pending = link_rounds(rounds, [], now_unix=T0 + 60).round_link(1)
    assert pending.reason == LATE_PENDING
    grace = LinkSettings(grace_s=30)
    assert (
        link_rounds(rounds, [], now_unix=T0 + 60, settings=grace).round_link(1).reason
        == NEVER_RECEIVED
    )
    # The Lua side: a round end whose stats file has not landed yet.
    only_lua = link_rounds([], [lua(10, T0)], now_unix=T0 + 5)
    assert only_lua.lua_link(10).reason == LATE_PENDING


def test_exact_tie_stays_unlinked_on_every_side() -> None:
    """Two Lua ends equidistant from one file time (edge 6): upstream Feb links the newest."""
    result = link_rounds([rnd(1, T0)], [lua(10, T0 - 4), lua(11, T0 + 4)], now_unix=LATER)
    assert result.round_link(1).reason == AMBIGUOUS
    assert result.round_link(1).lua_candidates == 2
    assert [link.reason for link in result.lua] == [AMBIGUOUS, AMBIGUOUS]
    assert all(link.round_id is None for link in result.lua)


def test_a_second_candidate_blocks_the_link_even_when_farther() -> None:
    """The brief's rule: multiple candidates stay unlinked (no nearest-wins guessing)."""
    result = link_rounds([rnd(1, T0)], [lua(10, T0 - 2), lua(11, T0 + 25)], now_unix=LATER)
    assert result.round_link(1).reason == AMBIGUOUS
    two_rounds = link_rounds([rnd(1, T0), rnd(2, T0 + 20)], [lua(10, T0 + 8)], now_unix=LATER)
    assert [r.reason for r in two_rounds.rounds] == [AMBIGUOUS, AMBIGUOUS]
    assert two_rounds.lua_link(10).reason == AMBIGUOUS


def test_same_map_replayed_within_the_search_window_links_each_play() -> None:
    """Edge 4: a replay 40 min later must not steal the earlier round's Lua row."""
    rounds = [rnd(1, T0), rnd(2, T0 + 2400)]
    rows = [lua(10, T0 - 3), lua(11, T0 + 2400 - 2)]
    result = link_rounds(rounds, rows, now_unix=LATER)
    assert [(r.round_id, r.lua_round_id) for r in result.rounds] == [(1, 10), (2, 11)]


def test_unlinked_candidate_when_the_counterpart_is_outside_tolerance() -> None:
    """Edge 14: a zone mix-up puts the Lua end an hour off; within the window it is a candidate."""
    result = link_rounds([rnd(1, T0)], [lua(10, T0 - 600)], now_unix=LATER)
    assert result.round_link(1).reason == UNLINKED_CANDIDATE
    far = link_rounds([rnd(1, T0)], [lua(10, T0 - 3600)], now_unix=LATER)
    assert far.round_link(1).reason == NEVER_RECEIVED


def test_exact_start_wins_and_the_neighbour_is_linked_elsewhere() -> None:
    """Round 2's proximity file gives it a start; the Lua row with that start is its, even though
    it is also within the tolerance of round 1, which is then 'linked elsewhere'."""
    rounds = [rnd(1, T0), rnd(2, T0 + 20)]
    rows = [lua(10, T0 + 10, start=T0 - 500)]
    proximity = [ProximityRef("prox-2.txt", 2, T0 - 500), ProximityRef("prox-x.txt", None, 5)]
    result = link_rounds(rounds, rows, proximity, now_unix=LATER)
    assert result.round_link(2).lua_round_id == 10
    assert result.round_link(2).method == METHOD_EXACT_START
    assert result.round_link(2).proximity_file == "prox-2.txt"
    assert result.round_link(1).reason == LINKED_ELSEWHERE
    assert result.round_link(1).proximity_reason == NEVER_RECEIVED
    assert result.lua_link(10).method == METHOD_EXACT_START


def test_exact_start_shared_by_two_lua_rows_is_ambiguous_and_not_retried() -> None:
    """The Lua emitted the round twice (intermission and shutdown) with one start."""
    rounds = [rnd(1, T0)]
    rows = [lua(10, T0 - 3, start=T0 - 400), lua(11, T0 + 3, start=T0 - 400)]
    proximity = [ProximityRef("p.txt", 1, T0 - 400)]
    result = link_rounds(rounds, rows, proximity, now_unix=LATER)
    assert result.round_link(1).reason == AMBIGUOUS
    assert {link.reason for link in result.lua} == {AMBIGUOUS}


def test_two_proximity_files_claiming_one_round_link_neither() -> None:
    proximity = [ProximityRef("a.txt", 1, T0 - 400), ProximityRef("b.txt", 1, T0 - 400)]
    result = link_rounds([rnd(1, T0)], [lua(10, T0 - 2)], proximity, now_unix=LATER)
    link = result.round_link(1)
    assert (link.proximity_file, link.proximity_reason) == (None, AMBIGUOUS)
    assert link.reason == LINKED  # the tolerance stage still links the Lua row


def test_dst_repeated_hour_matches_the_second_reading() -> None:
    """Edge 15: a file time in the repeated hour; the Lua end is on the second occurrence."""
    ref = StatsRoundRef(1, "supply", 1, T0, alt_file_time_unix=T0 + 3600)
    result = link_rounds([ref], [lua(10, T0 + 3600 - 2)], now_unix=LATER)
    assert result.round_link(1).reason == LINKED
    assert result.round_link(1).delta_seconds == -2


def test_result_does_not_depend_on_input_order() -> None:
    rounds = [rnd(i, T0 + 300 * i, "supply" if i % 2 else "radar", 1 + i % 2) for i in range(8)]
    rows = [
        lua(100 + i, r.file_time_unix - 2, r.map_key, r.round_number)
        for i, r in enumerate(rounds)
        if i != 3
    ]
    rows.append(lua(199, rounds[5].file_time_unix + 2, rounds[5].map_key, rounds[5].round_number))
    expected = link_rounds(rounds, rows, now_unix=LATER)
    rng = random.Random(5)
    for _ in range(10):
        a, b = list(rounds), list(rows)
        rng.shuffle(a)
        rng.shuffle(b)
        assert link_rounds(a, b, now_unix=LATER) == expected
    reasons = {r.round_id: r.reason for r in expected.rounds}
    assert reasons[3] == NEVER_RECEIVED and reasons[5] == AMBIGUOUS
    assert sum(r.reason == LINKED for r in expected.rounds) == 6


def test_every_link_is_one_to_one() -> None:
    rounds = [rnd(i, T0 + 7 * i) for i in range(12)]
    rows = [lua(100 + i, T0 + 5 * i) for i in range(12)]
    result = link_rounds(rounds, rows, now_unix=LATER)
    pairs = [(r.round_id, r.lua_round_id) for r in result.rounds if r.lua_round_id is not None]
    assert len({p[1] for p in pairs}) == len(pairs)
    for round_id, lua_id in pairs:
        assert result.lua_link(lua_id).round_id == round_id
    assert all(r.reason != LINKED or r.lua_round_id is not None for r in result.rounds)


# ------------------------------------------------------------------------------ Lua truth


def facts(
    clock: int | None = 600,
    winner: int = 1,
    defender: int = 2,
    *,
    ms: int | None = 598_400,
    limit: int | None = 720,
    round_number: int = 1,
) -> RoundFacts:
    seconds = None if ms is None else ms // 1000
    return RoundFacts(
        1,
        clock,
        seconds,
        winner,
        defender,
        False,
        round_number=round_number,
        limit_seconds=limit,
        duration_ms=ms,
    )


def linked(reason: str = LINKED) -> RoundLink:
    lua_id = 10 if reason == LINKED else None
    return RoundLink(1, lua_id, METHOD_END_TOLERANCE, -2, reason, 1, None, PROXIMITY_NOT_LOADED)


def lua_facts(
    duration: int | None = 600,
    reason: str = "OBJECTIVE",
    pauses: int = 0,
    pause_s: int = 0,
    winner: int = 1,
    defender: int = 2,
    start: int | None = None,
    end: int | None = None,
) -> LuaFacts:
    return LuaFacts(
        10,
        duration,
        pause_s,
        pauses,
        reason,
        winner,
        defender,
        "webhook+gametime",
        timelimit_minutes=12.0,
        round_start_unix=start,
        round_end_unix=end,
    )


def test_surrender_keeps_the_engine_duration_and_the_lua_end_reason() -> None:
    """The header clock of a surrender shows the full limit; the header ms does not."""
    eff = effective_round(
        facts(clock=720, winner=2, defender=2, ms=260_700),
        linked(),
        lua_facts(duration=260, reason="SURRENDER", winner=2, defender=2),
    )
    assert (eff.duration_seconds, eff.duration_source, eff.duration_reason) == (
        260,
        SOURCE_STATS_DURATION,
        WHY_ENGINE_MEASURED,
    )
    assert (eff.end_reason, eff.end_reason_source, eff.stopwatch_state) == (
        "surrender",
        SOURCE_LUA,
        None,
    )
    assert eff.timing.stats_clock_seconds == 720 and eff.timing.lua_duration_seconds == 260
    assert (eff.timing.diff_seconds, eff.timing.status) == (460, TIMING_DISCREPANCY)
    assert eff.lua_end_reason == "SURRENDER"


def test_capped_warmup_lua_playtime_never_replaces_a_positive_header_ms() -> None:
    """The Lua capped a missed warm-up at the limit (720 s); the engine measured 681 s."""
    eff = effective_round(
        facts(clock=720, winner=1, defender=1, ms=681_300),
        linked(),
        lua_facts(duration=720, reason="TIME_EXPIRED", winner=1, defender=1, start=1000, end=1800),
    )
    assert (eff.duration_seconds, eff.duration_source) == (681, SOURCE_STATS_DURATION)
    # The Lua start was shifted by the cap: the start is the Lua end minus the real duration.
    assert (eff.round_start_unix, eff.round_end_unix) == (1800 - 681, 1800)
    assert eff.round_times_source == SOURCE_DERIVED


def test_no_header_ms_falls_back_to_lua_then_to_the_clock() -> None:
    eff = effective_round(facts(clock=500, ms=None), linked(), lua_facts(495, pauses=2))
    assert (eff.duration_seconds, eff.duration_source, eff.duration_reason) == (
        495,
        SOURCE_LUA,
        WHY_HEADER_MS_UNUSABLE,
    )
    clock_only = effective_round(facts(clock=500, ms=None), linked(NEVER_RECEIVED), None)
    assert (clock_only.duration_seconds, clock_only.duration_source) == (500, SOURCE_STATS_CLOCK)


def test_no_duration_above_the_limit_is_accepted() -> None:
    """An R2 whose header carries the c0rnp0rn8 '0:00' estimate (4037 s for a 10-minute limit)."""
    r2 = facts(clock=4037, winner=2, defender=1, ms=None, limit=600, round_number=2)
    eff = effective_round(r2, linked(NEVER_RECEIVED), None)
    assert (eff.duration_seconds, eff.duration_source) == (None, SOURCE_NONE)
    assert (eff.end_reason, eff.stopwatch_state) == ("objective", "TIME_SET")
    ms_too_long = facts(clock=600, ms=900_000, limit=600)
    eff = effective_round(ms_too_long, linked(), lua_facts(590))
    assert (eff.duration_seconds, eff.duration_source, eff.duration_reason) == (
        590,
        SOURCE_LUA,
        WHY_ABOVE_LIMIT,
    )


@pytest.mark.parametrize(
    "reason", [NEVER_RECEIVED, AMBIGUOUS, LINKED_ELSEWHERE, LATE_PENDING, UNLINKED_CANDIDATE]
)
def test_without_lua_the_timing_status_is_the_reason_code(reason: str) -> None:
    """Never a bare 'NO LUA DATA': the status says why."""
    eff = effective_round(facts(clock=720, winner=2), linked(reason), None)
    assert eff.timing.status == reason
    assert (eff.duration_seconds, eff.duration_source, eff.duration_reason) == (
        598,
        SOURCE_STATS_DURATION,
        reason,
    )
    assert (eff.winner_team, eff.winner_source) == (2, SOURCE_STATS)


def test_winner_and_defender_from_lua_when_it_knows_them() -> None:
    eff = effective_round(facts(winner=1, defender=2), linked(), lua_facts(winner=2, defender=1))
    assert (eff.winner_team, eff.winner_source, eff.defender_team) == (2, SOURCE_LUA, 1)
    unknown = effective_round(facts(winner=1), linked(), lua_facts(winner=0, defender=0))
    assert (unknown.winner_team, unknown.winner_source, unknown.defender_source) == (
        1,
        SOURCE_STATS,
        SOURCE_STATS,
    )


def test_shutdown_path_r2_has_no_winner_and_ended_by_a_map_change() -> None:
    """Header ms negative and winner field 1 (empty + 1); the Lua says winner 0, surrender."""
    r2 = facts(clock=0, winner=1, defender=1, ms=-1_234, limit=446, round_number=2)
    eff = effective_round(r2, linked(), lua_facts(301, reason="SURRENDER", winner=0, defender=1))
    assert (eff.winner_team, eff.winner_source) == (0, SOURCE_LUA)
    assert (eff.end_reason, eff.end_reason_source, eff.stopwatch_state) == (
        "map_change",
        "header_shutdown",
        None,
    )
    assert (eff.duration_seconds, eff.duration_source) == (301, SOURCE_LUA)
    alone = effective_round(r2, linked(NEVER_RECEIVED), None)
    assert (alone.winner_team, alone.end_reason, alone.duration_seconds) == (0, "map_change", None)


def test_objective_29_seconds_before_the_limit_is_time_set() -> None:
    """The Lua's 90 % rule says time_expired; the attackers won, so it was an objective."""
    eff = effective_round(
        facts(clock=691, winner=1, defender=2, ms=691_500),
        linked(),
        lua_facts(691, reason="TIME_EXPIRED", winner=1, defender=2),
    )
    assert (eff.end_reason, eff.stopwatch_state) == ("objective", "TIME_SET")
    assert (eff.time_to_beat_seconds, eff.r1_attack_time_seconds) == (691, 691)
    assert (eff.map_limit_seconds, eff.map_limit_source) == (720, SOURCE_LUA)


def test_player_time_is_clamped_above_one_and_a_half_lua_durations() -> None:
    player = PlayerTime(1, "AAAA0000", 1000, 3000, 180.0)
    clamped = effective_player_time(player, 600, is_orphan_r2=False)
    assert clamped.clamped and clamped.time_played_seconds == 600
    assert clamped.dpm == pytest.approx(300.0) and clamped.dpm_stats == 180.0
    fine = effective_player_time(PlayerTime(1, "A", 900, 3000, 200.0), 600, is_orphan_r2=False)
    assert not fine.clamped and fine.time_played_seconds == 900 and fine.dpm == 200.0
    assert not effective_player_time(player, None, is_orphan_r2=False).clamped


def test_orphan_r2_is_never_clamped() -> None:
    """Upstream clamps every round; an orphan's cumulative R1+R2 time must not be cut."""
    player = PlayerTime(1, "AAAA0000", 1100, 3000, 163.6)
    assert not effective_player_time(player, 600, is_orphan_r2=True).clamped


def test_permutations_of_three_rows_agree() -> None:
    rounds = [rnd(1, T0), rnd(2, T0 + 40)]
    rows = [lua(10, T0 - 1), lua(11, T0 + 41), lua(12, T0 + 20)]
    results = {
        link_rounds(list(a), list(b), now_unix=LATER)
        for a in itertools.permutations(rounds)
        for b in itertools.permutations(rows)
    }
    assert len(results) == 1
