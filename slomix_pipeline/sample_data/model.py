"""Records of the simulated community play: the single source every sample-data renderer reads.

The simulation produces *true, round-only* values. Renderers turn them into what each real
producer writes (the c0rnp0rn stats file with its cumulative round 2, the Lua webhook and gametime
files, the proximity tracker), and ``truth.py`` derives what the pipeline must compute from those
files. Keeping one model for all of them is what lets a test say "the stored value is right"
instead of "the parser returned something".

Everything here is immutable. ``SimPlayerRound.weapons`` is a plain ``dict`` (kept picklable); it is
built once by the simulator and must be treated as read-only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, make_dataclass
from datetime import date, datetime
from typing import Any

# The stats layout's tables, the ones the parser reads, so the writer and the parser cannot
# disagree: the TAB fields, and weapon id (= bit number = emit order) -> the stored ``WS_*`` name.
from slomix_pipeline.formats.stats.layout import EXTENDED_FIELD_NAMES, FLOAT_FIELD_INDICES
from slomix_pipeline.formats.stats.layout import WEAPON_NAMES as WEAPON_NAMES

AXIS = 1
ALLIES = 2

WeaponTuple = tuple[int, int, int, int, int]
"""(hits, shots, kills, deaths, headshots): the order the stats file writes them in."""


def _column_total(weapons: Mapping[Any, WeaponTuple], column: int) -> int:
    return sum(w[column] for w in weapons.values())


def weapon_totals(weapons: Mapping[Any, WeaponTuple]) -> tuple[int, ...]:
    """Each column of the weapon tuples summed: (hits, shots, kills, deaths, headshots)."""
    return tuple(_column_total(weapons, column) for column in range(5))


def _weapon_sum(column: int, doc: str) -> property:
    """A read-only total of one WeaponTuple column over ``weapons``, so it cannot disagree."""
    return property(lambda self: _column_total(self.weapons, column), doc=doc)


END_OBJECTIVE = "objective"
END_TIME_EXPIRED = "time_expired"
END_SURRENDER = "surrender"


@dataclass(frozen=True, slots=True)
class SimPlayer:
    """A community member (or an Omni-bot) with a stable identity across nights.

    ``guid32`` is the full ``cl_guid`` (32 uppercase hex for humans). Bots get ``OMNIBOT`` followed
    by digits, so their 8-character stats-file GUID is always ``OMNIBOT0`` and collides, as in the
    real game.
    """

    guid32: str
    raw_name: str
    clean_name: str
    is_bot: bool

    @property
    def guid8(self) -> str:
        """The truncated GUID the stats file carries."""
        return self.guid32[:8]


TAB_COUNTERS: tuple[str, ...] = tuple(
    name
    for tab, name in enumerate(EXTENDED_FIELD_NAMES)
    if tab not in FLOAT_FIELD_INDICES and name != "bullets_fired"
)
"""The integer TAB fields a player round carries as its own values, by their stats-file names.

