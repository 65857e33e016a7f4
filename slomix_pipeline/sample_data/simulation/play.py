"""Playing one map: the two lineups, sides swapped for R2, planted features, rounds on the clock."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from slomix_pipeline.sample_data.clock import to_unix
from slomix_pipeline.sample_data.model import (
    ALLIES,
    AXIS,
    SimMapPlay,
    SimPlayer,
    SimRound,
)
from slomix_pipeline.sample_data.simulation.half import simulate_half
from slomix_pipeline.sample_data.simulation.state import Slot
from slomix_pipeline.sample_data.simulation.timing import Half, MapInfo


def _classes(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """A team's classes: always a medic and an engineer, the rest mixed, with loadout variants."""
    mix = ["fieldops", "soldier", "covertops", "medic", "engineer"]
    names = ["medic", "engineer", *rng.choices(mix, k=max(0, n - 2))]
    rng.shuffle(names)
    out: list[tuple[str, str]] = []
    for name in names[:n]:
        if name == "soldier":
            variant = rng.choice(["panzer", "mg", "mortar", "flamer"])
        elif name == "covertops":
            variant = rng.choice(["sten", "fg42", "mp34"])
        elif name == "engineer":
            variant = rng.choice(["smg", "smg", "rifle"])
        else:
            variant = ""
        out.append((name, variant))
    return out


def play_map(
    rng: random.Random,
    idx: int,
    info: MapInfo,
    feature: str | None,
    h1: Half,
    h2: Half | None,
    anchor: datetime,
    pool_a: Sequence[SimPlayer],
    pool_b: Sequence[SimPlayer],
    bots: Sequence[SimPlayer],
    skills: dict[str, float],
) -> SimMapPlay:
    """Pick the two lineups for this map, swap sides for R2, apply the planted feature."""
    n = rng.randint(3, 6)
    if feature in {"leave_join", "bots", "reconnect"}:
        n = max(n, 4)
    start = idx % 7
    team_a = [pool_a[(start + k) % 7] for k in range(n)]
    team_b = [pool_b[(start + k) % 7] for k in range(n)]
    if feature == "bots":
        team_b = [*team_b[: n - 2], bots[0], bots[1]]
    side_a = rng.choice([AXIS, ALLIES])
    side_b = ALLIES if side_a == AXIS else AXIS
    cls_a = _classes(rng, n)
    cls_b = _classes(rng, n)

    def slots(team: Sequence[SimPlayer], classes: list[tuple[str, str]], side: int) -> list[Slot]:
        return [
            Slot(p, side, c, v, skills[p.guid32]) for p, (c, v) in zip(team, classes, strict=True)
        ]

    r1_roster = slots(team_a, cls_a, side_a) + slots(team_b, cls_b, side_b)
    r2_team_a = list(team_a)
    if feature == "leave_join":
        r2_team_a[-1] = pool_a[(start + n) % 7]
    r2_roster = slots(r2_team_a, cls_a, side_b) + slots(team_b, cls_b, side_a)
    if feature == "leave_join":
        r2_roster[n - 1].joined = True

    r1 = _build_round(rng, info, 1, h1, anchor, r1_roster, None)
    r2 = None
    if h2 is not None:
        if feature == "reconnect":
            r2_roster[0].reconnected = True
            r2_roster[0].enter = min(rng.randint(60, 120), max(1, h2.duration // 3))
        r2 = _build_round(rng, info, 2, h2, anchor, r2_roster, r1_roster)
    orphan = feature == "orphan" and r2 is not None
    if orphan:
        r1 = _without_endstats(r1)
    return SimMapPlay(info.name, idx, r1, r2, r1_file_missing=orphan)


def _without_endstats(r: SimRound) -> SimRound:
    """The orphan's R1 left no files at all: drop its endstats side-car too."""
    return replace(r, endstats_written_local=None)


def _build_round(
    rng: random.Random,
    info: MapInfo,
    number: int,
    half: Half,
    anchor: datetime,
    roster: list[Slot],
    r1_roster: list[Slot] | None,
) -> SimRound:
    """Anchor a planned half on the wall clock and play it out."""
    defender = info.defender_team
    attacker = ALLIES if defender == AXIS else AXIS
    start_local = anchor + timedelta(seconds=half.start)
    end_local = anchor + timedelta(seconds=half.end)
    file_local = anchor + timedelta(seconds=half.file)
    endstats_local = (
        None if half.endstats_delay is None else file_local + timedelta(seconds=half.endstats_delay)
    )
    caller = ""
    if half.surrender_team:
        callers = [
            s.player for s in roster if s.side == half.surrender_team and not s.player.is_bot
        ]
        caller = rng.choice(callers).guid32 if callers else ""
    players = simulate_half(
        rng,
        roster,
        half.duration,
        defender,
        attack_succeeded=half.winner == attacker,
        carry_objective=info.carry_objective,
    )
    return SimRound(
        map_name=info.name,
        round_number=number,
        start_local=start_local,
        end_local=end_local,
        file_written_local=file_local,
        endstats_written_local=endstats_local,
        warmup_seconds=half.warmup,
        map_timelimit_seconds=info.limit_seconds,
        timelimit_seconds=half.limit,
        actual_duration_seconds=half.duration,
        duration_ms=half.duration_ms,
        pauses=half.pauses,
        end_reason=half.end_reason,
        winner_team=half.winner,
        defender_team=defender,
        attacker_team=attacker,
        surrender_team=half.surrender_team,
        surrender_caller_guid32=caller,
        round_start_unix=to_unix(start_local),
        round_end_unix=to_unix(end_local),
        players=players,
    )
