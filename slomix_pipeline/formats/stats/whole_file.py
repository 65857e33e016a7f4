"""Whole-file fast path of the stats parser: every number of a file converted in one C pass.

Why: a number token costs ~600 machine instructions when it is split out as its own bytes
object and looked up or converted one at a time, and a file has ~850 of them. Here each player
line is only *checked* token-free, with C-level byte operations, and then the numbers of all
lines are converted together by ``numpy.fromstring`` (a C loop over the text) and turned back
into Python ints by ``tolist``.

The check proves that the line is in the writer's exact layout, for which the result of the
reference parser is known without running it:

* ``guid\\name\\rounds\\team\\`` with rounds and team plain digits (table or ``_small_int``);
* the rest, with its digits deleted (``bytes.translate``), equals the *skeleton* the weapon mask
  announces: one space after the mask and after each of its 5 x n weapon values, a TAB, then the
  38 TAB-separated fields with a ``.`` in exactly the seven float fields. Anything else in the
  rest (signs, ``_``, other whitespace, letters, non-ASCII, a backslash) breaks the skeleton;
* on every line the token between the last weapon value's space and the first TAB is empty
  (``" \t"``); then a line holds at most as many digit runs as its skeleton has other tokens,
  so the file's count of numbers equals what the masks announce only if no token anywhere is
  empty (no ``"  "``, ``"\t\t"`` or trailing TAB needs its own scan);
* every dot is ``digit . digit TAB`` (one count: the seven dots a line are all in that
  pattern), no run of more than 10 digits, and every value <= INT32_MAX.

A float field ``D.d`` is then read as the integer ``Dd`` (tenths) and divided by 10: the
quotient of two exact integers, correctly rounded, is the same double as ``float("D.d")``
(both are the double nearest to the same rational). The tenths are also exactly what the
reference path computes for TAB 22 / TAB 25. If any line fails the check, the caller parses
the file line by line instead (per-line fast path, then the reference path, which decides and
words a rejection), so results and rejections are those of the reference parser; a test
compares all paths on every generated sample file with hostile tokens spliced in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slomix_pipeline.formats.limits import (
    INT32_MAX,
)
from slomix_pipeline.formats.stats.identity import (
    _identities,
    _identity,
    _line_warnings,
)
from slomix_pipeline.formats.stats.layout import (
    EXTENDED_FIELD_COUNT,
    FLOAT_FIELD_INDICES,
    _small_int,
    _weapons_of_mask,
)
from slomix_pipeline.formats.stats.per_line import (
    _INT_TOKENS,
)
from slomix_pipeline.formats.stats.player_rows import (
    PlayerRow,
)
from slomix_pipeline.formats.stats.weapons import (
    new_weapon_values,
)

_DIGITS = b"0123456789"
_EXT_SKELETON = b"\t".join(
    b"." if i in FLOAT_FIELD_INDICES else b"" for i in range(EXTENDED_FIELD_COUNT)
)
_SKELETONS: tuple[bytes, ...] = tuple(b" " * (1 + 5 * n) + b"\t" + _EXT_SKELETON for n in range(29))
"""Digits deleted, a canonical rest with n weapons is exactly ``_SKELETONS[n]``."""
_ALL_ZERO = bytes.maketrans(_DIGITS, b"0" * 10)
_TENTHS: tuple[float, ...] = tuple(n / 10 for n in range(10000))
"""``_TENTHS[n]`` is ``n / 10``, the double ``float("D.d")`` gives (see the module docstring)."""
_TOO_LONG = b"0" * 11  # 11 digits in a row: longer than any value <= INT32_MAX without zeros
_TEN_DIGITS = b"0" * 10
_ONE_DECIMAL = b"0.0\t"  # a digit, the dot, one digit, the TAB: the only float layout taken
_FLOATS_PER_LINE = len(FLOAT_FIELD_INDICES)  # the skeleton has exactly this many dots a line
_PER_LINE = 1 + EXTENDED_FIELD_COUNT  # the mask and the TAB block; plus 5 per weapon
assert sorted(FLOAT_FIELD_INDICES) == [8, 21, 22, 23, 24, 25, 26]  # unrolled below

# Players keep their class loadout: a few hundred mask tokens cover a landing zone, so the
# token itself is the key (no int conversion, no bit decoding on the usual line).
_MASK_TOKEN_CACHE_SIZE = 4096
_mask_tokens: dict[bytes, tuple[tuple[int, ...], tuple[str, ...]]] = {}


def _weapons_of_mask_token(token: bytes) -> tuple[tuple[int, ...], tuple[str, ...]] | None:
    """Weapon ids and names of a mask token (plain digits, < 2**28), else None; remembered."""
    mask = _small_int(token)
    if mask is None or mask >> 28:
        return None
    if len(_mask_tokens) >= _MASK_TOKEN_CACHE_SIZE:
        _mask_tokens.clear()  # bounded; refilled by the loadouts actually seen
    weapons = _mask_tokens[token] = _weapons_of_mask(mask)
    return weapons


_fromstring: Callable[[bytes, bool], list[int] | None] | None = None


def _numbers(blob: bytes, may_exceed: bool) -> list[int] | None:
    """The digit runs of ``blob`` as ints, in one C loop; None if one is above INT32_MAX.

    ``may_exceed``: whether a run has 10 digits (a shorter one is at most 999,999,999). Only
    then is the maximum taken: on a few hundred values that numpy call alone costs ~10,000
    machine instructions. numpy is imported on first use only: processes that never parse
    stats files (the daemon's sensors) do not pay its import.
    """
    global _fromstring
    if _fromstring is None:
        import numpy

        def _convert(text: bytes, may_exceed: bool) -> list[int] | None:
            array = numpy.fromstring(text, dtype=numpy.int64, sep=" ")
            if may_exceed and array.size and array.max() > INT32_MAX:
                return None
            return array.tolist()  # type: ignore[no-any-return]

        _fromstring = _convert
    return _fromstring(blob, may_exceed)


def parse_rows_fast(rows: list[tuple[int, bytes]], warnings: list[str]) -> list[PlayerRow] | None:
    """Every player line of a file as a row, or None (nothing appended) if one is not canonical.

    Rows, not PlayerLine records: see ``player_rows`` (records are built only when read).
    """
    heads = []
    rests = []
    skeletons = []
    expected = 0
    int_tokens = _INT_TOKENS
    for line_number, line in rows:
        parts = line.split(b"\\", 4)
        if len(parts) != 5:
            return None
        guid, raw, rounds_text, team_text, rest = parts
        rounds = int_tokens.get(rounds_text)
        if rounds is None:
            rounds = _small_int(rounds_text)
        team = int_tokens.get(team_text)
        if team is None:
            team = _small_int(team_text)
        mask_text = rest[: rest.find(b" ")]
        weapons = _mask_tokens.get(mask_text)
        if weapons is None:
            weapons = _weapons_of_mask_token(mask_text)
        if rounds is None or team is None or weapons is None:
            return None
        ids, names = weapons
        heads.append((line_number, guid, raw, rounds, team, ids, names))
        rests.append(rest)
        skeletons.append(_SKELETONS[len(ids)])
        expected += _PER_LINE + 5 * len(ids)
    blob = b"\n".join(rests)
    if blob.translate(None, _DIGITS) != b"\n".join(skeletons):
        return None
    # Each line has at most as many digit runs as its skeleton has tokens once the token
    # between its last space and its first TAB is empty (" \t" on every line): the total
    # count of numbers then equals ``expected`` only if no token anywhere is empty.
    shape = blob.translate(_ALL_ZERO)
    if (
        shape.count(b" \t") != len(rows)
        or shape.count(_ONE_DECIMAL) != _FLOATS_PER_LINE * len(rows)  # every float is D.d
    ):
        return None
    # A run of 10 digits may exceed INT32_MAX, 11 or more always do. (A float D.d with 9 digits
    # before the dot, 10 digits of tenths, is past the tenths table: _assemble bounds it.)
    may_exceed = _TEN_DIGITS in shape
    if may_exceed and _TOO_LONG in shape:
        return None
    # The dots deleted by a memchr loop (~5x cheaper than translate): D.d reads as tenths.
    values = _numbers(blob.replace(b".", b""), may_exceed)
    if values is None or len(values) != expected:
        return None
    return _assemble(heads, values, warnings)


def _assemble(
    heads: list[tuple[Any, ...]], values: list[int], warnings: list[str]
) -> list[PlayerRow] | None:
    """Player rows from the checked lines' heads and the file's numbers, in line order; None
    (nothing appended) when a float's tenths exceed INT32_MAX."""
    players: list[PlayerRow] = []
    identities = _identities
    tenths = _TENTHS
    line_warnings: list[str] = []
    frozen = tuple(values)  # weapon groups are slices of it (tuples), TAB blocks of the list
    start = 0
    for line_number, guid, raw, rounds, team, ids, names in heads:
        first = start + 1  # past the mask
        end = first + 5 * len(ids)
        weapons = new_weapon_values(ids, names, frozen[first:end], None, None)
        ext = values[end : end + EXTENDED_FIELD_COUNT]
        start = end + EXTENDED_FIELD_COUNT
        played = ext[22]
        dead = ext[25]
        try:  # the float fields, read as tenths: a table look-up instead of a division each
            ext[8] = tenths[ext[8]]
            ext[21] = tenths[ext[21]]
            ext[22] = tenths[played]
            ext[23] = tenths[ext[23]]
            ext[24] = tenths[ext[24]]
            ext[25] = tenths[dead]
            ext[26] = tenths[ext[26]]
        except IndexError:  # 1,000.0 or more somewhere: divide them all (the same doubles)
            for index in FLOAT_FIELD_INDICES:
                tenths_value = values[end + index]
                if tenths_value > INT32_MAX:
                    return None  # past INT32_MAX: the other paths decide, as for an int
                ext[index] = tenths_value / 10
        if team > 3 or not ids:
            _line_warnings(line_number, team, ids, line_warnings)
        identity = identities.get((guid, raw))
        if identity is None:
            identity = _identity(guid, raw)
        players.append((line_number, identity, rounds, team, weapons, ext, played, dead))
    warnings.extend(line_warnings)
    return players
