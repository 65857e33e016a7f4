"""The trade rows of ``domain.proximity.trades`` equal a plain kill-by-kill scan.

The scan below follows the definitions the way the derivation did before the teammates alive
at each kill were found for a whole team at once (and the closest sample by ``bisect``): one
kill, one teammate life, one numpy ``searchsorted`` at a time. Any difference in a row
(opportunities, attempts, successes, distances, counts, flags) fails the comparison.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from slomix_pipeline.domain.proximity import DeriveParams, TradeEventRow, derive
from slomix_pipeline.domain.proximity import trades as domain
from slomix_pipeline.domain.proximity.classify import _Classified, _classify
from slomix_pipeline.domain.proximity.shared import _life_views, _LifeView
from slomix_pipeline.formats.proximity import ProximityFile, parse_proximity_file
from slomix_pipeline.sample_data.proximity_render import demo_spec, render_proximity_round


def _scan_closest(view: _LifeView, t: int) -> tuple[int, int]:
    j = int(np.searchsorted(view.t, t))
    best, best_dt = -1, math.inf
    for k in (j - 1, j):
        if 0 <= k < view.t.shape[0]:
            dt = abs(int(view.t[k]) - t)
            if dt < best_dt:
                best, best_dt = k, dt
    return best, int(best_dt)


def _scan_trades(
    kept: Sequence[_Classified], views: Sequence[_LifeView], params: DeriveParams
) -> dict[int, dict[str, Any]]:
    """Per enemy kill (engagement id): opportunities, attempts, successes and the nearest
    teammate's distance, by the definitions, one kill and one teammate life at a time."""
    window = params.trade_window_ms
    out = {}
    for c in kept:
        if c.death_kind != "enemy_kill":
            continue
        eng = c.engagement
        victim, team, t = eng.target_guid, eng.target_team, eng.end_time_ms
        killer = eng.killer_guid or ""
        nearest_by_guid: dict[str, tuple[float, str, int]] = {}
        for v in views:
            end = v.life.death_time_ms if v.life.death_time_ms is not None else math.inf
            if v.life.team != team or v.life.guid == victim:
                continue
            if not v.life.spawn_time_ms <= t <= end:
                continue
            k, dt = _scan_closest(v, t)
            if k < 0 or dt > params.trade_pos_delta_ms:
                continue
            dist = math.hypot(float(v.x[k]) - eng.end_x, float(v.y[k]) - eng.end_y)
            if v.life.guid not in nearest_by_guid or dist < nearest_by_guid[v.life.guid][0]:
                nearest_by_guid[v.life.guid] = (dist, v.life.name, dt)
        answers = [a for a in kept if killer and a.engagement.target_guid == killer]
        firing = [
            a
            for answer in answers
            for a in answer.enemies
            if a.guid != victim and a.team == team and t <= a.last_hit_ms
            if a.first_hit_ms <= t + window
        ]
        first_fire: dict[str, Any] = {}
        for a in firing:
            if a.guid not in first_fire or a.first_hit_ms < first_fire[a.guid].first_hit_ms:
                first_fire[a.guid] = a
        out[eng.engagement_id] = {
            "opportunities": [
                {"guid": g, "name": name, "distance": round(d, 1), "delta_ms": dt}
                for g, (d, name, dt) in sorted(nearest_by_guid.items(), key=lambda kv: kv[1][0])
                if d <= params.trade_dist
            ],
            "attempts": sorted(
                (
                    {"guid": a.guid, "name": a.name, "first_hit_ms": a.first_hit_ms}
                    | {"last_hit_ms": a.last_hit_ms, "damage": a.damage}
                    for a in first_fire.values()
                ),
                key=lambda a: (a["first_hit_ms"], a["guid"]),
            ),
            "successes": [
                {"guid": e.killer_guid, "name": e.killer_name, "kill_time_ms": e.end_time_ms}
                for e in (
                    answer.engagement for answer in answers if answer.death_kind == "enemy_kill"
                )
                if t <= e.end_time_ms <= t + window and (e.killer_guid or "") != victim
            ],
            "nearest": min((d for d, _, _ in nearest_by_guid.values()), default=None),
        }
    return out


def _as_scanned(row: TradeEventRow) -> dict[str, Any]:
    """The row's figures in the scan's terms, after checking the ones derived from them."""
    got = {
        "opportunities": json.loads(row.opportunities),
        "attempts": json.loads(row.attempts),
        "successes": json.loads(row.successes),
    }
    assert (row.opportunity_count, row.attempt_count, row.success_count) == tuple(
        len(v) for v in got.values()
    )
    assert row.is_traded == bool(got["successes"])
    no_answer = got["opportunities"] and not got["attempts"] and not got["successes"]
    assert json.loads(row.missed_candidates) == (
        [dict(o, reason="no_attempt") for o in got["opportunities"]] if no_answer else []
    )
    return got


def _scan(parsed: ProximityFile, params: DeriveParams) -> dict[int, dict[str, Any]]:
    lives_by_guid = defaultdict(list)
    for life in parsed.lives:
        lives_by_guid[life.guid].append(life)
    kept = [c for c in (_classify(e, lives_by_guid) for e in parsed.engagements) if c.keep]
    return _scan_trades(kept, _life_views(parsed), params)


@pytest.mark.parametrize(
    ("spec_kwargs", "params"),
    [
        ({"seed": 3, "per_team": 6, "minutes": 4.0}, DeriveParams()),
        (
            {"seed": 11, "per_team": 5, "minutes": 3.0, "format_version": 6},
            DeriveParams(),
        ),
        (  # wide windows and distances: many opportunities, attempts and successes
            {"seed": 4, "per_team": 4, "minutes": 3.0, "sample_interval_ms": 1000},
            DeriveParams(trade_window_ms=9000, trade_dist=3000.0, trade_pos_delta_ms=4000),
        ),
    ],
    ids=["v4-6v6", "v6-5v5", "wide-params"],
)
def test_trade_rows_equal_a_kill_by_kill_scan(
    spec_kwargs: dict[str, Any], params: DeriveParams, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered = render_proximity_round(demo_spec(**spec_kwargs))
    parsed = parse_proximity_file(rendered.name, rendered.data)
    expected = _scan(parsed, params)
    assert len(expected) > 10
    assert any(e["opportunities"] for e in expected.values())
    assert any(e["attempts"] for e in expected.values())
    assert any(e["successes"] for e in expected.values())
    for chunk in (domain._PAIR_CHUNK, 7):  # a few kills per comparison: the same rows
        monkeypatch.setattr(domain, "_PAIR_CHUNK", chunk)
        rows = derive(parsed, params=params).trade_events
        assert [r.engagement_id for r in rows] == list(expected)
        for row in rows:
            scanned = expected[row.engagement_id]
            nearest = scanned.pop("nearest")
            assert _as_scanned(row) == scanned
            assert row.nearest_teammate_dist == (round(nearest, 1) if nearest is not None else None)
            isolated = not scanned["opportunities"] and (
                nearest is None or nearest > params.isolation_dist
            )
            assert row.is_isolation_death == isolated
            scanned["nearest"] = nearest
