"""The truth records of a stats file: expected player rows and round facts, and which fields
must match exactly or within a tolerance (see ``sample_data.truth`` for how they are derived).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, make_dataclass
from datetime import date, datetime

from slomix_pipeline.domain.player_metrics import PLAYER_INT_METRICS, PLAYER_METRIC_TYPES
from slomix_pipeline.sample_data.model import WeaponTuple

EXACT_FIELDS: tuple[str, ...] = ("team", "is_bot", *PLAYER_INT_METRICS, "time_dead_minutes")
"""Stored player fields that must equal the truth exactly."""

APPROXIMATE_FIELDS: Mapping[str, float] = {
    "time_played_percent": 1.0,
    "time_dead_ratio": 0.15,
    "tank_meatshield": 0.15,
}
"""Ratio fields and their absolute tolerance (one-decimal rounding, R2 recomputation)."""

_METRIC_TYPES = {**PLAYER_METRIC_TYPES, "team": int, "is_bot": bool}
PlayerTruth = make_dataclass(
    "PlayerTruth",
    [
        ("player_guid", str),
        ("guid8", str),
        ("guid32", str),
        ("player_name", str),
        ("raw_name", str),
        *((name, _METRIC_TYPES[name]) for name in (*EXACT_FIELDS, *APPROXIMATE_FIELDS)),
        ("counter_reset", bool),
        ("joined_in_r2", bool),
        ("weapons", dict[str, WeaponTuple]),
    ],
    namespace={
        "__module__": __name__,
        "__doc__": """Expected stored values of one player in one round.

    Identity, then every field of ``EXACT_FIELDS`` and ``APPROXIMATE_FIELDS`` under its
    ``PlayerRoundStats`` name and type (built from those lists, so the truth states exactly the
    fields the tests compare), the R2 flags, and the weapon rows keyed by ``WS_*`` name.
    """,
    },
    frozen=True,
    slots=True,
)


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
