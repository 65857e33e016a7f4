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
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise

from slomix_pipeline.sample_data.clock import gaming_day
from slomix_pipeline.sample_data.model import (
    WEAPON_NAMES,
    SimCorpus,
    SimMapPlay,
    SimPlayerRound,
    SimRound,
    WeaponTuple,
)
from slomix_pipeline.sample_data.stats_writer import (
    FileLine,
    endstats_file_name,
    file_line,
    header_actual_time_seconds,
    header_map_time_seconds,
    malformed_file_name,
    round_lines,
    stats_file_name,
    tank_meatshield,
)

EXACT_FIELDS: tuple[str, ...] = (
    "team",
    "is_bot",
    "kills",
    "deaths",
    "headshots",
    "shots_total",
    "hits_total",
    "damage_given",
    "damage_received",
    "team_damage_given",
    "team_damage_received",
    "gibs",
    "self_kills",
    "team_kills",
    "team_gibs",
    "xp",
    "killing_spree_best",
    "death_spree_worst",
    "kill_assists",
    "kill_steals",
    "headshot_kills",
    "objectives_stolen",
    "objectives_returned",
    "dynamites_planted",
    "dynamites_defused",
    "times_revived",
    "bullets_fired",
    "time_played_seconds",
    "time_dead_minutes",
    "most_useful_kills",
    "denied_playtime",
    "double_kills",
    "triple_kills",
    "quad_kills",
    "multi_kills",
    "mega_kills",
    "useless_kills",
    "full_selfkills",
    "constructions",
    "revives_given",
)
"""Stored player fields that must equal the truth exactly."""

APPROXIMATE_FIELDS: Mapping[str, float] = {
    "time_played_percent": 1.0,
    "time_dead_ratio": 0.15,
    "tank_meatshield": 0.15,
}
"""Ratio fields and their absolute tolerance (one-decimal rounding, R2 recomputation)."""


@dataclass(frozen=True, slots=True)
class PlayerTruth:
    """Expected stored values of one player in one round (see the module docstring)."""

    player_guid: str
    guid8: str
    guid32: str
    player_name: str
    raw_name: str
    is_bot: bool
    team: int
    kills: int
    deaths: int
    headshots: int
    shots_total: int
    hits_total: int
    damage_given: int
    damage_received: int
    team_damage_given: int
    team_damage_received: int
    gibs: int
    self_kills: int
    team_kills: int
    team_gibs: int
    xp: int
    killing_spree_best: int
    death_spree_worst: int
    kill_assists: int
    kill_steals: int
    headshot_kills: int
    objectives_stolen: int
    objectives_returned: int
    dynamites_planted: int
    dynamites_defused: int
    times_revived: int
    bullets_fired: int
    time_played_seconds: int
    time_dead_minutes: float
    most_useful_kills: int
    denied_playtime: int
    double_kills: int
    triple_kills: int
    quad_kills: int
    multi_kills: int
    mega_kills: int
    useless_kills: int
    full_selfkills: int
    constructions: int
    revives_given: int
    time_played_percent: float
    time_dead_ratio: float
    tank_meatshield: float
    counter_reset: bool
    joined_in_r2: bool
    weapons: dict[str, WeaponTuple]


@dataclass(frozen=True, slots=True)
class RoundTruth:
    """Everything knowable about one landed stats file.

    ``local_time`` is the filename timestamp; ``gaming_day`` applies the 06:00 day start.
    ``map_time_seconds`` / ``actual_time_seconds`` are what the header says (stopwatch targets);
    ``actual_duration_seconds`` is what really happened (only the Lua timing carries it for a
    surrender). ``round_duration_ms`` is the header's 9th field.
    """

    file_name: str
    map_name: str
    round_number: int
    local_time: datetime
    gaming_day: date
    is_orphan_r2: bool
    r1_file_name: str | None
    endstats_file_name: str | None
    end_reason: str
    winner_team: int
    defender_team: int
    map_time_seconds: int
    actual_time_seconds: int
    round_duration_ms: int
    actual_duration_seconds: int
    timelimit_seconds: int
    round_start_unix: int
    round_end_unix: int
    bot_player_count: int
    human_player_count: int
    is_bot_round: bool
    players: dict[str, PlayerTruth]


def player_key(guid8: str, clean_name: str) -> str:
    """The identity the parser stores: humans by uppercase guid8; bots (OMNIBOT GUID or a
    ``[BOT]`` name) by name hash so two bots never collide; an empty GUID by name hash too."""
    if guid8.upper().startswith("OMNIBOT") or clean_name.lower().startswith("[bot]"):
        return "OMNIBOT0" + hashlib.sha256(clean_name.encode("utf-8")).hexdigest()[:24]
    if not guid8:
        return "NOGUID" + hashlib.sha256(clean_name.encode("utf-8")).hexdigest()[:26]
    return guid8.upper()


