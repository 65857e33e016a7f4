"""R1 pairing, the R2 differential, and per-round player statistics.

In stopwatch mode the engine keeps most session counters across the half-time swap, so an R2
file holds R1+R2 values for every weapon tuple, TAB 0-7 (damage, gibs, self/team kills), TAB 20
(bullets fired) and TAB 22 (time played). The Lua's per-round arrays (TAB 9-19, 25, 27-37) are
already R2-only. This module turns a parsed file (plus, for an R2, its R1) into R2-only values:

* cumulative fields: R2 - R1; per-round fields: R2 as written;
* derived values are recomputed from the R2-only numbers (accuracy, kd, efficiency, dpm,
  time_dead_ratio, time_played_percent, tank_meatshield); the Lua's TAB 21 dpm and TAB 26 kd
  are ignored (the latter uses kills+1 when there are no deaths);
* a player whose ANY cumulative counter is lower in R2 than in R1 reconnected and got fresh
  counters: all their cumulative fields come from R2 as written, ``counter_reset`` is set and
  every dropped field is named once. Nothing is ever clamped, so no value can be negative and
  no drop goes unnoticed (upstream counted damage twice and needed a threshold of drops);
* time played comes from exact integer tenths of a minute (R2 - R1) x 6 s, never from floats
  (upstream truncated 1.1999999999999997 min to 71 s instead of 72 s).
"""

from __future__ import annotations

from array import array as _unsigned
from collections.abc import Callable, Sequence
from operator import attrgetter, itemgetter
from typing import Any

from slomix_pipeline.domain.contract import build_contract
from slomix_pipeline.domain.round1_window import DEFAULT_WINDOW_MINUTES as DEFAULT_WINDOW_MINUTES
from slomix_pipeline.domain.round1_window import Round1Index as Round1Index
from slomix_pipeline.domain.round1_window import find_round1 as find_round1
from slomix_pipeline.domain.round_metrics import (
    _dead_ratio,
    _header_time,
    _percent_differential,
)
from slomix_pipeline.domain.round_metrics import (
    round_tenth as round_tenth,
)
from slomix_pipeline.domain.round_metrics import (
    tank_meatshield as tank_meatshield,
)
from slomix_pipeline.domain.round_players import (
    CUMULATIVE_FIELDS as CUMULATIVE_FIELDS,
)
from slomix_pipeline.domain.round_players import (
    CUMULATIVE_TABS,
    new_round_player,
    new_round_player_as_written,
)
from slomix_pipeline.domain.stats_records import (
    PlayerRoundStats,
    RoundStats,
    TimeSource,
    new_round_stats,
)
from slomix_pipeline.formats.stats.player_rows import PlayerRow, player_rows
from slomix_pipeline.formats.stats.weapons import (
    WeaponValues,
    difference_of,
    new_weapon_values,
    totals_of,
)
from slomix_pipeline.formats.stats_file import ParsedStatsFile

_TOTAL_FIELDS = ("kills", "deaths", "headshots", "shots_total", "hits_total")
_WEAPON_FIELDS = ("hits", "shots", "kills", "deaths", "headshots")
# Records store the plain string value of a TimeSource (a str column, no enum type leaking).
_TAB22 = TimeSource.TAB22.value
_TAB22_DIFFERENTIAL = TimeSource.TAB22_DIFFERENTIAL.value
_TAB22_AFTER_RESET = TimeSource.TAB22_AFTER_RESET.value
_ZERO_GROUP = (0, 0, 0, 0, 0)
_is_bot = attrgetter("is_bot")


_cumulative: Callable[[Sequence[Any]], tuple[int, ...]] = itemgetter(*CUMULATIVE_TABS)
"""The CUMULATIVE_FIELDS of a line's TAB values (TAB 0-7 and 20)."""


# --------------------------------------------------------------------------------------------
# Per-player paths
# --------------------------------------------------------------------------------------------


