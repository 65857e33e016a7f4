"""Tunables of the proximity derivations (distances, windows, sprint thresholds)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DeriveParams:
    """Tunables of the derivations; defaults are the upstream environment defaults."""

    trade_window_ms: int = 3000
    trade_pos_delta_ms: int = 1500
    trade_dist: float = 800.0
    isolation_dist: float = 1200.0
    support_dist: float = 600.0
    combat_recent_ms: int = 1500
    support_pos_delta_ms: int = 1500
    #: Used only to recompute crossfire after removing friendly fire when the header lacks it.
    default_crossfire_window_ms: int = 1000
    #: A file with at least this many "could be sprinting" samples and no sprint flag at all
    #: carries the dead pm_flags bit, not the stamina signal.
    sprint_min_opportunities: int = 50
    sprint_min_speed: float = 140.0
