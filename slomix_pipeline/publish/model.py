"""What a post is made of: plain records read from the warehouse, nothing Discord-specific.

:mod:`slomix_pipeline.publish.reads` fills them from the tables ``linked_rounds`` and
``session_aggregates`` wrote; :mod:`slomix_pipeline.publish.render` turns them into posts. Names
are kept raw here (colour codes included): cleaning is the renderer's job, in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

AXIS, ALLIES = 1, 2


@dataclass(frozen=True, slots=True)
class PlayerLine:
    """One player's figures over a round, a map play or a session."""

    guid: str
    name: str
    team: str | None  # persistent team: "A" | "B" | None (unassigned)
    sides: frozenset[int]  # sides played (1 Axis, 2 Allies) in the rounds covered
    kills: int
    deaths: int
    damage_given: int
    dpm: float
    kill_assists: int = 0
    revives_given: int = 0
    accuracy: float = 0.0
    time_played_seconds: int = 0
    is_bot: bool = False


@dataclass(frozen=True, slots=True)
class RoundPostData:
    """A linked stats round (the facts of ``round_links`` + its per-player rows)."""

    round_id: int
    session_id: int
    gaming_day: date
    map_name: str
    round_number: int
    end_local: datetime
    winner_team: int
    winner_source: str
    defender_team: int
    duration_seconds: int | None
    duration_source: str
    stats_clock_seconds: int | None
    lua_duration_seconds: int | None
    timing_diff_seconds: int | None
    timing_status: str
    link_reason: str
    players: tuple[PlayerLine, ...]


@dataclass(frozen=True, slots=True)
class MapPostData:
    """One scored map play (R1 + R2) of ``map_summaries`` with its players."""

    map_play_id: int
    session_id: int
    gaming_day: date
    map_name: str
    play_index: int
    end_local: datetime | None
    r1_attackers: str | None
    r1_time_seconds: int | None
    r2_time_seconds: int | None
    r1_attack_succeeded: bool | None
    r2_attack_succeeded: bool | None
    map_winner: str | None
    team_a_points: int
    team_b_points: int
    scoring_counted: bool
    scoring_source: str | None
    scoring_note: str
    players: tuple[PlayerLine, ...]


@dataclass(frozen=True, slots=True)
class Award:
    """One award line of a session post (filled once endstats are in the warehouse)."""

    title: str
    player_name: str
    value: str


@dataclass(frozen=True, slots=True)
class SessionMapLine:
    """One map play in a session summary."""

    map_name: str
    play_index: int
    map_winner: str | None
    r1_attackers: str | None
    r1_time_seconds: int | None
    r2_time_seconds: int | None
    scoring_counted: bool
    scoring_note: str


@dataclass(frozen=True, slots=True)
class SessionPostData:
    """A closed gaming session: score, maps, per-player totals and (later) awards."""

    session_id: int
    gaming_day: date
    last_gaming_day: date
    start_local: datetime
    end_local: datetime
    end_unix: int
    round_count: int
    counted_round_count: int
    team_a_points: int
    team_b_points: int
    maps: tuple[SessionMapLine, ...]
    players: tuple[PlayerLine, ...]
    awards: tuple[Award, ...] = ()
