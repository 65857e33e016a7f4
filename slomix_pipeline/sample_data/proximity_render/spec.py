"""What to render and what a correct pipeline must find: the round spec, players, the truth."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

TEAMS = ("AXIS", "ALLIES")


CLASSES = ("SOLDIER", "MEDIC", "ENGINEER", "FIELDOPS", "COVERTOPS")
#: Broken-line kinds that can be injected, with the parser reason they must produce.
BROKEN_LINE_KINDS: dict[str, str] = {
    "garbage_engagement": "engagements:field_count",
    "bad_number_engagement": "engagements:bad_value",
    "duplicate_engagement": "engagements:duplicate_engagement_id",
    "truncated_track": "player_tracks:path_shape",
    "bad_track_value": "player_tracks:bad_path_value",
    "bad_heatmap": "kill_heatmap:bad_value",
}


@dataclass(frozen=True, slots=True)
class ProxPlayer:
    """A player of the round as the tracker sees him."""

    guid: str  # 32 hex characters for real clients
    name: str  # raw name, colour codes included (sanitised when written)
    team: str  # AXIS | ALLIES
    player_class: str = "SOLDIER"


@dataclass(frozen=True, slots=True)
class ProximityRoundSpec:
    """One round to render. ``round_number`` is the *true* stopwatch half (1 or 2)."""

    map_name: str
    round_number: int
    round_start_unix: int
    round_end_unix: int
    players: tuple[ProxPlayer, ...]
    seed: int = 0
    format_version: int = 4  # 4 = Feb tracker (v4.2), 6 = Aug tracker (v6.11)
    sample_interval_ms: int = 500
    #: What the tracker writes; default: V4 clamps both halves to 1, V6 writes the true half.
    written_round_number: int | None = None
    #: Server-local wall clock at write time (file name); default: round end in ``server_tz``.
    file_written_local: datetime | None = None
    server_tz: str = "Europe/Paris"
    #: V4 times count from map load, so the round goes live after the warmup; None = seeded.
    warmup_ms: int | None = None
    axis_spawn_interval_ms: int = 30000
    allies_spawn_interval_ms: int = 20000
    crossfire_window_ms: int = 1000
    escape_time_ms: int = 5000
    escape_distance: int = 300
    #: Fire decisions per player-second when not avenging a teammate.
    fire_rate: float = 0.035
    revenge_probability: float = 0.15
    revive_probability: float = 0.12
    self_kills_under_fire: int = 1
    self_kills_idle: int = 1
    friendly_fire_incidents: int = 2  # V4 only: V6 trackers drop teammate damage
    world_deaths: int = 1
    instant_kills: int = 2
    #: (name, x, y, z) objective positions; OBJECTIVE_FOCUS is written only when given.
    objectives: tuple[tuple[str, float, float, float], ...] = ()
    #: Render the pre-fix tracker whose sprint flag (a limbo bit) is never set.
    sprint_flag_dead: bool = False
    #: Kinds from :data:`BROKEN_LINE_KINDS` to inject (copies/garbage; real rows stay intact).
    broken_lines: tuple[str, ...] = ()
    #: V6: capability flags declared off (6.11 defaults); their sections are not written.
    disabled_flags: tuple[str, ...] = ("spawn_select", "skill_snapshot", "comm_events")
    #: V6: write the 6.11 capability declaration (False: a 6.10 file, capabilities unknown).
    declare_capabilities: bool = True
    #: Medic GUID -> revives, when REVIVES must match another source (the stats file).
    revives_given: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class LifeTruth:
    """True per-life values (from the simulation state, not from the written text)."""

    guid: str
    team: str
    spawn_time_ms: int
    death_time_ms: int
    death_type: str
    duration_ms: int
    points: int
    periodic_samples: int
    sprint_samples: int
    sprint_percentage: float | None
    first_move_time_ms: int | None


@dataclass(frozen=True, slots=True)
class ProximityTruth:
    """What a correct pipeline must find in the rendered file."""

    map_name: str
    true_round_number: int
    written_round_number: int
    format_version: int
    sample_interval_ms: int
    round_start_unix: int
    round_end_unix: int
    engagement_lines: int  # valid engagement lines written
    combat_engagements: int  # rows expected after excluding non-combat engagements
    excluded_engagements: tuple[tuple[str, int], ...]  # (reason, count), sorted
    enemy_kills: int  # = expected proximity_trade_event rows
    traded_deaths: tuple[tuple[str, int], ...]  # (victim guid, death time) avenged in window
    self_kills: int
    world_deaths: int
    revives: int
    lives: tuple[LifeTruth, ...]
    track_points: int
    sprint_flag_written: bool
    #: (line number, expected reason) of every injected broken line.
    broken_lines: tuple[tuple[int, str], ...]
    extra_sections: tuple[str, ...]
    #: (marker, data rows written) of every later section, in file order.
    section_rows: tuple[tuple[str, int], ...] = ()
    #: The 6.11 declaration as written, or None when the file has none.
    declared: tuple[tuple[str, bool], ...] | None = None

    @property
    def trade_events(self) -> int:
        """Expected ``proximity_trade_event`` rows (one per enemy kill)."""
        return self.enemy_kills

    @property
    def traded(self) -> int:
        """Deaths avenged by a teammate of the victim within the trade window."""
        return len(self.traded_deaths)


@dataclass(frozen=True, slots=True)
class RenderedProximity:
    """The file as the game server would write it, plus its truth."""

    name: str
    data: bytes
    truth: ProximityTruth


def sanitize_name(name: str) -> str:
    """What the tracker writes for a name: separators become ``_``, CR/LF dropped, 256 max.

    Colour codes are kept (the tracker does not strip them, contrary to its docs).
    """
    cleaned = name.replace(";", "_").replace("|", "_").replace(",", "_")
    return cleaned.replace("\r", "").replace("\n", "")[:256]


def demo_spec(
    *,
    seed: int = 1,
    per_team: int = 6,
    minutes: float = 10.0,
    sample_interval_ms: int = 500,
    format_version: int = 4,
    round_number: int = 1,
    map_name: str = "supply",
    round_start_unix: int = 1770843112,
    **overrides: object,
) -> ProximityRoundSpec:
    """A ready-made spec with a generated roster (tests, benchmarks, demos)."""
    rng = random.Random(seed * 7919 + 17)
    players = []
    for team in TEAMS:
        for k in range(per_team):
            guid = "".join(rng.choice("0123456789ABCDEF") for _ in range(32))
            colour = rng.choice(("^1", "^4", "^7", ""))
            players.append(
                ProxPlayer(guid, f"{colour}{team[:2].title()}Player{k + 1}", team, CLASSES[k % 5])
            )
    return ProximityRoundSpec(
        map_name=map_name,
        round_number=round_number,
        round_start_unix=round_start_unix,
        round_end_unix=round_start_unix + int(minutes * 60),
        players=tuple(players),
        seed=seed,
        format_version=format_version,
        sample_interval_ms=sample_interval_ms,
        **overrides,  # type: ignore[arg-type]
    )
