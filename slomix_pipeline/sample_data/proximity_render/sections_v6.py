"""Rows of the V6 sections (hit regions, combat positions, shots, aim lock, spawn select, skills,
comm events, carrier, vehicles, construction), plausible values derived from the simulation.
"""

from __future__ import annotations

from slomix_pipeline.sample_data.proximity_render.section_view import SectionView


def hit_regions_rows(v: SectionView) -> list[str]:
    rows = []
    for e in v.sim.engagements:
        for a in e.attackers.values():
            for w, hits in a.weapons.items():
                for h in range(hits):
                    region = (a.player + h) % 4
                    rows.append(
                        f"{a.first_hit + h * 120};{v.who(a.player)};{v.who(e.target)};{w};"
                        f"{region};{18 if region else 50}"
                    )
    return rows[:5000]


def combat_positions_rows(v: SectionView, older: bool) -> list[str]:
    rows = []
    for t, victim, killer in v.kills:
        ax, ay, az = v.pos(killer)
        vx, vy, vz = v.pos(victim)
        row = (
            f"{t};kill;{v.wt(killer)};{v.info(killer).player_class};{v.wt(victim)};"
            f"{v.info(victim).player_class};{ax};{ay};{az};{vx};{vy};{vz};8;9"
        )
        if not older:
            row += f";{v.rng.randrange(1, 101)};{v.rng.randrange(0, 6)};{v.rng.randrange(0, 6)}"
        rows.append(row)
    return rows


def shots_rows(v: SectionView) -> list[str]:
    rows = []
    step = max(1, 2000 // v.sim.interval)  # about one shot per 2 s alive (~26/player-minute live)
    for life in v.sim.lives:
        guid = v.info(life.player).guid
        for point in life.points[1::step]:
            t, x, y, z, *_rest = point
            rows.append(f"{t};{guid};8;{int(x)};{int(y)};{int(z)};{(t % 360):.2f};-3.10")
    return rows


def aim_lock_rows(v: SectionView) -> list[str]:
    rows = []
    for e in v.sim.engagements:
        for a in e.attackers.values():
            samples = 2 + (a.hits % 3)
            duration = samples * 400
            rows.append(
                f"{a.first_hit};{a.first_hit + duration};{duration};{v.wt(a.player)};"
                f"{v.who(e.target)};{v.rng.randrange(5, 95) / 10:.1f};{v.rng.randrange(200, 2500)};"
                f"{samples}"
            )
    return rows


def spawn_select_rows(v: SectionView) -> list[str]:
    return [
        f"{life.spawn};{v.wt(life.player)};{life.player % 3};{900000 + life.spawn}"
        for life in v.sim.lives
    ]


def skills_rows(v: SectionView) -> list[str]:
    return [
        f"{v.wt(i)};" + ";".join(str((i + k) % 5) for k in range(7)) for i in range(len(v.players))
    ]


def comm_rows(v: SectionView) -> list[str]:
    return [
        f"{t};{v.wt(victim)};vsay_team;NeedMedic" for t, victim, _ in v.kills[: len(v.kills) // 2]
    ]


def carrier_rows(v: SectionView) -> tuple[list[str], list[str], list[str]]:
    allies = [i for i in range(len(v.players)) if v.info(i).team == "ALLIES"]
    axis = [i for i in range(len(v.players)) if v.info(i).team == "AXIS"]
    if not allies or not axis:
        return [], [], []
    c, k = allies[0], axis[0]
    t0 = v.sim.t_live + 30000
    events = [
        f"{v.wt(c)};redflag;{t0};{t0 + 31200};31200;killed;2874.3;2198.9;0.765;148;"
        f"-2300;650;8;-420;1790;40;{v.who(k)}",
        f"{v.wt(c)};redflag;{t0 + 60000};{t0 + 80000};20000;secured;1500.0;1400.0;0.933;100;"
        "-2300;650;8;-100;1900;40;;",
    ]
    kills = [f"{t0 + 31200};{v.wt(c)};{v.wt(k)};9;1433.0;redflag"]
    returns = [f"{t0 + 43500};{v.wt(k)};redflag;{v.info(c).guid};{t0 + 31200};12300;-420;1790;40"]
    return events, kills, returns


def vehicles_rows(v: SectionView) -> tuple[list[str], list[str]]:
    progress = ["truck;script_mover;-2368;688;0;1456;4280;-56;5210.4;2500;1830;1"]
    escort = [
        f"{v.wt(i)};truck;{i * 500};{41500 - i * 100};1620.0;944.3;83"
        for i in range(len(v.players))
        if v.info(i).team == "ALLIES"
    ]
    return progress, escort


def construction_rows(v: SectionView) -> tuple[list[str], list[str]]:
    engineers = [i for i in range(len(v.players)) if v.info(i).player_class == "ENGINEER"]
    if not engineers:
        engineers = [0]
    rows, runs = [], []
    for n, i in enumerate(engineers):
        t = v.sim.t_live + 20000 + n * 7000
        x, y, z = v.pos(i)
        rows.append(f"{t};dynamite_plant;{v.wt(i)};the Depot Fence;{x};{y};{z}")
        runs.append(
            f"{v.wt(i)};dynamite_plant;the Depot Fence;{t};18400;2150.7;1488.2;0.692;1;2;"
            f"{v.info(i).guid};1;2;team_effort;{x};{y};{z};;"
        )
    return rows, runs
