"""Which proximity file gives a round its start: exactly one file must claim the round.

The proximity ingestion already tied each file to a stats round; two files claiming one round
make its start ambiguous, so neither is used for the exact-start stage.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from slomix_pipeline.domain.linking.reasons import (
    AMBIGUOUS,
    LINKED,
    NEVER_RECEIVED,
    PROXIMITY_NOT_LOADED,
)
from slomix_pipeline.domain.linking.records import ProximityRef, StatsRoundRef


def proximity_claims(
    rounds: Sequence[StatsRoundRef], proximity: Iterable[ProximityRef] | None
) -> tuple[dict[int, ProximityRef], dict[int, str]]:
    """The single proximity file of each round, and the proximity reason of every round."""
    if proximity is None:
        return {}, {r.round_id: PROXIMITY_NOT_LOADED for r in rounds}
    claims: dict[int, list[ProximityRef]] = defaultdict(list)
    for ref in proximity:
        if ref.round_id is not None:
            claims[ref.round_id].append(ref)
    single: dict[int, ProximityRef] = {}
    reasons: dict[int, str] = {}
    for r in rounds:
        found = claims.get(r.round_id, [])
        if len(found) == 1:
            single[r.round_id] = found[0]
            reasons[r.round_id] = LINKED
        else:
            reasons[r.round_id] = AMBIGUOUS if found else NEVER_RECEIVED
    return single, reasons
