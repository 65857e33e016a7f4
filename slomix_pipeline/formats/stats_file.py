"""Per-round stats files written by the c0rnp0rn Lua script: file names and file contents.

Bytes in, typed records out; no filesystem, SQL or Dagster. A file is either parsed whole or
rejected with a :class:`StatsFileRejected` carrying a stable reason code: a round is never
half-written, so one malformed player line rejects the whole file.

Layout (see the stats-files reference for every field):

* line 1, backslash separated: ``host\\map\\config\\round\\defender\\winner\\limit\\next[\\ms]``;
* one line per player: ``guid8\\name\\rounds\\team\\<mask> h s k d hs ... \\t<38 TAB fields>``.

Each player line first tries a fast path for the writer's exact layout (bytes, number tokens
looked up in tables); anything unusual goes to the reference parser, which decides and words
the rejection. Both end in the same records (a test checks it); see ``bench/parse_micro.py``.
"""

from __future__ import annotations

import codecs
import hashlib
import math
import operator
import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from slomix_pipeline.formats.colour import strip_colour_codes
from slomix_pipeline.formats.frozen_records import fast_constructor
from slomix_pipeline.formats.limits import (
    INT32_MAX,
    MAX_INT_DIGITS,
    MAX_STATS_FILE_BYTES,
    MAX_STATS_PLAYERS,
)
from slomix_pipeline.formats.weapon_values import ACCURACY_FORMULA as ACCURACY_FORMULA
from slomix_pipeline.formats.weapon_values import (
    WeaponStats,
    WeaponValues,
    lazy_weapons,
    new_weapon_stats,
    new_weapon_values,
)

# --------------------------------------------------------------------------------------------
# Constants of the format
# --------------------------------------------------------------------------------------------

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


REJECTION_REASONS: frozenset[str] = frozenset(
    {
        "bad_filename",  # not YYYY-MM-DD-HHMMSS-<map>-round-<N>..., or an impossible date
        "not_a_stats_file",  # a side-car (endstats, _ws) or unknown kind was handed to the parser
        "invalid_round_number",  # the file-name round is not 1 or 2
        "empty_file",  # no bytes, or only whitespace
        "binary_content",  # NUL bytes: not a text file
        "invalid_header",  # line 1 has fewer than 8 backslash fields
        "header_only",  # nothing after the header line
        "no_player_lines",  # only blank lines after the header
        "malformed_player_line",  # a player line breaks the layout (line number + value given)
        "truncated_file",  # the unterminated last line fails to parse: the write was cut off
        "oversized_file",  # more bytes or player lines than any real round writes
        "unreadable",  # a failure no rule anticipated (the detail names it); never fatal
    }
)
"""Every reason code :class:`StatsFileRejected` can carry."""


