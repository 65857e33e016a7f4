"""The trade rows of ``domain.proximity.trades`` equal a plain kill-by-kill scan.

The scan below is the derivation as it was written before the teammates alive at each kill
were found for a whole team at once (and the closest sample by ``bisect``): straight loops,
one numpy ``searchsorted`` per teammate. Any difference in a row (opportunities, attempts,
successes, distances, flags) fails the comparison.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from slomix_pipeline.domain.proximity import DeriveParams, TradeEventRow, derive
from slomix_pipeline.domain.proximity import trades as domain
from slomix_pipeline.domain.proximity.classify import _Classified, _classify
from slomix_pipeline.domain.proximity.shared import _json, _life_views, _LifeView, _Scope
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


def _scan_trade_rows(
    kept: Sequence[_Classified], views: Sequence[_LifeView], scope: _Scope, params: DeriveParams
) -> tuple[TradeEventRow, ...]:
    by_target: dict[str, list[_Classified]] = defaultdict(list)
    for c in kept:
        by_target[c.engagement.target_guid].append(c)
    window = params.trade_window_ms
    rows = []
    for c in kept:
        if c.death_kind != "enemy_kill":
            continue
        eng = c.engagement
        victim, team, t = eng.target_guid, eng.target_team, eng.end_time_ms
        killer = eng.killer_guid or ""
        nearest_by_guid: dict[str, tuple[float, str, int]] = {}
        for v in views:
            end = v.life.death_time_ms if v.life.death_time_ms is not None else math.inf
            if v.life.team != team or not v.life.spawn_time_ms <= t <= end:
                continue
            if v.life.guid == victim:
                continue
            k, dt = _scan_closest(v, t)
            if k < 0 or dt > params.trade_pos_delta_ms:
                continue
            dist = math.hypot(float(v.x[k]) - eng.end_x, float(v.y[k]) - eng.end_y)
            prev = nearest_by_guid.get(v.life.guid)
            if prev is None or dist < prev[0]:
                nearest_by_guid[v.life.guid] = (dist, v.life.name, dt)
        nearest = min((d for d, _, _ in nearest_by_guid.values()), default=None)
        opportunities = [
            {"guid": g, "name": name, "distance": round(d, 1), "delta_ms": dt}
            for g, (d, name, dt) in sorted(nearest_by_guid.items(), key=lambda kv: kv[1][0])
            if d <= params.trade_dist
        ]
        attempts: dict[str, dict[str, Any]] = {}
        successes: list[dict[str, Any]] = []
        for answer in by_target.get(killer, ()) if killer else ():
            for a in answer.enemies:
                if a.guid == victim or a.team != team:
                    continue
                if a.first_hit_ms <= t + window and a.last_hit_ms >= t:
                    prev_attempt = attempts.get(a.guid)
                    if prev_attempt is None or a.first_hit_ms < prev_attempt["first_hit_ms"]:
                        attempts[a.guid] = {
                            "guid": a.guid,
                            "name": a.name,
                            "first_hit_ms": a.first_hit_ms,
                            "last_hit_ms": a.last_hit_ms,
                            "damage": a.damage,
                        }
            ans = answer.engagement
            if (
                answer.death_kind == "enemy_kill"
                and t <= ans.end_time_ms <= t + window
                and (ans.killer_guid or "") != victim
            ):
                successes.append(
                    {
                        "guid": ans.killer_guid,
                        "name": ans.killer_name,
                        "kill_time_ms": ans.end_time_ms,
                    }
                )
        attempt_list = sorted(attempts.values(), key=lambda a: (a["first_hit_ms"], a["guid"]))
        missed = (
            [dict(o, reason="no_attempt") for o in opportunities]
            if opportunities and not attempt_list and not successes
            else []
        )
        isolated = not opportunities and (nearest is None or nearest > params.isolation_dist)
        rows.append(
            TradeEventRow(
                *scope[:1],
                eng.engagement_id,
                *scope[1:],
                victim_guid=victim,
                victim_name=eng.target_name,
                victim_team=team,
                killer_guid=eng.killer_guid,
                killer_name=eng.killer_name,
                death_time_ms=t,
                trade_window_ms=window,
                opportunity_count=len(opportunities),
                opportunities=_json(opportunities),
                attempt_count=len(attempt_list),
                attempts=_json(attempt_list),
                success_count=len(successes),
                successes=_json(successes),
                missed_count=len(missed),
                missed_candidates=_json(missed),
                nearest_teammate_dist=round(nearest, 1) if nearest is not None else None,
                is_isolation_death=isolated,
                is_traded=bool(successes),
            )
        )
    return tuple(rows)


def _scan(parsed: ProximityFile, params: DeriveParams) -> tuple[TradeEventRow, ...]:
    lives_by_guid = defaultdict(list)
    for life in parsed.lives:
        lives_by_guid[life.guid].append(life)
    kept = [c for c in (_classify(e, lives_by_guid) for e in parsed.engagements) if c.keep]
    h = parsed.header
    scope = _Scope(
        parsed.source_file, None, h.map_name, h.round_number, h.round_start_unix, h.round_end_unix
    )
    return _scan_trade_rows(kept, _life_views(parsed), scope, params)


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
    assert any(r.opportunity_count for r in expected)
    assert any(r.attempt_count for r in expected)
    assert any(r.is_traded for r in expected)
    rows = derive(parsed, params=params).trade_events
    assert rows == expected
    monkeypatch.setattr(domain, "_PAIR_CHUNK", 7)  # a few kills per comparison: same rows
    assert derive(parsed, params=params).trade_events == expected
