"""The small V4 summary sections, one row per line: ``KILL_HEATMAP``, ``MOVEMENT_HEATMAP`` and
``OBJECTIVE_FOCUS``."""

from __future__ import annotations

from slomix_pipeline.formats.proximity.fields import _float, _int
from slomix_pipeline.formats.proximity.records import (
    KillHeatmapCell,
    MovementHeatmapCell,
    ObjectiveFocus,
)
from slomix_pipeline.formats.proximity.rejects import _LineError


def _parse_kill_cell(line_no: int, line: str) -> KillHeatmapCell:
    f = line.split(";")
    if len(f) != 4:
        raise _LineError("field_count")
    return KillHeatmapCell(line_no, _int(f[0]), _int(f[1]), _int(f[2]), _int(f[3]))


def _parse_movement_cell(line_no: int, line: str) -> MovementHeatmapCell:
    f = line.split(";")
    if len(f) != 5:
        raise _LineError("field_count")
    return MovementHeatmapCell(line_no, _int(f[0]), _int(f[1]), _int(f[2]), _int(f[3]), _int(f[4]))


def _parse_objective_focus(line_no: int, line: str) -> ObjectiveFocus:
    f = line.split(";")
    if len(f) != 7:
        raise _LineError("field_count")
    return ObjectiveFocus(line_no, f[0], f[1], f[2], f[3], _float(f[4]), _int(f[5]), _int(f[6]))
