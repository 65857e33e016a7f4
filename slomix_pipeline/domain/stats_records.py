"""What a stats file becomes once it is a round: per-round player and weapon statistics.

Field names are the upstream database column names, so the warehouse maps them one to one. All
values are per ROUND: an R2 round holds R2-only values (the differential against its R1), never
the cumulative R1+R2 values the R2 file contains, except for an orphan R2 (no R1 found), which is
flagged ``is_orphan_r2`` and keeps the raw values.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from slomix_pipeline.domain.contract import RoundContract
from slomix_pipeline.formats.stats.weapons import lazy_weapons
from slomix_pipeline.formats.stats_file import (
    StatsFileName,
    StatsHeader,
    WeaponStats,
    fast_constructor,
    new_weapon_stats,
)


class TimeSource(StrEnum):
    """Where a player's ``time_played_seconds`` came from (stored as the plain string)."""

    TAB22 = "tab22"  # the player's own TAB 22 minutes (tenths x 6 s)
    TAB22_DIFFERENTIAL = "tab22_differential"  # R2 TAB 22 - R1 TAB 22, exact tenths
    TAB22_AFTER_RESET = "tab22_after_reset"  # R2 TAB 22 of a reconnected player (fresh counter)
    HEADER_DURATION = "header_duration"  # header ms // 1000, capped at the time limit
    HEADER_ACTUAL_TIME = "header_actual_time"  # header actual time (M:SS)
    NONE = "none"  # nothing usable: 0 s


WeaponRoundStats = WeaponStats
"""One weapon of one player in one round; ``accuracy`` = hits / shots x 100, 0 without shots.

The very type the parser yields for a weapon group: rounds taken as written reuse the parsed
records (no copy), differential rounds build new ones with :data:`new_weapon_round_stats`.
"""


@dataclass(frozen=True, slots=True)
class PlayerRoundStats:
    """One player in one round.

    ``kills``, ``deaths``, ``headshots`` (headshot hits), ``shots_total`` and ``hits_total`` are
    the sums of ``weapons``, so totals and weapon rows always agree. ``counter_reset`` marks an
    R2 player whose cumulative counters went down (a reconnect): their R2 values are used as is
    and ``counter_reset_fields`` names every counter that dropped.
    """

    player_guid: str
    guid8: str
    player_name: str
    raw_name: str
    team: int
    is_bot: bool
    kills: int
    deaths: int
    headshots: int
    shots_total: int
    hits_total: int
    accuracy: float
    kd_ratio: float
    efficiency: float
    dpm: float
    damage_given: int
    damage_received: int
    team_damage_given: int
    team_damage_received: int
    gibs: int
    self_kills: int
    team_kills: int
    team_gibs: int
    time_played_percent: float
    xp: int
    killing_spree_best: int
    death_spree_worst: int
    kill_assists: int
    kill_steals: int
    headshot_kills: int
    objectives_stolen: int
    objectives_returned: int
    dynamites_planted: int
    dynamites_defused: int
    times_revived: int
    bullets_fired: int
    tank_meatshield: float
    time_dead_ratio: float
    time_dead_minutes: float
    time_played_seconds: int
    time_played_minutes: float
    most_useful_kills: int
    denied_playtime: int
    double_kills: int
    triple_kills: int
    quad_kills: int
    multi_kills: int
    mega_kills: int
    useless_kills: int
    full_selfkills: int
    constructions: int
    revives_given: int
    time_source: str
    counter_reset: bool
    counter_reset_fields: tuple[str, ...]
    joined_in_r2: bool
    weapons: tuple[WeaponRoundStats, ...]  # stored as WeaponValues, read as records


@dataclass(frozen=True, slots=True)
class RoundStats:
    """One round ready to store.

    ``round_number`` comes from the file name; ``map_name`` from the header (the file name's when
    the header has none). ``round_duration_seconds`` is the header's millisecond duration // 1000.
    ``is_bot_round`` = bots > 0 and (no humans or more bots than humans).
    """

    file: StatsFileName
    header: StatsHeader
    round_number: int
    map_name: str
    players: tuple[PlayerRoundStats, ...]
    is_orphan_r2: bool
    r1_file_name: str | None
    differential_applied: bool
    round_duration_seconds: int | None
    bot_player_count: int
    human_player_count: int
    is_bot_round: bool
    contract: RoundContract
    warnings: tuple[str, ...]


new_weapon_round_stats = new_weapon_stats
"""Fast constructor for WeaponRoundStats from the seven counted fields (accuracy derived)."""
new_player_round_stats = fast_constructor(PlayerRoundStats)
"""Fast constructor for PlayerRoundStats (hot path of the differential)."""
round_weapon_values = lazy_weapons(PlayerRoundStats)
"""The flat weapon numbers of a PlayerRoundStats (``weapons`` reads them as records, lazily)."""
new_round_stats = fast_constructor(RoundStats)
"""Fast constructor for RoundStats (one per file, but files come by the thousand)."""
