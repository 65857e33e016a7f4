"""Per-round derived metrics the differential recomputes from R2-only numbers.

Tank/meatshield, time-dead ratio, the R2-only share of time played, the header's fallback time,
and the tenth rounding they share.
"""

from __future__ import annotations

import math

from slomix_pipeline.domain.stats_records import TimeSource
from slomix_pipeline.formats.stats_file import StatsHeader


def tank_meatshield(damage_received: int, deaths: int) -> float:
    """The Lua's "tank/meatshield" score for the given damage taken and deaths.

    (damage received / deaths) / 130, or (damage received + 1) / 130 without deaths; only when
    more than 1000 damage was received and the score exceeds 3, else 0; rounded half-up to 0.1.
    """
    if damage_received <= 1000:
        return 0.0
    value = (damage_received / deaths if deaths else damage_received + 1) / 130
    return math.floor(value * 10 + 0.5) / 10 if value > 3 else 0.0


def round_tenth(value: float) -> float:
    """``round(value, 1)`` for a finite value >= 0, without its decimal-string round trip.

    Why: ``round(x, 1)`` formats x exactly in decimal and parses the result back, ~6,000
    machine instructions, twice per R2 player. Away from a tie, the nearest tenth is decided by
    ``x * 10`` (its rounding error is far below the 1e-6 margin) and ``k / 10`` is the same
    correctly rounded double ``round`` returns; near a tie, ``round`` itself decides.
    """
    scaled = value * 10
    whole = math.floor(scaled)
    fraction = scaled - whole
    if 0.499999 < fraction < 0.500001:
        return round(value, 1)
    return (whole + 1 if fraction > 0.5 else whole) / 10


def _dead_ratio(dead_tenths: int, played_tenths: int) -> float:
    return round_tenth(dead_tenths * 100 / played_tenths) if played_tenths > 0 else 0.0


def _percent_differential(
    percent1: float, tenths1: int, percent2: float, tenths2: int, played_tenths: int
) -> float:
    """R2-only share of time played: the time-weighted difference of two cumulative ratios.

    (R2% x R2 minutes - R1% x R1 minutes) / R2-only minutes, to 0.1, from each line's TAB 8 and
    TAB 22 tenths. Kept within 0..100: both ratios and minutes are written rounded to 0.1, which
    can push the result just outside.
    """
    if played_tenths <= 0:
        return 0.0
    value = (percent2 * tenths2 - percent1 * tenths1) / played_tenths
    # min(max(value, 0.0), 100.0) without two builtin calls (each parses its arguments).
    if value < 0.0:
        value = 0.0
    elif value > 100.0:
        value = 100.0
    return round_tenth(value)


# The plain strings, read once: an enum member's ``.value`` costs ~2,000 instructions a read.
_HEADER_DURATION = TimeSource.HEADER_DURATION.value
_HEADER_ACTUAL_TIME = TimeSource.HEADER_ACTUAL_TIME.value
_NO_TIME = TimeSource.NONE.value


def _header_time(header: StatsHeader) -> tuple[int, str]:
    """Fallback time for players without a TAB 22 value: the header's measured duration."""
    if header.round_duration_ms is not None:
        seconds = header.round_duration_ms // 1000
        if header.map_time_seconds:
            seconds = min(seconds, header.map_time_seconds)
        return seconds, _HEADER_DURATION
    if header.actual_time_seconds:
        return header.actual_time_seconds, _HEADER_ACTUAL_TIME
    return 0, _NO_TIME
