"""Engagement classification: death kind (enemy, self, team kill, world) and which are kept.

Self-kills, teammate-only fire and falls with no attacker produce no ``combat_engagement`` row;
teammates are split from the enemy attackers so friendly fire is reported apart.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from slomix_pipeline.formats.proximity import Attacker, Engagement, PlayerLife


class _Classified(NamedTuple):
    engagement: Engagement
    enemies: tuple[Attacker, ...]
    friendlies: tuple[Attacker, ...]
    death_kind: str | None
    keep: bool
    exclusion: str | None


def _killer_team(eng: Engagement, lives_by_guid: dict[str, list[PlayerLife]]) -> str | None:
    for attacker in eng.attackers:
        if attacker.guid == (eng.killer_guid or "") and attacker.got_kill:
            return attacker.team
    for attacker in eng.attackers:
        if attacker.guid == (eng.killer_guid or ""):
            return attacker.team
    for life in lives_by_guid.get(eng.killer_guid or "", ()):
        end = life.death_time_ms if life.death_time_ms is not None else math.inf
        if life.spawn_time_ms <= eng.end_time_ms <= end:
            return life.team
    return None


def _death_kind(eng: Engagement, lives_by_guid: dict[str, list[PlayerLife]]) -> str | None:
    if eng.outcome != "killed":
        return None
    killer_guid, killer_name = eng.killer_guid or "", eng.killer_name or ""
    if not killer_guid and not killer_name:
        return "world"  # fall / world entity: the tracker writes no killer
    if killer_guid == eng.target_guid and (killer_guid or killer_name == eng.target_name):
        return "self_kill"  # upstream stored the victim as his own killer
    team = _killer_team(eng, lives_by_guid)
    if team is not None and team == eng.target_team:
        return "team_kill"
    return "enemy_kill"


def _classify(eng: Engagement, lives_by_guid: dict[str, list[PlayerLife]]) -> _Classified:
    enemies = tuple(a for a in eng.attackers if a.team != eng.target_team)
    friendlies = tuple(a for a in eng.attackers if a.team == eng.target_team)
    kind = _death_kind(eng, lives_by_guid)
    keep = bool(enemies) or kind == "enemy_kill"
    exclusion = None
    if not keep:
        if kind == "self_kill":
            exclusion = "self_kill"
        elif friendlies:
            exclusion = "friendly_fire"
        else:
            exclusion = "no_enemy_attackers"
    return _Classified(eng, enemies, friendlies, kind, keep, exclusion)
