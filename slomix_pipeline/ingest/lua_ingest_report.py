"""Step 1's records: a parsed event placed in its partition, and one source's ingest report.

Shared by the planner (which fills them) and the run (which writes and counts them), and read by
the Dagster metadata without importing either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from slomix_pipeline.domain.lua_merged_rows import (
    EventProvenance,
)
from slomix_pipeline.domain.lua_records import (
    LuaRoundEnd,
)
from slomix_pipeline.ingest.lua_event_json import event_to_json
from slomix_pipeline.ingest.lua_identity import lua_round_id
from slomix_pipeline.ingest.outcomes import (
    IngestReport,
)


@dataclass(frozen=True, slots=True)
class LandedEvent:
    """A parsed event with its delivery and the partition it belongs to."""

    event: LuaRoundEnd
    provenance: EventProvenance
    gaming_day: date
    match_id: str

    def as_row(self) -> dict[str, object]:
        e = self.event
        return {
            "source": e.source,
            "source_file": self.provenance.file_name,
            "source_sha256": self.provenance.sha256,
            "received_at": self.provenance.received_at,
            "gaming_day": self.gaming_day,
            "lua_round_id": lua_round_id(e.key),
            "match_id": self.match_id,
            "map_key": e.map_key,
            "map_name": e.map_name,
            "round_number": e.round_number,
            "round_start_unix": e.round_start_unix,
            "round_end_unix": e.round_end_unix,
            "event_json": event_to_json(e),
        }


@dataclass(slots=True)
class LuaIngestReport(IngestReport):
    """One Lua source's run: the common report plus the events parsed."""

    source: str = field(kw_only=True)
    events: list[LandedEvent] = field(default_factory=list)
    files_parsed: int = 0
    files_before_window: int = 0
    events_loaded: int = 0

    def add(self, part: LuaIngestReport, *, keep_events: bool) -> None:
        """Fold one batch's plan into this report (its events only when ``keep_events``)."""
        self.outcomes.extend(part.outcomes)
        if keep_events:
            self.events.extend(part.events)
        self.events_loaded += len(part.events)
        self.files_parsed += part.files_parsed
        self.files_before_window += part.files_before_window
        self.bytes_read += part.bytes_read
