"""A parsed file's player lines as plain rows, turned into PlayerLine records only when read.

Why: ingestion reads a parsed file only through the round builder (``build_round_stats``), which
needs each line's numbers, not a 50-field frozen record: building one cost ~9,000 machine
instructions, a dozen per file, a sixth of parse + differential. So the whole-file fast path
stores a :class:`PlayerRows` in :class:`ParsedStatsFile`'s ``players`` slot, and a data
descriptor makes ``players`` read as the usual ``tuple`` of :class:`PlayerLine` (built on first
read, then cached): every reader, ``==``, ``hash``, ``repr``, ``replace`` and pickling see
exactly what they saw before. The round builder reads the rows with :func:`player_rows`, which
also turns records stored as a tuple (the slower parsing paths, hand-built files) into rows.

A row is ``(line_number, identity, rounds, team, weapons, extended, played_tenths,
dead_tenths)``: ``identity`` = (guid8, raw name, clean name, player key, is bot), ``weapons``
the line's :class:`WeaponValues`, ``extended`` the 38 TAB values in field order (0 / 0.0 when
the line has none, as the record's attributes read).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from slomix_pipeline.formats.lazy_fields import lazy_field
from slomix_pipeline.formats.stats.layout import EXTENDED_FIELD_NAMES
from slomix_pipeline.formats.stats.records import (
    ParsedStatsFile,
    PlayerLine,
    _new_player_line,
    line_weapon_values,
)
from slomix_pipeline.formats.stats.weapons import WeaponValues

PlayerRow = tuple[
    int,  # line_number
    tuple[str, str, str, str, bool],  # guid8, raw_name, clean_name, player_key, is_bot
    int,  # rounds
    int,  # team
    WeaponValues,
    Sequence[Any],  # the 38 TAB values, field order
    int,  # time_played_tenths
    int,  # time_dead_tenths
]
_extended_of = attrgetter(*EXTENDED_FIELD_NAMES)


@dataclass(slots=True, eq=False)
class PlayerRows:
    """Rows of a file's player lines (all with a TAB block); ``lines`` caches the records."""

    rows: list[PlayerRow]
    lines: tuple[PlayerLine, ...] | None

    def records(self) -> tuple[PlayerLine, ...]:
        """The PlayerLine records, built on first call."""
        lines = self.lines
        if lines is None:
            lines = self.lines = tuple(map(line_of_row, self.rows))
        return lines


def line_of_row(row: PlayerRow) -> PlayerLine:
    """The PlayerLine of a row taken from a line with a TAB block."""
    line_number, identity, rounds, team, weapons, extended, played, dead = row
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
        True,  # has_extended
        *extended,
        played,
        dead,
    )


def row_of_line(p: PlayerLine) -> PlayerRow:
    """The row of a record (its TAB values are 0 / 0.0 when it has no TAB block)."""
    identity = (p.guid8, p.raw_name, p.clean_name, p.player_key, p.is_bot)
    return (
        p.line_number,
        identity,
        p.rounds,
        p.team,
        line_weapon_values(p),
        _extended_of(p),
        p.time_played_tenths,
        p.time_dead_tenths,
    )


_get_players_slot = lazy_field(ParsedStatsFile, "players", PlayerRows)


def player_rows(parsed: ParsedStatsFile) -> list[PlayerRow]:
    """The rows of a parsed file's player lines, whichever form its ``players`` slot holds."""
    raw = _get_players_slot(parsed)
    if type(raw) is PlayerRows:
        return raw.rows
    return list(map(row_of_line, raw))
