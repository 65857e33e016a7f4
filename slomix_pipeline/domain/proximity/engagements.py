"""``combat_engagement`` rows: crossfire, estimated damage and attacker lists of kept engagements.

Crossfire is recomputed from enemy hits only when friendly fire was removed; a declared
``crossfire_detection:0`` stores it as unknown.
"""

from __future__ import annotations

from collections.abc import Sequence

from slomix_pipeline.domain.proximity.classify import _Classified
from slomix_pipeline.domain.proximity.rows import CombatEngagementRow
from slomix_pipeline.domain.proximity.shared import _json, _Scope
from slomix_pipeline.formats.proximity import Attacker, Engagement


def _crossfire(
    attackers: Sequence[Attacker], window_ms: int
) -> tuple[bool, int | None, tuple[str, ...]]:
    """Tracker rule: only the first two attackers (by first hit) decide."""
    if len(attackers) < 2:
        return False, None, ()
    ordered = sorted(attackers, key=lambda a: a.first_hit_ms)
    first = ordered[0].first_hit_ms
    delay = ordered[1].first_hit_ms - first
    if delay > window_ms:
        return False, None, ()
    return True, delay, tuple(a.guid for a in ordered if a.first_hit_ms - first <= window_ms)


def _attackers_json(attackers: Sequence[Attacker]) -> str:
    return _json(
        [
            {
                "guid": a.guid,
                "name": a.name,
                "team": a.team,
                "damage": a.damage,
                "hits": a.hits,
                "first_hit_ms": a.first_hit_ms,
                "last_hit_ms": a.last_hit_ms,
                "got_kill": a.got_kill,
                "weapons": {str(w): n for w, n in a.weapons},
            }
            for a in attackers
        ]
    )


def _is_estimated_damage(eng: Engagement) -> bool:
    if eng.outcome != "killed" or eng.duration_ms != 0 or len(eng.attackers) != 1:
        return False
    only = eng.attackers[0]
    return only.hits == 1 and only.damage == 100 and only.got_kill


def _engagement_row(
    c: _Classified, scope: _Scope, crossfire_window_ms: int, crossfire_captured: bool = True
) -> CombatEngagementRow:
    eng = c.engagement
    friendly_damage = sum(a.damage for a in c.friendlies)
    is_crossfire: bool | None
    if c.friendlies:
        num_attackers = len(c.enemies)
        is_crossfire, delay, participants = _crossfire(c.enemies, crossfire_window_ms)
    else:
        num_attackers = eng.num_attackers
        is_crossfire, delay = eng.is_crossfire, eng.crossfire_delay_ms
        participants = eng.crossfire_participants
    if not crossfire_captured:  # the tracker did not look for crossfire: not measured, not "no"
        is_crossfire, delay, participants = None, None, ()
    self_kill = c.death_kind == "self_kill"
    return CombatEngagementRow(
        *scope[:1],
        eng.engagement_id,
        eng.line_no,
        *scope[1:],
        start_time_ms=eng.start_time_ms,
        end_time_ms=eng.end_time_ms,
        duration_ms=eng.duration_ms,
        target_guid=eng.target_guid,
        target_name=eng.target_name,
        target_team=eng.target_team,
        outcome=eng.outcome,
        death_kind=c.death_kind,
        total_damage_taken=max(0, eng.total_damage - friendly_damage),
        friendly_fire_damage=friendly_damage,
        damage_is_estimated=_is_estimated_damage(eng),
        killer_guid=None if self_kill else eng.killer_guid,
        killer_name=None if self_kill else eng.killer_name,
        num_attackers=num_attackers,
        is_crossfire=is_crossfire,
        crossfire_delay_ms=delay,
        crossfire_participants=_json(list(participants)) if participants else None,
        start_x=eng.start_x,
        start_y=eng.start_y,
        start_z=eng.start_z,
        end_x=eng.end_x,
        end_y=eng.end_y,
        end_z=eng.end_z,
        distance_traveled=eng.distance_traveled,
        position_path=eng.positions_text,
        attackers=_attackers_json(c.enemies),
        friendly_attackers=_attackers_json(c.friendlies) if c.friendlies else None,
    )
