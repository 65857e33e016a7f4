"""What the pipeline must store for the sample landing zone, derived from the simulation.

The truth is stated per stats file and per player key, in the warehouse's own vocabulary (field
names are the ``player_comprehensive_stats`` column names the stats parser produces), so an
end-to-end test can compare stored rows field by field:

* R1 file: the R1 values.
* Paired R2 (its R1 file is in the landing zone): the R2-only values. A player who reconnected
  carries fresh counters, and the simulation makes the reconnect happen before they did anything,
  so their R2-only truth equals their raw R2 line (``counter_reset`` is True).
* Orphan R2 (its R1 file never landed): the cumulative values that are in the file, because
  nothing can undo them.

Fields in ``EXACT_FIELDS`` must match exactly. ``APPROXIMATE_FIELDS`` are ratios the file only
carries rounded to one decimal (and the parser recomputes for R2), so they get a tolerance.
Weapon rows are keyed by ``WS_*`` name; for a paired R2 there is a row for every weapon present in
the cumulative line, including all-zero rows for weapons only used in R1.

The records live in ``truth_records``, player identity in ``player_keys``, corpus-level
expectations (sessions, planted edge cases) in ``corpus_features``.
"""

from __future__ import annotations

from slomix_pipeline.formats.stats.layout import EXTENDED_FIELD_NAMES
from slomix_pipeline.sample_data.clock import gaming_day
from slomix_pipeline.sample_data.file_names import (
    endstats_file_name,
    malformed_file_name,
    stats_file_name,
)
from slomix_pipeline.sample_data.model import (
    TAB_COUNTERS,
    WEAPON_NAMES,
    SimCorpus,
    SimMapPlay,
    SimPlayerRound,
    SimRound,
    WeaponTuple,
    weapon_totals,
)
from slomix_pipeline.sample_data.player_keys import file_player_keys
from slomix_pipeline.sample_data.stats_writer import (
    FileLine,
    file_line,
    header_actual_time_seconds,
    header_map_time_seconds,
    round_lines,
    tank_meatshield,
)
from slomix_pipeline.sample_data.truth_records import PlayerTruth, RoundTruth

# TAB counters stored under another name; the others keep the stats file's name.
_STORED_NAME = {
    "killing_spree": "killing_spree_best",
    "death_spree": "death_spree_worst",
    "useful_kills": "most_useful_kills",
    "multikill_2x": "double_kills",
    "multikill_3x": "triple_kills",
    "multikill_4x": "quad_kills",
    "multikill_5x": "multi_kills",
    "multikill_6x": "mega_kills",
    "repairs_constructions": "constructions",
}
# (TAB index, stored name) of the counters the truth takes from the values as written.
_TAB_COUNTERS: tuple[tuple[int, str], ...] = tuple(
    (EXTENDED_FIELD_NAMES.index(name), _STORED_NAME.get(name, name)) for name in TAB_COUNTERS
)


def _keys_for(lines: list[FileLine]) -> list[str]:
    return file_player_keys(
        (ln.player.guid8, ln.player.clean_name, ln.player.raw_name) for ln in lines
    )


def _truth(
    key: str,
    line: FileLine,
    values: FileLine,
    weapons: dict[int, WeaponTuple],
    ratios: tuple[float, float, float],
    counter_reset: bool,
    joined: bool,
) -> PlayerTruth:
    """Assemble a truth row: identity and side from the written ``line``, stats from ``values``
    (R1 / orphan: the line itself; paired R2: the R2-only values)."""
    p = line.player
    hits, shots, kills, deaths, headshots = weapon_totals(weapons)
    return PlayerTruth(
        player_guid=key,
        guid8=p.guid8,
        guid32=p.guid32,
        player_name=p.clean_name,
        raw_name=p.raw_name,
        is_bot=p.is_bot,
        team=line.team,
        kills=kills,
        deaths=deaths,
        headshots=headshots,
        shots_total=shots,
        hits_total=hits,
        bullets_fired=shots,
        **{stored: int(values.ext[tab]) for tab, stored in _TAB_COUNTERS},
        time_played_seconds=values.time_played_tenths * 6,
        time_dead_minutes=values.time_dead_tenths / 10,
        time_played_percent=ratios[0],
        time_dead_ratio=ratios[1],
        tank_meatshield=ratios[2],
        counter_reset=counter_reset,
        joined_in_r2=joined,
        weapons={WEAPON_NAMES[w]: t for w, t in sorted(weapons.items())},
    )


