"""The sample clock: movement with a stamina meter, fire planning, specials, samples, cohesion."""

from __future__ import annotations

import math

from slomix_pipeline.sample_data.proximity_render.events import RoundState
from slomix_pipeline.sample_data.proximity_render.spec import TEAMS
from slomix_pipeline.sample_data.proximity_render.state import (
    FRAME_MS,
    MAX_STAMINA,
    MODE_CHOICES,
    MODE_WEIGHTS,
    MODES,
    OBJECTIVE_RADIUS,
    SPRINT_DRAIN_PER_MS,
    STAMINA_REGEN_PER_MS,
    TIMEOUT_MS,
    PlayerState,
    grid_cell,
    ground_z,
)


class RoundSim(RoundState):
    """Event-stepped simulation on the tracker's global sample clock."""

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

    def move(self, p: PlayerState, t: int) -> None:
        rng = self.rng
        start = max(p.seg_start, self.prev)
        dt = t - start
        p.seg_start, p.old_pos = start, (p.x, p.y)
        first_step = p.life is not None and p.life.periodic == 0
        if rng.random() > 0.75 or (p.mode == "still" and rng.random() < 0.5):
            p.mode = rng.choices(MODE_CHOICES, MODE_WEIGHTS)[0]
        if p.mode == "sprint" and (first_step or p.stamina < SPRINT_DRAIN_PER_MS * dt):
            p.mode = "run"  # no stamina, or a partial first interval after the spawn
        lo, hi, stance = MODES[p.mode]
        p.stance = stance
        p.speed = 0.0 if hi == 0 else round(rng.uniform(lo, hi), 1)
        if p.mode == "sprint":
            p.stamina -= SPRINT_DRAIN_PER_MS * dt
        else:
            p.stamina = min(MAX_STAMINA, p.stamina + STAMINA_REGEN_PER_MS * dt)
        p.heading += rng.uniform(-0.5, 0.5)
        nx = p.x + math.cos(p.heading) * p.speed * dt / 1000.0
        ny = p.y + math.sin(p.heading) * p.speed * dt / 1000.0
        if abs(nx) > 3800 or abs(ny) > 2400:
            p.heading += math.pi
            nx, ny = max(-3800.0, min(3800.0, nx)), max(-2400.0, min(2400.0, ny))
        p.x, p.y = nx, ny

    def sample(self, i: int, p: PlayerState, t: int) -> None:
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
        z = ground_z(p.x, p.y)
        life.points.append(
            (t, p.x, p.y, z, p.health, p.speed, p.weapon, p.stance, sprint_bit, "sample")
        )
        life.periodic += 1
        life.sprinting += p.mode == "sprint"
        if life.first_move is None and p.speed > 10.0:
            life.first_move = t
        self.move_cells.setdefault(grid_cell(p.x, p.y), [0, 0, 0])[0] += 1
        if self.spec.objectives:
            best = min(
                (math.dist((p.x, p.y, z), (ox, oy, oz)), k)
                for k, (_, ox, oy, oz) in enumerate(self.spec.objectives)
            )
            acc = self.objective_acc.setdefault(i, [0.0] * (3 + len(self.spec.objectives)))
            acc[0] += best[0]
            acc[1] += 1
            acc[2] += self.interval if best[0] <= OBJECTIVE_RADIUS else 0
            acc[3 + best[1]] += 1

    def plan_fire(self, t: int) -> list[tuple[int, int, int, int]]:
        rng = self.rng
        events: list[tuple[int, int, int, int]] = []
        frames = max(1, (t - self.prev) // FRAME_MS)
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
                when = self.prev + FRAME_MS * rng.randint(1, frames)
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
            pos = (p.x, p.y, ground_z(p.x, p.y))
            quiet = t - eng.last_hit
            if (
                quiet >= spec.escape_time_ms
                and math.dist(pos, eng.last_hit_pos) >= spec.escape_distance
            ):
                self.close_engagement(eng, t, pos, "escaped", None)
                self.move_cells.setdefault(grid_cell(pos[0], pos[1]), [0, 0, 0])[2] += 1
            elif self.v6 and quiet >= TIMEOUT_MS:
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
            self.spawn(i, self.t_live + (0 if i == 0 else rng.randrange(0, 3) * FRAME_MS))
        phase = rng.randrange(1, max(2, self.interval // FRAME_MS)) * FRAME_MS
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
                    p.eng, self.t_end, (p.x, p.y, ground_z(p.x, p.y)), "round_end", None
                )
            if p.alive:
                self.end_life(p, self.t_end, (p.x, p.y, ground_z(p.x, p.y)), "round_end")
