"""The outcome of a proximity run (input for the asset's metadata), and the folder entries it
records as rejected without opening them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from slomix_pipeline.config import Settings
from slomix_pipeline.ingest.outcomes import FileOutcome, IngestReport, unusable_outcome
from slomix_pipeline.ingest.proximity_plan import file_gaming_day
from slomix_pipeline.ingest.proximity_result import SOURCE, ProximityFileSummary
from slomix_pipeline.landing.zone import PROXIMITY_FOLDER, iter_unusable


class _FilesTotal:
    """A read-only report figure: one per-file figure summed over the run's files (None is 0)."""

    def __init__(self, figure: Callable[[ProximityFileSummary], int | None]) -> None:
        self._figure = figure

    def __get__(self, report: ProximityIngestReport, owner: type | None = None) -> int:
        return sum(self._figure(f) or 0 for f in report.files)


@dataclass(slots=True)
class ProximityIngestReport(IngestReport):
    """A proximity run: the common report plus each file's summary."""

    files: list[ProximityFileSummary] = field(default_factory=list)
    files_not_opened: int = 0
    candidates: int = 0

    engagements = _FilesTotal(lambda f: f.combat_engagements)
    tracks = _FilesTotal(lambda f: f.player_tracks)
    trades = _FilesTotal(lambda f: f.trade_events)
    broken_lines = _FilesTotal(lambda f: f.broken_lines)
    rounds_corrected = _FilesTotal(lambda f: f.round_corrected)
    rounds_unresolved = _FilesTotal(lambda f: not f.round_resolved)
    rounds_linked = _FilesTotal(lambda f: f.round_id is not None)

    def identity_reasons(self) -> dict[str, int]:
        return dict(Counter(f.identity_reason for f in self.files))


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