class StatsFileRejected(Exception):
    """A file that cannot become a round; ``reason`` is a stable code from REJECTION_REASONS."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail}"

    def __reduce__(self) -> tuple[type[StatsFileRejected], tuple[str, str]]:
        # Default exception pickling replays ``args`` (one message); keep both attributes instead.
        return (type(self), (self.reason, self.detail))


# --------------------------------------------------------------------------------------------
# File names
# --------------------------------------------------------------------------------------------


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
    try:
        local_time = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
    except ValueError:
        return None
    return StatsFileName(name, kind, local_time, map_name, int(round_text))


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


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

# --------------------------------------------------------------------------------------------
# Small value parsers
# --------------------------------------------------------------------------------------------


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


def _tenths(text: str, field: str) -> int:
    """A ``%.1f`` minutes value as exact integer tenths ("2.3" -> 23); raises _LineError."""
    s = text.strip()
    whole, dot, frac = s.partition(".")
    if (
        len(s) > _MAX_DIGITS
        or not (whole.isdigit() and whole.isascii())
        or (frac and not (frac.isdigit() and frac.isascii()))
        or (dot and not frac)
    ):
        raise _LineError(f"{field} {text!r} is not a non-negative decimal number of minutes")
    if frac[1:].strip("0"):
        raise _LineError(f"{field} {text!r} has more precision than tenths of a minute")
    tenths = int(whole) * 10 + (int(frac[0]) if frac else 0)
    if tenths > _MAX_VALUE:
        raise _LineError(f"{field} {text[:40]!r} is out of range")
    return tenths


def _sha_hex(text: str, length: int) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def player_key_for(guid8: str, clean_name: str) -> tuple[str, bool]:
    """The downstream identity of a player line and whether it is a bot.

    Humans: the guid uppercased. Bots (guid ``OMNIBOT*`` or clean name ``[BOT]...``): ``OMNIBOT0``
    plus 24 hex of sha256(clean name), so several bots never collide. Empty guid: ``NOGUID`` plus
    26 hex of sha256(clean name). File-level duplicates are disambiguated later.
    """
    upper = guid8.upper()
    is_bot = upper.startswith("OMNIBOT") or clean_name[:5].upper() == "[BOT]"
    if is_bot:
        return "OMNIBOT0" + _sha_hex(clean_name, 24), True
    if not upper:
        return "NOGUID" + _sha_hex(clean_name, 26), False
    return upper, False


# --------------------------------------------------------------------------------------------
# Header
# --------------------------------------------------------------------------------------------


def _side(text: str, name: str, default: int, allowed: tuple[int, ...], warnings: list[str]) -> int:
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
    map_time = parse_clock_text(map_time_text)
    if map_time is None:
        warnings.append("map_time_invalid")
    actual_time = parse_clock_text(actual_time_text)
    if actual_time is None:
        warnings.append("actual_time_invalid")
    duration_ms = _round_duration_ms(parts, warnings)
    if len(parts) > 9:
        warnings.append("header_extra_fields")
    return _new_stats_header(
        server_name=parts[0],
        map_name=map_name,
        config_name=parts[2],
        header_round=header_round,
        defender_team=defender,
        winner_team=winner,
        map_time_text=map_time_text,
        actual_time_text=actual_time_text,
        map_time_seconds=map_time,
        actual_time_seconds=actual_time,
        round_duration_ms=duration_ms,
        field_count=len(parts),
        warnings=tuple(warnings),
    )


# --------------------------------------------------------------------------------------------
# Player lines
# --------------------------------------------------------------------------------------------


class _LineError(Exception):
    """A player line breaks the layout; the message names the offending value."""


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


def _line_warnings(
    line_number: int, team: int, weapon_ids: tuple[int, ...], warnings: list[str]
) -> None:
    if team > 3:
        warnings.append(f"team_out_of_range@{line_number}")
    if not weapon_ids:
        warnings.append(f"empty_weapon_mask@{line_number}")


def _player(
    line_number: int,
    guid8: str,
    raw_name: str,
    rounds: int,
    team: int,
    weapons: WeaponValues,
    extended: tuple[Any, ...] | list[Any] | None,
    played_tenths: int,
    dead_tenths: int,
    warnings: list[str],
) -> PlayerLine:
    """A PlayerLine from the reference path (the fast path inlines the same steps)."""
    _line_warnings(line_number, team, weapons.ids, warnings)
    clean_name = strip_colour_codes(raw_name)
    key, is_bot = player_key_for(guid8, clean_name)
    return _new_player_line(
        line_number,
        guid8,
        key,
        raw_name,
        clean_name,
        is_bot,
        rounds,
        team,
        weapons,
        extended is not None,
        *(_NO_EXTENDED if extended is None else extended),
        played_tenths,
        dead_tenths,
    )


# -- reference path: one str line at a time, precise error messages --------------------------


def _parse_weapons(weapon_text: str) -> WeaponValues:
    tokens = weapon_text.split()
    if not tokens:
        raise _LineError("missing weapon mask")
    numbers = []
    for token in tokens:
        try:
            if len(token) > _MAX_DIGITS + 1:
                raise ValueError(token)
            numbers.append(int(token))
        except ValueError:
            raise _LineError(f"weapon block value {token[:40]!r} is not an integer") from None
    mask = numbers[0]
    if mask < 0 or mask >> (_MAX_WEAPON_BIT + 1):
        raise _LineError(f"weapon mask {mask} uses bits outside 0..{_MAX_WEAPON_BIT}")
    ids, names = _weapons_of_mask(mask)
    if len(numbers) != 1 + 5 * len(ids):
        raise _LineError(
            f"weapon mask {mask} announces {len(ids)} weapons = {5 * len(ids)} values, "
            f"found {len(numbers) - 1}"
        )
    if min(numbers) < 0:
        raise _LineError(f"negative weapon value {min(numbers)}")
    if max(numbers[1:], default=0) > _MAX_VALUE:
        raise _LineError(f"weapon value {max(numbers[1:])} is out of range (> {_MAX_VALUE})")
    return new_weapon_values(ids, names, tuple(numbers[1:]), None, None)


def _parse_extended(ext_text: str) -> tuple[list[Any], int, int]:
    """The 38 TAB values (typed by index) plus exact time-played/time-dead tenths."""
    ext = ext_text.split("\t")
    if len(ext) != EXTENDED_FIELD_COUNT:
        raise _LineError(
            f"extended block has {len(ext)} TAB fields, expected {EXTENDED_FIELD_COUNT}"
        )
    values: list[Any] = []
    for i, text in enumerate(ext):
        is_float = i in FLOAT_FIELD_INDICES
        try:
            if len(text.strip()) > _MAX_DIGITS + 1 and not is_float:
                raise ValueError(text)
            value = float(text) if is_float else int(text)
        except ValueError:
            kind = "a number" if is_float else "an integer"
            raise _LineError(
                f"TAB {i} ({EXTENDED_FIELD_NAMES[i]}) {text[:40]!r} is not {kind}"
            ) from None
        if is_float and not math.isfinite(value):
            raise _LineError(f"TAB {i} ({EXTENDED_FIELD_NAMES[i]}) {text[:40]!r} is not finite")
        if value < 0:
            # A counter below zero is corruption; taken as written it would fail the round
            # contract (WS0) for every later day instead of quarantining this one file.
            raise _LineError(f"TAB {i} ({EXTENDED_FIELD_NAMES[i]}) {text[:40]!r} is negative")
        if value > _MAX_VALUE:
            raise _LineError(f"TAB {i} ({EXTENDED_FIELD_NAMES[i]}) {text[:40]!r} is out of range")
        values.append(value)
    played = _tenths(ext[22], "TAB 22 (time_played_minutes)")
    dead = _tenths(ext[25], "TAB 25 (time_dead_minutes)")
    return values, played, dead


def _parse_player_line(line: str, line_number: int, warnings: list[str]) -> PlayerLine:
    """Parse one player line or raise _LineError naming the offending value."""
    parts = line.split("\\", 4)
    if len(parts) < 5:
        raise _LineError(
            f"expected 5 backslash-separated fields (guid, name, rounds, team, stats), "
            f"found {len(parts)} in {line[:80]!r}"
        )
    guid_text, raw_name, rounds_text, team_text, rest = parts
    rounds = _small_int(rounds_text.strip())
    if rounds is None:
        raise _LineError(f"rounds {rounds_text.strip()[:40]!r} is not a non-negative integer")
    team = _small_int(team_text.strip())
    if team is None:
        raise _LineError(f"team {team_text.strip()[:40]!r} is not a non-negative integer")
    # ASCII only and no '_': int()/float() would otherwise accept Unicode digits and "1_000".
    bad = next((c for c in rest if not c.isascii() or c in "_\\"), None)
    if bad is not None:
        raise _LineError(f"stats section contains the character {bad!r}")
    tab = rest.find("\t")
    if tab < 0:  # no extended block at all: legal, everything but the weapons is 0
        weapons = _parse_weapons(rest)
        extended, played, dead = None, 0, 0
    else:
        weapons = _parse_weapons(rest[:tab])
        extended, played, dead = _parse_extended(rest[tab + 1 :])
    return _player(
        line_number,
        guid_text.strip(),
        raw_name,
        rounds,
        team,
        weapons,
        extended,
        played,
        dead,
        warnings,
    )


# -- fast path: the writer's exact layout, number tokens looked up in tables ------------------


# Canonical number tokens map straight to their values: one dict lookup per token through
# ``map`` runs at C speed, ~4x cheaper than ``int()`` per token (a file has ~1,000 numbers).
# Tokens outside the tables (large damage, the weapon mask, big DPM) are converted one by one.
_INT_TOKENS: dict[bytes, int] = {b"%d" % n: n for n in range(10000)}
_TENTH_TOKENS: dict[bytes, int] = {b"%d.%d" % divmod(n, 10): n for n in range(10000)}
_FLOAT_TOKENS: dict[bytes, float] = {token: float(token) for token in _TENTH_TOKENS}
_EXT_LOOKUPS = tuple(
    _FLOAT_TOKENS.get if i in FLOAT_FIELD_INDICES else _INT_TOKENS.get
    for i in range(EXTENDED_FIELD_COUNT)
)


def _canonical_token(token: bytes, is_float: bool) -> int | float | None:
    """A token the tables do not hold: plain digits (int) or digits '.' digit (float)."""
    if not is_float:
        return _small_int(token)
    digits_dot_digit = token[-2:-1] == b"." and token[:-2].isdigit() and token[-1:].isdigit()
    if not digits_dot_digit or len(token) > _MAX_DIGITS:
        return None
    value = float(token)
    return value if value <= _MAX_VALUE else None


def _fill_misses(values: list[Any], tokens: list[bytes], float_slots: frozenset[int]) -> bool:
    """Convert the tokens the tables missed (None) in place; False if one is not canonical."""
    for i, value in enumerate(values):
        if value is None:
            value = _canonical_token(tokens[i], i in float_slots)
            if value is None:
                return False
            values[i] = value
    return True


_NO_FLOAT_SLOTS: frozenset[int] = frozenset()

# The same few dozen regulars appear in file after file: remember each (guid, raw name) pair's
# decoded identity instead of decoding, colour-stripping and hashing it on every line.
_IDENTITY_CACHE_SIZE = 4096
_identities: dict[tuple[bytes, bytes], tuple[str, str, str, str, bool]] = {}


def _identity(guid: bytes, raw: bytes) -> tuple[str, str, str, str, bool]:
    """(guid8, raw name, clean name, player key, is bot) of a line's first two fields."""
    guid8 = guid.decode("utf-8", errors="replace").strip()
    raw_name = raw.decode("utf-8", errors="replace")
    clean_name = strip_colour_codes(raw_name)
    key, is_bot = player_key_for(guid8, clean_name)
    if len(_identities) >= _IDENTITY_CACHE_SIZE:
        _identities.clear()  # bounded; refilled by the players actually seen
    identity = _identities[(guid, raw)] = (guid8, raw_name, clean_name, key, is_bot)
    return identity


