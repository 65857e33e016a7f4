"""Mutable simulation state (lives, engagements, players) and the tracker's constants."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from slomix_pipeline.sample_data.proximity_render.spec import ProxPlayer

FRAME_MS = 50
MAX_HEALTH = 100
MAX_STAMINA = 20000.0
SPRINT_DRAIN_PER_MS = 1.0
STAMINA_REGEN_PER_MS = 0.5
TIMEOUT_MS = 15000  # V6 closes an engagement after this long without a hit
TRADE_WINDOW_MS = 3000
OBJECTIVE_RADIUS = 500.0
# mode -> (min speed, max speed, stance)
MODES: dict[str, tuple[float, float, int]] = {
    "still": (0.0, 0.0, 0),
    "crouch": (50.0, 90.0, 1),
    "prone": (5.0, 30.0, 2),
    "run": (170.0, 250.0, 0),
    "sprint": (290.0, 330.0, 0),
}
MODE_CHOICES = ("still", "crouch", "prone", "run", "sprint")
MODE_WEIGHTS = (0.14, 0.10, 0.04, 0.44, 0.28)
PRIMARY_WEAPON = {"AXIS": 3, "ALLIES": 8}
CLASS_WEAPON = {"COVERTOPS": 10, "SOLDIER": 5}


@dataclass(slots=True)
class Life:
    player: int
    spawn: int
    points: list[tuple[int, float, float, float, int, float, int, int, int, str]]
    death: int | None = None
    death_type: str | None = None
    first_move: int | None = None
    periodic: int = 0
    sprinting: int = 0


@dataclass(slots=True)
class Attacker:
    player: int
    damage: int = 0
    hits: int = 0
    first_hit: int = 0
    last_hit: int = 0
    got_kill: bool = False
    weapons: dict[int, int] = field(default_factory=dict)


@dataclass(slots=True)
class Engagement:
    eid: int
    target: int
    start: int
    start_pos: tuple[float, float, float]
    positions: list[tuple[int, float, float, float, str]]
    target_team: str
    attackers: dict[int, Attacker] = field(default_factory=dict)
    total_damage: int = 0
    distance: float = 0.0
    last_hit: int = 0
    last_hit_pos: tuple[float, float, float] = (0.0, 0.0, 0.0)
    end: int = 0
    end_pos: tuple[float, float, float] = (0.0, 0.0, 0.0)
    outcome: str = ""
    killer: int | None = None


@dataclass(slots=True)
class PlayerState:
    info: ProxPlayer
    alive: bool = False
    life: Life | None = None
    x: float = 0.0
    y: float = 0.0
    heading: float = 0.0
    mode: str = "still"
    stance: int = 0
    speed: float = 0.0
    stamina: float = MAX_STAMINA
    reading: float | None = None  # tracker's previous stamina reading
    health: int = MAX_HEALTH
    weapon: int = 3
    eng: Engagement | None = None
    seg_start: int = 0
    old_pos: tuple[float, float] = (0.0, 0.0)
    dead_since: int | None = None
    revive_at: int | None = None
    revenge: tuple[int, int] | None = None  # (target player, until time)
    target: int | None = None


def ground_z(x: float, y: float) -> float:
    return 24.0 + 40.0 * math.sin(x / 900.0) * math.cos(y / 1100.0)


def grid_cell(x: float, y: float) -> tuple[int, int]:
    return math.floor(x / 512.0), math.floor(y / 512.0)
