"""Rows of the V5 sections (reaction, spawn timing, cohesion, crossfire, focus fire, pushes,
trades, revives, accuracy, kill outcome), plausible values derived from the simulation.
"""

from __future__ import annotations

from collections.abc import Mapping

from slomix_pipeline.sample_data.proximity_render.section_view import SectionView

PLANTED_PUSH_QUALITY = 1.42


def reaction_rows(v: SectionView) -> list[str]:
    rng = v.rng
    return [
        f"{e.eid};{v.wt(e.target)};{v.info(e.target).player_class};{e.outcome};"
        f"{len(e.attackers)};{rng.randrange(150, 900) if rng.random() < 0.6 else ''};"
        f"{rng.randrange(200, 3000) if rng.random() < 0.4 else ''};"
        f"{rng.randrange(300, 2500) if rng.random() < 0.3 else ''};{e.start};{e.end};"
        f"{e.end - e.start}"
        for e in v.sim.engagements
    ]


def spawn_timing_rows(v: SectionView, older: bool) -> list[str]:
    spec = v.sim.spec
    rows = []
    for t, victim, killer in v.kills:
        team = v.info(victim).team
        interval = spec.axis_spawn_interval_ms if team == "AXIS" else spec.allies_spawn_interval_ms
        to_next = interval - (t % interval)
        row = f"{v.wt(killer)};{v.wt(victim)};{t};{interval};{to_next};{to_next / interval:.3f}"
        if not older:
            row += f";{v.rng.randrange(0, 300) / 10:.1f};{to_next / 1000:.1f}"
        rows.append(row)
    return rows


def cohesion_rows(v: SectionView) -> list[str]:
    return [row for row in v.sim.cohesion_rows if int(row.split(";")[2]) >= 2]


def crossfire_rows(v: SectionView) -> list[str]:
    rows = []
    for e in v.sim.engagements:
        enemies = v.enemies(e.target)
        if len(enemies) < 2 or e.eid % 8:  # live: ~5-12 per 4-minute round
            continue
        a, b = enemies[0], enemies[1]
        executed = int(len(e.attackers) >= 2)
        rows.append(
            f"{e.start};{v.wt(e.target)};{v.info(a).guid};{v.info(b).guid};"
            f"{v.rng.randrange(450, 1800) / 10:.1f};{executed};{e.total_damage if executed else 0}"
        )
    return rows


def focus_fire_rows(v: SectionView) -> list[str]:
    rows = []
    for e in v.sim.engagements:
        if len(e.attackers) < 2:
            continue
        guids = ",".join(v.info(a).guid for a in e.attackers)
        duration = max(e.end - e.start, 0)
        dps = e.total_damage / max(duration, 100) * 1000
        score = 0.6 * 0.5 + 0.4 * min(dps / 500, 1)
        rows.append(
            f"{e.eid};{v.who(e.target)};{len(e.attackers)};{guids};{e.total_damage};"
            f"{duration};{score:.3f}"
        )
    return rows


def pushes_rows(v: SectionView) -> list[str]:
    rows = []
    count = max(6, (v.sim.t_end - v.sim.t_live) // 3000)  # live: ~20 pushes per minute
    step = max((v.sim.t_end - v.sim.t_live) // count, 1000)
    for k in range(count):
        team = ("AXIS", "ALLIES")[k % 2]
        start = v.sim.t_live + k * step + 500
        quality = PLANTED_PUSH_QUALITY if k == 0 else v.rng.randrange(100, 950) / 1000
        rows.append(
            f"{start};{start + 2000};{team};{v.rng.randrange(900, 2600) / 10:.1f};0.707;-0.707;"
            f"{v.rng.randrange(400, 1000) / 1000:.3f};{quality:.3f};{v.rng.randrange(2, 5)};N/A"
        )
    return rows


def trades_rows(v: SectionView) -> list[str]:
    rows = []
    for t2, v2, k2 in v.kills:
        for t1, v1, k1 in v.kills:
            if (
                k1 == v2
                and v1 != k2
                and 0 <= t2 - t1 <= 3000
                and v.info(v1).team == v.info(k2).team
            ):
                rows.append(f"{t1};{t2};{t2 - t1};{v.who(v1)};{v.who(v2)};{v.who(k2)}")
                break
    return rows


def revives_rows(v: SectionView, revives_given: Mapping[str, int]) -> list[str]:
    rows = []
    n = len(v.players)
    index = {v.info(i).guid: i for i in range(n)}
    if revives_given:
        span = max(v.sim.t_end - v.sim.t_live, 1000)
        for medic_guid, count in sorted(revives_given.items()):
            m = index.get(medic_guid)
            if m is None:
                continue
            mates = v.mates(m) or [m]
            for k in range(count):
                t = v.sim.t_live + span * (k + 1) // (count + 1) + m
                rows.append((t, m, mates[k % len(mates)]))
    else:
        for t, i in v.sim.revives:
            mates = v.mates(i)
            rows.append((t, mates[0] if mates else None, i))
    out = []
    for t, m, i in sorted(rows, key=lambda r: (r[0], r[2])):
        x, y, z = v.pos(i)
        medic = v.who(m) if m is not None else ";"
        enemy = v.enemies(i)
        out.append(
            f"{t};{medic};{v.who(i)};{x:.1f};{y:.1f};{z:.1f};"
            f"{v.rng.randrange(3000, 15000) / 10:.1f};{v.info(enemy[0]).guid if enemy else ''};0"
        )
    return out


def accuracy_rows(v: SectionView) -> list[str]:
    acc: dict[tuple[int, int], list[int]] = {}
    for e in v.sim.engagements:
        for a in e.attackers.values():
            for w, hits in a.weapons.items():
                row = acc.setdefault((a.player, w), [0, 0])
                row[0] += hits
                row[1] += int(a.got_kill)
    return [
        f"{v.wt(i)};{w};{hits * 3 + 1};{hits};{kills};{hits // 7}"
        for (i, w), (hits, kills) in sorted(acc.items())
    ]


def kill_outcome_rows(v: SectionView) -> list[str]:
    rows = []
    outcomes = ("tapped_out", "revived", "gibbed", "expired")
    for n, (t, victim, killer) in enumerate(v.kills):
        outcome = outcomes[n % len(outcomes)]
        delta = v.rng.randrange(500, 25000)
        gib = v.who(killer) if outcome == "gibbed" else ";"
        mates = v.mates(victim)
        rev = v.who(mates[0]) if outcome == "revived" and mates else ";"
        rows.append(
            f"{t};{v.who(victim)};{v.who(killer)};9;{outcome};{t + delta};{delta};{delta};"
            f"{gib};{rev}"
        )
    return rows
