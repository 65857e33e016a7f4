"""Derivations from a parsed proximity file: rows for the four proximity warehouse tables.

``derive(parsed)`` turns a :class:`~slomix_pipeline.formats.proximity.ProximityFile` into
``combat_engagement``, ``player_track``, ``proximity_trade_event`` and
``proximity_support_summary`` rows. Column names follow the upstream schema where one exists.

Where this deliberately differs from upstream (each is covered by a test):

* **Self-kills** (``/kill`` while under fire) were stored with the victim as killer and produced
  a trade event "killer = victim". Here the killer is cleared, ``death_kind='self_kill'`` says
  what happened, no trade event is made, and an engagement with no enemy fire is not kept.
* **Friendly fire** (Feb tracker) let a teammate's hits create or join an engagement, count as
  an attacker and as a crossfire participant. Teammates are removed from the attacker list,
  their damage is reported apart (``friendly_fire_damage``), and attacker count / crossfire are
  recomputed from enemy hits with the header's crossfire window. An engagement without any enemy
  fire (teammate-only, self-kill-only, or a fall with no attacker) is excluded and listed.
* **Zero is a time, not "missing".** A spawn at ``t=0`` (common with the V6 time base) gets a
  real ``duration_ms`` and ``time_to_first_move_ms``; combat intervals starting at 0 count.
* **Sprint** comes from the tracker's sprint flag, which since the WS1C-004 fix is computed from
  the stamina drain. It is measured over periodic ``sample`` points only: the spawn point has
  no previous stamina reading and terminal points are forced to 0, so counting them (upstream)
  diluted short lives. A file whose flag is never set although players clearly ran is the old,
  dead pm_flags bit: its sprint values are stored as unknown (``None``), not as a flat 0.
* **Paths are stored as the compact text the tracker wrote** (``time,x,y,...|...``) for both
  engagements and lives, instead of upstream's JSON: no per-point work on the import path, and
  the format is documented and trivially re-parsed by readers.
* **Interval-based seconds** (stance, sprint) use the header's sample interval, never a
  hard-coded 0.2 s; without the header value they are ``None``.
* **Trade attempts** count a teammate's fire on the killer anywhere inside the trade window (his
  hit interval overlaps it), so the teammate who lands the avenging kill is always also an
  attempt; upstream required the *first* hit inside the window (success without attempt).
  The victim himself (after a revive) never counts as his own avenger.

Everything here is pure numpy/Python over the parsed records: no SQL, no files, no Dagster.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any, NamedTuple

import numpy as np

from slomix_pipeline.domain.proximity_capabilities import ENABLED, section_states
from slomix_pipeline.formats.proximity import Attacker, Engagement, PlayerLife, ProximityFile

__all__ = [
    "NATURAL_KEYS",
    "TABLE_ROW_TYPES",
    "CombatEngagementRow",
    "DeriveParams",
    "ExcludedEngagement",
    "PlayerTrackRow",
    "ProximityDerived",
    "SupportSummaryRow",
    "TradeEventRow",
    "derive",
    "row_values",
    "table_columns",
]


@dataclass(frozen=True, slots=True)
class DeriveParams:
    """Tunables of the derivations; defaults are the upstream environment defaults."""

    trade_window_ms: int = 3000
    trade_pos_delta_ms: int = 1500
    trade_dist: float = 800.0
    isolation_dist: float = 1200.0
    support_dist: float = 600.0
    combat_recent_ms: int = 1500
    support_pos_delta_ms: int = 1500
    #: Used only to recompute crossfire after removing friendly fire when the header lacks it.
    default_crossfire_window_ms: int = 1000
    #: A file with at least this many "could be sprinting" samples and no sprint flag at all
    #: carries the dead pm_flags bit, not the stamina signal.
    sprint_min_opportunities: int = 50
    sprint_min_speed: float = 140.0


# --------------------------------------------------------------------------------------------
# Rows (one dataclass per table; field order = column order)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CombatEngagementRow:
    """``combat_engagement``: one kept engagement. Key: (source_file, engagement_id)."""

    source_file: str
    engagement_id: int
    source_line: int
    round_key: str | None
    map_name: str | None
    round_number: int | None
    round_start_unix: int | None
    round_end_unix: int | None
    start_time_ms: int
    end_time_ms: int
    duration_ms: int
    target_guid: str
    target_name: str
    target_team: str
    outcome: str
    #: enemy_kill | self_kill | team_kill | world, or None when the target was not killed.
    death_kind: str | None
    total_damage_taken: int
    friendly_fire_damage: int
    #: The tracker invents 100 damage for a kill with no recorded hit ("instant kill").
    damage_is_estimated: bool
    killer_guid: str | None
    killer_name: str | None
    num_attackers: int
    is_crossfire: bool | None  # None: crossfire_detection declared off (not measured)
    crossfire_delay_ms: int | None
    crossfire_participants: str | None  # JSON array of GUIDs, None when empty
    start_x: float
    start_y: float
    start_z: float
    end_x: float
    end_y: float
    end_z: float
    distance_traveled: float
    position_path: str  # the victim path as written: time,x,y,z,event|...
    attackers: str  # JSON array of enemy attackers
    friendly_attackers: str | None  # JSON array of removed teammate attackers


@dataclass(frozen=True, slots=True)
class PlayerTrackRow:
    """``player_track``: one life with its metrics. Key: (source_file, source_line)."""

    source_file: str
    source_line: int
    round_key: str | None
    map_name: str | None
    round_number: int | None
    round_start_unix: int | None
    round_end_unix: int | None
    player_guid: str
    player_name: str
    team: str
    player_class: str
    spawn_time_ms: int
    death_time_ms: int | None
    death_type: str | None
    duration_ms: int | None
    first_move_time_ms: int | None
    time_to_first_move_ms: int | None
    sample_count: int
    periodic_samples: int
    total_distance: float
    avg_speed: float | None
    peak_speed: float
    sprint_percentage: float | None
    sprint_sec: float | None
    stance_standing_sec: float | None
    stance_crouching_sec: float | None
    stance_prone_sec: float | None
    path: str  # the path as written: time,x,y,z,health,speed,weapon,stance,sprint,event|...


@dataclass(frozen=True, slots=True)
class TradeEventRow:
    """``proximity_trade_event``: one enemy kill and whether it was traded.

    Key: (source_file, engagement_id) — the killing engagement, unique within a file.
    """

    source_file: str
    engagement_id: int
    round_key: str | None
    map_name: str | None
    round_number: int | None
    round_start_unix: int | None
    round_end_unix: int | None
    victim_guid: str
    victim_name: str
    victim_team: str
    killer_guid: str | None
    killer_name: str | None
    death_time_ms: int
    trade_window_ms: int
    opportunity_count: int
    opportunities: str
    attempt_count: int
    attempts: str
    success_count: int
    successes: str
    missed_count: int
    missed_candidates: str
    nearest_teammate_dist: float | None
    is_isolation_death: bool
    is_traded: bool


@dataclass(frozen=True, slots=True)
class SupportSummaryRow:
    """``proximity_support_summary``: one per file. Key: (source_file,)."""

    source_file: str
    round_key: str | None
    map_name: str | None
    round_number: int | None
    round_start_unix: int | None
    round_end_unix: int | None
    support_samples: int | None  # None: ENGAGEMENTS not captured (no combat to measure against)
    total_samples: int
    support_uptime_pct: float | None
    support_dist: float
    combat_recent_ms: int
    pos_delta_ms: int


@dataclass(frozen=True, slots=True)
class ExcludedEngagement:
    """An engagement line that produced no ``combat_engagement`` row, and why."""

    engagement_id: int
    source_line: int
    reason: str  # self_kill | friendly_fire | no_enemy_attackers


@dataclass(frozen=True, slots=True)
class ProximityDerived:
    """All rows derived from one file."""

    combat_engagements: tuple[CombatEngagementRow, ...]
    player_tracks: tuple[PlayerTrackRow, ...]
    trade_events: tuple[TradeEventRow, ...]
    support_summaries: tuple[SupportSummaryRow, ...]
    excluded_engagements: tuple[ExcludedEngagement, ...]
    #: present | absent (dead flag: sprint stored as None) | undetermined (too little running)
    sprint_signal: str
    notes: tuple[str, ...]


TABLE_ROW_TYPES: dict[str, type] = {
    "combat_engagement": CombatEngagementRow,
    "player_track": PlayerTrackRow,
    "proximity_trade_event": TradeEventRow,
    "proximity_support_summary": SupportSummaryRow,
}
#: Natural keys: re-importing a file replaces exactly these rows.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "combat_engagement": ("source_file", "engagement_id"),
    "player_track": ("source_file", "source_line"),
    "proximity_trade_event": ("source_file", "engagement_id"),
    "proximity_support_summary": ("source_file",),
}


def table_columns(row_type: type) -> tuple[str, ...]:
    """Column names of a row type, in field order (the order of :func:`row_values`)."""
    return tuple(f.name for f in fields(row_type))


def row_values(row: Any) -> tuple[Any, ...]:
    """A row as a plain tuple in column order (e.g. for a COPY writer)."""
    return tuple(getattr(row, name) for name in row.__slots__)


# --------------------------------------------------------------------------------------------
# Engagement classification
# --------------------------------------------------------------------------------------------


_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def _json(value: object) -> str:
    """Compact JSON; one shared encoder (``json.dumps`` builds a new one per call)."""
    return _ENCODER.encode(value) if value else "[]"


class _Classified(NamedTuple):
    engagement: Engagement
    enemies: tuple[Attacker, ...]
    friendlies: tuple[Attacker, ...]
    death_kind: str | None
    keep: bool
    exclusion: str | None


def _killer_team(eng: Engagement, lives_by_guid: dict[str, list[PlayerLife]]) -> str | None:
    for attacker in eng.attackers:
        if attacker.guid == (eng.killer_guid or "") and attacker.got_kill:
            return attacker.team
    for attacker in eng.attackers:
        if attacker.guid == (eng.killer_guid or ""):
            return attacker.team
    for life in lives_by_guid.get(eng.killer_guid or "", ()):
        end = life.death_time_ms if life.death_time_ms is not None else math.inf
        if life.spawn_time_ms <= eng.end_time_ms <= end:
            return life.team
    return None


def _death_kind(eng: Engagement, lives_by_guid: dict[str, list[PlayerLife]]) -> str | None:
    if eng.outcome != "killed":
        return None
    killer_guid, killer_name = eng.killer_guid or "", eng.killer_name or ""
    if not killer_guid and not killer_name:
        return "world"  # fall / world entity: the tracker writes no killer
    if killer_guid == eng.target_guid and (killer_guid or killer_name == eng.target_name):
        return "self_kill"  # upstream stored the victim as his own killer
    team = _killer_team(eng, lives_by_guid)
    if team is not None and team == eng.target_team:
        return "team_kill"
    return "enemy_kill"


def _classify(eng: Engagement, lives_by_guid: dict[str, list[PlayerLife]]) -> _Classified:
    enemies = tuple(a for a in eng.attackers if a.team != eng.target_team)
    friendlies = tuple(a for a in eng.attackers if a.team == eng.target_team)
    kind = _death_kind(eng, lives_by_guid)
    keep = bool(enemies) or kind == "enemy_kill"
    exclusion = None
    if not keep:
        if kind == "self_kill":
            exclusion = "self_kill"
        elif friendlies:
            exclusion = "friendly_fire"
        else:
            exclusion = "no_enemy_attackers"
    return _Classified(eng, enemies, friendlies, kind, keep, exclusion)


def _crossfire(
    attackers: Sequence[Attacker], window_ms: int
) -> tuple[bool, int | None, tuple[str, ...]]:
    """Tracker rule: only the first two attackers (by first hit) decide."""
    if len(attackers) < 2:
        return False, None, ()
    ordered = sorted(attackers, key=lambda a: a.first_hit_ms)
    first = ordered[0].first_hit_ms
    delay = ordered[1].first_hit_ms - first
    if delay > window_ms:
        return False, None, ()
    return True, delay, tuple(a.guid for a in ordered if a.first_hit_ms - first <= window_ms)


def _attackers_json(attackers: Sequence[Attacker]) -> str:
    return _json(
        [
            {
                "guid": a.guid,
                "name": a.name,
                "team": a.team,
                "damage": a.damage,
                "hits": a.hits,
                "first_hit_ms": a.first_hit_ms,
                "last_hit_ms": a.last_hit_ms,
                "got_kill": a.got_kill,
                "weapons": {str(w): n for w, n in a.weapons},
            }
            for a in attackers
        ]
    )


def _is_estimated_damage(eng: Engagement) -> bool:
    if eng.outcome != "killed" or eng.duration_ms != 0 or len(eng.attackers) != 1:
        return False
    only = eng.attackers[0]
    return only.hits == 1 and only.damage == 100 and only.got_kill


class _Scope(NamedTuple):
    source_file: str
    round_key: str | None
    map_name: str | None
    round_number: int | None
    round_start_unix: int | None
    round_end_unix: int | None


def _engagement_row(
    c: _Classified, scope: _Scope, crossfire_window_ms: int, crossfire_captured: bool = True
) -> CombatEngagementRow:
    eng = c.engagement
    friendly_damage = sum(a.damage for a in c.friendlies)
    is_crossfire: bool | None
    if c.friendlies:
        num_attackers = len(c.enemies)
        is_crossfire, delay, participants = _crossfire(c.enemies, crossfire_window_ms)
    else:
        num_attackers = eng.num_attackers
        is_crossfire, delay = eng.is_crossfire, eng.crossfire_delay_ms
        participants = eng.crossfire_participants
    if not crossfire_captured:  # the tracker did not look for crossfire: not measured, not "no"
        is_crossfire, delay, participants = None, None, ()
    self_kill = c.death_kind == "self_kill"
    return CombatEngagementRow(
        *scope[:1],
        eng.engagement_id,
        eng.line_no,
        *scope[1:],
        start_time_ms=eng.start_time_ms,
        end_time_ms=eng.end_time_ms,
        duration_ms=eng.duration_ms,
        target_guid=eng.target_guid,
        target_name=eng.target_name,
        target_team=eng.target_team,
        outcome=eng.outcome,
        death_kind=c.death_kind,
        total_damage_taken=max(0, eng.total_damage - friendly_damage),
        friendly_fire_damage=friendly_damage,
        damage_is_estimated=_is_estimated_damage(eng),
        killer_guid=None if self_kill else eng.killer_guid,
        killer_name=None if self_kill else eng.killer_name,
        num_attackers=num_attackers,
        is_crossfire=is_crossfire,
        crossfire_delay_ms=delay,
        crossfire_participants=_json(list(participants)) if participants else None,
        start_x=eng.start_x,
        start_y=eng.start_y,
        start_z=eng.start_z,
        end_x=eng.end_x,
        end_y=eng.end_y,
        end_z=eng.end_z,
        distance_traveled=eng.distance_traveled,
        position_path=eng.positions_text,
        attackers=_attackers_json(c.enemies),
        friendly_attackers=_attackers_json(c.friendlies) if c.friendlies else None,
    )


# --------------------------------------------------------------------------------------------
# Player tracks
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Trades
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Support uptime
# --------------------------------------------------------------------------------------------


def _combat_intervals(kept: Iterable[_Classified], recent_ms: int) -> dict[str, list[list[int]]]:
    """Merged, sorted [start, end] "in combat" intervals per GUID (as target or enemy attacker).

    Times of 0 are real times here (upstream skipped intervals starting or ending at 0).
    """
    raw: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for c in kept:
        eng = c.engagement
        raw[eng.target_guid].append((eng.start_time_ms, eng.end_time_ms + recent_ms))
        for a in c.enemies:
            raw[a.guid].append((a.first_hit_ms, a.last_hit_ms + recent_ms))
    merged: dict[str, list[list[int]]] = {}
    for guid, spans in raw.items():
        spans.sort()
        out: list[list[int]] = []
        for lo, hi in spans:
            if out and lo <= out[-1][1]:
                out[-1][1] = max(out[-1][1], hi)
            else:
                out.append([lo, hi])
        merged[guid] = out
    return merged


_KEY_SHIFT = np.int64(1 << 36)  # > any in-file time span (ms): packs (id, time) into one int64


_PAIR_CHUNK = 1_000_000
"""(point, teammate life) pairs evaluated at once by ``_team_support`` (~100 MB of temporaries)."""


def _team_support(
    team_views: Sequence[_LifeView],
    combat: dict[str, list[list[int]]],
    params: DeriveParams,
) -> tuple[int, int]:
    """(supported points, all points) of one team, vectorised over (point, teammate life) pairs.

    Every pair of a team point and a teammate life alive at that point's time is built at once;
    "teammate in combat" and "teammate's point closest in time" are then single ``searchsorted``
    calls on keys that pack (id, time) into one sorted int64 array.
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

    no_end = np.iinfo(np.int64).max // 4
    spawn = np.array([v.life.spawn_time_ms for v in team_views], dtype=np.int64)
    end = np.array(
        [v.life.death_time_ms if v.life.death_time_ms is not None else no_end for v in team_views],
        dtype=np.int64,
    )
    lo = np.searchsorted(pt, spawn, side="left")
    hi = np.searchsorted(pt, end, side="right")
    lengths = np.clip(hi - lo, 0, None)

    spans = [
        (code, lo_t, hi_t)
        for guid, code in guid_codes.items()
        for lo_t, hi_t in combat.get(guid, ())
    ]
    if not spans or int(lengths.sum()) == 0:
        return 0, n_points
    span_arr = np.array(spans, dtype=np.int64)  # sorted by (code, start): codes ascend
    span_arr = span_arr[np.lexsort((span_arr[:, 1], span_arr[:, 0]))]
    span_key = span_arr[:, 0] * _KEY_SHIFT + span_arr[:, 1]
    point_key = life_of * _KEY_SHIFT + lt  # ascending: lives in order, each sorted by time

    # The (point, teammate life) pairs are built a bounded chunk of lives at a time: all at once
    # they grow with lives x points (a 2 MB file of 25,000 short lives needed > 7 GB).
    supported = np.zeros(n_points, dtype=bool)
    ends = np.cumsum(lengths)
    first_life = 0
    while first_life < n_lives:
        budget_end = (ends[first_life - 1] if first_life else 0) + _PAIR_CHUNK
        last_life = max(int(np.searchsorted(ends, budget_end, side="right")), first_life + 1)
        chunk = slice(first_life, last_life)
        mate = np.repeat(np.arange(first_life, last_life, dtype=np.int64), lengths[chunk])
        first_life = last_life
        if mate.shape[0] == 0:
            continue
        chunk_lengths = lengths[chunk]
        pidx = np.arange(int(chunk_lengths.sum()), dtype=np.int64) - np.repeat(
            np.cumsum(chunk_lengths) - chunk_lengths - lo[chunk], chunk_lengths
        )
        keep = powner[pidx] != gcode[mate]  # a player never supports himself
        mate, pidx = mate[keep], pidx[keep]
        t = pt[pidx]
        mate_code = gcode[mate]
        k = np.searchsorted(span_key, mate_code * _KEY_SHIFT + t, side="right") - 1
        kc = np.clip(k, 0, None)
        fighting = (k >= 0) & (span_arr[kc, 0] == mate_code) & (t <= span_arr[kc, 2])
        mate, pidx, t = mate[fighting], pidx[fighting], t[fighting]

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


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def derive(
    parsed: ProximityFile,
    *,
    round_number: int | None = None,
    round_key: str | None = None,
    params: DeriveParams | None = None,
    engagements_captured: bool | None = None,
) -> ProximityDerived:
    """Derive every table's rows from one parsed file.

    ``round_number`` overrides the header's value (pass the corrected round from
    :func:`slomix_pipeline.domain.round_identity.resolve_proximity_round`); ``round_key`` is
    the linked round's key, filled in by the caller when known.

    ``engagements_captured``: whether the ENGAGEMENTS section's capability state is ``enabled``
    (computed from the file when not given). When it is not, the support figure, which measures
    closeness to teammates *in combat*, is NULL rather than 0 (``proximity-v5-v6.md`` §6.2).
    A declared ``crossfire_detection:0`` likewise stores ``is_crossfire`` (and its delay and
    participants) as NULL.
    """
    params = params or DeriveParams()
    if engagements_captured is None:
        engagements_captured = section_states(parsed).get("ENGAGEMENTS") == ENABLED
    # crossfire_detection owns no section; the engagement lines carry its result, written by
    # every tracker before 6.11, so only a declared ``:0`` makes it "not measured".
    crossfire_captured = dict(parsed.header.capabilities).get("crossfire_detection") is not False
    header = parsed.header
    scope = _Scope(
        parsed.source_file,
        round_key,
        header.map_name,
        round_number if round_number is not None else header.round_number,
        header.round_start_unix,
        header.round_end_unix,
    )
    notes: list[str] = []
    lives_by_guid: dict[str, list[PlayerLife]] = defaultdict(list)
    for life in parsed.lives:
        lives_by_guid[life.guid].append(life)

    classified = [_classify(e, lives_by_guid) for e in parsed.engagements]
    kept = [c for c in classified if c.keep]
    excluded = tuple(
        ExcludedEngagement(c.engagement.engagement_id, c.engagement.line_no, c.exclusion or "")
        for c in classified
        if not c.keep
    )
    window = header.crossfire_window_ms
    if window is None:
        window = params.default_crossfire_window_ms
        if any(c.friendlies for c in kept):
            notes.append(f"header has no crossfire_window; recomputed crossfire with {window} ms")

    signal = _sprint_signal(parsed, params)
    if signal == "absent":
        notes.append("sprint flag never set although players ran: sprint stored as unknown")
    views = _life_views(parsed)
    support = _support_row(kept, views, scope, params, engagements_captured)
    return ProximityDerived(
        combat_engagements=tuple(
            _engagement_row(c, scope, window, crossfire_captured) for c in kept
        ),
        player_tracks=_track_rows(parsed, scope, sprint_known=signal != "absent"),
        trade_events=_trade_rows(kept, views, scope, params),
        support_summaries=(support,) if support is not None else (),
        excluded_engagements=excluded,
        sprint_signal=signal,
        notes=tuple(notes),
    )
