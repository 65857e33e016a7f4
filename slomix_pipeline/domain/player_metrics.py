"""The numeric per-round player metrics, read off :class:`PlayerRoundStats` so one list serves all.

The warehouse stores them as columns and the sample truth states them; taking the names from the
record the differential builds means a metric added there is never missing from a copied list.
"""

from __future__ import annotations

from dataclasses import fields

from slomix_pipeline.domain.stats_records import PlayerRoundStats


def _fields_typed(type_name: str) -> tuple[str, ...]:
    """Field names of PlayerRoundStats annotated ``type_name``, in declaration order."""
    return tuple(
        f.name for f in fields(PlayerRoundStats) if getattr(f.type, "__name__", f.type) == type_name
    )


PLAYER_INT_METRICS: tuple[str, ...] = tuple(n for n in _fields_typed("int") if n != "team")
"""Integer counters of a player round (``team`` is an attribute, not a metric)."""
PLAYER_FLOAT_METRICS: tuple[str, ...] = _fields_typed("float")
"""Ratios and rates of a player round."""
PLAYER_METRIC_TYPES: dict[str, type] = {
    **dict.fromkeys(PLAYER_INT_METRICS, int),
    **dict.fromkeys(PLAYER_FLOAT_METRICS, float),
}
"""Every numeric metric and its Python type."""
