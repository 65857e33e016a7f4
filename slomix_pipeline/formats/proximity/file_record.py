"""What one parsed file amounts to: its header, its file name, every record, and what was
dropped (broken lines, ignored sections) or observed (notes) on the way."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from slomix_pipeline.formats.proximity.records import (
    Engagement,
    KillHeatmapCell,
    MovementHeatmapCell,
    ObjectiveFocus,
    PlayerLife,
    TrackSamples,
)
from slomix_pipeline.formats.proximity_sections import ParsedSection
from slomix_pipeline.formats.round_file_name import RoundFileName


class BrokenLine(NamedTuple):
    """A line that was dropped: 1-based line number and a ``section:code`` reason."""

    line_no: int
    reason: str


@dataclass(frozen=True, slots=True)
class ProximityHeader:
    """The ``# key=value`` block at the top of the file; ``None`` means the key was absent."""

    magic: str | None
    format_version: int
    map_name: str | None = None
    round_number: int | None = None
    crossfire_window_ms: int | None = None
    escape_time_ms: int | None = None
    escape_distance: float | None = None
    position_sample_interval_ms: int | None = None
    round_start_unix: int | None = None
    round_end_unix: int | None = None
    axis_spawn_interval_ms: int | None = None
    allies_spawn_interval_ms: int | None = None
    tracker_version_full: str | None = None
    test_mode: bool | None = None
    capabilities: tuple[tuple[str, bool], ...] = ()
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class IgnoredSection:
    """A section this parser does not model (a later format's addition): kept as a note."""

    name: str
    line_no: int
    rows: int


ProximityFileName = RoundFileName
"""What the file name says (the shape every round file name shares). Informational only."""


@dataclass(frozen=True, slots=True, eq=False)
class ProximityFile:
    """Everything parsed from one file, plus what was dropped and why."""

    source_file: str
    byte_size: int
    line_count: int
    header: ProximityHeader
    file_name: ProximityFileName | None
    engagements: tuple[Engagement, ...]
    lives: tuple[PlayerLife, ...]
    samples: TrackSamples
    kill_heatmap: tuple[KillHeatmapCell, ...]
    movement_heatmap: tuple[MovementHeatmapCell, ...]
    objective_focus: tuple[ObjectiveFocus, ...]
    ignored_sections: tuple[IgnoredSection, ...]
    broken_lines: tuple[BrokenLine, ...]
    notes: tuple[str, ...] = field(default=())
    #: Later (v4.2 … v6.10) sections by marker, parsed by ``formats.proximity_sections``.
    sections: dict[str, ParsedSection] = field(default_factory=dict)
    #: Every section marker seen, in file order (an empty section is evidence too).
    section_markers: tuple[str, ...] = ()
    #: Whether the last line ended with a newline (a cut-off write does not).
    ends_with_newline: bool = True

    @property
    def tracks(self) -> tuple[PlayerLife, ...]:
        """Alias of :attr:`lives` (the file calls the section PLAYER_TRACKS)."""
        return self.lives
