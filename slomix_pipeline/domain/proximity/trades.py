"""``proximity_trade_event`` rows: was an enemy kill traded, who could and who tried.

Per kill, the teammates alive at the death are found for all of a team's kills at once (one
comparison of kill times against life spans), and each one's sample closest in time by a binary
search on that life's times as a Python list (a numpy call per teammate cost more than the
search). The killer's own deaths are pre-filtered by their hit span before their attackers are
looked at. The rows are exactly those of a kill-by-kill, teammate-by-teammate scan.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

from slomix_pipeline.domain.proximity.classify import _Classified
from slomix_pipeline.domain.proximity.params import DeriveParams
from slomix_pipeline.domain.proximity.rows import TradeEventRow
from slomix_pipeline.domain.proximity.shared import _json, _LifeView, _Scope

_PAIR_CHUNK = 1_000_000
"""(kill, teammate life) cells compared at once: bounded however many lives a file has."""
_NO_END = np.iinfo(np.int64).max // 4


def _closest(times: list[int], t: int) -> tuple[int, int]:
    """Index of the point closest in time to ``t`` in sorted ``times`` (earlier wins a tie) and
    |dt|; (-1, 0) without points."""
    j = bisect_left(times, t)
    if j == 0:
        return (0, times[0] - t) if times else (-1, 0)
    if j == len(times) or t - times[j - 1] <= times[j] - t:
        return j - 1, t - times[j - 1]
    return j, times[j] - t


def _alive_teammates(
    kills: Sequence[_Classified], views_by_team: dict[str, list[_LifeView]]
) -> list[list[int]]:
    """Per kill, the indexes (into its team's views, ascending) of the lives covering its time."""
    out: list[list[int]] = [[] for _ in kills]
    by_team: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(kills):
        by_team[c.engagement.target_team].append(i)
    for team, members in by_team.items():
        team_views = views_by_team.get(team)
        if not team_views:
            continue
        spawns = np.array([v.life.spawn_time_ms for v in team_views], dtype=np.int64)
        ends = np.array(
            [
                v.life.death_time_ms if v.life.death_time_ms is not None else _NO_END
                for v in team_views
            ],
            dtype=np.int64,
        )
        times = np.array([kills[i].engagement.end_time_ms for i in members], dtype=np.int64)
        step = max(1, _PAIR_CHUNK // len(team_views))
        for start in range(0, len(members), step):
            t = times[start : start + step, None]
            rows, lives = np.nonzero((spawns <= t) & (t <= ends))
            for row, life in zip(rows.tolist(), lives.tolist(), strict=True):
                out[members[start + row]].append(life)
    return out


def _hit_span(answer: _Classified) -> tuple[int, int] | None:
    """(earliest first hit, latest last hit) of an engagement's enemy attackers."""
    if not answer.enemies:
        return None
    return (
        min(a.first_hit_ms for a in answer.enemies),
        max(a.last_hit_ms for a in answer.enemies),
    )


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
    by_target: dict[str, list[tuple[_Classified, tuple[int, int] | None]]] = defaultdict(list)
    for c in kept:
        by_target[c.engagement.target_guid].append((c, _hit_span(c)))
    views_by_team: dict[str, list[_LifeView]] = defaultdict(list)
    for v in views:
        views_by_team[v.life.team].append(v)
    kills = [c for c in kept if c.death_kind == "enemy_kill"]
    alive_of = _alive_teammates(kills, views_by_team)
    times_of: dict[int, list[int]] = {}  # id(view) -> its times, listed once
    window = params.trade_window_ms

    rows = []
    for c, alive in zip(kills, alive_of, strict=True):
        eng = c.engagement
        victim, team, t = eng.target_guid, eng.target_team, eng.end_time_ms
        killer = eng.killer_guid or ""

        nearest_by_guid: dict[str, tuple[float, str, int]] = {}
        team_views = views_by_team.get(team, [])
        for n in alive:
            v = team_views[n]
            if v.life.guid == victim:
                continue
            times = times_of.get(id(v))
            if times is None:
                times = times_of[id(v)] = v.t.tolist()
            k, dt = _closest(times, t)
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
        for answer, span in by_target.get(killer, ()) if killer else ():
            if span is not None and span[0] <= t + window and span[1] >= t:
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
