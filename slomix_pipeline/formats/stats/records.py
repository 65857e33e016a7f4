"""What the stats parser yields: the header, the player lines and the parsed file.

Frozen records built with the fast constructors (a file has a dozen 50-field player lines).
"""

from __future__ import annotations

from dataclasses import dataclass

from slomix_pipeline.formats.frozen_records import fast_constructor
from slomix_pipeline.formats.stats.names import (
    StatsFileName,
)
from slomix_pipeline.formats.stats.weapons import (
    WeaponStats,
    lazy_weapons,
    new_weapon_stats,
)


@dataclass(frozen=True, slots=True)
class StatsHeader:
    """Line 1 of a stats file; ``warnings`` holds reason codes for defaulted or odd values.

    ``round_duration_ms`` is the optional 9th field, in MILLISECONDS (c0rnp0rn8); it is None when
    absent (c0rnp0rn7, 8 fields), unparseable or not positive (the Lua writes a negative value
    when the file is saved on shutdown before the round ended).
    """

    server_name: str
    map_name: str
    config_name: str
    header_round: int
    defender_team: int
    winner_team: int
    map_time_text: str
    actual_time_text: str
    map_time_seconds: int | None
    actual_time_seconds: int | None
    round_duration_ms: int | None
    field_count: int
    warnings: tuple[str, ...]


WeaponLine = WeaponStats
"""A weapon group of a player line, values exactly as written (R2: cumulative)."""


@dataclass(frozen=True, slots=True)
class PlayerLine:
    """One player line, values exactly as written (R2 files hold R1+R2 cumulative counters).

    ``player_key`` is the identity used downstream (see :func:`player_key_for`). The extended
    attributes are 0 / 0.0 when the line has no TAB block (``has_extended`` False).
    ``time_played_tenths`` / ``time_dead_tenths`` are TAB 22 / TAB 25 read exactly as integer
    tenths of a minute, never through a float, so R2 - R1 time differences are exact.
    """

    line_number: int
    guid8: str
    player_key: str
    raw_name: str
    clean_name: str
    is_bot: bool
    rounds: int
    team: int
    weapons: tuple[WeaponLine, ...]  # stored as WeaponValues, read as records (weapon_values)
    has_extended: bool
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
    killing_spree: int
    death_spree: int
    kill_assists: int
    kill_steals: int
    headshot_kills: int
    objectives_stolen: int
    objectives_returned: int
    dynamites_planted: int
    dynamites_defused: int
    times_revived: int
    bullets_fired: int
    dpm: float
    time_played_minutes: float
    tank_meatshield: float
    time_dead_ratio: float
    time_dead_minutes: float
    kd_ratio: float
    useful_kills: int
    denied_playtime: int
    multikill_2x: int
    multikill_3x: int
    multikill_4x: int
    multikill_5x: int
    multikill_6x: int
    useless_kills: int
    full_selfkills: int
    repairs_constructions: int
    revives_given: int
    time_played_tenths: int
    time_dead_tenths: int


@dataclass(frozen=True, slots=True)
class ParsedStatsFile:
    """A whole stats file; ``warnings`` = header warnings + per-line ``code@line`` warnings."""

    file: StatsFileName
    header: StatsHeader
    players: tuple[PlayerLine, ...]
    warnings: tuple[str, ...]


_new_weapon_line = new_weapon_stats
_new_player_line = fast_constructor(PlayerLine)
line_weapon_values = lazy_weapons(PlayerLine)
"""The flat weapon numbers of a PlayerLine (``weapons`` reads them as records, built lazily)."""
_new_stats_header = fast_constructor(StatsHeader)
_new_parsed_stats_file = fast_constructor(ParsedStatsFile)