def _parse_player_line_fast(
    line: bytes, line_number: int, warnings: list[str]
) -> PlayerLine | None:
    """One player line in the writer's exact layout, or None to let the reference path decide.

    Canonical: ``guid\\name\\digits\\digits\\<mask> <ints> \t<38 TAB fields>`` where weapon
    values and integer TAB fields are plain digits and the seven float fields are
    ``digits.digit``. Whatever this accepts, the reference path accepts with the same result (a
    test checks this); anything else returns None and never raises.
    """
    parts = line.split(b"\\", 4)
    if len(parts) != 5:
        return None
    guid, raw, rounds_text, team_text, rest = parts
    tab = rest.find(b"\t")
    rounds = _INT_TOKENS.get(rounds_text)  # the table first: nearly always a hit
    if rounds is None:
        rounds = _small_int(rounds_text)
    team = _INT_TOKENS.get(team_text)
    if team is None:
        team = _small_int(team_text)
    if tab < 0 or rounds is None or team is None:
        return None
    weapon_tokens = rest[:tab].split()
    ext_tokens = rest[tab + 1 :].split(b"\t")
    if len(ext_tokens) != EXTENDED_FIELD_COUNT or not weapon_tokens:
        return None
    mask = _small_int(weapon_tokens[0])
    if mask is None or mask >> 28:
        return None
    ids, names = _weapons_of_mask(mask)
    if len(weapon_tokens) != 1 + 5 * len(ids):
        return None
    values = list(map(_INT_TOKENS.get, weapon_tokens))
    values[0] = mask
    extended = list(map(operator.call, _EXT_LOOKUPS, ext_tokens))
    try:  # sum() is a fast "no None in here" test; None marks a token the tables lack
        sum(values)
    except TypeError:
        if not _fill_misses(values, weapon_tokens, _NO_FLOAT_SLOTS):
            return None
    try:
        sum(extended)
    except TypeError:
        if not _fill_misses(extended, ext_tokens, FLOAT_FIELD_INDICES):
            return None
    played = _TENTH_TOKENS.get(ext_tokens[22])
    dead = _TENTH_TOKENS.get(ext_tokens[25])
    if played is None or dead is None:
        return None  # beyond 999.9 minutes: let the reference path read the digits
    weapons = new_weapon_values(ids, names, tuple(values[1:]), None, None)
    if team > 3 or not ids:
        _line_warnings(line_number, team, ids, warnings)
    return _player_line(line_number, guid, raw, rounds, team, weapons, extended, played, dead)


