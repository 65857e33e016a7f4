"""WS7 kill assists: the compared counters, the reason codes and the three views' records.

A player's counters are read three times (session totals, graph rows, stored R1/R2 rows); each
view becomes :class:`PlayerValues` so one comparison serves all three.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

WS7_FIELDS: tuple[str, ...] = (
    "kill_assists",
    "kills",
    "deaths",
    "damage_given",
    "damage_received",
)
"""Counters compared between the three views (kill assists first: the gate's name)."""

WS7_KA_MISSING = "kill_assists_missing"
WS7_MISSING_FROM_TOTALS = "player_missing_from_totals"
WS7_MISSING_FROM_GRAPHS = "player_missing_from_graphs"
WS7_PLAYER_WITHOUT_ROUNDS = "player_without_rounds"
WS7_TOTALS_VS_GRAPHS = "totals_vs_graphs"
WS7_GRAPHS_VS_ROUNDS = "graphs_vs_rounds"
WS7_SUMMARY_COUNTED = "summary_round_counted"


@dataclass(frozen=True, slots=True)
class SessionRoundRef:
    """A round of a session (``session_rounds``)."""

    session_id: int
    round_id: int
    round_key: str
    round_number: int
    counted: bool


@dataclass(frozen=True, slots=True)
class PlayerValues:
    """A player's counters in one view: session totals (``round_id`` None), a graph row, or a
    stored round row (``player_comprehensive_stats``, with its ``round_number``)."""

    session_id: int
    player_guid: str
    player_name: str
    values: Mapping[str, int | None]
    round_id: int | None = None
    round_number: int | None = None
