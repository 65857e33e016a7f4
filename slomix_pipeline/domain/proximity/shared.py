"""Helpers shared by several derivations: compact JSON, a file's scope columns, life views.

``_Scope`` holds the columns every row of a file repeats (source file, round, map); a
``_LifeView`` is one life's track points (time, x, y) sorted by time, the input of both the trade
and the support-uptime derivations.
"""

from __future__ import annotations

import json
from typing import NamedTuple

import numpy as np

from slomix_pipeline.formats.proximity import PlayerLife, ProximityFile

_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def _json(value: object) -> str:
    """Compact JSON; one shared encoder (``json.dumps`` builds a new one per call)."""
    return _ENCODER.encode(value) if value else "[]"


class _Scope(NamedTuple):
    source_file: str
    round_key: str | None
    map_name: str | None
    round_number: int | None
    round_start_unix: int | None
    round_end_unix: int | None


class _LifeView(NamedTuple):
    life: PlayerLife
    t: np.ndarray
    x: np.ndarray
    y: np.ndarray


def _life_views(parsed: ProximityFile) -> list[_LifeView]:
    s = parsed.samples
    views = []
    for life in parsed.lives:
        sl = slice(life.sample_start, life.sample_stop)
        t, x, y = s.time_ms[sl], s.x[sl], s.y[sl]
        if t.shape[0] > 1 and bool((np.diff(t) < 0).any()):
            order = np.argsort(t, kind="stable")
            t, x, y = t[order], x[order], y[order]
        views.append(_LifeView(life, t, x, y))
    return views
