"""The outcome of a proximity run (input for the asset's metadata), and the folder entries it
records as rejected without opening them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from slomix_pipeline.config import Settings
from slomix_pipeline.ingest.outcomes import FileOutcome, IngestReport, unusable_outcome
from slomix_pipeline.ingest.proximity_plan import file_gaming_day
from slomix_pipeline.ingest.proximity_result import SOURCE, ProximityFileSummary
from slomix_pipeline.landing.zone import PROXIMITY_FOLDER, iter_unusable


@dataclass(slots=True)
class ProximityIngestReport(IngestReport):
    """A proximity run: the common report plus each file's summary."""

    files: list[ProximityFileSummary] = field(default_factory=list)
    files_not_opened: int = 0
    candidates: int = 0

    def identity_reasons(self) -> dict[str, int]:
        return dict(Counter(f.identity_reason for f in self.files))

    @property
    def engagements(self) -> int:
        return sum(f.combat_engagements or 0 for f in self.files)

    @property
    def tracks(self) -> int:
        return sum(f.player_tracks for f in self.files)

    @property
    def trades(self) -> int:
        return sum(f.trade_events or 0 for f in self.files)

    @property
    def broken_lines(self) -> int:
        return sum(f.broken_lines for f in self.files)

    @property
    def rounds_corrected(self) -> int:
        return sum(f.round_corrected for f in self.files)

    @property
    def rounds_unresolved(self) -> int:
        return sum(not f.round_resolved for f in self.files)

    @property
    def rounds_linked(self) -> int:
        return sum(f.round_id is not None for f in self.files)


def _unusable_outcomes(
    data_dir: Path, days: Sequence[date], settings: Settings
) -> list[FileOutcome]:
    """Symlinks, directories and undecodable names of the folder, each recorded as rejected."""
    wanted = set(days)
    outcomes = []
    for entry in iter_unusable(data_dir, PROXIMITY_FOLDER):
        day, _, _ = file_gaming_day(None, entry.name, entry.mtime_ns, settings)
        if day in wanted:
            outcomes.append(unusable_outcome(SOURCE, entry, day))
    return outcomes