def _player_line(
    line_number: int,
    guid: bytes,
    raw: bytes,
    rounds: int,
    team: int,
    weapons: WeaponValues,
    extended: Any,
    played: Any,
    dead: Any,
) -> PlayerLine:
    """One accepted player line, its identity cached (both fast paths build it here)."""
    identity = _identities.get((guid, raw))
    if identity is None:
        identity = _identity(guid, raw)
    guid8, raw_name, clean_name, key, is_bot = identity
    return _new_player_line(
        line_number,
        guid8,
        key,
        raw_name,
        clean_name,
        is_bot,
        rounds,
        team,
        weapons,
        True,
        *extended,
        played,
        dead,
    )


def _disambiguate(players: list[PlayerLine], warnings: list[str]) -> list[PlayerLine]:
    """Give every line of a file a distinct key, deterministically (so R1/R2 pair the same way).

    Lines sharing a key get ``:`` + 8 hex of sha256(raw name). If even that collides (same key
    and same raw name), later lines in file order get ``#2``, ``#3``... and a warning, because
    the file's line order is arbitrary and such players cannot be paired reliably.
    """
    counts = Counter(p.player_key for p in players)
    out: list[PlayerLine] = []
    seen: Counter[str] = Counter()
    for p in players:
        key = p.player_key
        if counts[key] > 1:
            key = f"{key}:{_sha_hex(p.raw_name, 8)}"
            warnings.append(f"player_key_disambiguated@{p.line_number}")
        seen[key] += 1
        if seen[key] > 1:
            key = f"{key}#{seen[key]}"
            warnings.append(f"duplicate_player_key@{p.line_number}")
        out.append(p if key == p.player_key else replace(p, player_key=key))
    return out


