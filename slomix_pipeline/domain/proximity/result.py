"""What :func:`~slomix_pipeline.domain.proximity.derive` returns for one file.

Besides the rows: the engagements it left out (and why), the sprint signal and notes.
"""

from __future__ import annotations

from dataclasses import dataclass

from slomix_pipeline.domain.proximity.rows import (
    CombatEngagementRow,
    PlayerTrackRow,
    SupportSummaryRow,
    TradeEventRow,
)


@dataclass(frozen=True, slots=True)
class ExcludedEngagement:
    """An engagement line that produced no ``combat_engagement`` row, and why."""

    engagement_id: int
    source_line: int
    reason: str  # self_kill | friendly_fire | no_enemy_attackers


@dataclass(frozen=True, slots=True)
class ProximityDerived:
    """All rows derived from one file."""

    combat_engagements: tuple[CombatEngagementRow, ...]
    player_tracks: tuple[PlayerTrackRow, ...]
    trade_events: tuple[TradeEventRow, ...]
    support_summaries: tuple[SupportSummaryRow, ...]
    excluded_engagements: tuple[ExcludedEngagement, ...]
    #: present | absent (dead flag: sprint stored as None) | undetermined (too little running)
    sprint_signal: str
    notes: tuple[str, ...]