def _single_round_player(
    row: PlayerRow, fallback: tuple[int, str], joined_in_r2: bool
) -> PlayerRoundStats:
    """Values as written: an R1, an orphan R2 (cumulative!), or a player who joined in R2."""
    played = row[6]
    if played > 0:
        seconds, source = played * 6, _TAB22
    else:
        seconds, source = fallback
    return new_round_player_as_written(row, totals_of(row[4].values), seconds, source, joined_in_r2)


def _dropped_fields(
    r1: PlayerRow, r2: PlayerRow, cum1: tuple[int, ...], cum2: tuple[int, ...]
) -> tuple[str, ...]:
    """Every monotone counter that is lower in R2 than in R1, each named once, in a fixed order.

    Order: weapon totals, TAB counters, time played, then ``WS_NAME.field`` by weapon id. A
    weapon of R1 missing from R2 dropped to zero (the Lua writes every weapon with activity,
    and cumulative activity cannot vanish without a reconnect). Only runs on the rare path.
    """
    totals1 = totals_of(r1[4].values)
    totals2 = totals_of(r2[4].values)
    names = [name for name, a, b in zip(_TOTAL_FIELDS, totals1, totals2, strict=True) if b < a]
    names += [name for name, a, b in zip(CUMULATIVE_FIELDS, cum1, cum2, strict=True) if b < a]
    if r2[6] < r1[6]:
        names.append("time_played_minutes")
    after = {w.weapon_id: w for w in r2[4].records()}
    for w in r1[4].records():
        o = after.get(w.weapon_id)
        before_values = (w.hits, w.shots, w.kills, w.deaths, w.headshots)
        after_values = (0,) * 5 if o is None else (o.hits, o.shots, o.kills, o.deaths, o.headshots)
        names += [
            f"{w.weapon_name}.{field}"
            for field, a, b in zip(_WEAPON_FIELDS, before_values, after_values, strict=True)
            if b < a
        ]
    return tuple(names)


def _r1_values_aligned(before: WeaponValues, after: WeaponValues) -> tuple[int, ...] | None:
    """R1's weapon values in R2's weapon order (0s for weapons first used in R2).

    None when a weapon of R1 with activity is missing from R2 (a reconnect).
    """
    if before.ids == after.ids:  # the usual case: the player kept the class loadout
        return before.values
    position = {wid: 5 * k for k, wid in enumerate(before.ids)}
    aligned: list[int] = []
    for wid in after.ids:
        k = position.pop(wid, None)
        aligned += _ZERO_GROUP if k is None else before.values[k : k + 5]
    if any(any(before.values[k : k + 5]) for k in position.values()):
        return None
    return tuple(aligned)


def _differential_player(
    r1: PlayerRow, r2: PlayerRow, fallback: tuple[int, str]
) -> PlayerRoundStats:
    """R2-only values of a player present in both rounds (see the module docstring)."""
    e1 = r1[5]
    e2 = r2[5]
    # CUMULATIVE_FIELDS (TAB 0-7, 20), R2 - R1, spelled out: cheaper than map(sub) + a getter.
    # A line without a TAB block reads as all zeros.
    cumulative = [
        e2[0] - e1[0],
        e2[1] - e1[1],
        e2[2] - e1[2],
        e2[3] - e1[3],
        e2[4] - e1[4],
        e2[5] - e1[5],
        e2[6] - e1[6],
        e2[7] - e1[7],
        e2[20] - e1[20],
    ]
    played = r2[6] - r1[6]
    weapons2 = r2[4]
    weapons1 = r1[4]
    if weapons1.ids == weapons2.ids:  # the usual case (same loadout), without the call
        aligned: tuple[int, ...] | None = weapons1.values
    else:
        aligned = _r1_values_aligned(weapons1, weapons2)
    dropped = True
    if aligned is not None and played >= 0:
        diff = difference_of(weapons2.values, aligned)
        try:  # an unsigned array refuses a negative int: "went down?" in C, cheaper than min()
            _unsigned("Q", cumulative)
            _unsigned("Q", diff)
            dropped = False
        except (OverflowError, TypeError):  # a drop (or a hand-built record's odd value)
            dropped = min(cumulative) < 0 or (bool(diff) and min(diff) < 0)

    if dropped:  # reconnect: the R2 counters restarted from zero, they ARE the R2 values
        cum2 = _cumulative(e2)
        played = r2[6]
        if played > 0:
            seconds, source = played * 6, _TAB22_AFTER_RESET
        else:
            seconds, source = fallback
        raw_totals = totals_of(weapons2.values)
        return new_round_player(
            r2,
            weapons2,
            raw_totals,
            cum2,
            seconds,
            source,
            _dead_ratio(r2[7], played),
            e2[8],  # time_played_percent as written
            tank_meatshield(cum2[1], raw_totals[1]),
            _dropped_fields(r1, r2, _cumulative(e1), cum2),
            False,
        )

    totals = totals_of(diff)
    return new_round_player(
        r2,
        new_weapon_values(weapons2.ids, weapons2.names, diff, weapons2, None),
        totals,
        cumulative,
        played * 6,
        _TAB22_DIFFERENTIAL,
        _dead_ratio(r2[7], played),
        _percent_differential(e1[8], r1[6], e2[8], r2[6], played),
        tank_meatshield(cumulative[1], totals[1]),
        (),
        False,
    )


