"""What the processing of one proximity file produces: its ``proximity_files`` row and its rows.

Shared by the pure processing (:mod:`.proximity_file`), the workers (:mod:`.proximity_prepare`)
and the run report, which is why it holds the ``processed_files`` source and kind too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter
from typing import Any

from slomix_pipeline.domain.proximity import TABLE_ROW_TYPES, ProximityDerived, table_columns
from slomix_pipeline.ingest.outcomes import FileOutcome
from slomix_pipeline.warehouse import schema_proximity

SOURCE = "proximity"
"""``processed_files.source`` of proximity files."""
KIND = "engagements"


@dataclass(frozen=True, slots=True)
class ProximityFileSummary:
    """One ``proximity_files`` row: the file, its round identity decision and its counts."""

    source_file: str
    source_sha256: str
    gaming_day: date
    day_source: str
    size_bytes: int
    format_version: int
    tracker_version_full: str | None
    map_name: str
    map_key: str
    round_start_unix: int | None
    round_end_unix: int | None
    position_sample_interval_ms: int | None
    header_round_number: int | None
    resolved_round_number: int | None
    round_resolved: bool
    round_corrected: bool
    identity_reason: str
    identity_delta_s: int | None
    identity_sources: str | None
    identity_candidates: int
    round_id: int | None
    round_key: str | None
    round_link_delta_s: int | None
    engagement_lines: int | None  # None: ENGAGEMENTS not captured
    combat_engagements: int | None  # None: ENGAGEMENTS not captured
    excluded_engagements: int | None  # None: ENGAGEMENTS not captured
    player_tracks: int
    track_samples: int
    trade_events: int | None  # None: ENGAGEMENTS not captured
    support_summaries: int
    sprint_signal: str
    broken_lines: int
    broken_line_details: str | None
    ignored_sections: str | None
    notes: str | None

    def as_row(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__slots__}  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True, eq=False)
class ProximityFileResult:
    """The outcome of one file; ``summary`` and ``derived`` only when it loaded."""

    outcome: FileOutcome
    summary: ProximityFileSummary | None = None
    derived: ProximityDerived | None = None
    #: Rows of the section tables (``ingest.proximity_sections``), warehouse columns included.
    section_rows: dict[str, list[Any]] = field(default_factory=dict)

    def table_rows(self) -> dict[str, list[dict[str, Any]]]:
        """Rows per derived table, with the warehouse columns (day, link, provenance) added."""
        if self.derived is None or self.summary is None:
            return {}
        extra = (self.summary.source_sha256, self.summary.gaming_day, self.summary.round_id)
        d = self.derived
        produced = {
            "combat_engagement": d.combat_engagements,
            "player_track": d.player_tracks,
            "proximity_trade_event": d.trade_events,
            "proximity_support_summary": d.support_summaries,
        }
        out: dict[str, list[dict[str, Any]]] = {}
        for table, rows in produced.items():
            columns, values_of = _ROW_LAYOUT[table]
            out[table] = [dict(zip(columns, (*values_of(r), *extra), strict=True)) for r in rows]
        out.update(self.section_rows)
        return out


def _row_layout(row_type: type) -> tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]:
    """Column names (row fields, then the warehouse columns) and a C-level getter of the fields.

    Equivalent to ``row_values`` (a test checks the stored rows), without a Python-level loop
    per value: this runs for every row of every file.
    """
    names = table_columns(row_type)
    return (*names, *schema_proximity.WAREHOUSE_COLUMNS), attrgetter(*names)


_ROW_LAYOUT = {name: _row_layout(row_type) for name, row_type in TABLE_ROW_TYPES.items()}
