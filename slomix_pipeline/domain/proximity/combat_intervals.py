"""When each player is "in combat": merged intervals as target or enemy attacker."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from slomix_pipeline.domain.proximity.classify import _Classified


def _combat_intervals(kept: Iterable[_Classified], recent_ms: int) -> dict[str, list[list[int]]]:
    """Merged, sorted [start, end] "in combat" intervals per GUID (as target or enemy attacker).

    Times of 0 are real times here (upstream skipped intervals starting or ending at 0).
    """
    raw: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for c in kept:
        eng = c.engagement
        raw[eng.target_guid].append((eng.start_time_ms, eng.end_time_ms + recent_ms))
        for a in c.enemies:
            raw[a.guid].append((a.first_hit_ms, a.last_hit_ms + recent_ms))
    merged: dict[str, list[list[int]]] = {}
    for guid, spans in raw.items():
        spans.sort()
        out: list[list[int]] = []
        for lo, hi in spans:
            if out and lo <= out[-1][1]:
                out[-1][1] = max(out[-1][1], hi)
            else:
                out.append([lo, hi])
        merged[guid] = out
    return merged
