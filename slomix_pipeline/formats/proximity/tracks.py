"""The ``PLAYER_TRACKS`` section: one line per life, shape-checked line by line, its path samples
read for the whole file at once into the flat :class:`TrackSamples` columns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from typing import NamedTuple

import numpy as np

from slomix_pipeline.formats.proximity.fields import _int
from slomix_pipeline.formats.proximity.file_record import BrokenLine
from slomix_pipeline.formats.proximity.records import PlayerLife, TrackSamples
from slomix_pipeline.formats.proximity.rejects import _LineError
from slomix_pipeline.formats.proximity_points import (
    TRACK_POINTS,
    PointChunk,
    merge_chunks,
    read_isolating,
)

_POINT_FIELDS = 10


def _line_fields() -> list[tuple[str, object]]:
    """:class:`PlayerLife`'s fields that one track line gives, read from the record so the two
    cannot drift apart: all but the trailing sample range and path text, which
    :func:`_build_tracks` appends positionally once the file's paths have been read."""
    life_fields = fields(PlayerLife)
    if [f.name for f in life_fields[-3:]] != ["sample_start", "sample_stop", "path_text"]:
        raise TypeError("PlayerLife must end with sample_start, sample_stop, path_text")
    return [(f.name, f.type) for f in life_fields[:-3]]


_PendingLife = NamedTuple("_PendingLife", [*_line_fields(), ("path", str)])  # type: ignore[misc]
_PendingLife.__doc__ = "A track line whose scalar fields parsed and whose path has the right shape."


def _parse_life_line(line_no: int, line: str) -> _PendingLife:
    f = line.split(";")
    if len(f) == 10:  # v4.1+ layout with death_type
        death_type: str | None = f[7]
        samples_text, path = f[8], f[9]
    elif len(f) == 9:  # v4.0 layout, no death_type
        death_type = None
        samples_text, path = f[7], f[8]
    else:
        raise _LineError("field_count")
    sample_count = _int(samples_text)
    if not path:
        raise _LineError("empty_path")
    n_points = path.count("|") + 1
    # Shape check without touching every point: each point holds exactly 9 commas, and the
    # count field must agree (a line cut at a point boundary would otherwise look whole).
    if path.count(",") != (_POINT_FIELDS - 1) * n_points:
        raise _LineError("path_shape")
    if n_points != sample_count:
        raise _LineError("sample_count_mismatch")
    death_text, first_move_text = f[5], f[6]
    return _PendingLife(
        line_no=line_no,
        guid=f[0],
        name=f[1],
        team=f[2],
        player_class=f[3],
        spawn_time_ms=_int(f[4]),
        # The tracker writes 0 for "never set"; a real death is always after the spawn.
        death_time_ms=_int(death_text) if death_text not in ("", "0") else None,
        first_move_time_ms=_int(first_move_text) if first_move_text else None,
        death_type=death_type,
        sample_count=sample_count,
        path=path,
    )


def _empty_samples() -> TrackSamples:
    return TrackSamples(
        time_ms=np.zeros(0, dtype=np.int64),
        x=np.zeros(0),
        y=np.zeros(0),
        z=np.zeros(0),
        health=np.zeros(0, dtype=np.int32),
        speed=np.zeros(0),
        weapon=np.zeros(0, dtype=np.int32),
        stance=np.zeros(0, dtype=np.int8),
        sprint=np.zeros(0, dtype=np.int8),
        event=np.zeros(0, dtype=np.int16),
        event_names=(),
    )


def _build_tracks(
    pending: Sequence[_PendingLife], broken: list[BrokenLine]
) -> tuple[tuple[PlayerLife, ...], TrackSamples]:
    good: list[tuple[Sequence[_PendingLife], PointChunk]] = []
    groups = read_isolating(pending, lambda p: p.path, lambda p: p.sample_count, TRACK_POINTS)
    for group, chunk in groups:
        if chunk is None:
            broken.append(BrokenLine(group[0].line_no, "player_tracks:bad_path_value"))
        else:
            good.append((group, chunk))
    if not good:
        return (), _empty_samples()
    cols, codes, event_names = merge_chunks([chunk for _, chunk in good], TRACK_POINTS.columns[:-1])
    samples = TrackSamples(**cols, event=codes, event_names=event_names)
    lives: list[PlayerLife] = []
    cursor = 0
    for group, _ in good:
        for p in group:
            stop = cursor + p.sample_count
            lives.append(PlayerLife(*p[:-1], cursor, stop, p.path))
            cursor = stop
    return tuple(lives), samples
