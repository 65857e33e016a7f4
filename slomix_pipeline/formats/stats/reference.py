"""The reference player-line parser: one ``str`` line at a time, precise error messages.

It decides every unusual line and words every rejection; the fast paths only take lines for
which its result is known without running it (a test compares them on every sample file).
"""

from __future__ import annotations

import math
from typing import Any

from slomix_pipeline.formats.stats.identity import (
    _player,
)
from slomix_pipeline.formats.stats.layout import (
    _MAX_DIGITS,
    _MAX_VALUE,
    _MAX_WEAPON_BIT,
    EXTENDED_FIELD_COUNT,
    EXTENDED_FIELD_NAMES,
    FLOAT_FIELD_INDICES,
    _small_int,
    _weapons_of_mask,
)
from slomix_pipeline.formats.stats.records import (
    PlayerLine,
)
from slomix_pipeline.formats.stats.rejects import (
    _LineError,
)
from slomix_pipeline.formats.stats.weapons import (
    WeaponValues,
    new_weapon_values,
)


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
