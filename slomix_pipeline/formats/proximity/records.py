"""The records one proximity file's rows become: engagements with their attackers and path
points, player lives over the shared track-sample columns, heatmap cells and objective focus.

Plain typed values, written exactly as the file says (corrections live in ``domain.proximity``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np


class EngagementPoint(NamedTuple):
    """One point of an engagement's victim path (``start``/``hit``/``sample``/``death``/...)."""

    time_ms: int
    x: float
    y: float
    z: float
    event: str


@dataclass(frozen=True, slots=True)
class Attacker:
    """One attacker entry of an engagement (one per distinct attacker GUID)."""

    guid: str
    name: str
    team: str
    damage: int
    hits: int
    first_hit_ms: int
    last_hit_ms: int
    got_kill: bool
    weapons: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class Engagement:
    """One ``target under fire`` episode exactly as written (no corrections applied here)."""

    line_no: int
    engagement_id: int
    start_time_ms: int
    end_time_ms: int
    duration_ms: int
    target_guid: str
    target_name: str
    target_team: str
    outcome: str
    total_damage: int
    killer_guid: str | None
    killer_name: str | None
    num_attackers: int
    is_crossfire: bool
    crossfire_delay_ms: int | None
    crossfire_participants: tuple[str, ...]
    start_x: float
    start_y: float
    start_z: float
    end_x: float
    end_y: float
    end_z: float
    distance_traveled: float
    positions: tuple[EngagementPoint, ...]
    positions_text: str  # the path as written (compact storage form)
    attackers: tuple[Attacker, ...]


@dataclass(frozen=True, slots=True)
class PlayerLife:
    """One ``PLAYER_TRACKS`` line: a spawn-to-end window of one player.

    The path's samples live in the file's shared :class:`TrackSamples` columns at
    ``[sample_start, sample_stop)``; ``path_text`` keeps the compact text as written so a
    table can store it without re-serialising ~140 points per life.
    """

    line_no: int
    guid: str
    name: str
    team: str
    player_class: str
    spawn_time_ms: int
    death_time_ms: int | None
    first_move_time_ms: int | None
    death_type: str | None
    sample_count: int
    sample_start: int
    sample_stop: int
    path_text: str


@dataclass(frozen=True, slots=True, eq=False)
class TrackSamples:
    """Every track sample of the file as flat columns (one row per path point).

    ``event`` holds small-int codes into ``event_names``; lives index into these arrays.
    """

    time_ms: np.ndarray
    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    health: np.ndarray
    speed: np.ndarray
    weapon: np.ndarray
    stance: np.ndarray
    sprint: np.ndarray
    event: np.ndarray
    event_names: tuple[str, ...]

    def __len__(self) -> int:
        return int(self.time_ms.shape[0])

    def event_mask(self, name: str) -> np.ndarray:
        """Boolean mask of the samples whose event is ``name`` (all False if never seen)."""
        if name not in self.event_names:
            return np.zeros(len(self), dtype=bool)
        return self.event == self.event_names.index(name)


@dataclass(frozen=True, slots=True)
class KillHeatmapCell:
    """``KILL_HEATMAP`` row: kills at the victim's 512-unit cell, by the killer's team."""

    line_no: int
    grid_x: int
    grid_y: int
    axis_kills: int
    allies_kills: int


@dataclass(frozen=True, slots=True)
class MovementHeatmapCell:
    """``MOVEMENT_HEATMAP`` row: traversal samples, hits taken and escapes per cell."""

    line_no: int
    grid_x: int
    grid_y: int
    traversal: int
    combat: int
    escape: int


@dataclass(frozen=True, slots=True)
class ObjectiveFocus:
    """``OBJECTIVE_FOCUS`` row: one per player for the whole round (all lives summed)."""

    line_no: int
    guid: str
    name: str
    team: str
    objective: str
    avg_distance: float
    time_within_radius_ms: int
    samples: int
