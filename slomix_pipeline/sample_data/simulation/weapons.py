"""Weapons: ids, what each class carries, and the hits/shots/headshots that go with the kills."""

from __future__ import annotations

import random
from collections.abc import Sequence

from slomix_pipeline.sample_data.model import (
    AXIS,
    WeaponTuple,
)
from slomix_pipeline.sample_data.simulation.state import Acc, Slot

# Weapon ids (reference section 4).
_KNIFE, _KBAR, _LUGER, _COLT, _MP40, _THOMPSON, _STEN, _FG42 = range(8)
_PANZER, _BAZOOKA, _FLAMER, _GRENADE, _MORTAR, _MORTAR2, _DYNAMITE = range(8, 15)
_AIRSTRIKE, _ARTILLERY, _SATCHEL, _GL, _LANDMINE, _MG42, _BROWNING = range(15, 22)
_CARBINE, _KAR98, _GARAND, _K43, _MP34, _SYRINGE = range(22, 28)

BULLET = frozenset(
    {_LUGER, _COLT, _MP40, _THOMPSON, _STEN, _FG42, _MG42, _BROWNING, _CARBINE, _KAR98}
    | {_GARAND, _K43, _MP34}
)
_MELEE = frozenset({_KNIFE, _KBAR})
_RIFLES = frozenset({_CARBINE, _KAR98, _GARAND, _K43})
_MGS = frozenset({_MG42, _BROWNING})


def class_loadout(player_class: str, variant: str, side: int) -> list[tuple[int, float]]:
    """Weapons a class carries on a side, weighted by how often kills come from each."""
    axis = side == AXIS
    smg = _MP40 if axis else _THOMPSON
    pistol = _LUGER if axis else _COLT
    knife = _KNIFE if axis else _KBAR
    if player_class == "medic":
        return [(smg, 0.86), (pistol, 0.08), (_GRENADE, 0.04), (knife, 0.02)]
    if player_class == "engineer":
        if variant == "rifle":
            rifle = _K43 if axis else _GARAND
            return [(rifle, 0.6), (_GL, 0.2), (pistol, 0.1), (_DYNAMITE, 0.04), (_LANDMINE, 0.06)]
        return [(smg, 0.72), (_GRENADE, 0.12), (pistol, 0.08), (_LANDMINE, 0.05), (knife, 0.03)]
    if player_class == "fieldops":
        return [(smg, 0.7), (_AIRSTRIKE, 0.1), (_ARTILLERY, 0.08), (_GRENADE, 0.1), (pistol, 0.02)]
    if player_class == "soldier":
        heavy = {
            "panzer": _PANZER if axis else _BAZOOKA,
            "mg": _MG42 if axis else _BROWNING,
            "mortar": _MORTAR if axis else _MORTAR2,
            "flamer": _FLAMER,
        }[variant]
        return [(heavy, 0.72), (_GRENADE, 0.12), (pistol, 0.14), (knife, 0.02)]
    primary = {"sten": _STEN, "fg42": _FG42, "mp34": _MP34}.get(variant, _STEN)
    return [(primary, 0.78), (_SATCHEL, 0.08), (pistol, 0.1), (_KAR98 if axis else _CARBINE, 0.04)]


def pick_weapon(rng: random.Random, items: Sequence[tuple[int, float]]) -> int:
    return rng.choices([i for i, _ in items], weights=[w for _, w in items])[0]


def weapon_rows(
    rng: random.Random, slot: Slot, acc: Acc, loadout: list[tuple[int, float]], active: int
) -> tuple[dict[int, WeaponTuple], int]:
    """Hits, shots and headshots that go with the kills, plus the damage they dealt."""
    rows: dict[int, WeaponTuple] = {}
    damage = 0
    primary = loadout[0][0]
    minutes = active / 60
    for weapon, _weight in loadout:
        kills = acc.kills_w.get(weapon, 0)
        deaths = acc.deaths_w.get(weapon, 0)
        used = weapon == primary or kills or deaths or rng.random() < 0.55
        if not used:
            continue
        if weapon in BULLET:
            per_kill = (2, 4) if weapon in _RIFLES else ((5, 10) if weapon in _MGS else (4, 8))
            hits = sum(rng.randint(*per_kill) for _ in range(kills))
            extra = minutes * rng.uniform(3, 9) * slot.skill if weapon == primary else 0
            hits += int(extra) + rng.randint(0, 4)
            base = 0.45 if weapon in _RIFLES else (0.18 if weapon in _MGS else 0.3)
            accuracy = min(0.9, base * (0.8 + 0.2 * slot.skill))
            shots = int(hits / accuracy) + rng.randint(0, 3)
            hs_rate = 0.08 + 0.1 * slot.skill
            headshots = max(acc.hs_kills_w.get(weapon, 0), round(hits * hs_rate * rng.random()))
            headshots = min(headshots, hits)
        elif weapon in _MELEE:
            hits = kills + rng.randint(0, 1 if kills else 0)
            shots = hits + rng.randint(0, 2)
            headshots = 0
        elif weapon == _FLAMER:
            hits = sum(rng.randint(6, 12) for _ in range(kills)) + rng.randint(0, 10)
            shots = int(hits / 0.5) + rng.randint(0, 5)
            headshots = 0
        else:  # explosives: a hit is a victim caught in the blast
            hits = kills + rng.randint(0, 2)
            shots = hits + rng.randint(0, 3)
            headshots = 0
        if weapon == primary and active > 0:
            shots = max(shots, 1 + rng.randint(0, 5))
        if hits or shots or kills or deaths:
            rows[weapon] = (hits, shots, kills, deaths, headshots)
            damage += int(hits * rng.uniform(18, 30))
    if slot.player_class == "medic" and acc.revives_given:
        rows[_SYRINGE] = (0, acc.revives_given + rng.randint(0, 2), 0, 0, 0)
    for weapon, deaths in acc.deaths_w.items():  # deaths on a weapon not in the loop above
        if weapon not in rows:
            rows[weapon] = (0, 0, acc.kills_w.get(weapon, 0), deaths, 0)
    return dict(sorted(rows.items())), damage
