"""The simulation: deterministic, complete (every required edge case) and internally consistent."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from functools import cache
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from slomix_pipeline.sample_data import (
    SimCorpus,
    expected_sessions,
    features,
    gaming_day,
    round_truth,
    simulate,
    stats_file_name,
)
from slomix_pipeline.sample_data.model import END_OBJECTIVE, END_SURRENDER, END_TIME_EXPIRED

PARIS = ZoneInfo("Europe/Paris")


@cache
def default_corpus() -> SimCorpus:
    return simulate()


def test_same_seed_gives_identical_corpus() -> None:
    assert simulate(seed=11) == simulate(seed=11)


def test_different_seed_gives_different_corpus() -> None:
    a, b = simulate(seed=1), simulate(seed=2)
    assert a != b
    assert [stats_file_name(r) for r in a.rounds] != [stats_file_name(r) for r in b.rounds]


def test_global_random_state_is_untouched() -> None:
    state = random.getstate()
    simulate(seed=3, nights=1)
    assert random.getstate() == state


@pytest.mark.parametrize("nights", [0, -1])
def test_rejects_no_nights(nights: int) -> None:
    with pytest.raises(ValueError):
        simulate(nights=nights)


def test_rejects_zero_rounds_per_night() -> None:
    with pytest.raises(ValueError):
        simulate(rounds_per_night=0)


def test_nights_have_the_documented_shape() -> None:
    corpus = default_corpus()
    assert [n.date for n in corpus.nights] == [date(2026, 2, 10 + i) for i in range(3)]
    for night in corpus.nights:
        assert 6 <= len(night.map_plays) <= 10
        for play in night.map_plays:
            assert play.r2 is not None
            for r in play.rounds:
                sides = [sum(1 for p in r.players if p.team == s) for s in (1, 2)]
                assert 6 <= len(r.players) <= 12
                assert all(3 <= n <= 6 for n in sides)
                assert sides[0] == sides[1]


def test_every_required_feature_is_present() -> None:
    found = features(default_corpus())
    for name, files in found.items():
        assert files, f"feature {name} missing"
    assert len(found["surrender"]) == 1
    assert len(found["orphan_r2"]) == 1
    assert len(found["reconnect_r2"]) == 1
    assert len(found["join_in_r2"]) == 1
    assert len(found["leave_after_r1"]) == 1
    assert len(found["malformed"]) == 4


def test_one_night_still_holds_every_feature() -> None:
    found = features(simulate(seed=5, nights=1))
    assert all(found.values()), [k for k, v in found.items() if not v]


def test_names_carry_colour_codes_and_clean_names_strip_them() -> None:
    players = {p.player for r in default_corpus().rounds for p in r.players}
    assert sum("^" in p.raw_name for p in players) >= len(players) // 2
    for p in players:
        if not p.is_bot:
            assert len(p.guid32) == 32 and p.guid32 == p.guid32.upper()
            int(p.guid32, 16)
    tricky = [p for p in players if p.raw_name == "^^2Drift^!"]
    assert tricky and tricky[0].clean_name == "^Drift^!"


def test_sides_swap_and_defender_stays_with_the_map() -> None:
    for play in default_corpus().map_plays:
        assert play.r2 is not None
        assert play.r1.defender_team == play.r2.defender_team
        assert play.r1.attacker_team == 3 - play.r1.defender_team
        for p2 in play.r2.players:
            p1 = play.r1.player(p2.player.guid32)
            if p1 is not None:
                assert p2.team == 3 - p1.team


def test_round_two_limit_is_the_time_to_beat() -> None:
    for play in default_corpus().map_plays:
        r1, r2 = play.r1, play.r2
        assert r2 is not None
        assert r1.timelimit_seconds == r1.map_timelimit_seconds
        if r1.end_reason == END_OBJECTIVE:
            assert r2.timelimit_seconds == r1.actual_duration_seconds < r1.timelimit_seconds
        else:
            assert r2.timelimit_seconds == r1.timelimit_seconds
        for r in (r1, r2):
            if r.end_reason == END_TIME_EXPIRED:
                assert r.actual_duration_seconds == r.timelimit_seconds
                assert r.winner_team == r.defender_team
            elif r.end_reason == END_OBJECTIVE:
                assert r.actual_duration_seconds < 0.9 * r.timelimit_seconds
                assert r.winner_team == r.attacker_team
            assert r.duration_ms // 1000 == r.actual_duration_seconds


def test_surrender_full_hold_and_fractional_time_to_beat() -> None:
    corpus = default_corpus()
    surrenders = [r for r in corpus.rounds if r.end_reason == END_SURRENDER]
    assert len(surrenders) == 1
    s = surrenders[0]
    assert s.round_number == 1
    assert s.actual_duration_seconds < s.timelimit_seconds
    assert s.surrender_team == s.attacker_team and s.winner_team == s.defender_team
    assert s.player(s.surrender_caller_guid32) is not None
    holds = [p for p in corpus.map_plays if p.r1.end_reason == END_TIME_EXPIRED]
    assert holds and all(p.r2 and p.r2.timelimit_seconds == p.r1.timelimit_seconds for p in holds)
    r2s = [p.r2 for p in corpus.map_plays if p.r2 is not None]
    assert any(r.timelimit_seconds == 446 for r in r2s)
    assert any(abs(r.timelimit_minutes - 7.4333) < 1e-3 for r in r2s)


def test_paused_round_timing() -> None:
    paused = [r for r in default_corpus().rounds if r.pauses]
    assert paused
    for r in paused:
        wall = (r.end_local - r.start_local).total_seconds()
        assert wall == r.actual_duration_seconds + r.total_pause_seconds
        assert r.pause_count == len(r.pauses)
        for offset, length in r.pauses:
            assert offset > 0 and offset + length < wall and length > 0


def test_times_are_consistent_and_unix_uses_the_server_zone() -> None:
    corpus = default_corpus()
    previous: datetime | None = None
    for r in corpus.rounds:
        assert r.start_local < r.end_local < r.file_written_local
        assert 2 <= (r.file_written_local - r.end_local).total_seconds() <= 4
        if r.endstats_written_local is not None:
            assert r.endstats_written_local >= r.file_written_local
        assert r.round_start_unix == int(r.start_local.replace(tzinfo=PARIS).timestamp())
        assert r.round_end_unix - r.round_start_unix == (r.end_local - r.start_local).seconds
        if previous is not None:
            assert r.start_local > previous
        previous = r.file_written_local
    # February is UTC+1 in Paris: 20:00 local is 19:00 UTC.
    first = corpus.rounds[0]
    utc = datetime.fromtimestamp(first.round_start_unix, ZoneInfo("UTC")).replace(tzinfo=None)
    assert first.start_local - utc == timedelta(hours=1)


def test_summer_dates_use_daylight_saving_time() -> None:
    r = simulate(seed=2, nights=1, start_date=date(2026, 7, 1)).rounds[0]
    utc = datetime.fromtimestamp(r.round_start_unix, ZoneInfo("UTC")).replace(tzinfo=None)
    assert r.start_local - utc == timedelta(hours=2)


def test_one_night_crosses_midnight_and_keeps_its_gaming_day() -> None:
    night = default_corpus().nights[1]
    rounds = night.rounds
    assert rounds[0].file_written_local.date() == night.date
    after = [r for r in rounds if r.file_written_local.date() > night.date]
    assert after, "night 1 must continue after midnight"
    assert all(gaming_day(r.file_written_local) == night.date for r in after)
    straddle = [p for p in night.map_plays if p.r2 and p.r1.file_written_local.date() == night.date]
    assert any(p.r2 and p.r2.file_written_local.date() > night.date for p in straddle)
    assert gaming_day(datetime(2026, 2, 12, 0, 50)) == date(2026, 2, 11)
    assert gaming_day(datetime(2026, 2, 12, 6, 0)) == date(2026, 2, 12)


def test_a_map_is_played_twice_in_one_night() -> None:
    plays = default_corpus().nights[0].map_plays
    names = [p.map_name for p in plays]
    repeated = [m for m in set(names) if names.count(m) == 2]
    assert len(repeated) == 1
    first, second = (i for i, m in enumerate(names) if m == repeated[0])
    assert second - first >= 3


def test_two_sessions_in_one_night() -> None:
    corpus = default_corpus()
    sessions = expected_sessions(corpus)
    truth = round_truth(corpus)
    days = [truth[s[0]].gaming_day for s in sessions]
    assert days == [date(2026, 2, 10), date(2026, 2, 10), date(2026, 2, 11), date(2026, 2, 12)]
    gap = truth[sessions[1][0]].local_time - truth[sessions[0][-1]].local_time
    assert gap > timedelta(minutes=60)
    for session in sessions:
        times = [truth[name].local_time for name in session]
        assert all(b - a <= timedelta(minutes=60) for a, b in pairwise(times))


def test_orphan_r2_is_far_from_any_other_r1_of_its_map() -> None:
    corpus = default_corpus()
    orphans = [p for p in corpus.map_plays if p.r1_file_missing]
    assert len(orphans) == 1
    orphan = orphans[0]
    assert orphan.r2 is not None and orphan.r1.endstats_written_local is None
    for play in corpus.map_plays:
        if play is orphan or play.map_name != orphan.map_name:
            continue
        gap = orphan.r2.file_written_local - play.r1.file_written_local
        assert not timedelta(0) < gap <= timedelta(minutes=45)


def test_reconnect_happens_before_any_activity_and_resets_counters() -> None:
    plays = [
        p
        for p in default_corpus().map_plays
        if p.r2 and any(x.reconnected_in_this_round for x in p.r2.players)
    ]
    assert len(plays) == 1
    play = plays[0]
    assert play.r2 is not None
    back = next(x for x in play.r2.players if x.reconnected_in_this_round)
    before = play.r1.player(back.player.guid32)
    assert before is not None and not back.player.is_bot
    assert back.entered_at_seconds > 0
    assert back.kills + back.deaths + back.shots > 0
    assert back.time_played_tenths < before.time_played_tenths
    assert (
        back.time_played_tenths <= (play.r2.actual_duration_seconds - back.entered_at_seconds) // 6
    )


def test_substitution_one_leaves_after_r1_one_joins_in_r2() -> None:
    for play in default_corpus().map_plays:
        assert play.r2 is not None
        r1 = {p.player.guid32 for p in play.r1.players}
        r2 = {p.player.guid32 for p in play.r2.players}
        joined = [p for p in play.r2.players if p.joined_in_this_round]
        assert {p.player.guid32 for p in joined} == r2 - r1
        if joined:
            assert len(r1 - r2) == 1 and len(joined) == 1
            assert joined[0].entered_at_seconds == 0


def test_two_bots_share_guid8_but_not_guid32() -> None:
    bot_rounds = [
        r for r in default_corpus().rounds if sum(p.player.is_bot for p in r.players) >= 2
    ]
    assert bot_rounds
    for r in bot_rounds:
        bots = [p.player for p in r.players if p.player.is_bot]
        assert {b.guid8 for b in bots} == {"OMNIBOT0"}
        assert len({b.guid32 for b in bots}) == len(bots)
        assert all(b.clean_name.startswith("[BOT]") and len(b.guid32) == 32 for b in bots)


def test_values_are_internally_consistent() -> None:
    for r in default_corpus().rounds:
        for side in (1, 2):
            mine = [p for p in r.players if p.team == side]
            theirs = [p for p in r.players if p.team != side]
            deaths = sum(p.deaths for p in theirs)
            expected = (
                sum(p.kills for p in mine)
                + sum(p.self_kills for p in theirs)
                + sum(p.team_kills for p in theirs)
            )
            assert deaths == expected
            assert sum(p.damage_given for p in mine) == sum(p.damage_received for p in theirs)
            assert sum(p.team_damage_given for p in mine) == sum(
                p.team_damage_received for p in mine
            )
            assert sum(p.revives_given for p in mine) == sum(p.times_revived for p in mine)
        for p in r.players:
            for hits, shots, kills, deaths, heads in p.weapons.values():
                assert shots >= hits >= heads >= 0 and kills >= 0 and deaths >= 0
            assert 18 * p.hits - len(p.weapons) <= p.damage_given <= 30 * p.hits
            assert p.time_played_seconds <= r.actual_duration_seconds
            assert p.time_dead_tenths <= p.time_played_tenths
            assert p.headshot_kills <= p.kills and p.kill_steals <= p.kills
            assert p.useful_kills + p.useless_kills <= p.kills
            assert p.spawns == 1 + p.deaths - p.times_revived >= 1
            assert p.max_respawn_seconds <= p.dead_seconds
            assert p.kills == sum(k for _, k, _ in p.versus)
            assert p.killing_spree == 0 or p.killing_spree >= 3
            assert p.avg_respawn_seconds == (p.dead_seconds // p.deaths if p.deaths else 0)


def test_scale_mode_gives_many_rounds_without_overlap() -> None:
    corpus = simulate(seed=9, nights=2, rounds_per_night=61)
    assert len(corpus.rounds) == 122
    names = [stats_file_name(r) for r in corpus.rounds]
    assert len(set(names)) == len(names)
    times = [r.file_written_local for r in corpus.rounds]
    assert times == sorted(times)
    assert all(n.map_plays[-1].r2 is None for n in corpus.nights)  # odd count: abandoned R1
    assert corpus.nights[1].rounds[0].start_local > corpus.nights[0].rounds[-1].file_written_local


def test_night_gaps_space_the_nights_and_cycle() -> None:
    corpus = simulate(seed=3, nights=5, rounds_per_night=2, night_gaps=(2, 3))
    starts = [n.date for n in corpus.nights]
    assert [(b - a).days for a, b in pairwise(starts)] == [2, 3, 2, 3]


def test_night_gaps_must_be_whole_days() -> None:
    with pytest.raises(ValueError, match="night_gaps"):
        simulate(seed=3, nights=2, night_gaps=(0,))
