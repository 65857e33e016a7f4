"""Round contract: side trust, stopwatch state, time to beat and outcome of one round.

Derived from a stats-file header alone (and optionally the Lua end reason, which the file cannot
express: a surrender looks exactly like a full hold there). The rules, in short:

* ``score_confidence``: ``time_fallback`` when the caller inherited valid sides from R1;
  ``ambiguous`` when a side is non-numeric or out of range; ``missing`` when a side is absent or 0
  (draw / unknown winner); ``verified_header`` when both sides are 1/2 with no diagnostics.
* ``round_stopwatch_state``: OBJECTIVE -> ``TIME_SET``; surrender, map change/restart, server
  restart -> None; NORMAL (no Lua verdict) -> the header alone, by :func:`stopwatch.judge`:
  winner is not the defender -> ``TIME_SET`` (an objective, even 29 s before the limit); winner
  is the defender -> ``FULL_HOLD``, unless the header ms shows the round ended well before the
  limit (a surrender: None); a shutdown-path file (ms not positive) -> None; the clock
  (actual >= limit - 30 s) only when the sides are not known.
* ``time_to_beat_seconds``: R1 TIME_SET -> its actual time (what R2 must beat); R2 -> header
  field 6, the time R1 set. ``next_timelimit_minutes``: R1 only (TIME_SET: the actual time's
  ceiling in minutes; FULL_HOLD: the limit's ceiling), at least 1 minute.
* ``round_outcome``: with trusted sides, ``Fullhold`` when the winner is the defender, else
  ``Completed`` (``Unknown`` for a shutdown-path file, whose winner field is not an answer);
  otherwise the time heuristic (limit - actual <= 30 s -> ``Fullhold``), and ``Unknown`` when
  either time is unknown or zero.

Deliberate differences from upstream: the state follows the winner and defender, not the
clock (upstream's ``actual >= limit - 30 s`` called late objectives and surrenders holds, and an
R2 ``0:00`` estimate a hold); a limit that failed to parse never turns a round into FULL_HOLD; a
missing side gives ``missing`` (upstream: ``ambiguous``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

# The clock-text parser is a format concern (header ``M:SS`` fields); re-exported here because
# the contract is where its semantics (None, never 0, for garbage) matter.
from slomix_pipeline.domain.stopwatch import HeaderFacts, judge
from slomix_pipeline.formats.frozen_records import fast_constructor
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
SHUTDOWN_WARNING = "round_duration_non_positive"
"""The parser's warning for a header ms <= 0: the file was written on the shutdown path."""
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


_new_round_contract = fast_constructor(RoundContract)
_new_header_facts = fast_constructor(HeaderFacts)


def _side_reasons(header: StatsHeader) -> tuple[str, ...]:
    if not header.warnings:  # the usual header: no generator to run
        return ()
    return tuple(w for w in header.warnings if w.startswith(("defender_", "winner_")))


def _score_confidence(
    defender: int, winner: int, reasons: tuple[str, ...], sides_inherited: bool
) -> str:
    both_valid = defender in _VALID_SIDES and winner in _VALID_SIDES
    if sides_inherited and both_valid:
        return TIME_FALLBACK
    # ``reasons and any(...)``: the usual header has no side reason, and no generator to run.
    if reasons and any("out_of_range" in r or "non_numeric" in r for r in reasons):
        return AMBIGUOUS
    if defender == 0 or winner == 0 or (reasons and any(r.endswith("_missing") for r in reasons)):
        return MISSING
    if both_valid:
        return VERIFIED_HEADER
    return AMBIGUOUS  # pragma: no cover - every other combination carries a reason above


def header_facts(header: StatsHeader, reasons: tuple[str, ...] | None = None) -> HeaderFacts:
    """The header fields the stopwatch rules read; a side the parser defaulted or flagged
    (non-numeric, out of range, missing) is unknown (0) to them. ``reasons``: the header's
    side reasons when the caller has them already."""
    if reasons is None:
        reasons = _side_reasons(header)
    ms = header.round_duration_ms
    if ms is None and SHUTDOWN_WARNING in header.warnings:
        ms = 0  # the parser drops a non-positive ms; for the rules it marks the shutdown path
    defender_known = not reasons or not any(r.startswith("defender_") for r in reasons)
    winner_known = not reasons or not any(r.startswith("winner_") for r in reasons)
    return _new_header_facts(
        header.defender_team if defender_known else 0,
        header.winner_team if winner_known else 0,
        header.map_time_seconds,
        header.actual_time_seconds,
        ms,
    )


def _stopwatch_state(end_reason: str, header: StatsHeader, reasons: tuple[str, ...]) -> str | None:
    if end_reason == "OBJECTIVE":
        return TIME_SET
    if end_reason != "NORMAL":
        return None  # surrender / map change / restarts: the time says nothing about a hold
    return judge(header_facts(header, reasons)).stopwatch_state


def _outcome(header: StatsHeader, trusted: bool) -> str:
    if SHUTDOWN_WARNING in header.warnings:
        return UNKNOWN  # shutdown path: the winner field is the engine's empty value + 1
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
    state = _stopwatch_state(reason, header, reasons)
    time_to_beat: int | None = limit if round_number == 2 and limit else None
    next_limit: int | None = None
    if round_number == 1:
        if state == TIME_SET and actual:
            time_to_beat = actual
            next_limit = max(1, math.ceil(actual / 60))
        elif state == FULL_HOLD and limit:
            next_limit = max(1, math.ceil(limit / 60))
    return _new_round_contract(  # positional, in field order (a frozen __init__ is ~2k/field)
        confidence,
        state,
        time_to_beat,
        next_limit,
        _outcome(header, confidence in (VERIFIED_HEADER, TIME_FALLBACK)),
        reasons,
    )
