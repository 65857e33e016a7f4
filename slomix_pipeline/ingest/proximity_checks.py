"""Why a parsed proximity file cannot be loaded: nothing usable in it, or an integer too large.

Kept apart from the processing so the rejection rules read as a list; each returns a reason or
``None`` and never raises.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterable
from operator import attrgetter
from typing import Any

from slomix_pipeline.domain.proximity import TABLE_ROW_TYPES, ProximityDerived, table_columns
from slomix_pipeline.formats.proximity import ProximityFile, ProximityHeader


def _unusable(parsed: ProximityFile) -> str | None:
    """Why a parsed file cannot be loaded at all, or ``None``."""
    if parsed.byte_size == 0:
        return "empty_file: zero bytes"
    has_rows = bool(parsed.engagements or parsed.lives)
    if parsed.header.magic is None and not has_rows:
        return "not_a_proximity_file: no PROXIMITY_TRACKER magic line and no engagement or track"
    if not has_rows:
        broken = len(parsed.broken_lines)
        return (
            f"no_records: no engagement or track line could be parsed ({broken} broken lines; "
            "a header-only or truncated write)"
        )
    if not parsed.header.map_name:
        return "missing_map: the header has no map= line, the round cannot be identified"
    return None


_BIGINT_MIN, _BIGINT_MAX = -(2**63), 2**63 - 1


def _int_fields(row_type: type) -> Callable[[Any], tuple[Any, ...]]:
    """A getter of the row type's integer fields (``int`` or ``int | None``, never ``bool``)."""
    hints = typing.get_type_hints(row_type)
    names = [
        name
        for name in table_columns(row_type)
        if hints[name] is int or int in typing.get_args(hints[name])
    ]
    getter = attrgetter(*names)
    return getter if len(names) > 1 else lambda row: (getter(row),)


_INT_GETTERS = {name: _int_fields(row_type) for name, row_type in TABLE_ROW_TYPES.items()}


def _out_of_range(header: ProximityHeader, derived: ProximityDerived) -> str | None:
    """An integer no BIGINT column can hold (the parser accepts any digits), or ``None``.

    Such a value would fail the partition's insert, so the file is rejected instead. Cheap: a
    round has a few hundred engagement, track and trade rows (the samples stay in the path text).
    """
    header_values = (
        header.round_number,
        header.round_start_unix,
        header.round_end_unix,
        header.position_sample_interval_ms,
        header.format_version,
    )
    named: list[tuple[str, Iterable[tuple[Any, ...]]]] = [
        ("header", (header_values,)),
        ("combat_engagement", map(_INT_GETTERS["combat_engagement"], derived.combat_engagements)),
        ("player_track", map(_INT_GETTERS["player_track"], derived.player_tracks)),
        ("proximity_trade_event", map(_INT_GETTERS["proximity_trade_event"], derived.trade_events)),
    ]
    for where, rows in named:
        for values in rows:
            for value in values:
                if value is not None and not _BIGINT_MIN <= value <= _BIGINT_MAX:
                    return f"value_out_of_range: {where} holds {value}, beyond a 64-bit integer"
    return None