# --------------------------------------------------------------------------------------------
# File
# --------------------------------------------------------------------------------------------


def _lines_of(data: bytes) -> tuple[list[bytes], bool]:
    """Lines split with universal newlines and whether the last line was newline-terminated.

    Splitting bytes rather than text is equivalent (CR and LF never occur inside a UTF-8
    multi-byte sequence) and lets the number-only parts of a line skip decoding.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    lines = data.split(b"\n")
    terminated = lines[-1] == b""
    if terminated:
        lines.pop()
    return lines, terminated


def _parse_players(
    rows: list[tuple[int, bytes]], terminated: bool, last_line: int, warnings: list[str]
) -> list[PlayerLine]:
    """Every player line: the fast path when the line is canonical, else the reference path."""
    players = []
    for line_number, line in rows:
        player = _parse_player_line_fast(line, line_number, warnings)
        if player is not None:
            players.append(player)
            continue
        try:
            text = line.decode("utf-8", errors="replace")
            players.append(_parse_player_line(text, line_number, warnings))
        except _LineError as exc:
            if line_number == last_line and not terminated:
                raise StatsFileRejected(
                    "truncated_file",
                    f"line {line_number} (last, no newline) does not parse: {exc}",
                ) from None
            raise StatsFileRejected("malformed_player_line", f"line {line_number}: {exc}") from None
    return players


def parse_stats_file(name: str, data: bytes) -> ParsedStatsFile:
    """Parse one stats file (bare file name + bytes) or raise :class:`StatsFileRejected`.

    Nothing else ever escapes: a failure no rule anticipated (a bug, MemoryError on absurd
    input) becomes the ``unreadable`` rejection naming it, so one file can only ever be
    quarantined, never stop the ingestion of the others. See :func:`_parse_stats_file`.
    """
    try:
        return _parse_stats_file(name, data)
    except StatsFileRejected:
        raise
    except Exception as exc:
        raise StatsFileRejected(
            "unreadable", f"{name!r}: {type(exc).__name__}: {exc!s:.160}"
        ) from None


def _parse_stats_file(name: str, data: bytes) -> ParsedStatsFile:
    """The parser proper.

    Text is UTF-8 decoded with ``errors="replace"`` (a bad byte in a name becomes U+FFFD instead
    of vanishing and silently changing the identity hash), with universal newlines. Side-car kinds
    are refused with ``not_a_stats_file``; callers classify first and never feed them.
    """
    file = classify_stats_filename(name)
    if file is None:
        raise StatsFileRejected(
            "bad_filename", f"{name!r} is not YYYY-MM-DD-HHMMSS-<map>-round-<N>.txt"
        )
    if file.kind is not StatsFileKind.STATS:
        raise StatsFileRejected(
            "not_a_stats_file", f"{name!r} is a {file.kind.value} file, not a stats file"
        )
    if file.round_number not in (1, 2):
        raise StatsFileRejected(
            "invalid_round_number", f"{name!r}: round {file.round_number} is not 1 or 2"
        )
    if len(data) > MAX_STATS_FILE_BYTES:
        raise StatsFileRejected(
            "oversized_file", f"{name!r} has {len(data)} bytes > {MAX_STATS_FILE_BYTES}"
        )
    if not data.removeprefix(codecs.BOM_UTF8).strip():
        raise StatsFileRejected("empty_file", f"{name!r} has no content ({len(data)} bytes)")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise StatsFileRejected("binary_content", f"{name!r} has a NUL byte at offset {nul}")
    lines, terminated = _lines_of(data)
    header = _parse_header(lines[0].decode("utf-8", errors="replace"), file)
    if len(lines) == 1:
        raise StatsFileRejected("header_only", f"{name!r} has a header line and no player lines")
    rows = [(i + 1, line) for i, line in enumerate(lines) if i and line.strip()]
    if len(rows) > MAX_STATS_PLAYERS:
        raise StatsFileRejected(
            "oversized_file", f"{name!r} has {len(rows)} player lines > {MAX_STATS_PLAYERS}"
        )
    if not rows:
        raise StatsFileRejected(
            "no_player_lines", f"{name!r} has only blank lines after the header"
        )

    warnings: list[str] = list(header.warnings)
    players = parse_rows_fast(rows, warnings)  # the whole file in one pass, when canonical
    if players is None:
        players = _parse_players(rows, terminated, len(lines), warnings)
    if not terminated:
        warnings.append("missing_final_newline")
    if len({p.player_key for p in players}) != len(players):
        players = _disambiguate(players, warnings)
    return _new_parsed_stats_file(file, header, tuple(players), tuple(warnings))


# The whole-file fast path builds on the helpers above (hence imported last).
from slomix_pipeline.formats.stats_fast import parse_rows_fast  # noqa: E402
