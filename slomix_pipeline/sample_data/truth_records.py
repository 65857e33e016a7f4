"""The truth records of a stats file: expected player rows and round facts, and which fields
must match exactly or within a tolerance (see ``sample_data.truth`` for how they are derived).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from slomix_pipeline.sample_data.model import (
    WeaponTuple,
)

EXACT_FIELDS: tuple[str, ...] = (
    "team",
    "is_bot",
    "kills",
    "deaths",
    "headshots",
    "shots_total",
    "hits_total",
    "damage_given",
    "damage_received",
    "team_damage_given",
    "team_damage_received",
    "gibs",
    "self_kills",
    "team_kills",
    "team_gibs",
    "xp",
    "killing_spree_best",
    "death_spree_worst",
    "kill_assists",
    "kill_steals",
    "headshot_kills",
    "objectives_stolen",
    "objectives_returned",
    "dynamites_planted",
    "dynamites_defused",
    "times_revived",
    "bullets_fired",
    "time_played_seconds",
    "time_dead_minutes",
    "most_useful_kills",
    "denied_playtime",
    "double_kills",
    "triple_kills",
    "quad_kills",
    "multi_kills",
    "mega_kills",
    "useless_kills",
    "full_selfkills",
    "constructions",
    "revives_given",
)
"""Stored player fields that must equal the truth exactly."""

APPROXIMATE_FIELDS: Mapping[str, float] = {
    "time_played_percent": 1.0,
    "time_dead_ratio": 0.15,
    "tank_meatshield": 0.15,
}
"""Ratio fields and their absolute tolerance (one-decimal rounding, R2 recomputation)."""


@dataclass(frozen=True, slots=True)
class PlayerTruth:
    """Expected stored values of one player in one round (see the module docstring)."""

    player_guid: str
    guid8: str
    guid32: str
    player_name: str
    raw_name: str
    is_bot: bool
    team: int
    kills: int
    deaths: int
    headshots: int
    shots_total: int
    hits_total: int
    damage_given: int
    damage_received: int
    team_damage_given: int
    team_damage_received: int
    gibs: int
    self_kills: int
    team_kills: int
    team_gibs: int
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
    time_played_seconds: int
    time_dead_minutes: float
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
    time_played_percent: float
    time_dead_ratio: float
    tank_meatshield: float
    counter_reset: bool
    joined_in_r2: bool
    weapons: dict[str, WeaponTuple]


@dataclass(frozen=True, slots=True)
class RoundTruth:
    """Everything knowable about one landed stats file.

    ``local_time`` is the filename timestamp; ``gaming_day`` applies the 06:00 day start.
    ``map_time_seconds`` / ``actual_time_seconds`` are what the header says (stopwatch targets);
    ``actual_duration_seconds`` is what really happened (only the Lua timing carries it for a
    surrender). ``round_duration_ms`` is the header's 9th field.
    """

    file_name: str
    map_name: str
    round_number: int
    local_time: datetime
    gaming_day: date
    is_orphan_r2: bool
    r1_file_name: str | None
    endstats_file_name: str | None
    end_reason: str
    winner_team: int
    defender_team: int
    map_time_seconds: int
    actual_time_seconds: int
    round_duration_ms: int
    actual_duration_seconds: int
    timelimit_seconds: int
    round_start_unix: int
    round_end_unix: int
    bot_player_count: int
    human_player_count: int
    is_bot_round: bool
    players: dict[str, PlayerTruth]
