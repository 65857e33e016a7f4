"""Render proximity-tracker ``*_engagements.txt`` files from a seeded round simulation.

The sample-data generator needs proximity files whose correct interpretation is *known*, so
the pipeline's parser and derivations can be checked against something other than
themselves. :func:`render_proximity_round` therefore simulates one round (movement with a
stamina meter, fights, kills, avenging kills, revives, self-kills, falls, friendly fire),
writes the file exactly as the tracker would — including its faults — and returns the truth
computed from the simulation's own state, never from the rendered text:

* the Feb-format round bug: a V4 file of an R2 says ``round=1`` (header and file name);
* the sprint flag follows the tracker's stamina rule (speed >= 140, standing, stamina drained
  by more than 50 since the previous reading); the truth is the simulated "was sprinting"
  state, so the two only agree if the flag is read correctly (``sprint_flag_dead`` renders the
  pre-fix tracker whose flag is never set);
* V4 lets friendly fire into engagements and names a self-killer as his own killer; V6 filters
  friendly fire, closes quiet engagements as ``timeout``, rebases time on round start (spawns at
  ``t=0``) and adds header keys and sections the V4 parser must skip;
* injected broken lines (truncated, garbage, duplicate, bad values) with their expected reasons.

Deterministic: one ``random.Random(spec.seed)``, no wall clock, no global state.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from slomix_pipeline.sample_data.proximity_sections_render import (
    V5_SECTIONS,
    declared_flags,
    later_sections,
)

__all__ = [
    "BROKEN_LINE_KINDS",
    "LifeTruth",
    "ProxPlayer",
    "ProximityRoundSpec",
    "ProximityTruth",
    "RenderedProximity",
    "demo_spec",
    "render_proximity_round",
    "sanitize_name",
]

TEAMS = ("AXIS", "ALLIES")
_V4_SECTIONS = (
    "ENGAGEMENTS",
    "PLAYER_TRACKS",
    "KILL_HEATMAP",
    "MOVEMENT_HEATMAP",
    "OBJECTIVE_FOCUS",
)
CLASSES = ("SOLDIER", "MEDIC", "ENGINEER", "FIELDOPS", "COVERTOPS")
#: Broken-line kinds that can be injected, with the parser reason they must produce.
BROKEN_LINE_KINDS: dict[str, str] = {
    "garbage_engagement": "engagements:field_count",
    "bad_number_engagement": "engagements:bad_value",
    "duplicate_engagement": "engagements:duplicate_engagement_id",
    "truncated_track": "player_tracks:path_shape",
    "bad_track_value": "player_tracks:bad_path_value",
    "bad_heatmap": "kill_heatmap:bad_value",
}

_FRAME_MS = 50
_MAX_HEALTH = 100
_MAX_STAMINA = 20000.0
_SPRINT_DRAIN_PER_MS = 1.0
_STAMINA_REGEN_PER_MS = 0.5
_TIMEOUT_MS = 15000  # V6 closes an engagement after this long without a hit
_TRADE_WINDOW_MS = 3000
_OBJECTIVE_RADIUS = 500.0
# mode -> (min speed, max speed, stance)
_MODES: dict[str, tuple[float, float, int]] = {
    "still": (0.0, 0.0, 0),
    "crouch": (50.0, 90.0, 1),
    "prone": (5.0, 30.0, 2),
    "run": (170.0, 250.0, 0),
    "sprint": (290.0, 330.0, 0),
}
_MODE_CHOICES = ("still", "crouch", "prone", "run", "sprint")
_MODE_WEIGHTS = (0.14, 0.10, 0.04, 0.44, 0.28)
_PRIMARY = {"AXIS": 3, "ALLIES": 8}
_CLASS_WEAPON = {"COVERTOPS": 10, "SOLDIER": 5}


# --------------------------------------------------------------------------------------------
# Spec and truth
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProxPlayer:
    """A player of the round as the tracker sees him."""

    guid: str  # 32 hex characters for real clients
    name: str  # raw name, colour codes included (sanitised when written)
    team: str  # AXIS | ALLIES
    player_class: str = "SOLDIER"


@dataclass(frozen=True, slots=True)
class ProximityRoundSpec:
    """One round to render. ``round_number`` is the *true* stopwatch half (1 or 2)."""

    map_name: str
    round_number: int
    round_start_unix: int
    round_end_unix: int
    players: tuple[ProxPlayer, ...]
    seed: int = 0
    format_version: int = 4  # 4 = Feb tracker (v4.2), 6 = Aug tracker (v6.11)
    sample_interval_ms: int = 500
    #: What the tracker writes; default: V4 clamps both halves to 1, V6 writes the true half.
    written_round_number: int | None = None
    #: Server-local wall clock at write time (file name); default: round end in ``server_tz``.
    file_written_local: datetime | None = None
    server_tz: str = "Europe/Paris"
    #: V4 times count from map load, so the round goes live after the warmup; None = seeded.
    warmup_ms: int | None = None
    axis_spawn_interval_ms: int = 30000
    allies_spawn_interval_ms: int = 20000
    crossfire_window_ms: int = 1000
    escape_time_ms: int = 5000
    escape_distance: int = 300
    #: Fire decisions per player-second when not avenging a teammate.
    fire_rate: float = 0.035
    revenge_probability: float = 0.15
    revive_probability: float = 0.12
    self_kills_under_fire: int = 1
    self_kills_idle: int = 1
    friendly_fire_incidents: int = 2  # V4 only: V6 trackers drop teammate damage
    world_deaths: int = 1
    instant_kills: int = 2
    #: (name, x, y, z) objective positions; OBJECTIVE_FOCUS is written only when given.
    objectives: tuple[tuple[str, float, float, float], ...] = ()
    #: Render the pre-fix tracker whose sprint flag (a limbo bit) is never set.
    sprint_flag_dead: bool = False
    #: Kinds from :data:`BROKEN_LINE_KINDS` to inject (copies/garbage; real rows stay intact).
    broken_lines: tuple[str, ...] = ()
    #: V6: capability flags declared off (6.11 defaults); their sections are not written.
    disabled_flags: tuple[str, ...] = ("spawn_select", "skill_snapshot", "comm_events")
    #: V6: write the 6.11 capability declaration (False: a 6.10 file, capabilities unknown).
    declare_capabilities: bool = True
    #: Medic GUID -> revives, when REVIVES must match another source (the stats file).
    revives_given: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class LifeTruth:
    """True per-life values (from the simulation state, not from the written text)."""

    guid: str
    team: str
    spawn_time_ms: int
    death_time_ms: int
    death_type: str
    duration_ms: int
    points: int
    periodic_samples: int
    sprint_samples: int
    sprint_percentage: float | None
    first_move_time_ms: int | None


@dataclass(frozen=True, slots=True)
class ProximityTruth:
    """What a correct pipeline must find in the rendered file."""

    map_name: str
    true_round_number: int
    written_round_number: int
    format_version: int
    sample_interval_ms: int
    round_start_unix: int
    round_end_unix: int
    engagement_lines: int  # valid engagement lines written
    combat_engagements: int  # rows expected after excluding non-combat engagements
    excluded_engagements: tuple[tuple[str, int], ...]  # (reason, count), sorted
    enemy_kills: int  # = expected proximity_trade_event rows
    traded_deaths: tuple[tuple[str, int], ...]  # (victim guid, death time) avenged in window
    self_kills: int
    world_deaths: int
    revives: int
    lives: tuple[LifeTruth, ...]
    track_points: int
    sprint_flag_written: bool
    #: (line number, expected reason) of every injected broken line.
    broken_lines: tuple[tuple[int, str], ...]
    extra_sections: tuple[str, ...]
    #: (marker, data rows written) of every later section, in file order.
    section_rows: tuple[tuple[str, int], ...] = ()
    #: The 6.11 declaration as written, or None when the file has none.
    declared: tuple[tuple[str, bool], ...] | None = None

    @property
    def trade_events(self) -> int:
        """Expected ``proximity_trade_event`` rows (one per enemy kill)."""
        return self.enemy_kills

    @property
    def traded(self) -> int:
        """Deaths avenged by a teammate of the victim within the trade window."""
        return len(self.traded_deaths)


@dataclass(frozen=True, slots=True)
class RenderedProximity:
    """The file as the game server would write it, plus its truth."""

    name: str
    data: bytes
    truth: ProximityTruth


# --------------------------------------------------------------------------------------------
# Simulation state (mutable, private)
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Life:
    player: int
    spawn: int
    points: list[tuple[int, float, float, float, int, float, int, int, int, str]]
    death: int | None = None
    death_type: str | None = None
    first_move: int | None = None
    periodic: int = 0
    sprinting: int = 0


@dataclass(slots=True)
class _Atk:
    player: int
    damage: int = 0
    hits: int = 0
    first_hit: int = 0
    last_hit: int = 0
    got_kill: bool = False
    weapons: dict[int, int] = field(default_factory=dict)


@dataclass(slots=True)
class _Eng:
    eid: int
    target: int
    start: int
    start_pos: tuple[float, float, float]
    positions: list[tuple[int, float, float, float, str]]
    target_team: str
    attackers: dict[int, _Atk] = field(default_factory=dict)
    total_damage: int = 0
    distance: float = 0.0
    last_hit: int = 0
    last_hit_pos: tuple[float, float, float] = (0.0, 0.0, 0.0)
    end: int = 0
    end_pos: tuple[float, float, float] = (0.0, 0.0, 0.0)
    outcome: str = ""
    killer: int | None = None


@dataclass(slots=True)
class _Player:
    info: ProxPlayer
    alive: bool = False
    life: _Life | None = None
    x: float = 0.0
    y: float = 0.0
    heading: float = 0.0
    mode: str = "still"
    stance: int = 0
    speed: float = 0.0
    stamina: float = _MAX_STAMINA
    reading: float | None = None  # tracker's previous stamina reading
    health: int = _MAX_HEALTH
    weapon: int = 3
    eng: _Eng | None = None
    seg_start: int = 0
    old_pos: tuple[float, float] = (0.0, 0.0)
    dead_since: int | None = None
    revive_at: int | None = None
    revenge: tuple[int, int] | None = None  # (target player, until time)
    target: int | None = None


def sanitize_name(name: str) -> str:
    """What the tracker writes for a name: separators become ``_``, CR/LF dropped, 256 max.

    Colour codes are kept (the tracker does not strip them, contrary to its docs).
    """
    cleaned = name.replace(";", "_").replace("|", "_").replace(",", "_")
    return cleaned.replace("\r", "").replace("\n", "")[:256]


def _z(x: float, y: float) -> float:
    return 24.0 + 40.0 * math.sin(x / 900.0) * math.cos(y / 1100.0)


def _cell(x: float, y: float) -> tuple[int, int]:
    return math.floor(x / 512.0), math.floor(y / 512.0)


class _RoundSim:
    """Event-stepped simulation on the tracker's global sample clock."""

    def __init__(self, spec: ProximityRoundSpec) -> None:
        self.spec = spec
        self.rng = random.Random(spec.seed)
        self.v6 = spec.format_version >= 6
        rng = self.rng
        self.interval = spec.sample_interval_ms
        self.t_live = (
            0
            if self.v6
            else (
                spec.warmup_ms if spec.warmup_ms is not None else rng.randrange(20, 61) * 1000 + 350
            )
        )
        self.t_end = self.t_live + (spec.round_end_unix - spec.round_start_unix) * 1000
        self.players = [_Player(info=p) for p in spec.players]
        self.engagements: list[_Eng] = []  # completed, in completion order
        self.lives: list[_Life] = []  # completed, in completion order
        self.next_eid = 1
        self.kills: list[tuple[int, int, int | None, str]] = []  # (time, victim, killer, kind)
        self.revives: list[tuple[int, int]] = []  # (time, revived player)
        self.kill_cells: dict[tuple[int, int], list[int]] = {}
        self.move_cells: dict[tuple[int, int], list[int]] = {}
        self.cohesion_rows: list[str] = []
        self.wave_offset = {"AXIS": rng.randrange(0, 10) * _FRAME_MS, "ALLIES": 0}
        self.objective_acc: dict[int, list[float]] = {}
        self.prev = self.now = self.t_live  # previous / current tick time

    # -- helpers ---------------------------------------------------------------------------
    def pos_at(self, p: _Player, t: int) -> tuple[float, float, float]:
        if t >= self.now or self.now <= p.seg_start:
            x, y = p.x, p.y
        else:
            frac = max(0.0, (t - p.seg_start) / (self.now - p.seg_start))
            x = p.old_pos[0] + (p.x - p.old_pos[0]) * frac
            y = p.old_pos[1] + (p.y - p.old_pos[1]) * frac
        return x, y, _z(x, y)

    def wave_after(self, team: str, t: int) -> int:
        every = (
            self.spec.axis_spawn_interval_ms
            if team == "AXIS"
            else self.spec.allies_spawn_interval_ms
        )
        base = self.t_live + self.wave_offset[team]
        n = (t + 1000 - base) // every + 1
        return base + n * every

    def enemies_alive(self, i: int) -> list[int]:
        team = self.players[i].info.team
        return [j for j, q in enumerate(self.players) if q.alive and q.info.team != team]

    def mates_alive(self, i: int) -> list[int]:
        team = self.players[i].info.team
        return [j for j, q in enumerate(self.players) if q.alive and j != i and q.info.team == team]

    # -- lifecycle -------------------------------------------------------------------------
    def spawn(self, i: int, t: int) -> None:
        p = self.players[i]
        rng = self.rng
        side = -1.0 if p.info.team == "AXIS" else 1.0
        p.x = side * 2600.0 + rng.uniform(-250, 250)
        p.y = rng.uniform(-900, 900)
        p.heading = math.atan2(-p.y * 0.2, -side) + rng.uniform(-0.6, 0.6)
        p.alive, p.health, p.mode, p.stance, p.speed = True, _MAX_HEALTH, "still", 0, 0.0
        p.stamina = _MAX_STAMINA
        p.reading = p.stamina  # the spawn point is a reading: the first sample compares to it
        p.weapon = _CLASS_WEAPON.get(p.info.player_class, _PRIMARY[p.info.team])
        p.seg_start, p.old_pos = t, (p.x, p.y)
        p.dead_since, p.revive_at, p.revenge, p.target = None, None, None, None
        life = _Life(player=i, spawn=t, points=[])
        life.points.append((t, p.x, p.y, _z(p.x, p.y), p.health, 0.0, p.weapon, 0, 0, "spawn"))
        p.life = life

    def end_life(self, p: _Player, t: int, pos: tuple[float, float, float], kind: str) -> None:
        life = p.life
        if life is None:
            return  # revived players are untracked: nothing to close (the revive gap)
        health = 0 if kind != "round_end" else p.health
        life.points.append((t, pos[0], pos[1], pos[2], health, 0.0, p.weapon, 0, 0, kind))
        life.death, life.death_type = t, kind
        self.lives.append(life)
        p.life = None
        p.reading = None

    def open_engagement(self, v: int, t: int, pos: tuple[float, float, float]) -> _Eng:
        p = self.players[v]
        eng = _Eng(
            eid=self.next_eid,
            target=v,
            start=t,
            start_pos=pos,
            positions=[(t, *pos, "start")],
            target_team=p.info.team,
            last_hit=t,
            last_hit_pos=pos,
        )
        self.next_eid += 1
        p.eng = eng
        return eng

    def close_engagement(
        self, eng: _Eng, t: int, pos: tuple[float, float, float], outcome: str, killer: int | None
    ) -> None:
        eng.end, eng.end_pos, eng.outcome, eng.killer = t, pos, outcome, killer
        eng.distance += math.dist(eng.last_hit_pos, pos)
        eng.positions.append((t, *pos, "death" if outcome == "killed" else "escape"))
        if killer is not None and killer in eng.attackers:
            eng.attackers[killer].got_kill = True
        self.engagements.append(eng)
        self.players[eng.target].eng = None

    def hit(self, a: int, v: int, t: int, damage: int, lethal: bool = True) -> None:
        pa, pv = self.players[a], self.players[v]
        pos = self.pos_at(pv, t)
        eng = pv.eng or self.open_engagement(v, t, pos)
        eng.positions.append((t, *pos, "hit"))
        eng.distance += math.dist(eng.last_hit_pos, pos)
        eng.last_hit, eng.last_hit_pos = t, pos
        eng.total_damage += damage
        atk = eng.attackers.get(a)
        if atk is None:
            atk = eng.attackers[a] = _Atk(player=a, first_hit=t)
        atk.damage += damage
        atk.hits += 1
        atk.last_hit = t
        weapon = pa.weapon if self.rng.random() > 0.1 else (4 if pa.info.team == "AXIS" else 9)
        atk.weapons[weapon] = atk.weapons.get(weapon, 0) + 1
        self.move_cells.setdefault(_cell(pos[0], pos[1]), [0, 0, 0])[1] += 1
        pv.health -= damage
        if not lethal:
            pv.health = max(1, pv.health)
        elif pv.health <= 0:
            self.kill(v, a, t, "killed")

    def kill(self, v: int, killer: int | None, t: int, kind: str) -> None:
        """``kind``: killed | selfkill | fallen (the track's death type)."""
        pv = self.players[v]
        pos = self.pos_at(pv, t)
        eng = pv.eng
        if eng is None:
            # The tracker makes a minimal engagement; another player's kill gets a 100 hit.
            eng = self.open_engagement(v, t, pos)
            if killer is not None and killer != v:
                eng.positions.append((t, *pos, "hit"))
                atk = eng.attackers[killer] = _Atk(player=killer, first_hit=t, last_hit=t)
                atk.damage, atk.hits = 100, 1
                atk.weapons[self.players[killer].weapon] = 1
                eng.total_damage += 100
        self.close_engagement(eng, t, pos, "killed", killer)
        self.end_life(pv, t, pos, kind)
        pv.alive, pv.dead_since, pv.health = False, t, 0
        log_kind = {"killed": "enemy", "selfkill": "self", "fallen": "world"}[kind]
        self.kills.append((t, v, killer, log_kind))
        if killer is not None:
            team = self.players[killer].info.team
            cell = self.kill_cells.setdefault(_cell(pos[0], pos[1]), [0, 0])
            cell[0 if team == "AXIS" else 1] += 1
        if log_kind == "enemy":
            for m in self.mates_alive(v):
                if self.rng.random() < self.spec.revenge_probability:
                    self.players[m].revenge = (killer, t + 2500)  # type: ignore[assignment]
            if self.rng.random() < self.spec.revive_probability:
                pv.revive_at = t + self.rng.randrange(40, 80) * _FRAME_MS

    # -- stepping --------------------------------------------------------------------------
    def spawns_and_revives(self, prev: int, t: int) -> None:
        for i, p in enumerate(self.players):
            if p.alive or p.dead_since is None:
                continue
            wave = self.wave_after(p.info.team, p.dead_since)
            if p.revive_at is not None and p.revive_at <= min(wave, t) and p.revive_at > prev:
                p.alive, p.health, p.mode, p.speed = True, 50, "still", 0.0
                p.seg_start, p.old_pos = p.revive_at, (p.x, p.y)
                p.dead_since, p.revive_at = None, None
                self.revives.append((p.seg_start, i))
            elif prev < wave <= t:
                self.spawn(i, wave)

    def move(self, p: _Player, t: int) -> None:
        rng = self.rng
        start = max(p.seg_start, self.prev)
        dt = t - start
        p.seg_start, p.old_pos = start, (p.x, p.y)
        first_step = p.life is not None and p.life.periodic == 0
        if rng.random() > 0.75 or (p.mode == "still" and rng.random() < 0.5):
            p.mode = rng.choices(_MODE_CHOICES, _MODE_WEIGHTS)[0]
        if p.mode == "sprint" and (first_step or p.stamina < _SPRINT_DRAIN_PER_MS * dt):
            p.mode = "run"  # no stamina, or a partial first interval after the spawn
        lo, hi, stance = _MODES[p.mode]
        p.stance = stance
        p.speed = 0.0 if hi == 0 else round(rng.uniform(lo, hi), 1)
        if p.mode == "sprint":
            p.stamina -= _SPRINT_DRAIN_PER_MS * dt
        else:
            p.stamina = min(_MAX_STAMINA, p.stamina + _STAMINA_REGEN_PER_MS * dt)
        p.heading += rng.uniform(-0.5, 0.5)
        nx = p.x + math.cos(p.heading) * p.speed * dt / 1000.0
        ny = p.y + math.sin(p.heading) * p.speed * dt / 1000.0
        if abs(nx) > 3800 or abs(ny) > 2400:
            p.heading += math.pi
            nx, ny = max(-3800.0, min(3800.0, nx)), max(-2400.0, min(2400.0, ny))
        p.x, p.y = nx, ny

    def sample(self, i: int, p: _Player, t: int) -> None:
        life = p.life
        if life is None:
            return
        sprint_bit = int(
            not self.spec.sprint_flag_dead
            and p.reading is not None
            and p.speed >= 140.0
            and p.stance == 0
            and p.reading - p.stamina > 50.0
        )
        p.reading = p.stamina
        z = _z(p.x, p.y)
        life.points.append(
            (t, p.x, p.y, z, p.health, p.speed, p.weapon, p.stance, sprint_bit, "sample")
        )
        life.periodic += 1
        life.sprinting += p.mode == "sprint"
        if life.first_move is None and p.speed > 10.0:
            life.first_move = t
        self.move_cells.setdefault(_cell(p.x, p.y), [0, 0, 0])[0] += 1
        if self.spec.objectives:
            best = min(
                (math.dist((p.x, p.y, z), (ox, oy, oz)), k)
                for k, (_, ox, oy, oz) in enumerate(self.spec.objectives)
            )
            acc = self.objective_acc.setdefault(i, [0.0] * (3 + len(self.spec.objectives)))
            acc[0] += best[0]
            acc[1] += 1
            acc[2] += self.interval if best[0] <= _OBJECTIVE_RADIUS else 0
            acc[3 + best[1]] += 1

    def plan_fire(self, t: int) -> list[tuple[int, int, int, int]]:
        rng = self.rng
        events: list[tuple[int, int, int, int]] = []
        frames = max(1, (t - self.prev) // _FRAME_MS)
        p_fire = self.spec.fire_rate * self.interval / 1000.0
        for a, p in enumerate(self.players):
            if not p.alive:
                continue
            target = None
            if p.revenge is not None:
                who, until = p.revenge
                if self.players[who].alive and t <= until + self.interval:
                    if rng.random() < 0.8:
                        target = who
                else:
                    p.revenge = None
            if target is None and rng.random() < p_fire:
                if p.target is not None and self.players[p.target].alive and rng.random() < 0.6:
                    target = p.target
                else:
                    enemies = self.enemies_alive(a)
                    target = rng.choice(enemies) if enemies else None
            if target is None:
                continue
            p.target = target
            for _ in range(rng.choice((1, 1, 2, 2, 3))):
                when = self.prev + _FRAME_MS * rng.randint(1, frames)
                damage = rng.randint(10, 28) + (30 if rng.random() < 0.08 else 0)
                events.append((min(when, t), a, target, damage))
        return events

    def specials_due(self, k: int, schedule: dict[int, list[str]]) -> list[str]:
        return schedule.pop(k, [])

    def do_special(self, kind: str, t: int) -> bool:
        rng = self.rng
        tracked = [i for i, p in enumerate(self.players) if p.alive and p.life is not None]
        idle = [i for i in tracked if self.players[i].eng is None]
        if kind == "self_kill_under_fire":
            pool = [
                i
                for i in tracked
                if self.players[i].eng is not None
                and any(
                    self.players[a].info.team != self.players[i].info.team
                    for a in self.players[i].eng.attackers  # type: ignore[union-attr]
                )
            ]
            if not pool:
                return False
            v = rng.choice(pool)
            self.kill(v, v, t, "selfkill")
        elif kind == "self_kill_idle":
            if not idle:
                return False
            v = rng.choice(idle)
            self.kill(v, v, t, "selfkill")
        elif kind == "world_death":
            if not idle:
                return False
            self.kill(rng.choice(idle), None, t, "fallen")
        elif kind == "instant_kill":
            pool = [i for i in idle if self.enemies_alive(i)]
            if not pool:
                return False
            v = rng.choice(pool)
            self.kill(v, rng.choice(self.enemies_alive(v)), t, "killed")
        elif kind == "friendly_fire":
            pool = [i for i in idle if self.mates_alive(i)]
            if not pool:
                return False
            v = rng.choice(pool)
            self.hit(rng.choice(self.mates_alive(v)), v, t, rng.randint(8, 20), lethal=False)
        return True

    def check_engagements(self, t: int) -> None:
        spec = self.spec
        for p in self.players:
            eng = p.eng
            if eng is None or not p.alive:
                continue
            pos = (p.x, p.y, _z(p.x, p.y))
            quiet = t - eng.last_hit
            if (
                quiet >= spec.escape_time_ms
                and math.dist(pos, eng.last_hit_pos) >= spec.escape_distance
            ):
                self.close_engagement(eng, t, pos, "escaped", None)
                self.move_cells.setdefault(_cell(pos[0], pos[1]), [0, 0, 0])[2] += 1
            elif self.v6 and quiet >= _TIMEOUT_MS:
                self.close_engagement(eng, t, pos, "timeout", None)
            else:
                eng.positions.append((t, *pos, "sample"))

    def cohesion(self, t: int) -> None:
        for team in TEAMS:
            alive = [p for p in self.players if p.alive and p.info.team == team]
            if not alive:
                continue
            cx = sum(p.x for p in alive) / len(alive)
            cy = sum(p.y for p in alive) / len(alive)
            dists = [math.hypot(p.x - cx, p.y - cy) for p in alive]
            self.cohesion_rows.append(
                f"{t};{team};{len(alive)};{cx:.1f};{cy:.1f};{sum(dists) / len(dists):.1f};"
                f"{max(dists):.1f};{sum(d > 800 for d in dists)};;"
            )

    def run(self) -> None:
        spec, rng = self.spec, self.rng
        self.prev = self.now = self.t_live
        for i in range(len(self.players)):
            self.spawn(i, self.t_live + (0 if i == 0 else rng.randrange(0, 3) * _FRAME_MS))
        phase = rng.randrange(1, max(2, self.interval // _FRAME_MS)) * _FRAME_MS
        n_ticks = max(0, (self.t_end - self.t_live - phase) // self.interval)
        kinds = (
            ["self_kill_under_fire"] * spec.self_kills_under_fire
            + ["self_kill_idle"] * spec.self_kills_idle
            + ["world_death"] * spec.world_deaths
            + ["instant_kill"] * spec.instant_kills
            + (["friendly_fire"] * spec.friendly_fire_incidents if not self.v6 else [])
        )
        schedule: dict[int, list[str]] = {}
        for kind in kinds:
            k = rng.randrange(n_ticks // 5, max(n_ticks // 5 + 1, 4 * n_ticks // 5))
            schedule.setdefault(k, []).append(kind)
        for k in range(n_ticks + 1):
            t = self.t_live + phase + k * self.interval
            if t >= self.t_end:
                break
            self.now = t
            self.spawns_and_revives(self.prev, t)
            for p in self.players:
                if p.alive:
                    self.move(p, t)
            for when, a, v, damage in sorted(self.plan_fire(t)):
                pa, pv = self.players[a], self.players[v]
                # nobody fires or is hit before his spawn/revive within this tick
                if pa.alive and pv.alive and when > pa.seg_start and when > pv.seg_start:
                    self.hit(a, v, when, damage)
            for kind in self.specials_due(k, schedule):
                if not self.do_special(kind, t):
                    schedule.setdefault(k + 1, []).append(kind)
            self.check_engagements(t)
            for i, p in enumerate(self.players):
                if p.alive:
                    self.sample(i, p, t)
            # V5 added cohesion, checked every 500 ms of the tracker clock.
            if spec.format_version >= 5 and t // 500 != self.prev // 500:
                self.cohesion(t)
            self.prev = t
        self.now = self.t_end
        for p in self.players:
            if p.eng is not None:
                self.close_engagement(
                    p.eng, self.t_end, (p.x, p.y, _z(p.x, p.y)), "round_end", None
                )
            if p.alive:
                self.end_life(p, self.t_end, (p.x, p.y, _z(p.x, p.y)), "round_end")


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def _engagement_line(sim: _RoundSim, eng: _Eng, crossfire_window: int) -> str:
    players = sim.players
    target = players[eng.target].info
    killer = players[eng.killer].info if eng.killer is not None else None
    ordered = sorted(eng.attackers.values(), key=lambda a: (a.first_hit, a.player))
    participants = ""
    crossfire, delay = 0, ""
    if len(ordered) >= 2 and ordered[1].first_hit - ordered[0].first_hit <= crossfire_window:
        crossfire, delay = 1, str(ordered[1].first_hit - ordered[0].first_hit)
        first = ordered[0].first_hit
        participants = ",".join(
            players[a.player].info.guid for a in ordered if a.first_hit - first <= crossfire_window
        )
    positions = "|".join(f"{t},{x:.1f},{y:.1f},{z:.1f},{ev}" for t, x, y, z, ev in eng.positions)
    attackers = "|".join(
        f"{players[a.player].info.guid},{sanitize_name(players[a.player].info.name)},"
        f"{players[a.player].info.team},{a.damage},{a.hits},{a.first_hit},{a.last_hit},"
        f"{int(a.got_kill)},{''.join(f'{w}:{n};' for w, n in a.weapons.items()) or '0:0;'}"
        for a in eng.attackers.values()
    )
    sx, sy, sz = eng.start_pos
    ex, ey, ez = eng.end_pos
    return (
        f"{eng.eid};{eng.start};{eng.end};{eng.end - eng.start};{target.guid};"
        f"{sanitize_name(target.name)};{target.team};{eng.outcome};{eng.total_damage};"
        f"{killer.guid if killer else ''};{sanitize_name(killer.name) if killer else ''};"
        f"{len(eng.attackers)};{crossfire};{delay};{participants};"
        f"{sx:.1f};{sy:.1f};{sz:.1f};{ex:.1f};{ey:.1f};{ez:.1f};{eng.distance:.1f};"
        f"{positions};{attackers}"
    )


def _track_line(sim: _RoundSim, life: _Life) -> str:
    info = sim.players[life.player].info
    path = "|".join(
        f"{t},{x:.1f},{y:.1f},{z:.1f},{h},{s:.1f},{w},{st},{sp},{ev}"
        for t, x, y, z, h, s, w, st, sp, ev in life.points
    )
    return (
        f"{info.guid};{sanitize_name(info.name)};{info.team};{info.player_class};{life.spawn};"
        f"{life.death or 0};{life.first_move if life.first_move is not None else ''};"
        f"{life.death_type};{len(life.points)};{path}"
    )


def _header_lines(spec: ProximityRoundSpec, written_round: int) -> list[str]:
    lines = [
        f"# PROXIMITY_TRACKER_V{spec.format_version}",
        f"# map={spec.map_name}",
        f"# round={written_round}",
        f"# crossfire_window={spec.crossfire_window_ms}",
        f"# escape_time={spec.escape_time_ms}",
        f"# escape_distance={spec.escape_distance}",
        f"# position_sample_interval={spec.sample_interval_ms}",
        f"# round_start_unix={spec.round_start_unix}",
        f"# round_end_unix={spec.round_end_unix}",
    ]
    if spec.format_version >= 5:
        lines += [
            f"# axis_spawn_interval={spec.axis_spawn_interval_ms}",
            f"# allies_spawn_interval={spec.allies_spawn_interval_ms}",
        ]
    declared = _declared(spec)
    if declared is not None:
        caps = ",".join(f"{name}:{int(on)}" for name, on in declared)
        lines += ["# tracker_version_full=6.11", "# test_mode=0", f"# capabilities={caps}"]
    return lines


def _declared(spec: ProximityRoundSpec) -> tuple[tuple[str, bool], ...] | None:
    if spec.format_version < 6 or not spec.declare_capabilities:
        return None
    return declared_flags(spec.disabled_flags)


def _inject(
    sections: list[tuple[str, list[str], list[str]]], kinds: Sequence[str], rng: random.Random
) -> list[tuple[str, int, str]]:
    """Add broken lines into section bodies; returns (section, index in body, kind)."""
    bodies = {name: body for name, _, body in sections}
    # Copies are taken from the real rows only, never from an already injected line.
    eng, tracks = list(bodies["ENGAGEMENTS"]), list(bodies["PLAYER_TRACKS"])
    placed: list[tuple[str, int, str]] = []
    for kind in kinds:
        if kind not in BROKEN_LINE_KINDS:
            raise ValueError(f"unknown broken-line kind {kind!r}")
        if kind != "bad_heatmap" and not (eng and tracks):
            raise ValueError("the round produced no engagements or lives to corrupt")
        if kind == "garbage_engagement":
            section, line = "ENGAGEMENTS", "this line is not an engagement"
        elif kind == "bad_number_engagement":
            fields = rng.choice(eng).split(";", 23)
            fields[0] = str(900000 + len(placed))
            fields[8] = "12x"
            section, line = "ENGAGEMENTS", ";".join(fields)
        elif kind == "duplicate_engagement":
            section, line = "ENGAGEMENTS", rng.choice(eng)
        elif kind == "truncated_track":
            src = max(tracks, key=len)
            head, _, path = src.rpartition(";")
            points = path.split("|")
            cut = points[len(points) // 2].split(",")[:3]
            section = "PLAYER_TRACKS"
            line = f"{head};{'|'.join(points[: len(points) // 2])}|{','.join(cut)},"
        elif kind == "bad_track_value":
            head, _, path = rng.choice(tracks).rpartition(";")
            points = path.split("|")
            parts = points[-1].split(",")
            parts[5] = "fast"
            points[-1] = ",".join(parts)
            section, line = "PLAYER_TRACKS", f"{head};{'|'.join(points)}"
        else:  # bad_heatmap
            section, line = "KILL_HEATMAP", "1;2;x;0"
        body = bodies[section]
        # duplicates must follow their original; everything else goes anywhere in the body
        index = len(body) if kind == "duplicate_engagement" else rng.randrange(0, len(body) + 1)
        body.insert(index, line)
        placed = [(s, i + 1 if s == section and i >= index else i, k) for s, i, k in placed]
        placed.append((section, index, kind))
    return placed


# --------------------------------------------------------------------------------------------
# Truth
# --------------------------------------------------------------------------------------------


def _exclusion(sim: _RoundSim, eng: _Eng) -> str | None:
    team = eng.target_team
    enemy_fire = any(sim.players[a].info.team != team for a in eng.attackers)
    if eng.outcome == "killed" and eng.killer is not None:
        if eng.killer == eng.target:
            return None if enemy_fire else "self_kill"
        if sim.players[eng.killer].info.team != team:
            return None
    if enemy_fire:
        return None
    return "friendly_fire" if eng.attackers else "no_enemy_attackers"


def _truth(
    spec: ProximityRoundSpec,
    sim: _RoundSim,
    written_round: int,
    broken: tuple[tuple[int, str], ...],
    extra_sections: tuple[str, ...],
) -> ProximityTruth:
    team_of = [p.info.team for p in sim.players]
    excluded: dict[str, int] = {}
    for eng in sim.engagements:
        reason = _exclusion(sim, eng)
        if reason is not None:
            excluded[reason] = excluded.get(reason, 0) + 1
    enemy_kills = [(t, v, k) for t, v, k, kind in sim.kills if kind == "enemy" and k is not None]
    traded = []
    for t, v, k in enemy_kills:
        avenged = any(
            victim == k and killer != v and team_of[killer] == team_of[v] and t <= t2 <= t + 3000
            for t2, victim, killer in enemy_kills
        )
        if avenged:
            traded.append((sim.players[v].info.guid, t))
    lives = tuple(
        LifeTruth(
            guid=sim.players[life.player].info.guid,
            team=team_of[life.player],
            spawn_time_ms=life.spawn,
            death_time_ms=life.death or 0,
            death_type=life.death_type or "",
            duration_ms=(life.death or 0) - life.spawn,
            points=len(life.points),
            periodic_samples=life.periodic,
            sprint_samples=life.sprinting,
            sprint_percentage=100.0 * life.sprinting / life.periodic if life.periodic else None,
            first_move_time_ms=life.first_move,
        )
        for life in sim.lives
    )
    return ProximityTruth(
        map_name=spec.map_name,
        true_round_number=spec.round_number,
        written_round_number=written_round,
        format_version=spec.format_version,
        sample_interval_ms=spec.sample_interval_ms,
        round_start_unix=spec.round_start_unix,
        round_end_unix=spec.round_end_unix,
        engagement_lines=len(sim.engagements),
        combat_engagements=len(sim.engagements) - sum(excluded.values()),
        excluded_engagements=tuple(sorted(excluded.items())),
        enemy_kills=len(enemy_kills),
        traded_deaths=tuple(sorted(traded)),
        self_kills=sum(1 for *_, kind in sim.kills if kind == "self"),
        world_deaths=sum(1 for *_, kind in sim.kills if kind == "world"),
        revives=len(sim.revives),
        lives=lives,
        track_points=sum(len(life.points) for life in sim.lives),
        sprint_flag_written=not spec.sprint_flag_dead,
        broken_lines=broken,
        extra_sections=extra_sections,
    )


# --------------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------------


def render_proximity_round(spec: ProximityRoundSpec) -> RenderedProximity:
    """Simulate the round and render its ``*_engagements.txt`` (name, bytes, truth)."""
    if spec.round_end_unix <= spec.round_start_unix:
        raise ValueError("round_end_unix must be after round_start_unix")
    if spec.sample_interval_ms <= 0 or spec.sample_interval_ms % _FRAME_MS:
        raise ValueError(f"sample interval must be a positive multiple of {_FRAME_MS} ms")
    sim = _RoundSim(spec)
    sim.run()
    v6 = spec.format_version >= 6
    written_round = spec.written_round_number
    if written_round is None:
        written_round = spec.round_number if v6 else 1

    kill_rows = [f"{gx};{gy};{a};{b}" for (gx, gy), (a, b) in sorted(sim.kill_cells.items())]
    move_rows = [
        f"{gx};{gy};{tr};{co};{es}" for (gx, gy), (tr, co, es) in sorted(sim.move_cells.items())
    ]
    sections: list[tuple[str, list[str], list[str]]] = [
        (
            "ENGAGEMENTS",
            [
                "# id;start_time;end_time;duration;target_guid;target_name;target_team;outcome;"
                "total_damage;killer_guid;killer_name;num_attackers;is_crossfire;"
                "crossfire_delay;crossfire_participants;start_x;start_y;start_z;end_x;end_y;"
                "end_z;distance_traveled;positions;attackers"
            ],
            [_engagement_line(sim, e, spec.crossfire_window_ms) for e in sim.engagements],
        ),
        (
            "PLAYER_TRACKS",
            [
                "# guid;name;team;class;spawn_time;death_time;first_move_time;death_type;"
                "samples;path",
                "# death_type: killed, selfkill, fallen, world, teamkill, round_end, "
                "disconnect, unknown",
                "# path point: time,x,y,z,health,speed,weapon,stance,sprint,event",
                "# stance: 0=standing 1=crouching 2=prone; sprint: 0/1",
            ],
            [_track_line(sim, life) for life in sim.lives],
        ),
        ("KILL_HEATMAP", ["# grid_x;grid_y;axis_kills;allies_kills"], kill_rows),
        ("MOVEMENT_HEATMAP", ["# grid_x;grid_y;traversal;combat;escape"], move_rows),
    ]
    if sim.objective_acc:
        focus = []
        for i, acc in sorted(sim.objective_acc.items()):
            info = sim.players[i].info
            counts = acc[3:]
            name = spec.objectives[counts.index(max(counts))][0]
            focus.append(
                f"{info.guid};{sanitize_name(info.name)};{info.team};{name};"
                f"{acc[0] / acc[1]:.1f};{int(acc[2])};{int(acc[1])}"
            )
        sections.append(
            (
                "OBJECTIVE_FOCUS",
                ["# guid;name;team;objective;avg_distance;time_within_radius_ms;samples"],
                focus,
            )
        )
    if spec.format_version >= 5:
        for name, columns, rows in later_sections(
            sim,
            format_version=spec.format_version,
            declared=_declared(spec),
            revives_given=dict(spec.revives_given),
            only=None if v6 else V5_SECTIONS,
        ):
            sections.append((name, [columns], rows))
    extra = tuple(name for name, _, _ in sections if name not in _V4_SECTIONS)

    placed = _inject(sections, spec.broken_lines, sim.rng)
    lines = _header_lines(spec, written_round)
    starts: dict[str, int] = {}
    for n, (name, comments, body) in enumerate(sections):
        if n:
            lines.append("")
        lines.append(f"# {name}")
        lines.extend(comments)
        starts[name] = len(lines) + 1  # 1-based number of the body's first line
        lines.extend(body)
    broken = tuple(
        sorted(
            (starts[section] + index, BROKEN_LINE_KINDS[kind]) for section, index, kind in placed
        )
    )
    written_local = spec.file_written_local or datetime.fromtimestamp(
        spec.round_end_unix, ZoneInfo(spec.server_tz)
    ).replace(tzinfo=None)
    name = f"{written_local:%Y-%m-%d-%H%M%S}-{spec.map_name}-round-{written_round}_engagements.txt"
    data = ("\n".join(lines) + "\n").encode("utf-8")
    truth = _truth(spec, sim, written_round, broken, extra)
    later = tuple((n, len(body)) for n, _, body in sections if n not in _V4_SECTIONS)
    truth = replace(truth, section_rows=later, declared=_declared(spec))
    return RenderedProximity(name, data, truth)


def demo_spec(
    *,
    seed: int = 1,
    per_team: int = 6,
    minutes: float = 10.0,
    sample_interval_ms: int = 500,
    format_version: int = 4,
    round_number: int = 1,
    map_name: str = "supply",
    round_start_unix: int = 1770843112,
    **overrides: object,
) -> ProximityRoundSpec:
    """A ready-made spec with a generated roster (tests, benchmarks, demos)."""
    rng = random.Random(seed * 7919 + 17)
    players = []
    for team in TEAMS:
        for k in range(per_team):
            guid = "".join(rng.choice("0123456789ABCDEF") for _ in range(32))
            colour = rng.choice(("^1", "^4", "^7", ""))
            players.append(
                ProxPlayer(guid, f"{colour}{team[:2].title()}Player{k + 1}", team, CLASSES[k % 5])
            )
    return ProximityRoundSpec(
        map_name=map_name,
        round_number=round_number,
        round_start_unix=round_start_unix,
        round_end_unix=round_start_unix + int(minutes * 60),
        players=tuple(players),
        seed=seed,
        format_version=format_version,
        sample_interval_ms=sample_interval_ms,
        **overrides,  # type: ignore[arg-type]
    )
