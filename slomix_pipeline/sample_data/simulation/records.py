"""Accumulators -> round-only player records: damage flows, objectives, XP, sprees, multikills."""

from __future__ import annotations

import random
from collections.abc import Sequence

from slomix_pipeline.sample_data.model import (
    ALLIES,
    AXIS,
    SimPlayerRound,
    WeaponTuple,
)
from slomix_pipeline.sample_data.simulation.state import Acc, Slot
from slomix_pipeline.sample_data.simulation.weapons import weapon_rows


def allocate(rng: random.Random, total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` that sum to it exactly."""
    if total <= 0 or not weights:
        return [0] * len(weights)
    wsum = sum(weights)
    if wsum <= 0:
        weights = [1.0] * len(weights)
        wsum = float(len(weights))
    raw = [total * w / wsum for w in weights]
    out = [int(x) for x in raw]
    rest = total - sum(out)
    order = sorted(range(len(raw)), key=lambda i: (out[i] - raw[i], i))
    for i in order[:rest]:
        out[i] += 1
    return out


def _longest_run(timeline: Sequence[str], symbol: str) -> int:
    """Longest streak of ``symbol`` ('K' or 'D'); the Lua only records streaks of 3 or more."""
    best = run = 0
    for item in timeline:
        run = run + 1 if item == symbol else 0
        best = max(best, run)
    return best if best >= 3 else 0


def _multikills(kill_times: Sequence[int]) -> list[int]:
    """Counts of 2x..6x multikills: chains of kills each within 3 s of the previous one."""
    counts = [0] * 5
    chain = 1
    times = sorted(kill_times)
    for i in range(1, len(times) + 1):
        if i < len(times) and times[i] - times[i - 1] <= 3:
            chain += 1
            continue
        if chain >= 2:
            counts[min(chain, 6) - 2] += 1
        chain = 1
    return counts


def finish_records(
    rng: random.Random,
    roster: Sequence[Slot],
    accs: list[Acc],
    loadouts: list[list[tuple[int, float]]],
    versus: list[list[int]],
    duration: int,
    defender_side: int,
    attack_succeeded: bool,
    carry_objective: bool,
) -> tuple[SimPlayerRound, ...]:
    """Turn the accumulators into records: weapons, damage flows, objectives, XP, time."""
    n = len(roster)
    weapons: list[dict[int, WeaponTuple]] = []
    damage_given: list[int] = []
    for i, slot in enumerate(roster):
        rows, dmg = weapon_rows(rng, slot, accs[i], loadouts[i], max(0, duration - slot.enter))
        weapons.append(rows)
        damage_given.append(dmg)
    deaths = [sum(w[3] for w in rows.values()) for rows in weapons]

    damage_received = [0] * n
    team_damage_received = [0] * n
    team_damage_given = [0 if rng.random() < 0.45 else rng.randint(4, 80) for _ in range(n)]
    for side in (AXIS, ALLIES):
        mine = [i for i in range(n) if roster[i].side == side]
        theirs = [i for i in range(n) if roster[i].side != side]
        total = sum(damage_given[i] for i in theirs)
        weights = [
            (deaths[i] + 0.5) * rng.uniform(0.7, 1.3) * max(0.05, 1 - roster[i].enter / duration)
            for i in mine
        ]
        for i, share in zip(mine, allocate(rng, total, weights), strict=True):
            damage_received[i] = share
        for giver in mine:
            mates = [i for i in mine if i != giver]
            if not mates:
                team_damage_given[giver] = 0
                continue
            shares = allocate(rng, team_damage_given[giver], [rng.uniform(0.5, 1.5) for _ in mates])
            for i, share in zip(mates, shares, strict=True):
                team_damage_received[i] += share

    planted = [0] * n
    defused = [0] * n
    stolen = [0] * n
    returned = [0] * n
    constructions = [0] * n
    attackers = [i for i in range(n) if roster[i].side != defender_side]
    defenders = [i for i in range(n) if roster[i].side == defender_side]
    att_eng = [i for i in attackers if roster[i].player_class == "engineer"] or attackers
    def_eng = [i for i in defenders if roster[i].player_class == "engineer"] or defenders
    if att_eng:
        planter = rng.choice(att_eng)
        planted[planter] += rng.randint(1, 3) if attack_succeeded else rng.randint(0, 2)
    for i in def_eng:
        defused[i] += rng.randint(0, 1) if attack_succeeded else rng.randint(0, 2)
    if carry_objective and attackers:
        runner = rng.choice(attackers)
        stolen[runner] += rng.randint(1, 2) if attack_succeeded else rng.randint(0, 2)
        for share_i, share in zip(
            defenders,
            allocate(rng, rng.randint(0, stolen[runner]), [1.0] * len(defenders)),
            strict=True,
        ):
            returned[share_i] += share
    for i in range(n):
        if roster[i].player_class == "engineer":
            constructions[i] = rng.randint(0, 3)

    records: list[SimPlayerRound] = []
    for i, slot in enumerate(roster):
        acc = accs[i]
        rows = weapons[i]
        kills = sum(w[2] for w in rows.values())
        active = max(0, duration - slot.enter)
        xp = (
            kills * 4
            + acc.revives_given * 3
            + planted[i] * 10
            + defused[i] * 8
            + stolen[i] * 12
            + returned[i] * 6
            + constructions[i] * 3
            + rng.randint(0, 6)
        )
        multi = _multikills(acc.kill_times)
        opponents = tuple(
            (roster[j].player.guid32, versus[i][j], versus[j][i])
            for j in range(n)
            if roster[j].side != slot.side and (versus[i][j] or versus[j][i])
        )
        records.append(
            SimPlayerRound(
                player=slot.player,
                team=slot.side,
                player_class=slot.player_class,
                weapons=rows,
                damage_given=damage_given[i],
                damage_received=damage_received[i],
                team_damage_given=team_damage_given[i],
                team_damage_received=team_damage_received[i],
                gibs=acc.gibs,
                self_kills=acc.self_kills,
                team_kills=acc.team_kills,
                team_gibs=acc.team_gibs,
                xp=xp,
                killing_spree=_longest_run(acc.timeline, "K"),
                death_spree=_longest_run(acc.timeline, "D"),
                kill_assists=acc.assists,
                kill_steals=min(acc.steals, kills),
                headshot_kills=sum(acc.hs_kills_w.values()),
                objectives_stolen=stolen[i],
                objectives_returned=returned[i],
                dynamites_planted=planted[i],
                dynamites_defused=defused[i],
                times_revived=acc.revived,
                useful_kills=acc.useful,
                denied_playtime=acc.denied,
                multikill_2x=multi[0],
                multikill_3x=multi[1],
                multikill_4x=multi[2],
                multikill_5x=multi[3],
                multikill_6x=multi[4],
                useless_kills=acc.useless,
                full_selfkills=acc.full_selfkills,
                repairs_constructions=constructions[i],
                revives_given=acc.revives_given,
                time_played_tenths=active // 6,
                time_dead_tenths=acc.dead // 6,
                reconnected_in_this_round=slot.reconnected,
                joined_in_this_round=slot.joined,
                entered_at_seconds=slot.enter,
                spawns=1 + deaths[i] - acc.revived,
                dead_seconds=acc.dead,
                max_respawn_seconds=acc.max_gap,
                versus=opponents,
            )
        )
    return tuple(records)
