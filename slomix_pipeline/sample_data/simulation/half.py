"""Playing one half event by event: kills, deaths, revives, respawn waves, self- and team-kills."""

from __future__ import annotations

import random
from collections.abc import Sequence

from slomix_pipeline.sample_data.model import (
    ALLIES,
    AXIS,
    SimPlayerRound,
)
from slomix_pipeline.sample_data.simulation.records import finish_records
from slomix_pipeline.sample_data.simulation.state import Acc, Slot
from slomix_pipeline.sample_data.simulation.weapons import BULLET, class_loadout, pick_weapon

_KILL_RATE_PER_SKILL_SECOND = 1.15 / 60
_DEFENDER_WAVE = 30
_ATTACKER_WAVE = 20


def simulate_half(
    rng: random.Random,
    roster: Sequence[Slot],
    duration: int,
    defender_side: int,
    *,
    attack_succeeded: bool,
    carry_objective: bool,
) -> tuple[SimPlayerRound, ...]:
    """Play one half event by event and return every player's round-only record.

    Only living players who have entered can kill or die, deaths wait for the side's respawn wave
    unless a medic revives them (gibbed bodies cannot be revived), and every death is booked on
    the weapon the victim held. That keeps the numbers consistent by construction: kills of one
    side equal the deaths of the other minus its self- and team-kills, dead time never exceeds
    time played, and damage received by a side equals the damage its opponents dealt.
    """
    n = len(roster)
    accs = [Acc() for _ in range(n)]
    loadouts = [class_loadout(s.player_class, s.variant, s.side) for s in roster]
    wave = {
        defender_side: _DEFENDER_WAVE,
        (ALLIES if defender_side == AXIS else AXIS): _ATTACKER_WAVE,
    }
    dead_until = [0] * n
    versus = [[0] * n for _ in range(n)]

    rate = sum(s.skill * max(0, duration - s.enter) for s in roster) * _KILL_RATE_PER_SKILL_SECOND
    events: list[tuple[int, int, int]] = [
        (rng.randint(3, max(3, duration - 1)), 0, -1)
        for _ in range(int(rate * rng.uniform(0.85, 1.15)))
    ]
    for i, slot in enumerate(roster):
        expected = 0.4 * max(0, duration - slot.enter) / 600
        for _ in range(sum(rng.random() < expected / 3 for _ in range(3))):
            events.append((rng.randint(max(3, slot.enter + 1), max(4, duration - 1)), 1, i))
    for _ in range(rng.choices([0, 1, 2], weights=[0.6, 0.3, 0.1])[0]):
        events.append((rng.randint(3, max(3, duration - 1)), 2, -1))
    events.sort()

    def alive(t: int) -> list[int]:
        return [i for i in range(n) if roster[i].enter <= t and dead_until[i] <= t]

    def die(victim: int, t: int, can_revive: bool, living: list[int]) -> int:
        """Book a death at ``t``; returns the seconds the victim stays dead."""
        acc = accs[victim]
        held = pick_weapon(rng, loadouts[victim])
        acc.deaths_w[held] = acc.deaths_w.get(held, 0) + 1
        acc.timeline.append("D")
        medics = [
            m
            for m in living
            if m != victim
            and roster[m].side == roster[victim].side
            and roster[m].player_class == "medic"
        ]
        if can_revive and medics and rng.random() < 0.3:
            dead = rng.randint(3, 12)
            accs[rng.choice(medics)].revives_given += 1
            acc.revived += 1
        else:
            period = wave[roster[victim].side]
            dead = period - (t % period)
            if dead < 2:
                dead += period
        dead = max(0, min(dead, duration - t))
        dead_until[victim] = t + dead
        acc.dead += dead
        acc.max_gap = max(acc.max_gap, dead)
        return dead

    def kill(killer: int, victim: int, t: int, living: list[int]) -> None:
        acc = accs[killer]
        weapon = pick_weapon(rng, loadouts[killer])
        acc.kills_w[weapon] = acc.kills_w.get(weapon, 0) + 1
        if weapon in BULLET and rng.random() < 0.08 + 0.1 * roster[killer].skill:
            acc.hs_kills_w[weapon] = acc.hs_kills_w.get(weapon, 0) + 1
        acc.timeline.append("K")
        acc.kill_times.append(t)
        gib = rng.random() < 0.22
        if gib:
            acc.gibs += 1
        dead = die(victim, t, not gib, living)
        versus[killer][victim] += 1
        acc.denied += dead
        if dead >= wave[roster[victim].side] / 2:
            acc.useful += 1
        elif dead <= 5:
            acc.useless += 1
        mates = [m for m in living if m != killer and roster[m].side == roster[killer].side]
        if mates and rng.random() < 0.4:
            accs[rng.choice(mates)].assists += 1
            if rng.random() < 0.15:
                acc.steals += 1

    for t, kind, who in events:
        living = alive(t)
        if kind == 0:
            if not living:
                continue
            killer = rng.choices(living, weights=[roster[i].skill for i in living])[0]
            targets = [i for i in living if roster[i].side != roster[killer].side]
            if not targets:
                continue
            victim = rng.choices(targets, weights=[1 / roster[i].skill for i in targets])[0]
            kill(killer, victim, t, living)
            if rng.random() < 0.08 and t + 2 < duration:
                t2 = t + rng.randint(1, 2)
                others = [i for i in targets if i != victim and dead_until[i] <= t2]
                if others:
                    kill(killer, rng.choice(others), t2, living)
        elif kind == 1:
            if who in living:
                accs[who].self_kills += 1
                if rng.random() < 0.3:
                    accs[who].full_selfkills += 1
                die(who, t, False, living)
        else:
            if len(living) < 2:
                continue
            killer = rng.choice(living)
            mates = [i for i in living if i != killer and roster[i].side == roster[killer].side]
            if not mates:
                continue
            accs[killer].team_kills += 1
            if rng.random() < 0.25:
                accs[killer].team_gibs += 1
            die(rng.choice(mates), t, True, living)

    return finish_records(
        rng,
        roster,
        accs,
        loadouts,
        versus,
        duration,
        defender_side,
        attack_succeeded,
        carry_objective,
    )
