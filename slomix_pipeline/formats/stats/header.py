"""Line 1 of a stats file (``host\\map\\config\\round\\defender\\winner\\limit\\next[\\ms]``).

Odd or missing values are defaulted with a warning code, never rejected: only a header with
fewer than 8 fields rejects the file.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from slomix_pipeline.formats.stats.layout import (
    _MAX_DIGITS,
    _MAX_VALUE,
    _small_int,
)
from slomix_pipeline.formats.stats.names import (
    StatsFileName,
)
from slomix_pipeline.formats.stats.records import (
    StatsHeader,
    _new_stats_header,
)
from slomix_pipeline.formats.stats.rejects import (
    StatsFileRejected,
)


def parse_clock_text(text: str | None) -> int | None:
    """Seconds from a header time text; None when it cannot be read (never 0 for garbage).

    Accepts ``M:SS`` (``12:00``, ``8:27``, also ``1:5``), ``H:MM:SS``, decimal minutes
    (``7.4333`` -> 446, rounded half-up exactly via Decimal) and a bare integer read as seconds.
    """
    if text is None:
        return None
    s = text.strip()
    if len(s) in (4, 5) and s[-3] == ":" and s.isascii():  # the common "M:SS" / "MM:SS"
        minutes, seconds = s[:-3], s[-2:]
        if minutes.isdigit() and seconds.isdigit() and seconds < "60":
            return int(minutes) * 60 + int(seconds)
    if not s or not s.isascii():
        return None
    if len(s) > _MAX_DIGITS:
        return None
    if ":" in s:
        parts = s.split(":")
        if len(parts) > 3 or not all(p.isdigit() for p in parts):
            return None
        numbers = [int(p) for p in parts]
        if any(n >= 60 for n in numbers[1:]):
            return None
        if len(numbers) == 2:
            total = numbers[0] * 60 + numbers[1]
        else:
            total = numbers[0] * 3600 + numbers[1] * 60 + numbers[2]
        return total if total <= _MAX_VALUE else None
    if "." in s:
        whole, _, frac = s.partition(".")
        if not (whole or frac) or (whole and not whole.isdigit()) or (frac and not frac.isdigit()):
            return None
        try:
            seconds = Decimal(s) * 60
        except InvalidOperation:  # pragma: no cover - guarded by the digit checks above
            return None
        total = int(seconds.to_integral_value(rounding=ROUND_HALF_UP))
        return total if total <= _MAX_VALUE else None
    return _small_int(s)


# Headers repeat their clock texts (limits, usual end times) and sides: remember the answers.
_CLOCK_CACHE_SIZE = 4096
_clock_seconds: dict[str, int | None] = {}
_SIDES = {"0": 0, "1": 1, "2": 2}


def _cached_clock(text: str) -> int | None:
    """:func:`parse_clock_text` of a header field, remembered (bounded)."""
    try:
        return _clock_seconds[text]
    except KeyError:
        pass
    if len(_clock_seconds) >= _CLOCK_CACHE_SIZE:
        _clock_seconds.clear()
    seconds = _clock_seconds[text] = parse_clock_text(text)
    return seconds


def _side(text: str, name: str, default: int, allowed: tuple[int, ...], warnings: list[str]) -> int:
    number = _SIDES.get(text)  # the usual "1" / "2" (all allowed): nothing else to check
    if number is not None and number in allowed:
        return number
    value = text.strip()
    if not value:
        warnings.append(f"{name}_missing")
        return default
    number = _small_int(value)
    if number is None:
        warnings.append(f"{name}_non_numeric")
        return default
    if number not in allowed:
        warnings.append(f"{name}_out_of_range")
    return number


def _round_duration_ms(fields_: list[str], warnings: list[str]) -> int | None:
    if len(fields_) < 9:
        return None
    text = fields_[8].strip()
    try:
        if len(text) > _MAX_DIGITS + 1:
            raise ValueError(text[:20])
        value = int(text)
    except ValueError:
        try:
            as_float = float(text)
        except ValueError:
            as_float = math.nan
        if not math.isfinite(as_float):
            warnings.append("round_duration_invalid")
            return None
        value = int(as_float)
    if value <= 0:
        warnings.append("round_duration_non_positive")
        return None
    if value > _MAX_VALUE:
        warnings.append("round_duration_out_of_range")
        return None
    return value


def _parse_header(line: str, file: StatsFileName) -> StatsHeader:
    parts = line.strip().split("\\")
    if len(parts) < 8:
        raise StatsFileRejected(
            "invalid_header",
            f"line 1: expected at least 8 backslash-separated fields, found {len(parts)} "
            f"in {line[:120]!r}",
        )
    warnings: list[str] = []
    map_name = parts[1].strip()
    if not map_name:
        warnings.append("map_name_missing")
    elif map_name.lower() != file.map_name.lower():
        warnings.append("map_name_mismatch")
    header_round = _small_int(parts[3].strip())
    if header_round is None:
        header_round = 0
        warnings.append("header_round_non_numeric")
    elif header_round != file.round_number:
        warnings.append("header_round_mismatch")
    defender = _side(parts[4], "defender", 1, (1, 2), warnings)
    winner = _side(parts[5], "winner", 0, (0, 1, 2), warnings)
    map_time_text, actual_time_text = parts[6].strip(), parts[7].strip()
    map_time = _cached_clock(map_time_text)
    if map_time is None:
        warnings.append("map_time_invalid")
    actual_time = _cached_clock(actual_time_text)
    if actual_time is None:
        warnings.append("actual_time_invalid")
    duration_ms = _round_duration_ms(parts, warnings)
    if len(parts) > 9:
        warnings.append("header_extra_fields")
    return _new_stats_header(  # positional, in StatsHeader field order
        parts[0],  # server_name
        map_name,
        parts[2],  # config_name
        header_round,
        defender,  # defender_team
        winner,  # winner_team
        map_time_text,
        actual_time_text,
        map_time,  # map_time_seconds
        actual_time,  # actual_time_seconds
        duration_ms,  # round_duration_ms
        len(parts),  # field_count
        tuple(warnings),  # warnings
    )
