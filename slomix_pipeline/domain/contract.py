"""Round contract: side trust, stopwatch state, time to beat and outcome of one round.

Derived from a stats-file header alone (and optionally the Lua end reason, which the file cannot
express: a surrender looks exactly like a full hold there). The rules, in short:

* ``score_confidence``: ``time_fallback`` when the caller inherited valid sides from R1;
  ``ambiguous`` when a side is non-numeric or out of range; ``missing`` when a side is absent or 0
  (draw / unknown winner); ``verified_header`` when both sides are 1/2 with no diagnostics.
* ``round_stopwatch_state``: OBJECTIVE -> ``TIME_SET``; NORMAL with a known limit and a known,
  non-zero actual time -> ``FULL_HOLD`` when actual >= max(limit - 30 s, 0), else ``TIME_SET``;
  surrender, map change/restart, server restart, or unknown times -> None.
* ``time_to_beat_seconds`` / ``next_timelimit_minutes``: R1 only (TIME_SET: the actual time and
  its ceiling in minutes; FULL_HOLD: the limit's ceiling), at least 1 minute.
* ``round_outcome``: with trusted sides, ``Fullhold`` when the winner is the defender, else
  ``Completed``; otherwise the time heuristic (limit - actual <= 30 s -> ``Fullhold``), and
  ``Unknown`` when either time is unknown or zero.

Deliberate differences from upstream: an ``actual_time`` of ``0:00`` (the engine leaves R2's
``g_nextTimeLimit`` unset) means "unknown", so it gives no stopwatch state instead of TIME_SET; a
limit that failed to parse gives no state instead of turning every round into FULL_HOLD; a
missing side gives ``missing`` (upstream: ``ambiguous``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

# The clock-text parser is a format concern (header ``M:SS`` fields); re-exported here because
# the contract is where its semantics (None, never 0, for garbage) matter.
from slomix_pipeline.formats.stats_file import parse_clock_text

if TYPE_CHECKING:
    from slomix_pipeline.formats.stats_file import StatsHeader

__all__ = [
    "COMPLETED",
    "END_REASONS",
    "FULLHOLD",
    "FULL_HOLD",
    "TIME_SET",
    "UNKNOWN",
    "RoundContract",
    "build_contract",
    "parse_clock_text",
]

VERIFIED_HEADER = "verified_header"
TIME_FALLBACK = "time_fallback"
AMBIGUOUS = "ambiguous"
MISSING = "missing"

FULL_HOLD = "FULL_HOLD"
TIME_SET = "TIME_SET"

FULLHOLD = "Fullhold"
COMPLETED = "Completed"
UNKNOWN = "Unknown"

END_REASONS: frozenset[str] = frozenset(
    {"NORMAL", "OBJECTIVE", "SURRENDER", "MAP_CHANGE", "MAP_RESTART", "SERVER_RESTART"}
)
"""Normalised end reasons accepted by :func:`build_contract` (normalising raw Lua text is the
Lua layer's job)."""

_HOLD_TOLERANCE_SECONDS = 30
_VALID_SIDES = (1, 2)


@dataclass(frozen=True, slots=True)
class RoundContract:
    """The normalised stopwatch facts of one round (upstream's WS0 contract columns)."""

    score_confidence: str
    round_stopwatch_state: str | None
    time_to_beat_seconds: int | None
    next_timelimit_minutes: int | None
    round_outcome: str
    side_reasons: tuple[str, ...]


def _side_reasons(header: StatsHeader) -> tuple[str, ...]:
    return tuple(w for w in header.warnings if w.startswith(("defender_", "winner_")))


def _score_confidence(
    defender: int, winner: int, reasons: tuple[str, ...], sides_inherited: bool
) -> str:
    both_valid = defender in _VALID_SIDES and winner in _VALID_SIDES
    if sides_inherited and both_valid:
        return TIME_FALLBACK
    if any("out_of_range" in r or "non_numeric" in r for r in reasons):
        return AMBIGUOUS
    if any(r.endswith("_missing") for r in reasons) or defender == 0 or winner == 0:
        return MISSING
    if both_valid:
        return VERIFIED_HEADER
    return AMBIGUOUS  # pragma: no cover - every other combination carries a reason above


def _stopwatch_state(end_reason: str, limit: int | None, actual: int | None) -> str | None:
    if end_reason == "OBJECTIVE":
        return TIME_SET
    if end_reason != "NORMAL":
        return None  # surrender / map change / restarts: the time says nothing about a hold
    if limit is None or limit <= 0 or actual is None or actual <= 0:
        return None
    return FULL_HOLD if actual >= max(limit - _HOLD_TOLERANCE_SECONDS, 0) else TIME_SET


def _outcome(header: StatsHeader, trusted: bool) -> str:
    if trusted:
        return FULLHOLD if header.winner_team == header.defender_team else COMPLETED
    limit, actual = header.map_time_seconds, header.actual_time_seconds
    if limit is None or actual is None or limit <= 0 or actual <= 0:
        return UNKNOWN
    return FULLHOLD if limit - actual <= _HOLD_TOLERANCE_SECONDS else COMPLETED


def build_contract(
    header: StatsHeader,
    round_number: int,
    *,
    end_reason: str = "NORMAL",
    sides_inherited: bool = False,
) -> RoundContract:
    """The contract of a round from its header (and the Lua end reason when known).

    ``round_number`` is the file name's (1 or 2). ``sides_inherited`` says the caller replaced
    the header's sides with R1's (the ``time_fallback`` case).
    """
    if round_number not in (1, 2):
        raise ValueError(f"round_number must be 1 or 2, got {round_number}")
    reason = end_reason.strip().upper()
    if reason not in END_REASONS:
        raise ValueError(
            f"unknown end reason {end_reason!r}; expected one of {sorted(END_REASONS)}"
        )
    reasons = _side_reasons(header)
    confidence = _score_confidence(
        header.defender_team, header.winner_team, reasons, sides_inherited
    )
    limit, actual = header.map_time_seconds, header.actual_time_seconds
    state = _stopwatch_state(reason, limit, actual)
    time_to_beat: int | None = None
    next_limit: int | None = None
    if round_number == 1:
        if state == TIME_SET and actual:
            time_to_beat = actual
            next_limit = max(1, math.ceil(actual / 60))
        elif state == FULL_HOLD and limit:
            next_limit = max(1, math.ceil(limit / 60))
    return RoundContract(
        score_confidence=confidence,
        round_stopwatch_state=state,
        time_to_beat_seconds=time_to_beat,
        next_timelimit_minutes=next_limit,
        round_outcome=_outcome(header, confidence in (VERIFIED_HEADER, TIME_FALLBACK)),
        side_reasons=reasons,
    )
