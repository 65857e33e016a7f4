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

from operator import attrgetter, sub

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
from slomix_pipeline.domain.stats_records import (
    PlayerRoundStats,
    RoundStats,
    TimeSource,
    new_player_round_stats,
    new_round_stats,
)
from slomix_pipeline.formats.stats.weapons import WeaponValues, new_weapon_values, totals_of
from slomix_pipeline.formats.stats_file import (
    ParsedStatsFile,
    PlayerLine,
    line_weapon_values,
)

# Monotone cumulative counters of the TAB block (TAB 0-7 and 20), in storage order.
CUMULATIVE_FIELDS: tuple[str, ...] = (
    "damage_given",
    "damage_received",
    "team_damage_given",
    "team_damage_received",
    "gibs",
    "self_kills",
    "team_kills",
    "team_gibs",
    "bullets_fired",
)
_TOTAL_FIELDS = ("kills", "deaths", "headshots", "shots_total", "hits_total")
_WEAPON_FIELDS = ("hits", "shots", "kills", "deaths", "headshots")
_cumulative_of = attrgetter(*CUMULATIVE_FIELDS)
# Records store the plain string value of a TimeSource (a str column, no enum type leaking).
_TAB22 = TimeSource.TAB22.value
_TAB22_DIFFERENTIAL = TimeSource.TAB22_DIFFERENTIAL.value
_TAB22_AFTER_RESET = TimeSource.TAB22_AFTER_RESET.value
_ZERO_CUMULATIVE = (0,) * len(CUMULATIVE_FIELDS)
_ZERO_GROUP = (0, 0, 0, 0, 0)


def _assemble(
    p: PlayerLine,
    weapons: WeaponValues,
    totals: tuple[int, int, int, int, int],
    cumulative: tuple[int, ...] | list[int],
    seconds: int,
    time_source: str,
    dead_ratio: float,
    played_percent: float,
    meatshield: float,
    reset_fields: tuple[str, ...],
    joined_in_r2: bool,
) -> PlayerRoundStats:
    """One PlayerRoundStats; per-round TAB fields always come from ``p`` as written.

    ``totals`` = (kills, deaths, headshots, shots, hits) summed over ``weapons``. Positional on
    purpose (57 keyword arguments cost ~4 us per player in argument binding); the comments
    name each field and the tests check every field's value.
    """
    kills, deaths, headshots, shots, hits = totals
    damage_given = cumulative[0]
    return new_player_round_stats(
        p.player_key,  # player_guid
        p.guid8,
        p.clean_name,  # player_name
        p.raw_name,
        p.team,
        p.is_bot,
        kills,
        deaths,
        headshots,
        shots,  # shots_total
        hits,  # hits_total
        hits * 100 / shots if shots else 0.0,  # accuracy
        kills / deaths if deaths else float(kills),  # kd_ratio
        kills * 100 / (kills + deaths) if kills + deaths else 0.0,  # efficiency
        damage_given * 60 / seconds if seconds > 0 else 0.0,  # dpm
        damage_given,
        cumulative[1],  # damage_received
        cumulative[2],  # team_damage_given
        cumulative[3],  # team_damage_received
        cumulative[4],  # gibs
        cumulative[5],  # self_kills
        cumulative[6],  # team_kills
        cumulative[7],  # team_gibs
        played_percent,  # time_played_percent
        p.xp,
        p.killing_spree,  # killing_spree_best
        p.death_spree,  # death_spree_worst
        p.kill_assists,
        p.kill_steals,
        p.headshot_kills,
        p.objectives_stolen,
        p.objectives_returned,
        p.dynamites_planted,
        p.dynamites_defused,
        p.times_revived,
        cumulative[8],  # bullets_fired
        meatshield,  # tank_meatshield
        dead_ratio,  # time_dead_ratio
        p.time_dead_tenths / 10,  # time_dead_minutes
        seconds,  # time_played_seconds
        seconds / 60,  # time_played_minutes
        p.useful_kills,  # most_useful_kills
        p.denied_playtime,
        p.multikill_2x,  # double_kills
        p.multikill_3x,  # triple_kills
        p.multikill_4x,  # quad_kills
        p.multikill_5x,  # multi_kills
        p.multikill_6x,  # mega_kills
        p.useless_kills,
        p.full_selfkills,
        p.repairs_constructions,  # constructions
        p.revives_given,
        time_source,
        bool(reset_fields),  # counter_reset
        reset_fields,  # counter_reset_fields
        joined_in_r2,
        weapons,
    )


# --------------------------------------------------------------------------------------------
# Per-player paths
# --------------------------------------------------------------------------------------------


def _single_round_player(
    p: PlayerLine, fallback: tuple[int, str], joined_in_r2: bool
) -> PlayerRoundStats:
    """Values as written: an R1, an orphan R2 (cumulative!), or a player who joined in R2."""
    if p.time_played_tenths > 0:
        seconds, source = p.time_played_tenths * 6, _TAB22
    else:
        seconds, source = fallback
    weapons = line_weapon_values(p)
    # The parsed weapon values ARE the stored rows: values as written, no copies.
    return _assemble(
        p,
        weapons,
        totals_of(weapons.values),
        _cumulative_of(p) if p.has_extended else _ZERO_CUMULATIVE,
        seconds,
        source,
        p.time_dead_ratio,
        p.time_played_percent,
        p.tank_meatshield,
        (),
        joined_in_r2,
    )


