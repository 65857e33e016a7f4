"""How raw Lua values become canonical: limits, side codes, round numbers, map keys, names.

Both Lua parsers (webhook body, gametime file) apply the same rules, so a round seen by both
sources normalises to the same identity and merges into one row.
"""

from __future__ import annotations

import re
from datetime import date
from zoneinfo import ZoneInfo

from slomix_pipeline.domain.gaming_day import gaming_day_of_epoch

MAX_PLAYERS = 64
"""ET:Legacy's client limit. A roster or spawn list longer than this is not a real game."""
MAX_PAUSES = 256
MAX_NAME_CHARS = 64
MAX_GUID_CHARS = 32
MAX_MAP_CHARS = 64
MAX_EPOCH = 4_102_444_800
"""2100-01-01: anything later is a corrupted epoch, not a round end."""
SHORT_ROUND_SECONDS = 30


TEAM_UNKNOWN = 0
TEAM_AXIS = 1
TEAM_ALLIES = 2
_SIDE_ALIASES: dict[str, int] = {
    "0": TEAM_UNKNOWN,
    "1": TEAM_AXIS,
    "2": TEAM_ALLIES,
    "axis": TEAM_AXIS,
    "allies": TEAM_ALLIES,
    "draw": TEAM_UNKNOWN,
    "unknown": TEAM_UNKNOWN,
    "": TEAM_UNKNOWN,
}


def normalise_side(raw: str | int | None) -> tuple[int, bool]:
    """Side code 0 (unknown/draw), 1 (Axis), 2 (Allies) and whether the input was recognised."""
    if raw is None:
        return TEAM_UNKNOWN, True
    token = str(raw).strip().casefold()
    if token.startswith("+"):
        token = token[1:]
    if token in _SIDE_ALIASES:
        return _SIDE_ALIASES[token], True
    return TEAM_UNKNOWN, False


def normalise_round(raw: int) -> int | None:
    """Canonical round number: 1 or 2; ``0`` is how older Lua versions report R2.

    Anything else (negative, 3+) is not a stopwatch round and returns ``None`` so the caller can
    reject the event instead of storing an unlinkable row.
    """
    if raw == 0:
        return 2
    if raw in (1, 2):
        return raw
    return None


def map_key(name: str) -> str:
    """Comparison key for map names: case-folded, trimmed, inner whitespace collapsed."""
    return " ".join(name.split()).casefold()


_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def has_control_chars(text: str) -> bool:
    return _CONTROL_RE.search(text) is not None


def strip_control_chars(text: str) -> str:
    """Remove C0/C1 control characters (and DEL); they are never part of a real player name."""
    return _CONTROL_RE.sub("", text)


def gaming_day_of(round_end_unix: int, tz: ZoneInfo, day_start_hour: int) -> date:
    """The gaming day (partition) of an event: that of its round end, on the server's clock."""
    return gaming_day_of_epoch(round_end_unix, tz, day_start_hour)