The ratio fields are computed by the writer; ``bullets_fired`` is the weapons' shots.
"""

_TabCounters = make_dataclass(
    "_TabCounters",
    [(name, int) for name in TAB_COUNTERS],
    namespace={"__module__": __name__, "__doc__": "One ``int`` field per ``TAB_COUNTERS`` name."},
    frozen=True,
    slots=True,
)


@dataclass(frozen=True, slots=True)
class SimPlayerRound(_TabCounters):
    """One player's TRUE values for one round only (never cumulative).

    Besides the fields below it has one ``int`` per ``TAB_COUNTERS`` name (``damage_given`` …
    ``revives_given``, the stats-file TAB block, reference section 3.3), so the simulation, the
    writer and the parser share one list of counters. Derived totals (kills,
    deaths, shots, ...) are properties over ``weapons`` so they can never disagree with it.
    ``versus`` holds (opponent guid32, kills on them, deaths by them) for the endstats side-car.
    Spawn fields feed the Lua spawn statistics: ``spawns`` counts real respawns (revives are not
    spawns), ``dead_seconds`` is the total time spent dead and ``max_respawn_seconds`` the longest
    single wait.
    """

    player: SimPlayer
    team: int
    player_class: str
    weapons: dict[int, WeaponTuple]
    time_played_tenths: int
    time_dead_tenths: int
    reconnected_in_this_round: bool
    joined_in_this_round: bool
    entered_at_seconds: int
    spawns: int
    dead_seconds: int
    max_respawn_seconds: int
    versus: tuple[tuple[str, int, int], ...]

    def __hash__(self) -> int:
        """Hashable despite the ``weapons`` dict (hashes a subset of the compared fields)."""
        return hash((self.player, self.team, tuple(self.weapons.items()), self.damage_given))

    hits = _weapon_sum(0, "Hits summed over weapons.")
    shots = _weapon_sum(1, "Shots summed over weapons.")
    kills = _weapon_sum(2, "Kills summed over weapons.")
    deaths = _weapon_sum(3, "Deaths summed over weapons.")
    headshots = _weapon_sum(4, "Headshot *hits* summed over weapons (not TAB 14 headshot kills).")

    @property
    def time_played_seconds(self) -> int:
        return self.time_played_tenths * 6

    @property
    def avg_respawn_seconds(self) -> int:
        """What the Lua reports: whole seconds dead per death, floored; 0 without deaths."""
        deaths = self.deaths
        return self.dead_seconds // deaths if deaths else 0


@dataclass(frozen=True, slots=True)
class SimRound:
    """One stopwatch half as it really happened, with the times every producer needs.

    Local datetimes are naive server wall clock (Europe/Paris); the unix fields are the same
    instants as UTC epochs. ``timelimit_seconds`` is the limit in force for this half: the map's
    limit in R1, the time to beat in R2 (so it can be fractional in minutes: 446 s = 7.4333 min).
    ``actual_duration_seconds`` excludes pauses; ``duration_ms`` is the engine's measurement the
    stats header carries. ``pauses`` are (offset from round start in wall seconds, length).
    """

    map_name: str
    round_number: int
    start_local: datetime
    end_local: datetime
    file_written_local: datetime
    endstats_written_local: datetime | None
    warmup_seconds: int
    map_timelimit_seconds: int
    timelimit_seconds: int
    actual_duration_seconds: int
    duration_ms: int
    pauses: tuple[tuple[int, int], ...]
    end_reason: str
    winner_team: int
    defender_team: int
    attacker_team: int
    surrender_team: int
    surrender_caller_guid32: str
    round_start_unix: int
    round_end_unix: int
    players: tuple[SimPlayerRound, ...]

    @property
    def total_pause_seconds(self) -> int:
        return sum(length for _, length in self.pauses)

    @property
    def pause_count(self) -> int:
        return len(self.pauses)

    @property
    def pause_windows_unix(self) -> tuple[tuple[int, int], ...]:
        """Pauses as (start, end) epochs, the way the Lua reports them."""
        return tuple(
            (self.round_start_unix + offset, self.round_start_unix + offset + length)
            for offset, length in self.pauses
        )

    @property
    def warmup_start_unix(self) -> int:
        return self.round_start_unix - self.warmup_seconds

    @property
    def timelimit_minutes(self) -> float:
        """The ``timelimit`` cvar: float minutes, fractional for most R2 halves."""
        return self.timelimit_seconds / 60

    def player(self, guid32: str) -> SimPlayerRound | None:
        """The player's record in this round, or None when they did not play it."""
        for p in self.players:
            if p.player.guid32 == guid32:
                return p
        return None


@dataclass(frozen=True, slots=True)
class SimMapPlay:
    """An R1 and the R2 that follows it on the same map.

    ``r1_file_missing`` marks the orphan case: R1 was played (the Lua saw it) but its stats file
    never reached the landing zone. ``r2`` is None for an abandoned map (R1 only).
    """

    map_name: str
    play_index: int
    r1: SimRound
    r2: SimRound | None
    r1_file_missing: bool = False

    @property
    def rounds(self) -> tuple[SimRound, ...]:
        return (self.r1,) if self.r2 is None else (self.r1, self.r2)


@dataclass(frozen=True, slots=True)
class SimNight:
    """One evening of play; ``date`` is the gaming day (starting 06:00 local) it began on."""

    date: date
    map_plays: tuple[SimMapPlay, ...]

    @property
    def rounds(self) -> tuple[SimRound, ...]:
        return tuple(r for play in self.map_plays for r in play.rounds)


@dataclass(frozen=True, slots=True)
class SimMalformedFile:
    """A stats file the sample landing zone deliberately breaks, with the reason it must trigger.

    ``source`` is a real round whose player lines are reused, so the damage looks like what a
    crash or a disk problem does to a genuine file.
    """

    local_time: datetime
    map_name: str
    round_number: int
    reason: str
    source: SimRound


@dataclass(frozen=True, slots=True)
class SimCorpus:
    """The whole simulation: deterministic for a seed."""

    seed: int
    nights: tuple[SimNight, ...]
    malformed: tuple[SimMalformedFile, ...] = ()

    @property
    def map_plays(self) -> tuple[SimMapPlay, ...]:
        return tuple(play for night in self.nights for play in night.map_plays)

    @property
    def rounds(self) -> tuple[SimRound, ...]:
        return tuple(r for night in self.nights for r in night.rounds)
