"""Which round a proximity file belongs to, decided from its start/end times (pure).

The Feb-format tracker clamps the stopwatch round cvar, so *both* halves of a map write
``# round=1`` (and ``round-1`` in the file name, from the same variable). Trusting the header
files every R2 as a second "round 1"; trusting the file name changes nothing. The only reliable
evidence is time: the tracker stamps ``round_start_unix``/``round_end_unix`` from the server
clock at the live and intermission transitions, and the stats rounds and Lua round-end events
of the same gaming day carry the same instants (from another module, so possibly a second or
so apart).

:func:`resolve_proximity_round` therefore matches the header's times against candidate rounds
of the same map: an exact match first, then the closest within a bounded tolerance; a tie
between different round numbers is left unresolved rather than guessed. The decision records
its reason code and the matched time difference so it can be stored and audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from slomix_pipeline.domain.maps import map_key

__all__ = [
    "DEFAULT_TOLERANCE_S",
    "REASON_AMBIGUOUS",
    "REASON_CONFIRMED_EXACT",
    "REASON_CONFIRMED_TOLERANCE",
    "REASON_CORRECTED_EXACT",
    "REASON_CORRECTED_TOLERANCE",
    "REASON_HEADER_TRUSTED",
    "REASON_MISSING_TIMES",
    "REASON_NO_CANDIDATE",
    "REASON_OUTSIDE_TOLERANCE",
    "ProximityRoundHeader",
    "RoundCandidate",
    "RoundIdentityDecision",
    "resolve_proximity_round",
]

DEFAULT_TOLERANCE_S = 30

REASON_CONFIRMED_EXACT = "confirmed_exact_time"
REASON_CORRECTED_EXACT = "corrected_exact_time"
REASON_CONFIRMED_TOLERANCE = "confirmed_within_tolerance"
REASON_CORRECTED_TOLERANCE = "corrected_within_tolerance"
#: No time match, but the file's format writes the round number correctly (V5+).
REASON_HEADER_TRUSTED = "header_trusted"
REASON_AMBIGUOUS = "ambiguous"
REASON_NO_CANDIDATE = "no_candidate"
REASON_OUTSIDE_TOLERANCE = "outside_tolerance"
REASON_MISSING_TIMES = "missing_header_times"

#: From this format version on the tracker writes cvar+1, i.e. the true stopwatch half.
_FIRST_TRUSTED_FORMAT = 5


class ProximityRoundHeader(Protocol):
    """The header attributes the decision needs (``formats.proximity.ProximityHeader`` fits)."""

    @property
    def map_name(self) -> str | None: ...
    @property
    def round_number(self) -> int | None: ...
    @property
    def round_start_unix(self) -> int | None: ...
    @property
    def round_end_unix(self) -> int | None: ...
    @property
    def format_version(self) -> int: ...


class RoundCandidate(NamedTuple):
    """A round known from another source (stats round, Lua round-end event) of the partition.

    A plain 5-tuple in this order is accepted too. A time of 0 or ``None`` means unknown.
    """

    map_key: str
    round_number: int
    round_start_unix: int | None
    round_end_unix: int | None
    source: str


@dataclass(frozen=True, slots=True)
class RoundIdentityDecision:
    """Outcome of the round-number decision for one proximity file.

    ``round_number`` is the round to store: the matched round when ``resolved``; otherwise the
    header's value (the best remaining guess, flagged by ``resolved=False``). ``delta_s`` is the
    largest start/end difference to the matched round(s) in seconds.
    """

    round_number: int | None
    resolved: bool
    reason: str
    header_round_number: int | None
    delta_s: int | None
    matched_sources: tuple[str, ...]
    candidates_considered: int


def _known(value: int | None) -> bool:
    return value is not None and value > 0


def _delta(header: ProximityRoundHeader, cand: RoundCandidate) -> int | None:
    """Largest |difference| over the times both sides know; ``None`` if none is shared."""
    diffs = [
        abs(h - c)
        for h, c in (
            (header.round_start_unix, cand.round_start_unix),
            (header.round_end_unix, cand.round_end_unix),
        )
        if h is not None and c is not None and h > 0 and c > 0
    ]
    return max(diffs) if diffs else None


def resolve_proximity_round(
    header: ProximityRoundHeader,
    candidates: Iterable[RoundCandidate | tuple[str, int, int | None, int | None, str]],
    *,
    tolerance_s: int = DEFAULT_TOLERANCE_S,
) -> RoundIdentityDecision:
    """Decide the proximity file's round number from candidate rounds of the same map.

    Candidates are compared on every time both sides know (start and/or end); a candidate's
    distance is the larger of those differences. The round numbers at the smallest distance
    win if that distance is 0 (exact) or within ``tolerance_s``. If two different round numbers
    share the smallest distance, the decision is ``ambiguous`` (never guessed). The file name
    is not an input: it repeats the header's possibly wrong round.
    """
    header_round = header.round_number if _known(header.round_number) else None
    trusted_format = header.format_version >= _FIRST_TRUSTED_FORMAT

    def unresolved(reason: str, considered: int, delta: int | None = None) -> RoundIdentityDecision:
        if trusted_format and header_round is not None and reason != REASON_AMBIGUOUS:
            return RoundIdentityDecision(
                header_round, True, REASON_HEADER_TRUSTED, header_round, delta, (), considered
            )
        return RoundIdentityDecision(
            header_round, False, reason, header_round, delta, (), considered
        )

    if not _known(header.round_start_unix) and not _known(header.round_end_unix):
        return unresolved(REASON_MISSING_TIMES, 0)

    wanted_map = map_key(header.map_name or "")
    best_by_round: dict[int, tuple[int, list[str]]] = {}
    considered = 0
    for raw in candidates:
        cand = RoundCandidate(*raw)
        if map_key(cand.map_key) != wanted_map or cand.round_number <= 0:
            continue
        delta = _delta(header, cand)
        if delta is None:
            continue
        considered += 1
        best = best_by_round.get(cand.round_number)
        if best is None or delta < best[0]:
            best_by_round[cand.round_number] = (delta, [cand.source])
        elif delta == best[0]:
            best[1].append(cand.source)

    if not best_by_round:
        return unresolved(REASON_NO_CANDIDATE, 0)
    best_delta = min(d for d, _ in best_by_round.values())
    if best_delta > tolerance_s:
        return unresolved(REASON_OUTSIDE_TOLERANCE, considered, best_delta)
    winners = sorted(rn for rn, (d, _) in best_by_round.items() if d == best_delta)
    if len(winners) > 1:
        return unresolved(REASON_AMBIGUOUS, considered, best_delta)

    round_number = winners[0]
    agrees = round_number == header_round
    if best_delta == 0:
        reason = REASON_CONFIRMED_EXACT if agrees else REASON_CORRECTED_EXACT
    else:
        reason = REASON_CONFIRMED_TOLERANCE if agrees else REASON_CORRECTED_TOLERANCE
    sources = tuple(sorted(set(best_by_round[round_number][1])))
    return RoundIdentityDecision(
        round_number, True, reason, header_round, best_delta, sources, considered
    )
