"""Stats-folder file names: what kind of file a name is, its server time, map and round."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from slomix_pipeline.formats.frozen_records import fast_constructor


class StatsFileKind(StrEnum):
    """What a file in the stats folder is, judged by its name."""

    STATS = "stats"  # ...-round-N.txt: the per-round stats file
    ENDSTATS = "endstats"  # ...-round-N-endstats.txt: awards and player-vs-player side-car
    WEAPON_DUMP = "weapon_dump"  # ...-round-N_ws.txt: per-weapon dump (writer disabled upstream)
    UNKNOWN = "unknown"  # timestamp-map-round prefix with any other suffix


@dataclass(frozen=True, slots=True)
class StatsFileName:
    """A classified file name; ``local_time`` is the server's naive wall clock at write time."""

    name: str
    kind: StatsFileKind
    local_time: datetime
    map_name: str
    round_number: int


_new_stats_file_name = fast_constructor(StatsFileName)
"""Build a StatsFileName without the frozen ``__init__`` (~2k instructions a field)."""

_STAMP = r"([0-9]{4})-([0-9]{2})-([0-9]{2})-([0-9]{2})([0-9]{2})([0-9]{2})-"
# Greedy map: the LAST "-round-N" is the round, so a map name may itself contain "-round-".
_STEM_RE = re.compile(_STAMP + r"([^/\\]+)-round-([0-9]{1,9})", re.ASCII)
# Lazy map: for unknown suffixes, the first "-round-N" ends the map.
_UNKNOWN_RE = re.compile(_STAMP + r"([^/\\]+?)-round-([0-9]{1,9})(.*)", re.ASCII | re.DOTALL)
_SUFFIXES: tuple[tuple[str, StatsFileKind], ...] = (
    ("-endstats.txt", StatsFileKind.ENDSTATS),
    ("_ws.txt", StatsFileKind.WEAPON_DUMP),
    (".txt", StatsFileKind.STATS),
)


# int() of a short str costs ~1,000 machine instructions; five of the stamp's fields are two
# ASCII digits and the round is nearly always "1" or "2".
_TWO_DIGITS: dict[str, int] = {f"{n:02d}": n for n in range(100)}
_ROUNDS: dict[str, int] = {"1": 1, "2": 2}


def classify_stats_filename(name: str) -> StatsFileName | None:
    """Classify a bare file name (no directory); None if it does not follow the pattern at all.

    ``YYYY-MM-DD-HHMMSS-<map>-round-<N>`` followed by ``.txt`` (STATS), ``-endstats.txt``
    (ENDSTATS), ``_ws.txt`` (WEAPON_DUMP) or anything else (UNKNOWN). Map names may contain
    ``-`` and ``_``. An impossible date or time (2026-02-30, 24:00:00) gives None.
    """
    match = None
    kind = StatsFileKind.UNKNOWN
    for suffix, suffix_kind in _SUFFIXES:
        if name.endswith(suffix):
            match = _STEM_RE.fullmatch(name, 0, len(name) - len(suffix))
            kind = suffix_kind
            break
    if match is None:
        match = _UNKNOWN_RE.fullmatch(name)
        kind = StatsFileKind.UNKNOWN
        if match is None:
            return None
    year, month, day, hour, minute, second, map_name, round_text = match.group(
        1, 2, 3, 4, 5, 6, 7, 8
    )
    two = _TWO_DIGITS  # the regex took ASCII digits only: the table is int() for them
    try:
        local_time = datetime(int(year), two[month], two[day], two[hour], two[minute], two[second])
    except ValueError:
        return None
    round_number = _ROUNDS.get(round_text)
    if round_number is None:
        round_number = int(round_text)
    return _new_stats_file_name(name, kind, local_time, map_name, round_number)