def file_player_keys(lines: Iterable[tuple[str, str, str]]) -> list[str]:
    """Keys for the (guid8, clean name, raw name) lines of one file, disambiguating any key that
    still repeats with 8 hex of the raw name's hash (deterministic across R1 and R2)."""
    items = list(lines)
    keys = [player_key(g, c) for g, c, _ in items]
    counts: dict[str, int] = {}
    for k in keys:
        counts[k] = counts.get(k, 0) + 1
    return [
        k if counts[k] == 1 else f"{k}:{hashlib.sha256(raw.encode('utf-8')).hexdigest()[:8]}"
        for k, (_, _, raw) in zip(keys, items, strict=True)
    ]


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
    e = values.ext
    p = line.player
    return PlayerTruth(
        player_guid=key,
        guid8=p.guid8,
        guid32=p.guid32,
        player_name=p.clean_name,
        raw_name=p.raw_name,
        is_bot=p.is_bot,
        team=line.team,
        kills=sum(t[2] for t in weapons.values()),
        deaths=sum(t[3] for t in weapons.values()),
        headshots=sum(t[4] for t in weapons.values()),
        shots_total=sum(t[1] for t in weapons.values()),
        hits_total=sum(t[0] for t in weapons.values()),
        damage_given=int(e[0]),
        damage_received=int(e[1]),
        team_damage_given=int(e[2]),
        team_damage_received=int(e[3]),
        gibs=int(e[4]),
        self_kills=int(e[5]),
        team_kills=int(e[6]),
        team_gibs=int(e[7]),
        xp=int(e[9]),
        killing_spree_best=int(e[10]),
        death_spree_worst=int(e[11]),
        kill_assists=int(e[12]),
        kill_steals=int(e[13]),
        headshot_kills=int(e[14]),
        objectives_stolen=int(e[15]),
        objectives_returned=int(e[16]),
        dynamites_planted=int(e[17]),
        dynamites_defused=int(e[18]),
        times_revived=int(e[19]),
        bullets_fired=sum(t[1] for t in weapons.values()),
        time_played_seconds=values.time_played_tenths * 6,
        time_dead_minutes=values.time_dead_tenths / 10,
        most_useful_kills=int(e[27]),
        denied_playtime=int(e[28]),
        double_kills=int(e[29]),
        triple_kills=int(e[30]),
        quad_kills=int(e[31]),
        multi_kills=int(e[32]),
        mega_kills=int(e[33]),
        useless_kills=int(e[34]),
        full_selfkills=int(e[35]),
        constructions=int(e[36]),
        revives_given=int(e[37]),
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


def expected_sessions(corpus: SimCorpus, gap_minutes: int = 60) -> tuple[tuple[str, ...], ...]:
    """Gaming sessions over the valid stats files: a gap of more than ``gap_minutes`` between
    consecutive filename timestamps starts a new one (rejected files are not rounds)."""
    ordered = sorted(round_truth(corpus).values(), key=lambda t: (t.local_time, t.file_name))
    sessions: list[list[str]] = []
    previous: datetime | None = None
    for t in ordered:
        if previous is None or t.local_time - previous > timedelta(minutes=gap_minutes):
            sessions.append([])
        sessions[-1].append(t.file_name)
        previous = t.local_time
    return tuple(tuple(s) for s in sessions)


def features(corpus: SimCorpus) -> dict[str, tuple[str, ...]]:
    """Where each required edge case sits, as file names, found from the data (not the plan),
    so a test that sees a non-empty entry knows the case is really in the landing zone."""
    truth = round_truth(corpus)
    found: dict[str, list[str]] = {
        name: []
        for name in (
            "surrender",
            "full_hold_r1",
            "reconnect_r2",
            "join_in_r2",
            "leave_after_r1",
            "bot",
            "two_bots_same_round",
            "after_midnight",
            "midnight_pair",
            "repeat_map",
            "orphan_r2",
            "endstats",
            "paused",
            "fractional_time_to_beat",
            "session_break",
            "malformed",
        )
    }
    for night in corpus.nights:
        seen_maps: set[str] = set()
        for play in night.map_plays:
            r1_name = stats_file_name(play.r1)
            r2_name = stats_file_name(play.r2) if play.r2 is not None else None
            if play.map_name in seen_maps:
                found["repeat_map"].append(r2_name or r1_name)
            seen_maps.add(play.map_name)
            if play.r1_file_missing and r2_name:
                found["orphan_r2"].append(r2_name)
            if play.r2 is not None and r2_name:
                r2_guids = {p.player.guid32 for p in play.r2.players}
                if any(p.player.guid32 not in r2_guids for p in play.r1.players):
                    found["leave_after_r1"].append(r1_name)
                if play.r2.file_written_local.date() != play.r1.file_written_local.date():
                    found["midnight_pair"].append(r2_name)
    by_name = {stats_file_name(r): r for r in corpus.rounds}
    for name, t in truth.items():
        r = by_name[name]
        if t.end_reason == "surrender":
            found["surrender"].append(name)
        if t.round_number == 1 and t.end_reason == "time_expired":
            found["full_hold_r1"].append(name)
        if any(p.counter_reset for p in t.players.values()):
            found["reconnect_r2"].append(name)
        if t.round_number == 2 and any(p.joined_in_this_round for p in r.players):
            found["join_in_r2"].append(name)
        if t.bot_player_count >= 1:
            found["bot"].append(name)
        if t.bot_player_count >= 2:
            found["two_bots_same_round"].append(name)
        if t.local_time.date() != t.gaming_day:
            found["after_midnight"].append(name)
        if t.endstats_file_name:
            found["endstats"].append(t.endstats_file_name)
        if r.pauses:
            found["paused"].append(name)
        if t.round_number == 2 and t.timelimit_seconds % 60:
            found["fractional_time_to_beat"].append(name)
    sessions = expected_sessions(corpus)
    for before, after in pairwise(sessions):
        if truth[before[-1]].gaming_day == truth[after[0]].gaming_day:
            found["session_break"].append(after[0])
    found["malformed"] = sorted(expected_rejects(corpus))
    return {k: tuple(sorted(v)) for k, v in found.items()}
