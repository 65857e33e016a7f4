"""Why a row is (not) linked: the reason codes, the link methods and the default tolerances.

Every unlinked row gets exactly one code, chosen from its counterparts near (within the
tolerance) and within the search window, so an operator reading ``round_links`` knows whether
to wait, look at a clock, or accept a lost delivery.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

LINKED = "linked"
AMBIGUOUS = "ambiguous"
LINKED_ELSEWHERE = "linked_elsewhere"
LATE_PENDING = "late_pending"
UNLINKED_CANDIDATE = "unlinked_candidate"
NEVER_RECEIVED = "never_received"
REASONS: tuple[str, ...] = (
    AMBIGUOUS,
    LINKED_ELSEWHERE,
    LATE_PENDING,
    UNLINKED_CANDIDATE,
    NEVER_RECEIVED,
)
"""Reason codes of an unlinked row (a linked row carries ``linked``)."""

METHOD_EXACT_START = "exact_start"
METHOD_END_TOLERANCE = "end_within_tolerance"

DEFAULT_TOLERANCE_S = 30
"""|Lua end - file time| accepted for a link (upstream's late-link bound, from live data)."""
DEFAULT_WINDOW_S = 45 * 60
"""How far a counterpart is still looked for when classifying an unlinked row."""
DEFAULT_GRACE_S = 15 * 60
"""How long after its end an unlinked row is only ``late_pending`` (deliveries still arrive)."""

PROXIMITY_NOT_LOADED = "not_loaded"


def unlinked_reason(
    near_partners: Sequence[int],
    wide_partners: Sequence[int],
    partner_linked: Mapping[int, int],
    partner_has_near: Mapping[int, bool],
    contested: bool,
    pending: bool,
) -> str:
    """The reason code of an unlinked row, from its counterparts near and within the window.

    Only a *stray* counterpart (unlinked, with no candidate of its own within the tolerance)
    makes ``unlinked_candidate``: a row that is contested elsewhere belongs to that place.
    """
    if contested:
        return AMBIGUOUS
    if near_partners:
        if any(p not in partner_linked for p in near_partners):
            return AMBIGUOUS
        return LINKED_ELSEWHERE
    if pending:
        return LATE_PENDING
    if any(p not in partner_linked and not partner_has_near[p] for p in wide_partners):
        return UNLINKED_CANDIDATE
    return NEVER_RECEIVED
