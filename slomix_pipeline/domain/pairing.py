"""R2 -> R1 pairing by server sequence, confirmed by the R2 header (pure).

A stopwatch R2 continues the R1 of the same map that the server played *just before it*: the
server writes one stats file per half, in real time, so the file preceding an R2 in the server's
sequence is its R1 (or a restarted copy of the R2 itself). The R2 header confirms the choice: its
field 6 is the ``timelimit`` cvar, which in R2 is the time R1 set, i.e. R1's header field 7.

Rules, in order, for each R2 (every rejection is reported with its reason, never silently):

1. The predecessor is the latest *readable* round of the server strictly before the R2 (file
   times as epochs; files that failed to parse are not rounds we know anything about, except
   that a failed R1 of the same map right before the R2 makes the reason ``r1_rejected``). A
   preceding R2 of the same map is a restart of this R2's half: the walk continues to its R1.
2. No predecessor: ``no_previous_round``; a predecessor of another map:
   ``previous_round_other_map``.
3. The R1 must be in the same session: the R2's start (its file time minus its duration, the
   header ms when positive, else the time to beat) at most ``gap_s`` after the R1's file time;
   else ``beyond_session_gap``. This is a sanity limit, not a pairing window: a 55-minute
   half-time is still one map play (upstream's 45-minute window orphaned it).
4. Header confirmation: the R2's field 6 must equal the R1's field 7 within 1 s (float minutes
   are printed ``M:SS``); else ``header_time_mismatch``. When either side is unreadable the pair
   stands unconfirmed (``confirmed=False``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

PAIRED = "paired"
NO_PREVIOUS_ROUND = "no_previous_round"
PREVIOUS_ROUND_OTHER_MAP = "previous_round_other_map"
R1_REJECTED = "r1_rejected"
BEYOND_SESSION_GAP = "beyond_session_gap"
HEADER_TIME_MISMATCH = "header_time_mismatch"
UNPAIRED_REASONS: tuple[str, ...] = (
    NO_PREVIOUS_ROUND,
    PREVIOUS_ROUND_OTHER_MAP,
    R1_REJECTED,
    BEYOND_SESSION_GAP,
    HEADER_TIME_MISMATCH,
)
"""Why an R2 stayed an orphan (stored in ``rounds.pairing_reason``)."""

HEADER_TOLERANCE_S = 1


@dataclass(frozen=True, slots=True)
class SequencedRound:
    """What pairing needs of one stats file of the server.

    ``epoch`` is the file time as a UTC epoch (DST already resolved); ``limit_seconds`` and
    ``actual_seconds`` are header fields 6 and 7; ``duration_seconds`` the header ms // 1000 when
    positive (else None); ``rejected`` marks a file that failed to parse (only its name is known).
    """

    name: str
    epoch: int
    map_key: str
    round_number: int
    limit_seconds: int | None = None
    actual_seconds: int | None = None
    duration_seconds: int | None = None
    rejected: bool = False


@dataclass(frozen=True, slots=True)
class Pairing:
    """The pairing decision of one R2: its R1 (or None) and the reason."""

    r2: str
    r1: str | None
    reason: str
    confirmed: bool
    gap_seconds: int | None


def _order(r: SequencedRound) -> tuple[int, str]:
    return (r.epoch, r.name)


def _start_estimate(r2: SequencedRound) -> int:
    """Earliest plausible start of the R2: file time minus its measured (else maximal) length."""
    length = r2.duration_seconds or r2.limit_seconds or 0
    return r2.epoch - max(length, 0)


def _confirms(r2: SequencedRound, r1: SequencedRound) -> bool | None:
    if r2.limit_seconds is None or r1.actual_seconds is None or r1.actual_seconds <= 0:
        return None
    return abs(r2.limit_seconds - r1.actual_seconds) <= HEADER_TOLERANCE_S


def pair_one(r2: SequencedRound, before: Sequence[SequencedRound], gap_s: int) -> Pairing:
    """Pair ``r2`` given the server's rounds strictly before it, latest last.

    The walk back stops at the first readable round of another map or at the R1, so it reads
    one or two rounds in practice, however long ``before`` is.
    """
    saw_rejected_r1 = False
    for k in range(len(before) - 1, -1, -1):
        prev = before[k]
        if prev.rejected:
            if prev.map_key == r2.map_key and prev.round_number == 1:
                saw_rejected_r1 = True
            continue
        if prev.map_key != r2.map_key:
            reason = R1_REJECTED if saw_rejected_r1 else PREVIOUS_ROUND_OTHER_MAP
            return Pairing(r2.name, None, reason, False, None)
        if prev.round_number == 2:
            continue  # a restarted R2 of the same half: its R1 is further back
        if saw_rejected_r1:
            # A later R1 of this map failed to parse: the readable one is a superseded start.
            return Pairing(r2.name, None, R1_REJECTED, False, None)
        gap = _start_estimate(r2) - prev.epoch
        if gap > gap_s:
            return Pairing(r2.name, None, BEYOND_SESSION_GAP, False, gap)
        confirmed = _confirms(r2, prev)
        if confirmed is False:
            return Pairing(r2.name, None, HEADER_TIME_MISMATCH, False, gap)
        return Pairing(r2.name, prev.name, PAIRED, bool(confirmed), gap)
    reason = R1_REJECTED if saw_rejected_r1 else NO_PREVIOUS_ROUND
    return Pairing(r2.name, None, reason, False, None)


def pair_round2s(rounds: Iterable[SequencedRound], gap_s: int) -> dict[str, Pairing]:
    """The pairing of every readable R2 among ``rounds`` (one server's files), by file name."""
    ordered = sorted(rounds, key=_order)
    out: dict[str, Pairing] = {}
    for i, r in enumerate(ordered):
        if r.round_number == 2 and not r.rejected:
            out[r.name] = pair_one(r, RoundsBefore(ordered.__getitem__, i), gap_s)
    return out


class RoundsBefore(Sequence[SequencedRound]):
    """The first ``end`` rounds of a server's ordered sequence, each fetched by ``round_at(i)``
    only when :func:`pair_one` reads it: no copy and nothing prepared ahead, so pairing a
    backfill stays linear (the landing zone's sequence parses a file only on access)."""

    def __init__(self, round_at: Callable[[int], SequencedRound], end: int) -> None:
        self._round_at = round_at
        self._end = end

    def __len__(self) -> int:
        return self._end

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._end))]
        if not -self._end <= index < self._end:
            raise IndexError(index)
        return self._round_at(index % self._end)
