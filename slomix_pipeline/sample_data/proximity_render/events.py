"""The round's state and the events that change it: spawns, deaths, engagements, hits, kills.

``RoundState`` holds what the tracker would record; ``stepping.RoundSim`` drives it on the
tracker's sample clock.
"""

from __future__ import annotations

import math
import random

from slomix_pipeline.sample_data.proximity_render.spec import ProximityRoundSpec
from slomix_pipeline.sample_data.proximity_render.state import (
    CLASS_WEAPON,
    FRAME_MS,
    MAX_HEALTH,
    MAX_STAMINA,
    PRIMARY_WEAPON,
    Attacker,
    Engagement,
    Life,
    PlayerState,
    grid_cell,
    ground_z,
)


class RoundState:
    """The round as the tracker sees it, and the events that change it (no clock here)."""

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
        self.players = [PlayerState(info=p) for p in spec.players]
        self.engagements: list[Engagement] = []  # completed, in completion order
        self.lives: list[Life] = []  # completed, in completion order
        self.next_eid = 1
        self.kills: list[tuple[int, int, int | None, str]] = []  # (time, victim, killer, kind)
        self.revives: list[tuple[int, int]] = []  # (time, revived player)
        self.kill_cells: dict[tuple[int, int], list[int]] = {}
        self.move_cells: dict[tuple[int, int], list[int]] = {}
        self.cohesion_rows: list[str] = []
        self.wave_offset = {"AXIS": rng.randrange(0, 10) * FRAME_MS, "ALLIES": 0}
        self.objective_acc: dict[int, list[float]] = {}
        self.prev = self.now = self.t_live  # previous / current tick time

    # -- helpers ---------------------------------------------------------------------------
    def pos_at(self, p: PlayerState, t: int) -> tuple[float, float, float]:
        if t >= self.now or self.now <= p.seg_start:
            x, y = p.x, p.y
        else:
            frac = max(0.0, (t - p.seg_start) / (self.now - p.seg_start))
            x = p.old_pos[0] + (p.x - p.old_pos[0]) * frac
            y = p.old_pos[1] + (p.y - p.old_pos[1]) * frac
        return x, y, ground_z(x, y)

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
        p.alive, p.health, p.mode, p.stance, p.speed = True, MAX_HEALTH, "still", 0, 0.0
        p.stamina = MAX_STAMINA
        p.reading = p.stamina  # the spawn point is a reading: the first sample compares to it
        p.weapon = CLASS_WEAPON.get(p.info.player_class, PRIMARY_WEAPON[p.info.team])
        p.seg_start, p.old_pos = t, (p.x, p.y)
        p.dead_since, p.revive_at, p.revenge, p.target = None, None, None, None
        life = Life(player=i, spawn=t, points=[])
        life.points.append(
            (t, p.x, p.y, ground_z(p.x, p.y), p.health, 0.0, p.weapon, 0, 0, "spawn")
        )
        p.life = life

    def end_life(self, p: PlayerState, t: int, pos: tuple[float, float, float], kind: str) -> None:
        life = p.life
        if life is None:
            return  # revived players are untracked: nothing to close (the revive gap)
        health = 0 if kind != "round_end" else p.health
        life.points.append((t, pos[0], pos[1], pos[2], health, 0.0, p.weapon, 0, 0, kind))
        life.death, life.death_type = t, kind
        self.lives.append(life)
        p.life = None
        p.reading = None

    def open_engagement(self, v: int, t: int, pos: tuple[float, float, float]) -> Engagement:
        p = self.players[v]
        eng = Engagement(
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
        self,
        eng: Engagement,
        t: int,
        pos: tuple[float, float, float],
        outcome: str,
        killer: int | None,
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
            atk = eng.attackers[a] = Attacker(player=a, first_hit=t)
        atk.damage += damage
        atk.hits += 1
        atk.last_hit = t
        weapon = pa.weapon if self.rng.random() > 0.1 else (4 if pa.info.team == "AXIS" else 9)
        atk.weapons[weapon] = atk.weapons.get(weapon, 0) + 1
        self.move_cells.setdefault(grid_cell(pos[0], pos[1]), [0, 0, 0])[1] += 1
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
                atk = eng.attackers[killer] = Attacker(player=killer, first_hit=t, last_hit=t)
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
            cell = self.kill_cells.setdefault(grid_cell(pos[0], pos[1]), [0, 0])
            cell[0 if team == "AXIS" else 1] += 1
        if log_kind == "enemy":
            for m in self.mates_alive(v):
                if self.rng.random() < self.spec.revenge_probability:
                    self.players[m].revenge = (killer, t + 2500)  # type: ignore[assignment]
            if self.rng.random() < self.spec.revive_probability:
                pv.revive_at = t + self.rng.randrange(40, 80) * FRAME_MS
