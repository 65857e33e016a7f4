"""``player_track`` rows: per-life distance, speed, sprint and stance figures; the sprint signal.

Sprint and stance are measured over periodic ``sample`` points with the header's sample
interval; a file whose sprint flag is never set although players ran stores sprint as unknown.
"""

from __future__ import annotations

import numpy as np

from slomix_pipeline.domain.proximity.params import DeriveParams
from slomix_pipeline.domain.proximity.rows import PlayerTrackRow
from slomix_pipeline.domain.proximity.shared import _Scope
from slomix_pipeline.formats.proximity import ProximityFile


def _sprint_signal(parsed: ProximityFile, params: DeriveParams) -> str:
    s = parsed.samples
    if len(s) == 0:
        return "undetermined"
    if bool((s.sprint == 1).any()):
        return "present"
    opportunities = int(
        (s.event_mask("sample") & (s.speed >= params.sprint_min_speed) & (s.stance == 0)).sum()
    )
    return "absent" if opportunities >= params.sprint_min_opportunities else "undetermined"


def _track_rows(
    parsed: ProximityFile, scope: _Scope, sprint_known: bool
) -> tuple[PlayerTrackRow, ...]:
    lives = parsed.lives
    if not lives:
        return ()
    s = parsed.samples
    n = len(s)
    starts = np.fromiter((life.sample_start for life in lives), dtype=np.int64, count=len(lives))
    stops = np.fromiter((life.sample_stop for life in lives), dtype=np.int64, count=len(lives))
    # The parser lays lives out back to back; reduceat relies on that partition of [0, n).
    if starts[0] != 0 or stops[-1] != n or not np.array_equal(starts[1:], stops[:-1]):
        raise ValueError("track samples are not laid out contiguously per life")

    step = np.zeros(n)
    if n > 1:
        step[:-1] = np.sqrt(np.diff(s.x) ** 2 + np.diff(s.y) ** 2 + np.diff(s.z) ** 2)
    step[stops - 1] = 0.0  # no leg from one life's last point to the next life's spawn
    total_distance = np.add.reduceat(step, starts)

    moving = s.speed > 0
    moving_count = np.add.reduceat(moving.astype(np.int64), starts)
    moving_sum = np.add.reduceat(np.where(moving, s.speed, 0.0), starts)
    peak_speed = np.maximum.reduceat(s.speed, starts)

    periodic = s.event_mask("sample")
    periodic_count = np.add.reduceat(periodic.astype(np.int64), starts)
    sprint_count = np.add.reduceat((periodic & (s.sprint == 1)).astype(np.int64), starts)
    stance_counts = [
        np.add.reduceat((periodic & (s.stance == k)).astype(np.int64), starts) for k in (0, 1, 2)
    ]
    interval = parsed.header.position_sample_interval_ms
    sec = interval / 1000.0 if interval is not None and interval > 0 else None

    rows = []
    for i, life in enumerate(lives):
        n_periodic = int(periodic_count[i])
        n_sprint = int(sprint_count[i])
        rows.append(
            PlayerTrackRow(
                *scope[:1],
                life.line_no,
                *scope[1:],
                player_guid=life.guid,
                player_name=life.name,
                team=life.team,
                player_class=life.player_class,
                spawn_time_ms=life.spawn_time_ms,
                death_time_ms=life.death_time_ms,
                death_type=life.death_type,
                duration_ms=(
                    life.death_time_ms - life.spawn_time_ms
                    if life.death_time_ms is not None
                    else None
                ),
                first_move_time_ms=life.first_move_time_ms,
                time_to_first_move_ms=(
                    life.first_move_time_ms - life.spawn_time_ms
                    if life.first_move_time_ms is not None
                    else None
                ),
                sample_count=life.sample_count,
                periodic_samples=n_periodic,
                total_distance=round(float(total_distance[i]), 3),
                avg_speed=(
                    float(moving_sum[i]) / int(moving_count[i]) if moving_count[i] else None
                ),
                peak_speed=float(peak_speed[i]),
                sprint_percentage=(
                    100.0 * n_sprint / n_periodic if sprint_known and n_periodic else None
                ),
                sprint_sec=n_sprint * sec if sprint_known and sec is not None else None,
                stance_standing_sec=int(stance_counts[0][i]) * sec if sec is not None else None,
                stance_crouching_sec=int(stance_counts[1][i]) * sec if sec is not None else None,
                stance_prone_sec=int(stance_counts[2][i]) * sec if sec is not None else None,
                path=life.path_text,
            )
        )
    return tuple(rows)
