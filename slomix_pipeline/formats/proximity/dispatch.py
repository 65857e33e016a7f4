"""Which section a line belongs to and who reads it: the section markers, the V4 sections this
parser models, and the per-line dispatch of their rows to the section readers.

Later sections (v4.2 … v6.10) are only collected here; ``formats.proximity_sections`` parses them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from slomix_pipeline.formats.proximity.engagements import _parse_engagement, _PendingEngagement
from slomix_pipeline.formats.proximity.heatmaps import (
    _parse_kill_cell,
    _parse_movement_cell,
    _parse_objective_focus,
)
from slomix_pipeline.formats.proximity.records import (
    KillHeatmapCell,
    MovementHeatmapCell,
    ObjectiveFocus,
)
from slomix_pipeline.formats.proximity.rejects import _LineError
from slomix_pipeline.formats.proximity.tracks import _parse_life_line, _PendingLife
from slomix_pipeline.formats.proximity_sections import LATER_SECTIONS, SectionLines

ENGAGEMENTS = "ENGAGEMENTS"
PLAYER_TRACKS = "PLAYER_TRACKS"
KILL_HEATMAP = "KILL_HEATMAP"
MOVEMENT_HEATMAP = "MOVEMENT_HEATMAP"
OBJECTIVE_FOCUS = "OBJECTIVE_FOCUS"
_LATER = frozenset(spec.marker for spec in LATER_SECTIONS)
#: Sections of the V4 baseline that this parser turns into records.
KNOWN_SECTIONS: tuple[str, ...] = (
    ENGAGEMENTS,
    PLAYER_TRACKS,
    KILL_HEATMAP,
    MOVEMENT_HEATMAP,
    OBJECTIVE_FOCUS,
)

# A section marker is a comment holding one upper-case word; column/legend comments never are.
_SECTION_RE = re.compile(r"#\s*([A-Z][A-Z0-9_]*)\s*$")


@dataclass(slots=True)
class _SectionRows:
    """The rows of the modelled V4 sections, gathered line by line; paths are read in bulk later."""

    engagements: list[_PendingEngagement] = field(default_factory=list)
    seen_ids: set[int] = field(default_factory=set)
    lives: list[_PendingLife] = field(default_factory=list)
    kill_cells: list[KillHeatmapCell] = field(default_factory=list)
    movement_cells: list[MovementHeatmapCell] = field(default_factory=list)
    focus_rows: list[ObjectiveFocus] = field(default_factory=list)

    def add(
        self,
        section: str | None,
        line_no: int,
        line: str,
        later: dict[str, SectionLines],
        ignored_rows: list[int],
    ) -> None:
        """Hand one data line to its section's reader; raises ``_LineError`` if it breaks."""
        if section == ENGAGEMENTS:
            engagement = _parse_engagement(line_no, line)
            if engagement.engagement_id in self.seen_ids:
                # The id is the row's natural key within the file: keep the first.
                raise _LineError("duplicate_engagement_id")
            self.seen_ids.add(engagement.engagement_id)
            self.engagements.append(engagement)
        elif section == PLAYER_TRACKS:
            self.lives.append(_parse_life_line(line_no, line))
        elif section == KILL_HEATMAP:
            self.kill_cells.append(_parse_kill_cell(line_no, line))
        elif section == MOVEMENT_HEATMAP:
            self.movement_cells.append(_parse_movement_cell(line_no, line))
        elif section == OBJECTIVE_FOCUS:
            self.focus_rows.append(_parse_objective_focus(line_no, line))
        elif section in later:
            later[section].rows.append((line_no, line))
        elif section is None:
            raise _LineError("outside_section")
        else:
            ignored_rows[-1] += 1
