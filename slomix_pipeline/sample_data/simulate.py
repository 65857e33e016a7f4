"""Seeded, deterministic simulation of community play nights (pure: no clock, no global random).

Why a simulation and not hand-written fixtures: the pipeline's hard parts (cumulative round 2,
reconnects, orphans, midnight, sessions, bots) only show up in realistic combinations, and the
tests need to know the *true* per-round values to prove the pipeline computes them. So this module
plays the nights out event by event (kills, deaths, revives, respawn waves, self- and team-kills)
and keeps every counter round-only; the renderers derive what each producer would write.

Every required edge case is planted at a fixed place (see ``FEATURE_NIGHT``): with the default
three nights, night 0 holds the surrender, the paused round, the fractional time to beat, the two
bots, the repeated map and the > 60 min break; night 1 crosses midnight and holds the full hold
and the orphan R2; night 2 holds the reconnect and the leave/join substitution. Fewer nights fold
the features into the last night; tiny ``rounds_per_night`` values may leave some out.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from slomix_pipeline.sample_data.clock import gaming_day
from slomix_pipeline.sample_data.model import (
    SimCorpus,
    SimMalformedFile,
    SimMapPlay,
    SimNight,
    SimPlayer,
)
from slomix_pipeline.sample_data.simulation.community import build_community
from slomix_pipeline.sample_data.simulation.play import play_map
from slomix_pipeline.sample_data.simulation.timing import Half, choose_maps, plan_r1, plan_r2

MALFORMED_PLAN: tuple[tuple[str, str, int], ...] = (
    ("header_only", "braundorf_b4", 1),
    ("truncated_file", "missile_b3", 1),
    ("malformed_player_line", "decay_sw", 2),
    ("invalid_header", "mp_sillyctf", 1),
)
"""(reason code, map, round) of the broken files. The maps are never played, so a broken file can
never be mistaken for the R1 of a real R2."""

FEATURE_NIGHT: dict[str, int] = {
    "pause": 0,
    "fractional": 0,
    "surrender": 0,
    "bots": 0,
    "repeat_map": 0,
    "session_break": 0,
    "midnight": 1,
    "full_hold": 1,
    "orphan": 1,
    "reconnect": 2,
    "leave_join": 2,
}
"""Feature -> preferred night index (folded into the last night when there are fewer)."""

PLAY_FEATURES: tuple[str, ...] = (
    "fractional",
    "surrender",
    "bots",
    "full_hold",
    "orphan",
    "reconnect",
    "leave_join",
)
"""Features that each need a map play of their own, in placement order."""


def simulate(
    seed: int = 7,
    nights: int = 3,
    start_date: date = date(2026, 2, 10),
    rounds_per_night: int | None = None,
    night_gaps: Sequence[int] = (1,),
) -> SimCorpus:
    """Simulate ``nights`` evenings of stopwatch play, deterministic for ``seed``.

    ``night_gaps`` are the days from one night to the next, cycled (the default: every day); a
    benchmark history of a few nights a week passes e.g. ``(2, 2, 3)``.

    ``rounds_per_night`` (R1 + R2 halves) overrides the natural 6-10 map plays, for benchmarks; an
    odd count ends the night with an abandoned R1. Nights never overlap: a night that would start
    before the previous one ended moves later, and its ``date`` is the gaming day it starts on.
    """
    if nights < 1:
        raise ValueError("nights must be >= 1")
    if rounds_per_night is not None and rounds_per_night < 1:
        raise ValueError("rounds_per_night must be >= 1")
    rng = random.Random(seed)
    humans, bots, skills = build_community(rng)
    features = [set[str]() for _ in range(nights)]
    for feature, preferred in FEATURE_NIGHT.items():
        features[min(preferred, nights - 1)].add(feature)
    built: list[SimNight] = []
    not_before: datetime | None = None
    if not night_gaps or min(night_gaps) < 1:
        raise ValueError("night_gaps must be >= 1 day each")
    offset = 0
    for index in range(nights):
        night_rng = random.Random(f"slomix-sample:{seed}:night:{index}")
        night = _simulate_night(
            night_rng,
            start_date + timedelta(days=offset),
            features[index],
            rounds_per_night,
            humans,
            bots,
            skills,
            not_before,
        )
        built.append(night)
        not_before = night.rounds[-1].file_written_local + timedelta(hours=3)
        offset += night_gaps[index % len(night_gaps)]
    return SimCorpus(seed=seed, nights=tuple(built), malformed=_plan_malformed(tuple(built)))


def _simulate_night(
    rng: random.Random,
    nominal_date: date,
    feats: set[str],
    rounds_per_night: int | None,
    humans: Sequence[SimPlayer],
    bots: Sequence[SimPlayer],
    skills: dict[str, float],
    not_before: datetime | None,
) -> SimNight:
    """Plan one night (plays, features, timing), anchor it on the wall clock, play every half."""
    wanted = [f for f in PLAY_FEATURES if f in feats]
    last_r1_only = False
    if rounds_per_night is None:
        n_plays = max(rng.randint(6, 10), len(wanted) + (2 if "repeat_map" in feats else 1))
    else:
        n_plays = max(1, (rounds_per_night + 1) // 2)
        last_r1_only = rounds_per_night % 2 == 1
    reserved = {0}
    repeat_pair: tuple[int, int] | None = None
    if "repeat_map" in feats and n_plays >= 4:
        repeat_pair = (0, n_plays - 1)
        reserved.add(n_plays - 1)
    free = [i for i in range(n_plays) if i not in reserved]
    play_feature = dict(zip(free, wanted, strict=False))
    break_before = n_plays // 2 if "session_break" in feats and n_plays >= 2 else -1
    midnight_play = min(max(n_plays - 3, 0), 8) if "midnight" in feats else -1

    maps = choose_maps(rng, n_plays, repeat_pair)
    roster_pool = rng.sample(list(humans), 14)
    pool_a, pool_b = roster_pool[:7], roster_pool[7:]

    halves: list[tuple[Half, Half | None]] = []
    cursor = 0
    for idx in range(n_plays):
        if idx > 0:
            cursor += rng.randint(60, 180)
            if idx == break_before:
                cursor += rng.randint(65 * 60, 80 * 60)
        feature = play_feature.get(idx)
        paused = idx == 0 and "pause" in feats
        r1 = plan_r1(rng, cursor, maps[idx], feature, paused)
        r2 = None
        if not (last_r1_only and idx == n_plays - 1):
            r2 = plan_r2(rng, r1, maps[idx])
        halves.append((r1, r2))
        cursor = (r2 or r1).file

    if midnight_play >= 0:
        r1, r2 = halves[midnight_play]
        straddle = r1.file if r2 is None else (r1.file + r2.file) // 2
        anchor = datetime.combine(nominal_date + timedelta(days=1), time(0, 0)) - timedelta(
            seconds=straddle
        )
    else:
        anchor = datetime.combine(nominal_date, time(20, 30)) + timedelta(
            minutes=rng.randint(0, 40)
        )
    if not_before is not None and anchor < not_before:
        anchor = not_before

    plays: list[SimMapPlay] = []
    for idx, (h1, h2) in enumerate(halves):
        feature = play_feature.get(idx)
        plays.append(
            play_map(rng, idx, maps[idx], feature, h1, h2, anchor, pool_a, pool_b, bots, skills)
        )
    first_start = plays[0].r1.start_local
    return SimNight(date=gaming_day(first_start), map_plays=tuple(plays))


def _plan_malformed(nights: tuple[SimNight, ...]) -> tuple[SimMalformedFile, ...]:
    """Place each broken file inside a night, shortly after a real round, on a never-played map."""
    out: list[SimMalformedFile] = []
    for k, (reason, map_name, number) in enumerate(MALFORMED_PLAN):
        night = nights[k % len(nights)]
        rounds = night.rounds
        source = rounds[min(len(rounds) - 1, 1 + k)]
        when = source.file_written_local + timedelta(seconds=37 + 11 * k)
        out.append(SimMalformedFile(when, map_name, number, reason, source))
    return tuple(out)
