"""WS0 round contract: the codes, enums and records the contract gates judge.

The contract is what every ``rounds`` row promises downstream (valid sides, a score confidence
that agrees with them, a stopwatch state when the times allow one). The enums live here, apart
from the predicates, because the WS1 gate checks Lua rows against the same side codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

SCORE_CONFIDENCES: frozenset[str] = frozenset(
    {"verified_header", "time_fallback", "ambiguous", "missing"}
)
STOPWATCH_STATES: frozenset[str] = frozenset({"FULL_HOLD", "TIME_SET"})
SIDES: frozenset[int] = frozenset({0, 1, 2})

WS0_SUMMARY_ROUND = "summary_round"
WS0_SIDE_INVALID = "side_invalid"
WS0_CONFIDENCE_INVALID = "score_confidence_invalid"
WS0_CONFIDENCE_INCONSISTENT = "score_confidence_inconsistent"
WS0_STATE_INVALID = "stopwatch_state_invalid"
WS0_STATE_MISSING = "stopwatch_state_missing"
WS0_NEGATIVE_VALUE = "negative_value"
WS0_ORPHAN_R2 = "orphan_r2"


@dataclass(frozen=True, slots=True)
class ContractRound:
    """The contract columns of one ``rounds`` row."""

    round_key: str
    round_number: int
    defender_team: int | None
    winner_team: int | None
    score_confidence: str | None
    round_stopwatch_state: str | None
    time_limit_seconds: int | None
    actual_time_seconds: int | None
    side_reasons: tuple[str, ...]
    is_orphan_r2: bool
    source_file: str
    r1_file_name: str | None = None
    end_reason: str | None = None


NO_STATE_END_REASONS: frozenset[str] = frozenset({"surrender", "map_change"})
"""End reasons after which a round has no stopwatch state (neither a time set nor a hold)."""


@dataclass(frozen=True, slots=True)
class ValueRow:
    """The numeric values of one player row (or one player-weapon row) of a round.

    ``label`` names the row inside its round: the player GUID, plus the weapon for weapon rows.
    Readers may pass only rows that hold a negative value (and the total count separately).
    """

    round_key: str
    label: str
    values: Mapping[str, float | int]
