"""``proximity_trade_event`` rows: was an enemy kill traded, who could and who tried."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

from slomix_pipeline.domain.proximity.classify import _Classified
from slomix_pipeline.domain.proximity.params import DeriveParams
from slomix_pipeline.domain.proximity.rows import TradeEventRow
from slomix_pipeline.domain.proximity.shared import _json, _LifeView, _Scope


def _closest(view: _LifeView, t: int) -> tuple[int, int]:
    """Index of the view's point closest in time to ``t`` (earlier wins a tie) and |dt|."""
    j = int(np.searchsorted(view.t, t))
    best, best_dt = -1, math.inf
    for k in (j - 1, j):
        if 0 <= k < view.t.shape[0]:
            dt = abs(int(view.t[k]) - t)
            if dt < best_dt:
                best, best_dt = k, dt
    return best, int(best_dt)


def _trade_rows(
    kept: Sequence[_Classified],
    views: Sequence[_LifeView],
    scope: _Scope,
    params: DeriveParams,
) -> tuple[TradeEventRow, ...]:
    """One row per enemy kill: was it traded (a teammate killed the killer within the window)?

    Opportunities: teammates alive at the death whose sample closest in time (within the
    position delta) is within ``trade_dist`` (2D) of the death. Attempts: teammates whose fire
    on the killer overlaps [death, death + window]. Successes: the killer dies to an enemy kill
    by someone other than the victim inside the window. A killer without a GUID cannot be
    followed and gets no attempts or successes.
    """
    by_target: dict[str, list[_Classified]] = defaultdict(list)
    for c in kept:
        by_target[c.engagement.target_guid].append(c)
    views_by_team: dict[str, list[_LifeView]] = defaultdict(list)
    for v in views:
        views_by_team[v.life.team].append(v)
    no_end = np.iinfo(np.int64).max // 4
    spans_by_team = {
        team: (
            np.array([v.life.spawn_time_ms for v in team_views], dtype=np.int64),
            np.array(
                [
                    v.life.death_time_ms if v.life.death_time_ms is not None else no_end
                    for v in team_views
                ],
                dtype=np.int64,
            ),
        )
        for team, team_views in views_by_team.items()
    }
    window = params.trade_window_ms

    rows = []
    for c in kept:
        if c.death_kind != "enemy_kill":
            continue
        eng = c.engagement
        victim, team, t = eng.target_guid, eng.target_team, eng.end_time_ms
        killer = eng.killer_guid or ""

        nearest_by_guid: dict[str, tuple[float, str, int]] = {}
        team_views = views_by_team.get(team, [])
        alive: Sequence[int] = ()
        if team_views:
            spawns, ends = spans_by_team[team]
            alive = np.flatnonzero((spawns <= t) & (t <= ends)).tolist()
        for n in alive:
            v = team_views[n]
            if v.life.guid == victim:
                continue
            k, dt = _closest(v, t)
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
