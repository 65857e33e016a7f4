"""``proximity_support_summary``: share of track points spent near a teammate in combat."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from slomix_pipeline.domain.proximity.classify import _Classified
from slomix_pipeline.domain.proximity.combat_intervals import _combat_intervals
from slomix_pipeline.domain.proximity.params import DeriveParams
from slomix_pipeline.domain.proximity.rows import SupportSummaryRow
from slomix_pipeline.domain.proximity.shared import _LifeView, _Scope

_KEY_SHIFT = np.int64(1 << 36)  # > any in-file time span (ms): packs (id, time) into one int64


_PAIR_CHUNK = 1_000_000
"""(point, teammate life) pairs evaluated at once by ``_team_support`` (~100 MB of temporaries)."""


def _team_support(
    team_views: Sequence[_LifeView],
    combat: dict[str, list[list[int]]],
    params: DeriveParams,
) -> tuple[int, int]:
    """(supported points, all points) of one team, vectorised over (point, teammate life) pairs.

    Only pairs where the teammate is in combat are built: each teammate life's span is cut
    with its player's (merged, disjoint) combat intervals, and the team points inside each cut
    are paired with that life at once. "Teammate's point closest in time" is then one
    ``searchsorted`` on keys that pack (life, time) into one sorted int64 array.
    """
    n_lives = len(team_views)
    guid_codes: dict[str, int] = {}
    gcode = np.array(
        [guid_codes.setdefault(v.life.guid, len(guid_codes)) for v in team_views], dtype=np.int64
    )
    counts = np.array([v.t.shape[0] for v in team_views], dtype=np.int64)
    offsets = np.cumsum(counts) - counts
    lt = np.concatenate([v.t for v in team_views]).astype(np.int64)
    lx = np.concatenate([v.x for v in team_views])
    ly = np.concatenate([v.y for v in team_views])
    life_of = np.repeat(np.arange(n_lives, dtype=np.int64), counts)
    n_points = int(lt.shape[0])

    order = np.argsort(lt, kind="stable")
    pt, px, py, powner = lt[order], lx[order], ly[order], gcode[life_of[order]]

    spans = [
        (code, lo_t, hi_t)
        for guid, code in guid_codes.items()
        for lo_t, hi_t in combat.get(guid, ())
    ]
    if not spans:
        return 0, n_points
    span_arr = np.array(spans, dtype=np.int64)  # grouped by code, each group sorted by start

    # (teammate life, combat interval of its player) cuts: the life's span within the interval.
    no_end = np.iinfo(np.int64).max // 4
    spawn = np.array([v.life.spawn_time_ms for v in team_views], dtype=np.int64)
    end = np.array(
        [v.life.death_time_ms if v.life.death_time_ms is not None else no_end for v in team_views],
        dtype=np.int64,
    )
    first_span = np.searchsorted(span_arr[:, 0], gcode, side="left")
    span_count = np.searchsorted(span_arr[:, 0], gcode, side="right") - first_span
    cut_life = np.repeat(np.arange(n_lives, dtype=np.int64), span_count)
    cut_span = np.arange(int(span_count.sum()), dtype=np.int64) - np.repeat(
        np.cumsum(span_count) - span_count - first_span, span_count
    )
    cut_lo = np.maximum(span_arr[cut_span, 1], spawn[cut_life])
    cut_hi = np.minimum(span_arr[cut_span, 2], end[cut_life])
    lo = np.searchsorted(pt, cut_lo, side="left")
    lengths = np.clip(np.searchsorted(pt, cut_hi, side="right") - lo, 0, None)
    if int(lengths.sum()) == 0:
        return 0, n_points
    point_key = life_of * _KEY_SHIFT + lt  # ascending: lives in order, each sorted by time

    # The (point, teammate life) pairs are built a bounded chunk of cuts at a time: all at once
    # they grow with lives x points (a 2 MB file of 25,000 short lives needed > 7 GB).
    supported = np.zeros(n_points, dtype=bool)
    ends = np.cumsum(lengths)
    n_cuts = int(lengths.shape[0])
    first_cut = 0
    while first_cut < n_cuts:
        budget_end = (ends[first_cut - 1] if first_cut else 0) + _PAIR_CHUNK
        last_cut = max(int(np.searchsorted(ends, budget_end, side="right")), first_cut + 1)
        chunk = slice(first_cut, last_cut)
        first_cut = last_cut
        chunk_lengths = lengths[chunk]
        mate = np.repeat(cut_life[chunk], chunk_lengths)
        if mate.shape[0] == 0:
            continue
        pidx = np.arange(int(chunk_lengths.sum()), dtype=np.int64) - np.repeat(
            np.cumsum(chunk_lengths) - chunk_lengths - lo[chunk], chunk_lengths
        )
        keep = powner[pidx] != gcode[mate]  # a player never supports himself
        mate, pidx = mate[keep], pidx[keep]
        t = pt[pidx]

        j = np.searchsorted(point_key, mate * _KEY_SHIFT + t, side="left")
        first, last = offsets[mate], offsets[mate] + counts[mate] - 1
        jl, jr = np.clip(j - 1, first, last), np.clip(j, first, last)
        dl, dr = np.abs(t - lt[jl]), np.abs(lt[jr] - t)
        pick = np.where(dr < dl, jr, jl)  # a tie goes to the earlier point
        near = (np.minimum(dl, dr) <= params.support_pos_delta_ms) & (
            (px[pidx] - lx[pick]) ** 2 + (py[pidx] - ly[pick]) ** 2 <= params.support_dist**2
        )
        supported[pidx[near]] = True
    return int(supported.sum()), n_points


def _support_row(
    kept: Sequence[_Classified],
    views: Sequence[_LifeView],
    scope: _Scope,
    params: DeriveParams,
    captured: bool = True,
) -> SupportSummaryRow | None:
    """Share of all track points spent near (2D) a *different* teammate who is in combat.

    A point at time t counts when some teammate (another GUID) has a life covering t, is in
    combat at t, and that life's point closest in time (within the position delta) lies within
    the support distance.
    """
    if not views:
        return None
    if not captured:  # no engagement record: "near a teammate in combat" was not measured
        return SupportSummaryRow(
            *scope,
            support_samples=None,
            total_samples=sum(int(v.t.shape[0]) for v in views),
            support_uptime_pct=None,
            support_dist=params.support_dist,
            combat_recent_ms=params.combat_recent_ms,
            pos_delta_ms=params.support_pos_delta_ms,
        )
    combat = _combat_intervals(kept, params.combat_recent_ms)
    by_team: dict[str, list[_LifeView]] = defaultdict(list)
    for v in views:
        if v.t.shape[0]:
            by_team[v.life.team].append(v)
    support_total = total = 0
    for team_views in by_team.values():
        supported, points = _team_support(team_views, combat, params)
        support_total += supported
        total += points
    return SupportSummaryRow(
        *scope,
        support_samples=support_total,
        total_samples=total,
        support_uptime_pct=round(100.0 * support_total / total, 2) if total else None,
        support_dist=params.support_dist,
        combat_recent_ms=params.combat_recent_ms,
        pos_delta_ms=params.support_pos_delta_ms,
    )
