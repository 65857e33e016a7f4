"""The stats-file line layout: weapon ids and names, the 38 TAB fields, number limits.

Shared by every path of the parser (and by the sample-data writer, which writes this layout).
"""

from __future__ import annotations

from typing import Any

from slomix_pipeline.formats.limits import (
    INT32_MAX,
    MAX_INT_DIGITS,
)

WEAPON_NAMES: tuple[str, ...] = (
    "WS_KNIFE",
    "WS_KNIFE_KBAR",
    "WS_LUGER",
    "WS_COLT",
    "WS_MP40",
    "WS_THOMPSON",
    "WS_STEN",
    "WS_FG42",
    "WS_PANZERFAUST",
    "WS_BAZOOKA",
    "WS_FLAMETHROWER",
    "WS_GRENADE",
    "WS_MORTAR",
    "WS_MORTAR2",
    "WS_DYNAMITE",
    "WS_AIRSTRIKE",
    "WS_ARTILLERY",
    "WS_SATCHEL",
    "WS_GRENADELAUNCHER",
    "WS_LANDMINE",
    "WS_MG42",
    "WS_BROWNING",
    "WS_CARBINE",
    "WS_KAR98",
    "WS_GARAND",
    "WS_K43",
    "WS_MP34",
    "WS_SYRINGE",
)
"""Weapon id (= bit number in the mask = emit order) -> ``WS_*`` name."""

EXTENDED_FIELD_NAMES: tuple[str, ...] = (
    "damage_given",  # 0
    "damage_received",
    "team_damage_given",
    "team_damage_received",
    "gibs",
    "self_kills",  # 5
    "team_kills",
    "team_gibs",
    "time_played_percent",  # 8, float
    "xp",
    "killing_spree",  # 10
    "death_spree",
    "kill_assists",
    "kill_steals",
    "headshot_kills",
    "objectives_stolen",  # 15
    "objectives_returned",
    "dynamites_planted",
    "dynamites_defused",
    "times_revived",
    "bullets_fired",  # 20
    "dpm",  # 21, float
    "time_played_minutes",  # 22, float
    "tank_meatshield",  # 23, float
    "time_dead_ratio",  # 24, float
    "time_dead_minutes",  # 25, float
    "kd_ratio",  # 26, float
    "useful_kills",
    "denied_playtime",
    "multikill_2x",
    "multikill_3x",  # 30
    "multikill_4x",
    "multikill_5x",
    "multikill_6x",
    "useless_kills",
    "full_selfkills",  # 35
    "repairs_constructions",
    "revives_given",
)
"""The 38 TAB fields of a player line, by index (the reference's parser keys)."""

EXTENDED_FIELD_COUNT = 38
FLOAT_FIELD_INDICES: frozenset[int] = frozenset({8, 21, 22, 23, 24, 25, 26})
_MAX_WEAPON_BIT = 27
# No count in a stats file comes near 18 digits. Longer digit runs are corruption, and int()
# refuses strings past 4,300 digits with ValueError, which must never escape the parser.
_MAX_DIGITS = MAX_INT_DIGITS
# Every integer of a player line is at most INT32_MAX: no real counter comes near it, the
# warehouse's ``integer`` columns hold it on every backend, and sums over a session stay in 64 bits.
_MAX_VALUE = INT32_MAX


def _small_int(text: str | bytes) -> int | None:
    """ASCII digits as an int <= INT32_MAX, else None (no signs, spaces, '_' or Unicode digits)."""
    if len(text) <= _MAX_DIGITS and text.isdigit() and text.isascii():
        value = int(text)
        return value if value <= _MAX_VALUE else None
    return None


# Set bits of a 28-bit weapon mask, by 7-bit chunk: four lookups and a concatenation give the
# weapon ids (and names) in ascending order, whatever the mask, without a bit loop.
_MASK_CHUNKS: tuple[tuple[tuple[int, ...], ...], ...] = tuple(
    tuple(tuple(base + bit for bit in range(7) if chunk >> bit & 1) for chunk in range(128))
    for base in (0, 7, 14, 21)
)
# Players keep their class loadout, so a few hundred masks cover a whole landing zone.
_MASK_CACHE_SIZE = 4096
_mask_cache: dict[int, tuple[tuple[int, ...], tuple[str, ...]]] = {}


def _weapons_of_mask(mask: int) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """Ids and ``WS_*`` names of the set bits of a mask < 2**28, ascending (the write order)."""
    known = _mask_cache.get(mask)
    if known is not None:
        return known
    low, mid, high, top = _MASK_CHUNKS
    ids = low[mask & 127] + mid[mask >> 7 & 127] + high[mask >> 14 & 127] + top[mask >> 21]
    known = (ids, tuple(map(WEAPON_NAMES.__getitem__, ids)))
    if len(_mask_cache) >= _MASK_CACHE_SIZE:
        _mask_cache.clear()
    _mask_cache[mask] = known
    return known


_NO_EXTENDED: tuple[Any, ...] = tuple(
    0.0 if i in FLOAT_FIELD_INDICES else 0 for i in range(EXTENDED_FIELD_COUNT)
)