def _dropped_fields(
    r1: PlayerLine, r2: PlayerLine, cum1: tuple[int, ...], cum2: tuple[int, ...]
) -> tuple[str, ...]:
    """Every monotone counter that is lower in R2 than in R1, each named once, in a fixed order.

    Order: weapon totals, TAB counters, time played, then ``WS_NAME.field`` by weapon id. A
    weapon of R1 missing from R2 dropped to zero (the Lua writes every weapon with activity,
    and cumulative activity cannot vanish without a reconnect). Only runs on the rare path.
    """
    totals1 = totals_of(line_weapon_values(r1).values)
    totals2 = totals_of(line_weapon_values(r2).values)
    names = [name for name, a, b in zip(_TOTAL_FIELDS, totals1, totals2, strict=True) if b < a]
    names += [name for name, a, b in zip(CUMULATIVE_FIELDS, cum1, cum2, strict=True) if b < a]
    if r2.time_played_tenths < r1.time_played_tenths:
        names.append("time_played_minutes")
    after = {w.weapon_id: w for w in r2.weapons}
    for w in r1.weapons:
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
    r1: PlayerLine, r2: PlayerLine, fallback: tuple[int, str]
) -> PlayerRoundStats:
    """R2-only values of a player present in both rounds (see the module docstring)."""
    if r1.has_extended and r2.has_extended:
        # CUMULATIVE_FIELDS, R2 - R1, spelled out: ~3x cheaper than attrgetter + map(sub).
        cumulative = [
            r2.damage_given - r1.damage_given,
            r2.damage_received - r1.damage_received,
            r2.team_damage_given - r1.team_damage_given,
            r2.team_damage_received - r1.team_damage_received,
            r2.gibs - r1.gibs,
            r2.self_kills - r1.self_kills,
            r2.team_kills - r1.team_kills,
            r2.team_gibs - r1.team_gibs,
            r2.bullets_fired - r1.bullets_fired,
        ]
    else:  # a line without a TAB block counts as all zeros
        cum1 = _cumulative_of(r1) if r1.has_extended else _ZERO_CUMULATIVE
        cum2 = _cumulative_of(r2) if r2.has_extended else _ZERO_CUMULATIVE
        cumulative = list(map(sub, cum2, cum1))
    played = r2.time_played_tenths - r1.time_played_tenths
    weapons2 = line_weapon_values(r2)
    weapons1 = line_weapon_values(r1)
    if weapons1.ids == weapons2.ids:  # the usual case (same loadout), without the call
        aligned: tuple[int, ...] | None = weapons1.values
    else:
        aligned = _r1_values_aligned(weapons1, weapons2)
    if aligned is not None:
        diff = tuple(map(sub, weapons2.values, aligned))
        dropped = played < 0 or min(cumulative) < 0 or (bool(diff) and min(diff) < 0)
    else:
        dropped = True

    if dropped:  # reconnect: the R2 counters restarted from zero, they ARE the R2 values
        cum1 = _cumulative_of(r1) if r1.has_extended else _ZERO_CUMULATIVE
        cum2 = _cumulative_of(r2) if r2.has_extended else _ZERO_CUMULATIVE
        played = r2.time_played_tenths
        if played > 0:
            seconds, source = played * 6, _TAB22_AFTER_RESET
        else:
            seconds, source = fallback
        raw_totals = totals_of(weapons2.values)
        return _assemble(
            r2,
            weapons2,
            raw_totals,
            cum2,
            seconds,
            source,
            _dead_ratio(r2.time_dead_tenths, played),
            r2.time_played_percent,
            tank_meatshield(cum2[1], raw_totals[1]),
            _dropped_fields(r1, r2, cum1, cum2),
            False,
        )

    totals = totals_of(diff)
    return _assemble(
        r2,
        new_weapon_values(weapons2.ids, weapons2.names, diff, weapons2, None),
        totals,
        cumulative,
        played * 6,
        _TAB22_DIFFERENTIAL,
        _dead_ratio(r2.time_dead_tenths, played),
        _percent_differential(r1, r2, played),
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
        players = [_single_round_player(p, fallback, False) for p in parsed.players]
        is_orphan = file.round_number == 2
        if is_orphan:
            warnings.append("orphan_r2")
    else:
        _check_pair(parsed, r1)
        is_orphan = False
        before = {p.player_key: p for p in r1.players}
        players = []
        for p in parsed.players:
            p1 = before.pop(p.player_key, None)
            if p1 is None:
                players.append(_single_round_player(p, fallback, True))
                continue
            stats = _differential_player(p1, p, fallback)
            if stats.counter_reset:
                warnings.append(f"counter_reset@{stats.player_guid}")
            players.append(stats)
        warnings.extend(f"r1_only_player@{key}" for key in before)
    bots = sum(1 for p in players if p.is_bot)
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
