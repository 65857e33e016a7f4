"""Every later proximity section (v4.2 … v6.10) for the sample renderer, built from the round
simulation, plus the 6.11 capability declaration.

Rows follow the grammar of ``proximity-v5-v6.md`` §2–§5 field by field; values are plausible,
derived from the simulated kills, engagements, revives and positions. What matters for the
pipeline's tests is known exactly and returned as truth: which sections were written, with how
many rows, and which flags the header declared. A section whose flag is declared off is not
written (as the tracker does); one planted ``TEAM_PUSHES`` row carries ``push_quality`` 1.42
(upstream clamped such values; the pipeline must keep and flag it).

When the spec carries ``revives_given`` (medic GUID -> count, from the stats simulation), the
``REVIVES`` section has exactly that many rows per medic, so the sample can check the cross
figure "Σ revives per medic = the stats file's revives".
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from slomix_pipeline.formats.proximity_sections import CAPABILITY_FLAGS, LATER_SECTIONS

__all__ = ["PLANTED_PUSH_QUALITY", "V5_SECTIONS", "declared_flags", "later_sections"]

PLANTED_PUSH_QUALITY = 1.42
V5_SECTIONS = (
    "REACTION_METRICS",
    "SPAWN_TIMING",
    "TEAM_COHESION",
    "CROSSFIRE_OPPORTUNITIES",
    "FOCUS_FIRE",
    "TEAM_PUSHES",
    "TRADE_KILLS",
    "REVIVES",
    "WEAPON_ACCURACY",
    "KILL_OUTCOME",
)
"""What a V5 (5.0/5.1) tracker could write."""
_FLAG = {spec.marker: spec.flag for spec in LATER_SECTIONS}


def declared_flags(disabled: Sequence[str]) -> tuple[tuple[str, bool], ...]:
    """The 24 flags in the tracker's order, those in ``disabled`` off."""
    return tuple((flag, flag not in disabled) for flag in CAPABILITY_FLAGS)


def _san(name: str) -> str:
    cleaned = name.replace(";", "_").replace("|", "_").replace(",", "_").replace("\t", "_")
    return cleaned.replace("\r", "").replace("\n", "")[:256]


class _View:
    """What the section builders read from the simulation (kept loose: duck-typed sim)."""

    def __init__(self, sim: Any) -> None:
        self.sim = sim
        self.rng: random.Random = random.Random(sim.spec.seed ^ 0x5EC7)
        self.players = sim.players
        self.kills = [(t, v, k) for t, v, k, kind in sim.kills if kind == "enemy" and k is not None]

    def info(self, i: int) -> Any:
        return self.players[i].info

    def who(self, i: int) -> str:
        p = self.info(i)
        return f"{p.guid};{_san(p.name)}"

    def wt(self, i: int) -> str:
        p = self.info(i)
        return f"{p.guid};{_san(p.name)};{p.team}"

    def pos(self, i: int) -> tuple[int, int, int]:
        p = self.players[i]
        return round(p.x), round(p.y), 24

    def mates(self, i: int) -> list[int]:
        team = self.info(i).team
        return [j for j in range(len(self.players)) if j != i and self.info(j).team == team]

    def enemies(self, i: int) -> list[int]:
        team = self.info(i).team
        return [j for j in range(len(self.players)) if self.info(j).team != team]


def _reaction(v: _View) -> list[str]:
    rng = v.rng
    return [
        f"{e.eid};{v.wt(e.target)};{v.info(e.target).player_class};{e.outcome};"
        f"{len(e.attackers)};{rng.randrange(150, 900) if rng.random() < 0.6 else ''};"
        f"{rng.randrange(200, 3000) if rng.random() < 0.4 else ''};"
        f"{rng.randrange(300, 2500) if rng.random() < 0.3 else ''};{e.start};{e.end};"
        f"{e.end - e.start}"
        for e in v.sim.engagements
    ]


def _spawn_timing(v: _View, older: bool) -> list[str]:
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


def _cohesion(v: _View) -> list[str]:
    return [row for row in v.sim.cohesion_rows if int(row.split(";")[2]) >= 2]


def _crossfire(v: _View) -> list[str]:
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


def _focus_fire(v: _View) -> list[str]:
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


def _pushes(v: _View) -> list[str]:
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


def _trades(v: _View) -> list[str]:
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


def _revives(v: _View, revives_given: Mapping[str, int]) -> list[str]:
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


def _accuracy(v: _View) -> list[str]:
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


def _kill_outcome(v: _View) -> list[str]:
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


