"""Warehouse rows of one parsed proximity file's sections: the v4 heatmaps and objective focus,
every later section, the section capabilities and the per-player figures.

Called by :func:`slomix_pipeline.ingest.proximity_file.process_proximity_file` once the file's
round is resolved and linked, so these rows carry the same scope and ``round_id`` as the four
derived tables and are written (and replaced) by the same batches and transaction.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from typing import Any

from slomix_pipeline.domain.proximity_capabilities import (
    PLAYER_FIGURES,
    CapabilityRow,
    capability_rows,
    player_figures,
    states_of,
)
from slomix_pipeline.formats.proximity import ProximityFile
from slomix_pipeline.formats.proximity_sections import SECTION_SPECS, flag_ranges
from slomix_pipeline.warehouse.schema_proximity_sections import (
    SECTION_TABLE_OF,
    proximity_player_sections,
    proximity_section_capability,
)
from slomix_pipeline.warehouse.tuple_copy import RowChunk

__all__ = ["TUPLE_TABLES", "section_rows"]

_V4_RECORDS = {
    "KILL_HEATMAP": "kill_heatmap",
    "MOVEMENT_HEATMAP": "movement_heatmap",
    "OBJECTIVE_FOCUS": "objective_focus",
}
_CAPABILITY_FIELDS = (
    "kind",
    "name",
    "flag",
    "declared",
    "state",
    "evidence",
    "present",
    "rows_in_file",
    "broken_rows",
    "out_of_range_rows",
    "conflict",
)


def _v4_rows(parsed: ProximityFile, marker: str) -> list[tuple[Any, ...]]:
    """The v4 records (already parsed) as ``(source_line, *fields, out_of_range)`` tuples."""
    spec = SECTION_SPECS[marker]
    out = []
    for record in getattr(parsed, _V4_RECORDS[marker]):
        values = tuple(getattr(record, f.name) for f in fields(record))
        out.append((*values, flag_ranges(spec, values[1:])))
    return out


TUPLE_TABLES = frozenset(t.name for t in SECTION_TABLE_OF.values())
"""Tables whose rows :func:`section_rows` returns as :class:`RowChunk` lists (not dicts)."""


def section_rows(
    parsed: ProximityFile,
    *,
    sha256: str,
    gaming_day: date,
    round_id: int | None,
    round_key: str | None,
    round_number: int | None,
    capabilities: list[CapabilityRow] | None = None,
) -> dict[str, list[Any]]:
    """Rows per table: :class:`RowChunk` (one per file) for the section tables
    (:data:`TUPLE_TABLES`), column dicts for the capability and per-player tables.

    ``capabilities`` may pass the file's already computed :func:`capability_rows`."""
    header = parsed.header
    constant = {
        "source_file": parsed.source_file,
        "source_sha256": sha256,
        "gaming_day": gaming_day,
        "round_id": round_id,
        "round_key": round_key,
        "map_name": header.map_name,
        "round_number": round_number,
        "round_start_unix": header.round_start_unix,
        "round_end_unix": header.round_end_unix,
    }
    out: dict[str, list[Any]] = {}
    head = (parsed.source_file, gaming_day, round_id, round_number)
    for marker, table in SECTION_TABLE_OF.items():
        raw = None
        if marker in _V4_RECORDS:
            typed = _v4_rows(parsed, marker)
        else:
            section = parsed.sections.get(marker)
            if section is None or not section.rows:
                out[table.name] = []
                continue
            # Lines as written (clean): PostgreSQL reads them directly, needing only each row's
            # source line and range flags; the typed rows are built only if SQLite reads them.
            raw = section.raw
            out[table.name] = [
                RowChunk(head, section.rows, raw, section.keys() if raw is not None else None)
            ]
            continue
        # One chunk per file (``warehouse.tuple_copy``): the shared file, day and round link,
        # and the parsed ``(source_line, *fields, out_of_range)`` tuples as they are.
        out[table.name] = [RowChunk(head, typed, raw)] if typed else []
    caps = capabilities if capabilities is not None else capability_rows(parsed)
    out[proximity_section_capability.name] = [
        {**constant, **{name: getattr(c, name) for name in _CAPABILITY_FIELDS}} for c in caps
    ]
    states = states_of(caps)
    out[proximity_player_sections.name] = [
        {**constant, "player_guid": p.player_guid, **p.figures}
        for p in player_figures(parsed, states)
    ]
    assert set(PLAYER_FIGURES) <= set(proximity_player_sections.c.keys())
    return out
