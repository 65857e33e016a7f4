"""The truth of a rendered round, computed from the simulation's state, never from the text."""

from __future__ import annotations

from slomix_pipeline.sample_data.proximity_render.spec import (
    LifeTruth,
    ProximityRoundSpec,
    ProximityTruth,
)
from slomix_pipeline.sample_data.proximity_render.state import TRADE_WINDOW_MS, Engagement
from slomix_pipeline.sample_data.proximity_render.stepping import RoundSim


def _exclusion(sim: RoundSim, eng: Engagement) -> str | None:
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


def round_truth(
    spec: ProximityRoundSpec,
    sim: RoundSim,
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
            victim == k
            and killer != v
            and team_of[killer] == team_of[v]
            and t <= t2 <= t + TRADE_WINDOW_MS
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