def _hit_regions(v: _View) -> list[str]:
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


def _combat_positions(v: _View, older: bool) -> list[str]:
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


def _shots(v: _View) -> list[str]:
    rows = []
    step = max(1, 2000 // v.sim.interval)  # about one shot per 2 s alive (~26/player-minute live)
    for life in v.sim.lives:
        guid = v.info(life.player).guid
        for point in life.points[1::step]:
            t, x, y, z, *_rest = point
            rows.append(f"{t};{guid};8;{int(x)};{int(y)};{int(z)};{(t % 360):.2f};-3.10")
    return rows


def _aim_lock(v: _View) -> list[str]:
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


def _spawn_select(v: _View) -> list[str]:
    return [
        f"{life.spawn};{v.wt(life.player)};{life.player % 3};{900000 + life.spawn}"
        for life in v.sim.lives
    ]


def _skills(v: _View) -> list[str]:
    return [
        f"{v.wt(i)};" + ";".join(str((i + k) % 5) for k in range(7)) for i in range(len(v.players))
    ]


def _comm(v: _View) -> list[str]:
    return [
        f"{t};{v.wt(victim)};vsay_team;NeedMedic" for t, victim, _ in v.kills[: len(v.kills) // 2]
    ]


def _carrier(v: _View) -> tuple[list[str], list[str], list[str]]:
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


def _vehicles(v: _View) -> tuple[list[str], list[str]]:
    progress = ["truck;script_mover;-2368;688;0;1456;4280;-56;5210.4;2500;1830;1"]
    escort = [
        f"{v.wt(i)};truck;{i * 500};{41500 - i * 100};1620.0;944.3;83"
        for i in range(len(v.players))
        if v.info(i).team == "ALLIES"
    ]
    return progress, escort


def _construction(v: _View) -> tuple[list[str], list[str]]:
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


_Builder = Callable[[_View], list[str]]


def later_sections(
    sim: Any,
    *,
    format_version: int,
    declared: Sequence[tuple[str, bool]] | None,
    revives_given: Mapping[str, int] | None = None,
    only: Sequence[str] | None = None,
) -> list[tuple[str, str, list[str]]]:
    """(marker, column comment, rows) of every later section the tracker would write.

    A section is written when its flag is not declared off, it exists in the file's version
    (``only``) and it has rows (an absent ungated ``REVIVES`` of a V6 file is a true zero).
    """
    v = _View(sim)
    older = format_version < 6
    carrier_events, carrier_kills, carrier_returns = _carrier(v)
    vehicle, escort = _vehicles(v)
    construction, runs = _construction(v)
    rows: dict[str, list[str]] = {
        "REACTION_METRICS": _reaction(v),
        "SPAWN_TIMING": _spawn_timing(v, older),
        "TEAM_COHESION": _cohesion(v),
        "CROSSFIRE_OPPORTUNITIES": _crossfire(v),
        "FOCUS_FIRE": _focus_fire(v),
        "TEAM_PUSHES": _pushes(v),
        "TRADE_KILLS": _trades(v),
        "REVIVES": _revives(v, revives_given or {}),
        "WEAPON_ACCURACY": _accuracy(v),
        "KILL_OUTCOME": _kill_outcome(v),
        "HIT_REGIONS": _hit_regions(v),
        "COMBAT_POSITIONS": _combat_positions(v, older),
        "SHOT_FIRED": _shots(v),
        "AIM_LOCK": _aim_lock(v),
        "SPAWN_SELECT": _spawn_select(v),
        "SKILL_SNAPSHOT": _skills(v),
        "COMM_EVENTS": _comm(v),
        "CARRIER_EVENTS": carrier_events,
        "CARRIER_KILLS": carrier_kills,
        "CARRIER_RETURNS": carrier_returns,
        "VEHICLE_PROGRESS": vehicle,
        "ESCORT_CREDIT": escort,
        "CONSTRUCTION_EVENTS": construction,
        "OBJECTIVE_RUNS": runs,
    }
    off = {flag for flag, on in (declared or ()) if not on}
    out = []
    for spec in LATER_SECTIONS:
        if only is not None and spec.marker not in only:
            continue
        if spec.flag is not None and spec.flag in off:
            continue
        body = rows[spec.marker]
        if spec.marker == "SPAWN_TIMING" and older:
            names = spec.names[:10]
        elif spec.marker == "COMBAT_POSITIONS" and older:
            names = spec.names[:18]
        else:
            names = spec.names
        if body:
            out.append((spec.marker, "# " + ";".join(names), body))
    return out
