"""Mutable state of one simulated half: a player's slot (side, class, entry) and counters."""

from __future__ import annotations

from dataclasses import dataclass, field

from slomix_pipeline.sample_data.model import (
    SimPlayer,
)


@dataclass(slots=True)
class Slot:
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
class Acc:
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
