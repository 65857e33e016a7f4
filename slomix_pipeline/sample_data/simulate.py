"""Seeded, deterministic simulation of community play nights (pure: no clock, no global random).

Why a simulation and not hand-written fixtures: the pipeline's hard parts (cumulative round 2,
reconnects, orphans, midnight, sessions, bots) only show up in realistic combinations, and the
tests need to know the *true* per-round values to prove the pipeline computes them. So this module
plays the nights out event by event (kills, deaths, revives, respawn waves, self- and team-kills)
and keeps every counter round-only; the renderers derive what each producer would write.

Every required edge case is planted at a fixed place (see ``FEATURE_NIGHT``): with the default
three nights, night 0 holds the surrender, the paused round, the fractional time to beat, the two
bots, the repeated map and the > 60 min break; night 1 crosses midnight and holds the full hold
and the orphan R2; night 2 holds the reconnect and the leave/join substitution. Fewer nights fold
the features into the last night; tiny ``rounds_per_night`` values may leave some out.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from slomix_pipeline.sample_data.model import (
    ALLIES,
    AXIS,
    END_OBJECTIVE,
    END_SURRENDER,
    END_TIME_EXPIRED,
    SimCorpus,
    SimMalformedFile,
    SimMapPlay,
    SimNight,
    SimPlayer,
    SimPlayerRound,
    SimRound,
    WeaponTuple,
)

SERVER_TZ = ZoneInfo("Europe/Paris")
GAMING_DAY_START_HOUR = 6

_COLOUR_RE = re.compile(r"\^[0-9a-zA-Z]")


def strip_colours(raw: str) -> str:
    """The clean name the parser will derive: ``^x`` with x alphanumeric removed, nothing else."""
    return _COLOUR_RE.sub("", raw)


def to_unix(local: datetime) -> int:
    """Naive server wall-clock time -> UTC epoch seconds (the Lua's ``os.time()``)."""
    return int(local.replace(tzinfo=SERVER_TZ).timestamp())


def gaming_day(local: datetime) -> date:
    """The gaming day of a local time: days start at 06:00, so 00:50 is the evening before."""
    return (local - timedelta(hours=GAMING_DAY_START_HOUR)).date()


@dataclass(frozen=True, slots=True)
class MapInfo:
    """A stopwatch map: its configured limit, the side that defends it, whether it has a carry
    objective (documents, gold) that can be stolen and returned."""

    name: str
    limit_seconds: int
    defender_team: int
    carry_objective: bool


MAP_POOL: tuple[MapInfo, ...] = (
    MapInfo("supply", 12 * 60, AXIS, True),
    MapInfo("etl_adlernest", 10 * 60, AXIS, True),
    MapInfo("sw_goldrush_te", 12 * 60, AXIS, True),
    MapInfo("etl_frostbite", 12 * 60, AXIS, True),
    MapInfo("radar", 15 * 60, AXIS, True),
    MapInfo("erdenberg_t2", 10 * 60, ALLIES, False),
    MapInfo("te_escape2", 5 * 60, ALLIES, False),
    MapInfo("etl_sp_delivery", 10 * 60, AXIS, True),
    MapInfo("bremen_b3", 12 * 60, AXIS, True),
    MapInfo("et_brewdog", 10 * 60, AXIS, False),
    MapInfo("karsiah_te2", 10 * 60, ALLIES, False),
    MapInfo("tc_base-b2", 10 * 60, AXIS, False),
    MapInfo("etl_ice", 12 * 60, AXIS, True),
)
"""Maps with '_' and '-' in their names on purpose: filename splitting must cope with both."""

MALFORMED_PLAN: tuple[tuple[str, str, int], ...] = (
    ("header_only", "braundorf_b4", 1),
    ("truncated_file", "missile_b3", 1),
    ("malformed_player_line", "decay_sw", 2),
    ("invalid_header", "mp_sillyctf", 1),
)
"""(reason code, map, round) of the broken files. The maps are never played, so a broken file can
never be mistaken for the R1 of a real R2."""

FEATURE_NIGHT: dict[str, int] = {
    "pause": 0,
    "fractional": 0,
    "surrender": 0,
    "bots": 0,
    "repeat_map": 0,
    "session_break": 0,
    "midnight": 1,
    "full_hold": 1,
    "orphan": 1,
    "reconnect": 2,
    "leave_join": 2,
}
"""Feature -> preferred night index (folded into the last night when there are fewer)."""

PLAY_FEATURES: tuple[str, ...] = (
    "fractional",
    "surrender",
    "bots",
    "full_hold",
    "orphan",
    "reconnect",
    "leave_join",
)
"""Features that each need a map play of their own, in placement order."""

FRACTIONAL_R1_SECONDS = 446
"""R1 of the fractional play sets 7:26, so R2's limit is 7.4333 minutes."""

_HUMAN_NAMES: tuple[str, ...] = (
    "Kestrel",
    "Mortis",
    "Vandal",
    "Ozzy",
    "Pixel",
    "Bronco",
    "Jäger",
    "Nyx",
    "Tankbuster",
    "Wraith",
    "Frosty",
    "Dagger",
    "Hex",
    "Lumen",
    "Riot",
    "Sable",
    "Tundra",
    "Blitz",
    "Corvo",
    "Moth",
)
_BOT_NAMES: tuple[str, ...] = ("Fritz", "Gunther", "Heidi")
_CLAN_TAGS: tuple[str, ...] = ("^0[^1SX^0]^7", "^4|^7NT^4|^7", "^3*^7")

_KILL_RATE_PER_SKILL_SECOND = 1.15 / 60
_DEFENDER_WAVE = 30
_ATTACKER_WAVE = 20

# Weapon ids (reference section 4).
_KNIFE, _KBAR, _LUGER, _COLT, _MP40, _THOMPSON, _STEN, _FG42 = range(8)
_PANZER, _BAZOOKA, _FLAMER, _GRENADE, _MORTAR, _MORTAR2, _DYNAMITE = range(8, 15)
_AIRSTRIKE, _ARTILLERY, _SATCHEL, _GL, _LANDMINE, _MG42, _BROWNING = range(15, 22)
_CARBINE, _KAR98, _GARAND, _K43, _MP34, _SYRINGE = range(22, 28)

_BULLET = frozenset(
    {_LUGER, _COLT, _MP40, _THOMPSON, _STEN, _FG42, _MG42, _BROWNING, _CARBINE, _KAR98}
    | {_GARAND, _K43, _MP34}
)
_MELEE = frozenset({_KNIFE, _KBAR})
_RIFLES = frozenset({_CARBINE, _KAR98, _GARAND, _K43})
_MGS = frozenset({_MG42, _BROWNING})


@dataclass(slots=True)
class _Slot:
    """A player's place in one half: side, class, loadout and when they entered (play seconds)."""

    player: SimPlayer
    side: int
    player_class: str
    variant: str
    skill: float
    enter: int = 0
    joined: bool = False
    reconnected: bool = False


@dataclass(slots=True)
class _Acc:
    """Mutable per-player accumulator while a half is simulated."""

    kills_w: dict[int, int] = field(default_factory=dict)
    deaths_w: dict[int, int] = field(default_factory=dict)
    hs_kills_w: dict[int, int] = field(default_factory=dict)
    timeline: list[str] = field(default_factory=list)
    kill_times: list[int] = field(default_factory=list)
    dead: int = 0
    max_gap: int = 0
    gibs: int = 0
    self_kills: int = 0
    full_selfkills: int = 0
    team_kills: int = 0
    team_gibs: int = 0
    assists: int = 0
    steals: int = 0
    useful: int = 0
    useless: int = 0
    denied: int = 0
    revived: int = 0
    revives_given: int = 0


@dataclass(frozen=True, slots=True)
class _Half:
    """Timing and outcome of one half, relative to the night's anchor (seconds)."""

    start: int
    warmup: int
    duration: int
    duration_ms: int
    pauses: tuple[tuple[int, int], ...]
    end_reason: str
    winner: int
    limit: int
    end: int
    file: int
    endstats_delay: int | None
    surrender_team: int


def simulate(
    seed: int = 7,
    nights: int = 3,
    start_date: date = date(2026, 2, 10),
    rounds_per_night: int | None = None,
    night_gaps: Sequence[int] = (1,),
) -> SimCorpus:
    """Simulate ``nights`` evenings of stopwatch play, deterministic for ``seed``.

    ``night_gaps`` are the days from one night to the next, cycled (the default: every day); a
    benchmark history of a few nights a week passes e.g. ``(2, 2, 3)``.

    ``rounds_per_night`` (R1 + R2 halves) overrides the natural 6-10 map plays, for benchmarks; an
    odd count ends the night with an abandoned R1. Nights never overlap: a night that would start
    before the previous one ended moves later, and its ``date`` is the gaming day it starts on.
    """
    if nights < 1:
        raise ValueError("nights must be >= 1")
    if rounds_per_night is not None and rounds_per_night < 1:
        raise ValueError("rounds_per_night must be >= 1")
    rng = random.Random(seed)
    humans, bots, skills = _build_community(rng)
    features = [set[str]() for _ in range(nights)]
    for feature, preferred in FEATURE_NIGHT.items():
        features[min(preferred, nights - 1)].add(feature)
    built: list[SimNight] = []
    not_before: datetime | None = None
    if not night_gaps or min(night_gaps) < 1:
        raise ValueError("night_gaps must be >= 1 day each")
    offset = 0
    for index in range(nights):
        night_rng = random.Random(f"slomix-sample:{seed}:night:{index}")
        night = _simulate_night(
            night_rng,
            start_date + timedelta(days=offset),
            features[index],
            rounds_per_night,
            humans,
            bots,
            skills,
            not_before,
        )
        built.append(night)
        not_before = night.rounds[-1].file_written_local + timedelta(hours=3)
        offset += night_gaps[index % len(night_gaps)]
    return SimCorpus(seed=seed, nights=tuple(built), malformed=_plan_malformed(tuple(built)))


def _build_community(
    rng: random.Random,
) -> tuple[list[SimPlayer], list[SimPlayer], dict[str, float]]:
    """The regulars (colour-coded names, unique 8-char GUID prefixes) and the Omni-bots."""
    humans: list[SimPlayer] = []
    seen8: set[str] = set()
    colours = "123456789"
    for number, name in enumerate(_HUMAN_NAMES):
        guid = f"{rng.getrandbits(128):032X}"
        while guid[:8] in seen8 or guid.startswith("OMNIBOT"):
            guid = f"{rng.getrandbits(128):032X}"
        seen8.add(guid[:8])
        style = number % 5
        if style == 0:
            raw = f"^{rng.choice(colours)}{name}^7"
        elif style == 1:
            cut = max(1, len(name) // 2)
            raw = f"^{rng.choice(colours)}{name[:cut]}^{rng.choice(colours)}{name[cut:]}"
        elif style == 2:
            raw = f"{rng.choice(_CLAN_TAGS)}{name}"
        elif style == 3:
            raw = name
        else:
            raw = f"^{rng.choice('abcxyzABC')}{name}^7"
        humans.append(SimPlayer(guid, raw, strip_colours(raw), False))
    # One name with leftovers the colour regex must not touch (a literal '^' and '^!').
    tricky = "^^2Drift^!"
    humans.append(SimPlayer(f"{rng.getrandbits(128):032X}", tricky, strip_colours(tricky), False))
    bots = [
        SimPlayer(f"OMNIBOT{n + 1:025d}", f"^7[BOT]^1{name}", f"[BOT]{name}", True)
        for n, name in enumerate(_BOT_NAMES)
    ]
    skills = {p.guid32: round(rng.uniform(0.6, 1.4), 3) for p in humans}
    skills.update({b.guid32: 0.55 for b in bots})
    return humans, bots, skills


def _simulate_night(
    rng: random.Random,
    nominal_date: date,
    feats: set[str],
    rounds_per_night: int | None,
    humans: Sequence[SimPlayer],
    bots: Sequence[SimPlayer],
    skills: dict[str, float],
    not_before: datetime | None,
) -> SimNight:
    """Plan one night (plays, features, timing), anchor it on the wall clock, play every half."""
    wanted = [f for f in PLAY_FEATURES if f in feats]
    last_r1_only = False
    if rounds_per_night is None:
        n_plays = max(rng.randint(6, 10), len(wanted) + (2 if "repeat_map" in feats else 1))
    else:
        n_plays = max(1, (rounds_per_night + 1) // 2)
        last_r1_only = rounds_per_night % 2 == 1
    reserved = {0}
    repeat_pair: tuple[int, int] | None = None
    if "repeat_map" in feats and n_plays >= 4:
        repeat_pair = (0, n_plays - 1)
        reserved.add(n_plays - 1)
    free = [i for i in range(n_plays) if i not in reserved]
    play_feature = dict(zip(free, wanted, strict=False))
    break_before = n_plays // 2 if "session_break" in feats and n_plays >= 2 else -1
    midnight_play = min(max(n_plays - 3, 0), 8) if "midnight" in feats else -1

    maps = _choose_maps(rng, n_plays, repeat_pair)
    roster_pool = rng.sample(list(humans), 14)
    pool_a, pool_b = roster_pool[:7], roster_pool[7:]

    halves: list[tuple[_Half, _Half | None]] = []
    cursor = 0
    for idx in range(n_plays):
        if idx > 0:
            cursor += rng.randint(60, 180)
            if idx == break_before:
                cursor += rng.randint(65 * 60, 80 * 60)
        feature = play_feature.get(idx)
        paused = idx == 0 and "pause" in feats
        r1 = _plan_r1(rng, cursor, maps[idx], feature, paused)
        r2 = None
        if not (last_r1_only and idx == n_plays - 1):
            r2 = _plan_r2(rng, r1, maps[idx])
        halves.append((r1, r2))
        cursor = (r2 or r1).file

    if midnight_play >= 0:
        r1, r2 = halves[midnight_play]
        straddle = r1.file if r2 is None else (r1.file + r2.file) // 2
        anchor = datetime.combine(nominal_date + timedelta(days=1), time(0, 0)) - timedelta(
            seconds=straddle
        )
    else:
        anchor = datetime.combine(nominal_date, time(20, 30)) + timedelta(
            minutes=rng.randint(0, 40)
        )
    if not_before is not None and anchor < not_before:
        anchor = not_before

    plays: list[SimMapPlay] = []
    for idx, (h1, h2) in enumerate(halves):
        feature = play_feature.get(idx)
        plays.append(
            _play_map(rng, idx, maps[idx], feature, h1, h2, anchor, pool_a, pool_b, bots, skills)
        )
    first_start = plays[0].r1.start_local
    return SimNight(date=gaming_day(first_start), map_plays=tuple(plays))


def _choose_maps(
    rng: random.Random, n_plays: int, repeat_pair: tuple[int, int] | None
) -> list[MapInfo]:
    """Distinct maps within a night while the pool lasts, never one of the last 8 maps after that,
    so only the planted repeat puts the same map twice within a couple of hours."""
    chosen: list[MapInfo] = []
    for idx in range(n_plays):
        if repeat_pair is not None and idx == repeat_pair[1]:
            chosen.append(chosen[repeat_pair[0]])
            continue
        used = {m.name for m in chosen}
        recent = {m.name for m in chosen[-8:]}
        options = [m for m in MAP_POOL if m.name not in used] or [
            m for m in MAP_POOL if m.name not in recent
        ]
        if repeat_pair is not None:
            first = chosen[0].name if chosen else None
            options = [m for m in options if m.name != first] or options
        chosen.append(rng.choice(options))
    return chosen


def _pauses(rng: random.Random, duration: int, count: int) -> tuple[tuple[int, int], ...]:
    """``count`` pauses at distinct play times, as (wall offset from round start, length)."""
    if duration < 90 or count == 0:
        return ()
    marks = sorted(rng.sample(range(30, duration - 30), count))
    out: list[tuple[int, int]] = []
    shift = 0
    for mark in marks:
        length = rng.randint(20, 75)
        out.append((mark + shift, length))
        shift += length
    return tuple(out)


def _finish_half(
    rng: random.Random,
    start: int,
    warmup: int,
    duration: int,
    end_reason: str,
    winner: int,
    limit: int,
    pauses: tuple[tuple[int, int], ...],
    surrender_team: int,
) -> _Half:
    """Wall-clock end, file write (~3 s after intermission) and the optional endstats delay."""
    end = start + duration + sum(length for _, length in pauses)
    file_time = end + rng.randint(2, 4)
    jitter = rng.randint(0, 150) if end_reason == END_TIME_EXPIRED else rng.randint(0, 999)
    endstats = rng.randint(0, 3) if rng.random() < 0.6 else None
    return _Half(
        start=start,
        warmup=warmup,
        duration=duration,
        duration_ms=duration * 1000 + jitter,
        pauses=pauses,
        end_reason=end_reason,
        winner=winner,
        limit=limit,
        end=end,
        file=file_time,
        endstats_delay=endstats,
        surrender_team=surrender_team,
    )


def _plan_r1(
    rng: random.Random, cursor: int, info: MapInfo, feature: str | None, paused: bool
) -> _Half:
    """R1 outcome: objective in 35-85 % of the limit (below the Lua's 90 % 'time_expired' line),
    a full hold, or the attackers' surrender after a few minutes."""
    limit = info.limit_seconds
    defender = info.defender_team
    attacker = ALLIES if defender == AXIS else AXIS
    warmup = rng.randint(40, 150)
    start = cursor + warmup
    surrender_team = 0
    if feature == "surrender":
        duration = rng.randint(int(limit * 0.3), int(limit * 0.45))
        end_reason, winner, surrender_team = END_SURRENDER, defender, attacker
    elif feature == "full_hold" or (feature is None and rng.random() < 0.12):
        duration, end_reason, winner = limit, END_TIME_EXPIRED, defender
    elif feature == "fractional" and 0.85 * limit > FRACTIONAL_R1_SECONDS:
        duration, end_reason, winner = FRACTIONAL_R1_SECONDS, END_OBJECTIVE, attacker
    else:
        duration = rng.randint(int(limit * 0.35), int(limit * 0.85))
        end_reason, winner = END_OBJECTIVE, attacker
    count = 2 if paused else (1 if rng.random() < 0.05 else 0)
    pauses = _pauses(rng, duration, count)
    return _finish_half(
        rng, start, warmup, duration, end_reason, winner, limit, pauses, surrender_team
    )


def _plan_r2(rng: random.Random, r1: _Half, info: MapInfo) -> _Half:
    """R2: the limit is R1's time (the full limit after a hold or surrender); the new attackers
    (R1's defending team, now on the attacking side) either beat it or are held."""
    limit = r1.duration if r1.end_reason == END_OBJECTIVE else r1.limit
    defender = info.defender_team
    attacker = ALLIES if defender == AXIS else AXIS
    warmup = rng.randint(20, 60)
    start = r1.file + rng.randint(20, 45) + warmup
    if rng.random() < 0.5 and limit >= 90:
        duration = rng.randint(int(limit * 0.5), int(limit * 0.88))
        end_reason, winner = END_OBJECTIVE, attacker
    else:
        duration, end_reason, winner = limit, END_TIME_EXPIRED, defender
    pauses = _pauses(rng, duration, 1 if rng.random() < 0.05 else 0)
    return _finish_half(rng, start, warmup, duration, end_reason, winner, limit, pauses, 0)


def _classes(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """A team's classes: always a medic and an engineer, the rest mixed, with loadout variants."""
    mix = ["fieldops", "soldier", "covertops", "medic", "engineer"]
    names = ["medic", "engineer", *rng.choices(mix, k=max(0, n - 2))]
    rng.shuffle(names)
    out: list[tuple[str, str]] = []
    for name in names[:n]:
        if name == "soldier":
            variant = rng.choice(["panzer", "mg", "mortar", "flamer"])
        elif name == "covertops":
            variant = rng.choice(["sten", "fg42", "mp34"])
        elif name == "engineer":
            variant = rng.choice(["smg", "smg", "rifle"])
        else:
            variant = ""
        out.append((name, variant))
    return out


def _play_map(
    rng: random.Random,
    idx: int,
    info: MapInfo,
    feature: str | None,
    h1: _Half,
    h2: _Half | None,
    anchor: datetime,
    pool_a: Sequence[SimPlayer],
    pool_b: Sequence[SimPlayer],
    bots: Sequence[SimPlayer],
    skills: dict[str, float],
) -> SimMapPlay:
    """Pick the two lineups for this map, swap sides for R2, apply the planted feature."""
    n = rng.randint(3, 6)
    if feature in {"leave_join", "bots", "reconnect"}:
        n = max(n, 4)
    start = idx % 7
    team_a = [pool_a[(start + k) % 7] for k in range(n)]
    team_b = [pool_b[(start + k) % 7] for k in range(n)]
    if feature == "bots":
        team_b = [*team_b[: n - 2], bots[0], bots[1]]
    side_a = rng.choice([AXIS, ALLIES])
    side_b = ALLIES if side_a == AXIS else AXIS
    cls_a = _classes(rng, n)
    cls_b = _classes(rng, n)

    def slots(team: Sequence[SimPlayer], classes: list[tuple[str, str]], side: int) -> list[_Slot]:
        return [
            _Slot(p, side, c, v, skills[p.guid32]) for p, (c, v) in zip(team, classes, strict=True)
        ]

    r1_roster = slots(team_a, cls_a, side_a) + slots(team_b, cls_b, side_b)
    r2_team_a = list(team_a)
    if feature == "leave_join":
        r2_team_a[-1] = pool_a[(start + n) % 7]
    r2_roster = slots(r2_team_a, cls_a, side_b) + slots(team_b, cls_b, side_a)
    if feature == "leave_join":
        r2_roster[n - 1].joined = True

    r1 = _build_round(rng, info, 1, h1, anchor, r1_roster, None)
    r2 = None
    if h2 is not None:
        if feature == "reconnect":
            r2_roster[0].reconnected = True
            r2_roster[0].enter = min(rng.randint(60, 120), max(1, h2.duration // 3))
        r2 = _build_round(rng, info, 2, h2, anchor, r2_roster, r1_roster)
    orphan = feature == "orphan" and r2 is not None
    if orphan:
        r1 = _without_endstats(r1)
    return SimMapPlay(info.name, idx, r1, r2, r1_file_missing=orphan)


def _without_endstats(r: SimRound) -> SimRound:
    """The orphan's R1 left no files at all: drop its endstats side-car too."""
    return replace(r, endstats_written_local=None)


def _build_round(
    rng: random.Random,
    info: MapInfo,
    number: int,
    half: _Half,
    anchor: datetime,
    roster: list[_Slot],
    r1_roster: list[_Slot] | None,
) -> SimRound:
    """Anchor a planned half on the wall clock and play it out."""
    defender = info.defender_team
    attacker = ALLIES if defender == AXIS else AXIS
    start_local = anchor + timedelta(seconds=half.start)
    end_local = anchor + timedelta(seconds=half.end)
    file_local = anchor + timedelta(seconds=half.file)
    endstats_local = (
        None if half.endstats_delay is None else file_local + timedelta(seconds=half.endstats_delay)
    )
    caller = ""
    if half.surrender_team:
        callers = [
            s.player for s in roster if s.side == half.surrender_team and not s.player.is_bot
        ]
        caller = rng.choice(callers).guid32 if callers else ""
    players = _simulate_half(
        rng,
        roster,
        half.duration,
        defender,
        attack_succeeded=half.winner == attacker,
        carry_objective=info.carry_objective,
    )
    return SimRound(
        map_name=info.name,
        round_number=number,
        start_local=start_local,
        end_local=end_local,
        file_written_local=file_local,
        endstats_written_local=endstats_local,
        warmup_seconds=half.warmup,
        map_timelimit_seconds=info.limit_seconds,
        timelimit_seconds=half.limit,
        actual_duration_seconds=half.duration,
        duration_ms=half.duration_ms,
        pauses=half.pauses,
        end_reason=half.end_reason,
        winner_team=half.winner,
        defender_team=defender,
        attacker_team=attacker,
        surrender_team=half.surrender_team,
        surrender_caller_guid32=caller,
        round_start_unix=to_unix(start_local),
        round_end_unix=to_unix(end_local),
        players=players,
    )


def _loadout(player_class: str, variant: str, side: int) -> list[tuple[int, float]]:
    """Weapons a class carries on a side, weighted by how often kills come from each."""
    axis = side == AXIS
    smg = _MP40 if axis else _THOMPSON
    pistol = _LUGER if axis else _COLT
    knife = _KNIFE if axis else _KBAR
    if player_class == "medic":
        return [(smg, 0.86), (pistol, 0.08), (_GRENADE, 0.04), (knife, 0.02)]
    if player_class == "engineer":
        if variant == "rifle":
            rifle = _K43 if axis else _GARAND
            return [(rifle, 0.6), (_GL, 0.2), (pistol, 0.1), (_DYNAMITE, 0.04), (_LANDMINE, 0.06)]
        return [(smg, 0.72), (_GRENADE, 0.12), (pistol, 0.08), (_LANDMINE, 0.05), (knife, 0.03)]
    if player_class == "fieldops":
        return [(smg, 0.7), (_AIRSTRIKE, 0.1), (_ARTILLERY, 0.08), (_GRENADE, 0.1), (pistol, 0.02)]
    if player_class == "soldier":
        heavy = {
            "panzer": _PANZER if axis else _BAZOOKA,
            "mg": _MG42 if axis else _BROWNING,
            "mortar": _MORTAR if axis else _MORTAR2,
            "flamer": _FLAMER,
        }[variant]
        return [(heavy, 0.72), (_GRENADE, 0.12), (pistol, 0.14), (knife, 0.02)]
    primary = {"sten": _STEN, "fg42": _FG42, "mp34": _MP34}.get(variant, _STEN)
    return [(primary, 0.78), (_SATCHEL, 0.08), (pistol, 0.1), (_KAR98 if axis else _CARBINE, 0.04)]


def _pick(rng: random.Random, items: Sequence[tuple[int, float]]) -> int:
    return rng.choices([i for i, _ in items], weights=[w for _, w in items])[0]


def _allocate(rng: random.Random, total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` that sum to it exactly."""
    if total <= 0 or not weights:
        return [0] * len(weights)
    wsum = sum(weights)
    if wsum <= 0:
        weights = [1.0] * len(weights)
        wsum = float(len(weights))
    raw = [total * w / wsum for w in weights]
    out = [int(x) for x in raw]
    rest = total - sum(out)
    order = sorted(range(len(raw)), key=lambda i: (out[i] - raw[i], i))
    for i in order[:rest]:
        out[i] += 1
    return out


def _longest_run(timeline: Sequence[str], symbol: str) -> int:
    """Longest streak of ``symbol`` ('K' or 'D'); the Lua only records streaks of 3 or more."""
    best = run = 0
    for item in timeline:
        run = run + 1 if item == symbol else 0
        best = max(best, run)
    return best if best >= 3 else 0


def _multikills(kill_times: Sequence[int]) -> list[int]:
    """Counts of 2x..6x multikills: chains of kills each within 3 s of the previous one."""
    counts = [0] * 5
    chain = 1
    times = sorted(kill_times)
    for i in range(1, len(times) + 1):
        if i < len(times) and times[i] - times[i - 1] <= 3:
            chain += 1
            continue
        if chain >= 2:
            counts[min(chain, 6) - 2] += 1
        chain = 1
    return counts


def _simulate_half(
    rng: random.Random,
    roster: Sequence[_Slot],
    duration: int,
    defender_side: int,
    *,
    attack_succeeded: bool,
    carry_objective: bool,
) -> tuple[SimPlayerRound, ...]:
    """Play one half event by event and return every player's round-only record.

    Only living players who have entered can kill or die, deaths wait for the side's respawn wave
    unless a medic revives them (gibbed bodies cannot be revived), and every death is booked on
    the weapon the victim held. That keeps the numbers consistent by construction: kills of one
    side equal the deaths of the other minus its self- and team-kills, dead time never exceeds
    time played, and damage received by a side equals the damage its opponents dealt.
    """
    n = len(roster)
    accs = [_Acc() for _ in range(n)]
    loadouts = [_loadout(s.player_class, s.variant, s.side) for s in roster]
    wave = {
        defender_side: _DEFENDER_WAVE,
        (ALLIES if defender_side == AXIS else AXIS): _ATTACKER_WAVE,
    }
    dead_until = [0] * n
    versus = [[0] * n for _ in range(n)]

    rate = sum(s.skill * max(0, duration - s.enter) for s in roster) * _KILL_RATE_PER_SKILL_SECOND
    events: list[tuple[int, int, int]] = [
        (rng.randint(3, max(3, duration - 1)), 0, -1)
        for _ in range(int(rate * rng.uniform(0.85, 1.15)))
    ]
    for i, slot in enumerate(roster):
        expected = 0.4 * max(0, duration - slot.enter) / 600
        for _ in range(sum(rng.random() < expected / 3 for _ in range(3))):
            events.append((rng.randint(max(3, slot.enter + 1), max(4, duration - 1)), 1, i))
    for _ in range(rng.choices([0, 1, 2], weights=[0.6, 0.3, 0.1])[0]):
        events.append((rng.randint(3, max(3, duration - 1)), 2, -1))
    events.sort()

    def alive(t: int) -> list[int]:
        return [i for i in range(n) if roster[i].enter <= t and dead_until[i] <= t]

    def die(victim: int, t: int, can_revive: bool, living: list[int]) -> int:
        """Book a death at ``t``; returns the seconds the victim stays dead."""
        acc = accs[victim]
        held = _pick(rng, loadouts[victim])
        acc.deaths_w[held] = acc.deaths_w.get(held, 0) + 1
        acc.timeline.append("D")
        medics = [
            m
            for m in living
            if m != victim
            and roster[m].side == roster[victim].side
            and roster[m].player_class == "medic"
        ]
        if can_revive and medics and rng.random() < 0.3:
            dead = rng.randint(3, 12)
            accs[rng.choice(medics)].revives_given += 1
            acc.revived += 1
        else:
            period = wave[roster[victim].side]
            dead = period - (t % period)
            if dead < 2:
                dead += period
        dead = max(0, min(dead, duration - t))
        dead_until[victim] = t + dead
        acc.dead += dead
        acc.max_gap = max(acc.max_gap, dead)
        return dead

    def kill(killer: int, victim: int, t: int, living: list[int]) -> None:
        acc = accs[killer]
        weapon = _pick(rng, loadouts[killer])
        acc.kills_w[weapon] = acc.kills_w.get(weapon, 0) + 1
        if weapon in _BULLET and rng.random() < 0.08 + 0.1 * roster[killer].skill:
            acc.hs_kills_w[weapon] = acc.hs_kills_w.get(weapon, 0) + 1
        acc.timeline.append("K")
        acc.kill_times.append(t)
        gib = rng.random() < 0.22
        if gib:
            acc.gibs += 1
        dead = die(victim, t, not gib, living)
        versus[killer][victim] += 1
        acc.denied += dead
        if dead >= wave[roster[victim].side] / 2:
            acc.useful += 1
        elif dead <= 5:
            acc.useless += 1
        mates = [m for m in living if m != killer and roster[m].side == roster[killer].side]
        if mates and rng.random() < 0.4:
            accs[rng.choice(mates)].assists += 1
            if rng.random() < 0.15:
                acc.steals += 1

    for t, kind, who in events:
        living = alive(t)
        if kind == 0:
            if not living:
                continue
            killer = rng.choices(living, weights=[roster[i].skill for i in living])[0]
            targets = [i for i in living if roster[i].side != roster[killer].side]
            if not targets:
                continue
            victim = rng.choices(targets, weights=[1 / roster[i].skill for i in targets])[0]
            kill(killer, victim, t, living)
            if rng.random() < 0.08 and t + 2 < duration:
                t2 = t + rng.randint(1, 2)
                others = [i for i in targets if i != victim and dead_until[i] <= t2]
                if others:
                    kill(killer, rng.choice(others), t2, living)
        elif kind == 1:
            if who in living:
                accs[who].self_kills += 1
                if rng.random() < 0.3:
                    accs[who].full_selfkills += 1
                die(who, t, False, living)
        else:
            if len(living) < 2:
                continue
            killer = rng.choice(living)
            mates = [i for i in living if i != killer and roster[i].side == roster[killer].side]
            if not mates:
                continue
            accs[killer].team_kills += 1
            if rng.random() < 0.25:
                accs[killer].team_gibs += 1
            die(rng.choice(mates), t, True, living)

    return _finish_records(
        rng,
        roster,
        accs,
        loadouts,
        versus,
        duration,
        defender_side,
        attack_succeeded,
        carry_objective,
    )


def _weapon_rows(
    rng: random.Random, slot: _Slot, acc: _Acc, loadout: list[tuple[int, float]], active: int
) -> tuple[dict[int, WeaponTuple], int]:
    """Hits, shots and headshots that go with the kills, plus the damage they dealt."""
    rows: dict[int, WeaponTuple] = {}
    damage = 0
    primary = loadout[0][0]
    minutes = active / 60
    for weapon, _weight in loadout:
        kills = acc.kills_w.get(weapon, 0)
        deaths = acc.deaths_w.get(weapon, 0)
        used = weapon == primary or kills or deaths or rng.random() < 0.55
        if not used:
            continue
        if weapon in _BULLET:
            per_kill = (2, 4) if weapon in _RIFLES else ((5, 10) if weapon in _MGS else (4, 8))
            hits = sum(rng.randint(*per_kill) for _ in range(kills))
            extra = minutes * rng.uniform(3, 9) * slot.skill if weapon == primary else 0
            hits += int(extra) + rng.randint(0, 4)
            base = 0.45 if weapon in _RIFLES else (0.18 if weapon in _MGS else 0.3)
            accuracy = min(0.9, base * (0.8 + 0.2 * slot.skill))
            shots = int(hits / accuracy) + rng.randint(0, 3)
            hs_rate = 0.08 + 0.1 * slot.skill
            headshots = max(acc.hs_kills_w.get(weapon, 0), round(hits * hs_rate * rng.random()))
            headshots = min(headshots, hits)
        elif weapon in _MELEE:
            hits = kills + rng.randint(0, 1 if kills else 0)
            shots = hits + rng.randint(0, 2)
            headshots = 0
        elif weapon == _FLAMER:
            hits = sum(rng.randint(6, 12) for _ in range(kills)) + rng.randint(0, 10)
            shots = int(hits / 0.5) + rng.randint(0, 5)
            headshots = 0
        else:  # explosives: a hit is a victim caught in the blast
            hits = kills + rng.randint(0, 2)
            shots = hits + rng.randint(0, 3)
            headshots = 0
        if weapon == primary and active > 0:
            shots = max(shots, 1 + rng.randint(0, 5))
        if hits or shots or kills or deaths:
            rows[weapon] = (hits, shots, kills, deaths, headshots)
            damage += int(hits * rng.uniform(18, 30))
    if slot.player_class == "medic" and acc.revives_given:
        rows[_SYRINGE] = (0, acc.revives_given + rng.randint(0, 2), 0, 0, 0)
    for weapon, deaths in acc.deaths_w.items():  # deaths on a weapon not in the loop above
        if weapon not in rows:
            rows[weapon] = (0, 0, acc.kills_w.get(weapon, 0), deaths, 0)
    return dict(sorted(rows.items())), damage


def _finish_records(
    rng: random.Random,
    roster: Sequence[_Slot],
    accs: list[_Acc],
    loadouts: list[list[tuple[int, float]]],
    versus: list[list[int]],
    duration: int,
    defender_side: int,
    attack_succeeded: bool,
    carry_objective: bool,
) -> tuple[SimPlayerRound, ...]:
    """Turn the accumulators into records: weapons, damage flows, objectives, XP, time."""
    n = len(roster)
    weapons: list[dict[int, WeaponTuple]] = []
    damage_given: list[int] = []
    for i, slot in enumerate(roster):
        rows, dmg = _weapon_rows(rng, slot, accs[i], loadouts[i], max(0, duration - slot.enter))
        weapons.append(rows)
        damage_given.append(dmg)
    deaths = [sum(w[3] for w in rows.values()) for rows in weapons]

    damage_received = [0] * n
    team_damage_received = [0] * n
    team_damage_given = [0 if rng.random() < 0.45 else rng.randint(4, 80) for _ in range(n)]
    for side in (AXIS, ALLIES):
        mine = [i for i in range(n) if roster[i].side == side]
        theirs = [i for i in range(n) if roster[i].side != side]
        total = sum(damage_given[i] for i in theirs)
        weights = [
            (deaths[i] + 0.5) * rng.uniform(0.7, 1.3) * max(0.05, 1 - roster[i].enter / duration)
            for i in mine
        ]
        for i, share in zip(mine, _allocate(rng, total, weights), strict=True):
            damage_received[i] = share
        for giver in mine:
            mates = [i for i in mine if i != giver]
            if not mates:
                team_damage_given[giver] = 0
                continue
            shares = _allocate(
                rng, team_damage_given[giver], [rng.uniform(0.5, 1.5) for _ in mates]
            )
            for i, share in zip(mates, shares, strict=True):
                team_damage_received[i] += share

    planted = [0] * n
    defused = [0] * n
    stolen = [0] * n
    returned = [0] * n
    constructions = [0] * n
    attackers = [i for i in range(n) if roster[i].side != defender_side]
    defenders = [i for i in range(n) if roster[i].side == defender_side]
    att_eng = [i for i in attackers if roster[i].player_class == "engineer"] or attackers
    def_eng = [i for i in defenders if roster[i].player_class == "engineer"] or defenders
    if att_eng:
        planter = rng.choice(att_eng)
        planted[planter] += rng.randint(1, 3) if attack_succeeded else rng.randint(0, 2)
    for i in def_eng:
        defused[i] += rng.randint(0, 1) if attack_succeeded else rng.randint(0, 2)
    if carry_objective and attackers:
        runner = rng.choice(attackers)
        stolen[runner] += rng.randint(1, 2) if attack_succeeded else rng.randint(0, 2)
        for share_i, share in zip(
            defenders,
            _allocate(rng, rng.randint(0, stolen[runner]), [1.0] * len(defenders)),
            strict=True,
        ):
            returned[share_i] += share
    for i in range(n):
        if roster[i].player_class == "engineer":
            constructions[i] = rng.randint(0, 3)

    records: list[SimPlayerRound] = []
    for i, slot in enumerate(roster):
        acc = accs[i]
        rows = weapons[i]
        kills = sum(w[2] for w in rows.values())
        active = max(0, duration - slot.enter)
        xp = (
            kills * 4
            + acc.revives_given * 3
            + planted[i] * 10
            + defused[i] * 8
            + stolen[i] * 12
            + returned[i] * 6
            + constructions[i] * 3
            + rng.randint(0, 6)
        )
        multi = _multikills(acc.kill_times)
        opponents = tuple(
            (roster[j].player.guid32, versus[i][j], versus[j][i])
            for j in range(n)
            if roster[j].side != slot.side and (versus[i][j] or versus[j][i])
        )
        records.append(
            SimPlayerRound(
                player=slot.player,
                team=slot.side,
                player_class=slot.player_class,
                weapons=rows,
                damage_given=damage_given[i],
                damage_received=damage_received[i],
                team_damage_given=team_damage_given[i],
                team_damage_received=team_damage_received[i],
                gibs=acc.gibs,
                self_kills=acc.self_kills,
                team_kills=acc.team_kills,
                team_gibs=acc.team_gibs,
                xp=xp,
                killing_spree=_longest_run(acc.timeline, "K"),
                death_spree=_longest_run(acc.timeline, "D"),
                kill_assists=acc.assists,
                kill_steals=min(acc.steals, kills),
                headshot_kills=sum(acc.hs_kills_w.values()),
                objectives_stolen=stolen[i],
                objectives_returned=returned[i],
                dynamites_planted=planted[i],
                dynamites_defused=defused[i],
                times_revived=acc.revived,
                useful_kills=acc.useful,
                denied_playtime=acc.denied,
                multikill_2x=multi[0],
                multikill_3x=multi[1],
                multikill_4x=multi[2],
                multikill_5x=multi[3],
                multikill_6x=multi[4],
                useless_kills=acc.useless,
                full_selfkills=acc.full_selfkills,
                repairs_constructions=constructions[i],
                revives_given=acc.revives_given,
                time_played_tenths=active // 6,
                time_dead_tenths=acc.dead // 6,
                reconnected_in_this_round=slot.reconnected,
                joined_in_this_round=slot.joined,
                entered_at_seconds=slot.enter,
                spawns=1 + deaths[i] - acc.revived,
                dead_seconds=acc.dead,
                max_respawn_seconds=acc.max_gap,
                versus=opponents,
            )
        )
    return tuple(records)


def _plan_malformed(nights: tuple[SimNight, ...]) -> tuple[SimMalformedFile, ...]:
    """Place each broken file inside a night, shortly after a real round, on a never-played map."""
    out: list[SimMalformedFile] = []
    for k, (reason, map_name, number) in enumerate(MALFORMED_PLAN):
        night = nights[k % len(nights)]
        rounds = night.rounds
        source = rounds[min(len(rounds) - 1, 1 + k)]
        when = source.file_written_local + timedelta(seconds=37 + 11 * k)
        out.append(SimMalformedFile(when, map_name, number, reason, source))
    return tuple(out)