# --------------------------------------------------------------------------------------------
# Rounds
# --------------------------------------------------------------------------------------------


def _check_pair(r2: ParsedStatsFile, r1: ParsedStatsFile) -> None:
    if r2.file.round_number != 2:
        raise ValueError(f"{r2.file.name}: an R1 partner is only valid for a round-2 file")
    if r1.file.round_number != 1:
        raise ValueError(f"{r1.file.name} is not a round-1 file")
    if r1.file.map_name.lower() != r2.file.map_name.lower():
        raise ValueError(f"{r1.file.name} and {r2.file.name} are different maps")


def build_round_stats(parsed: ParsedStatsFile, r1: ParsedStatsFile | None = None) -> RoundStats:
    """Per-round stats of one parsed file.

    A round-1 file gives its values as written (``r1`` must be None). A round-2 file with its R1
    gives R2-only values via the differential; without an R1 it is an orphan
    (``is_orphan_r2``) whose values are the raw cumulative ones. Players only in R1 produce no
    R2 row (warning ``r1_only_player@<key>``); no match-summary (round 0) rows exist.
    """
    file, header = parsed.file, parsed.header
    warnings = list(parsed.warnings)
    fallback = _header_time(header)
    players: list[PlayerRoundStats]
    if r1 is None:
        players = [_single_round_player(row, fallback, False) for row in player_rows(parsed)]
        is_orphan = file.round_number == 2
        if is_orphan:
            warnings.append("orphan_r2")
    else:
        _check_pair(parsed, r1)
        is_orphan = False
        before = {row[1][3]: row for row in player_rows(r1)}  # by player key
        players = []
        for row in player_rows(parsed):
            row1 = before.pop(row[1][3], None)
            if row1 is None:
                players.append(_single_round_player(row, fallback, True))
                continue
            stats = _differential_player(row1, row, fallback)
            if stats.counter_reset:
                warnings.append(f"counter_reset@{stats.player_guid}")
            players.append(stats)
        if before:
            warnings.extend(f"r1_only_player@{key}" for key in before)
    bots = sum(map(_is_bot, players))
    humans = len(players) - bots
    duration_ms = header.round_duration_ms
    return new_round_stats(  # positional, in RoundStats field order
        file,
        header,
        file.round_number,  # round_number
        header.map_name or file.map_name,  # map_name
        tuple(players),  # players
        is_orphan,  # is_orphan_r2
        None if r1 is None else r1.file.name,  # r1_file_name
        r1 is not None,  # differential_applied
        None if duration_ms is None else duration_ms // 1000,  # round_duration_seconds
        bots,  # bot_player_count
        humans,  # human_player_count
        bots > 0 and (humans == 0 or bots > humans),  # is_bot_round
        build_contract(header, file.round_number),  # contract
        tuple(warnings),  # warnings
    )