def _file_ratios(line: FileLine) -> tuple[float, float, float]:
    """The ratio fields as the file states them (R1 and orphan R2)."""
    return (float(line.ext[8]), float(line.ext[24]), float(line.ext[23]))


def _round_only_ratios(p: SimPlayerRound) -> tuple[float, float, float]:
    """The ratio fields for this half alone (what a paired R2 must be recomputed to)."""
    tp, dead = p.time_played_tenths, p.time_dead_tenths
    alive = round(100 * (tp - dead) / tp, 1) if tp else 0.0
    ratio = round(100 * dead / tp, 1) if tp else 0.0
    return (alive, ratio, tank_meatshield(p.damage_received, p.deaths))


def _players_as_written(lines: list[FileLine]) -> dict[str, PlayerTruth]:
    out: dict[str, PlayerTruth] = {}
    for key, line in zip(_keys_for(lines), lines, strict=True):
        out[key] = _truth(key, line, line, line.weapons, _file_ratios(line), False, False)
    return out


def _paired_r2_players(play: SimMapPlay, r2: SimRound) -> dict[str, PlayerTruth]:
    r1_keys = set(_keys_for(round_lines(play.r1, None)))
    lines = round_lines(r2, play.r1)
    by_guid = {p.player.guid32: p for p in r2.players}
    out: dict[str, PlayerTruth] = {}
    for key, line in zip(_keys_for(lines), lines, strict=True):
        p = by_guid[line.player.guid32]
        solo = file_line(p, None)
        weapons = {w: p.weapons.get(w, (0, 0, 0, 0, 0)) for w in line.weapons}
        out[key] = _truth(
            key,
            line,
            solo,
            weapons,
            _round_only_ratios(p),
            p.reconnected_in_this_round,
            key not in r1_keys,
        )
    return out


def _round_truth(
    play: SimMapPlay, r: SimRound, players: dict[str, PlayerTruth], orphan: bool
) -> RoundTruth:
    bots = sum(1 for p in players.values() if p.is_bot)
    humans = len(players) - bots
    r1_name = None
    if r.round_number == 2 and not orphan:
        r1_name = stats_file_name(play.r1)
    return RoundTruth(
        file_name=stats_file_name(r),
        map_name=r.map_name,
        round_number=r.round_number,
        local_time=r.file_written_local,
        gaming_day=gaming_day(r.file_written_local),
        is_orphan_r2=orphan,
        r1_file_name=r1_name,
        endstats_file_name=endstats_file_name(r),
        end_reason=r.end_reason,
        winner_team=r.winner_team,
        defender_team=r.defender_team,
        map_time_seconds=header_map_time_seconds(r),
        actual_time_seconds=header_actual_time_seconds(r),
        round_duration_ms=r.duration_ms,
        actual_duration_seconds=r.actual_duration_seconds,
        timelimit_seconds=r.timelimit_seconds,
        round_start_unix=r.round_start_unix,
        round_end_unix=r.round_end_unix,
        bot_player_count=bots,
        human_player_count=humans,
        is_bot_round=bots > 0 and (humans == 0 or bots > humans),
        players=players,
    )


def round_truth(corpus: SimCorpus) -> dict[str, RoundTruth]:
    """Truth for every valid stats file the landing zone will hold, keyed by file name."""
    out: dict[str, RoundTruth] = {}
    for play in corpus.map_plays:
        if not play.r1_file_missing:
            players = _players_as_written(round_lines(play.r1, None))
            out[stats_file_name(play.r1)] = _round_truth(play, play.r1, players, False)
        if play.r2 is None:
            continue
        if play.r1_file_missing:
            players = _players_as_written(round_lines(play.r2, play.r1))
        else:
            players = _paired_r2_players(play, play.r2)
        out[stats_file_name(play.r2)] = _round_truth(play, play.r2, players, play.r1_file_missing)
    return out


def expected_rejects(corpus: SimCorpus) -> dict[str, str]:
    """Malformed file name -> the reason code the parser must reject it with."""
    return {malformed_file_name(spec): spec.reason for spec in corpus.malformed}
