"""Derivation tests: per-life metrics, exclusions, trades and support on constructed files."""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, fields

import pytest

from slomix_pipeline.domain.proximity import (
    NATURAL_KEYS,
    TABLE_ROW_TYPES,
    CombatEngagementRow,
    DeriveParams,
    ProximityDerived,
    TradeEventRow,
    derive,
    row_values,
    table_columns,
)
from slomix_pipeline.formats.proximity import ProximityFile, parse_proximity_file
from slomix_pipeline.sample_data.proximity_render import demo_spec, render_proximity_round

TEAM = {"V": "ALLIES", "M": "ALLIES", "F": "ALLIES", "K": "AXIS", "K2": "AXIS"}


@dataclass(frozen=True)
class Hit:
    """One attacker entry: guid, damage, first/last hit, got_kill (team from TEAM)."""

    guid: str
    first: int
    last: int
    damage: int = 30
    got_kill: bool = False
    hits: int = 2


def eng_line(
    eid: int,
    target: str,
    start: int,
    end: int,
    outcome: str,
    hits: Sequence[Hit],
    killer: str | None = None,
    pos: tuple[float, float] = (0.0, 0.0),
    team: str | None = None,
) -> str:
    """An ENGAGEMENTS line with crossfire computed like the Feb tracker (friendly fire in)."""
    ordered = sorted(hits, key=lambda h: h.first)
    crossfire, delay, participants = 0, "", ""
    if len(ordered) > 1 and ordered[1].first - ordered[0].first <= 1000:
        crossfire, delay = 1, str(ordered[1].first - ordered[0].first)
        participants = ",".join(h.guid for h in ordered if h.first - ordered[0].first <= 1000)
    x, y = pos
    last_event = "death" if outcome == "killed" else "escape"
    path = f"{start},{x},{y},0.0,start|{start},{x},{y},0.0,hit|{end},{x},{y},0.0,{last_event}"
    attackers = "|".join(
        f"{h.guid},N{h.guid},{TEAM[h.guid]},{h.damage},{h.hits},{h.first},{h.last},"
        f"{int(h.got_kill)},3:{h.hits};"
        for h in hits
    )
    return (
        f"{eid};{start};{end};{end - start};{target};N{target};{team or TEAM[target]};{outcome};"
        f"{sum(h.damage for h in hits)};{killer or ''};{'N' + killer if killer else ''};"
        f"{len(hits)};{crossfire};{delay};{participants};{x};{y};0.0;{x};{y};0.0;0.0;"
        f"{path};{attackers}"
    )


def life_line(
    guid: str,
    spawn: int,
    death: int,
    points: Sequence[tuple[int, float, float, float, int, int, str]],
    death_type: str = "killed",
    first_move: int | None = None,
) -> str:
    """A PLAYER_TRACKS line from (time, x, y, speed, stance, sprint, event) points."""
    path = "|".join(
        f"{t},{x},{y},0.0,100,{speed},3,{stance},{sprint},{event}"
        for t, x, y, speed, stance, sprint, event in points
    )
    fm = "" if first_move is None else str(first_move)
    return (
        f"{guid};N{guid};{TEAM[guid]};MEDIC;{spawn};{death};{fm};{death_type};{len(points)};{path}"
    )


def still_life(guid: str, spawn: int, death: int, x: float, y: float = 0.0) -> str:
    """A life standing at (x, y), sampled every 500 ms."""
    times = [*range(spawn, death, 500), death]
    points = [
        (t, x, y, 0.0, 0, 0, "spawn" if k == 0 else "sample") for k, t in enumerate(times[:-1])
    ]
    points.append((death, x, y, 0.0, 0, 0, "round_end"))
    return life_line(guid, spawn, death, points, "round_end")


def parse(
    engagements: Sequence[str] = (),
    lives: Sequence[str] = (),
    interval: int | None = 500,
    crossfire_window: int | None = 1000,
) -> ProximityFile:
    header = ["# PROXIMITY_TRACKER_V4", "# map=supply", "# round=1"]
    if crossfire_window is not None:
        header.append(f"# crossfire_window={crossfire_window}")
    if interval is not None:
        header.append(f"# position_sample_interval={interval}")
    header += ["# round_start_unix=1770843112", "# round_end_unix=1770843722"]
    lines = [*header, "# ENGAGEMENTS", "# columns", *engagements, "", "# PLAYER_TRACKS", *lives]
    text = "\n".join(lines) + "\n"
    parsed = parse_proximity_file("2026-02-11-220202-supply-round-1_engagements.txt", text.encode())
    assert parsed.broken_lines == ()
    return parsed


def run(
    engagements: Sequence[str] = (), lives: Sequence[str] = (), **kwargs: int | None
) -> ProximityDerived:
    return derive(parse(engagements, lives, **kwargs))


# --- player tracks --------------------------------------------------------------------------

REFERENCE_POINTS = [
    (61200, -300.0, 2200.0, 0.0, 0, 0, "spawn"),
    (61700, -296.0, 2201.0, 180.2, 0, 0, "sample"),
    (62200, -210.5, 2190.0, 265.0, 0, 1, "sample"),
    (62700, -90.1, 2170.3, 270.4, 0, 1, "sample"),
    (63200, -20.0, 2150.0, 95.0, 1, 0, "sample"),
    (86250, 1100.2, -498.0, 0.0, 0, 0, "killed"),
]


def test_track_metrics_from_path() -> None:
    derived = run(lives=[life_line("V", 61200, 86250, REFERENCE_POINTS, first_move=61700)])
    (row,) = derived.player_tracks
    xy = [(p[1], p[2]) for p in REFERENCE_POINTS]
    assert row.total_distance == pytest.approx(
        sum(math.dist(a, b) for a, b in itertools.pairwise(xy))
    )
    assert row.avg_speed == pytest.approx((180.2 + 265.0 + 270.4 + 95.0) / 4)  # moving points
    assert row.peak_speed == 270.4
    assert (row.sample_count, row.periodic_samples) == (6, 4)
    assert (row.duration_ms, row.time_to_first_move_ms) == (25050, 500)
    assert (row.death_type, row.player_class, row.team) == ("killed", "MEDIC", "ALLIES")
    # 2 of the 4 periodic samples sprint; upstream divided by all 6 points (33.3 %)
    assert row.sprint_percentage == 50.0
    assert row.sprint_sec == 1.0  # 2 samples x the header's 500 ms
    assert (row.stance_standing_sec, row.stance_crouching_sec, row.stance_prone_sec) == (
        1.5,
        0.5,
        0.0,
    )
    assert row.path.startswith("61200,-300.0,2200.0,0.0,100,0.0,3,0,0,spawn|")
    assert derived.sprint_signal == "present"


def test_interval_seconds_follow_the_header_not_a_constant() -> None:
    line = life_line("V", 61200, 86250, REFERENCE_POINTS)
    at_200 = run(lives=[line], interval=200).player_tracks[0]
    at_500 = run(lives=[line], interval=500).player_tracks[0]
    no_header = run(lives=[line], interval=None).player_tracks[0]
    assert at_200.sprint_sec == pytest.approx(0.4) and at_500.sprint_sec == pytest.approx(1.0)
    assert at_200.stance_standing_sec == pytest.approx(0.6)
    assert no_header.sprint_sec is None and no_header.stance_standing_sec is None
    assert no_header.sprint_percentage == 50.0  # a ratio needs no interval


def test_zero_spawn_time_is_a_time_not_missing() -> None:
    points = [(0, 0.0, 0.0, 0.0, 0, 0, "spawn"), (500, 50.0, 0.0, 100.0, 0, 0, "sample")]
    points.append((3000, 60.0, 0.0, 0.0, 0, 0, "killed"))
    (row,) = run(lives=[life_line("V", 0, 3000, points, first_move=500)]).player_tracks
    assert row.duration_ms == 3000  # upstream stored 0 (truthiness test)
    assert row.time_to_first_move_ms == 500  # upstream stored NULL


def test_unknown_life_and_unset_death() -> None:
    points = [(1000, 0.0, 0.0, 0.0, 0, 0, "spawn"), (1500, 0.0, 0.0, 0.0, 0, 0, "sample")]
    (row,) = run(lives=[life_line("V", 1000, 0, points, "unknown")]).player_tracks
    assert row.death_time_ms is None and row.duration_ms is None
    assert row.death_type == "unknown" and row.avg_speed is None
    assert row.time_to_first_move_ms is None


def _runner(guid: str, n: int, sprint: int = 0) -> str:
    points = [(0, 0.0, 0.0, 0.0, 0, 0, "spawn")]
    points += [(500 * k, 100.0 * k, 0.0, 250.0, 0, sprint, "sample") for k in range(1, n + 1)]
    points.append((500 * (n + 1), 100.0 * n, 0.0, 0.0, 0, 0, "killed"))
    return life_line(guid, 0, 500 * (n + 1), points)


def test_dead_sprint_flag_is_stored_as_unknown_not_zero() -> None:
    derived = run(lives=[_runner("V", 30), _runner("M", 30)])  # 60 running samples, no flag
    assert derived.sprint_signal == "absent"
    assert all(r.sprint_percentage is None and r.sprint_sec is None for r in derived.player_tracks)
    assert any("sprint" in n for n in derived.notes)
    few = run(lives=[_runner("V", 10)])  # too little running to judge: keep the zero
    assert few.sprint_signal == "undetermined"
    assert few.player_tracks[0].sprint_percentage == 0.0
    flagged = run(lives=[_runner("V", 30, sprint=1), _runner("M", 30)])
    assert flagged.sprint_signal == "present"
    assert [r.sprint_percentage for r in flagged.player_tracks] == [100.0, 0.0]


# --- engagements: exclusions and corrections ------------------------------------------------


def test_self_kill_under_fire_keeps_engagement_but_not_as_a_kill() -> None:
    line = eng_line(1, "V", 1000, 2000, "killed", [Hit("K", 1000, 1500)], killer="V")
    derived = run([line])
    (row,) = derived.combat_engagements
    assert row.death_kind == "self_kill"
    assert (row.killer_guid, row.killer_name) == (None, None)  # upstream: the victim himself
    assert derived.trade_events == ()  # upstream made a trade "killer = victim"


def test_self_kill_without_enemy_fire_is_excluded() -> None:
    derived = run([eng_line(4, "V", 1000, 1000, "killed", [], killer="V")])
    assert derived.combat_engagements == ()
    assert [(x.engagement_id, x.reason) for x in derived.excluded_engagements] == [(4, "self_kill")]


def test_friendly_fire_is_removed_and_crossfire_recomputed() -> None:
    # teammate M hits V at 1000, enemy K at 1600: the tracker called it a crossfire
    mixed = eng_line(
        1,
        "V",
        1000,
        3000,
        "killed",
        [Hit("M", 1000, 1000, 12), Hit("K", 1600, 3000, 90, True)],
        "K",
    )
    ff_only = eng_line(2, "F", 5000, 11000, "escaped", [Hit("M", 5000, 5000, 15)])
    two_enemies = eng_line(
        3, "V", 9000, 9900, "escaped", [Hit("K", 9000, 9000), Hit("K2", 9400, 9900)]
    )
    derived = run([mixed, ff_only, two_enemies], crossfire_window=1000)
    rows = {r.engagement_id: r for r in derived.combat_engagements}
    assert set(rows) == {1, 3}
    assert [(x.engagement_id, x.reason) for x in derived.excluded_engagements] == [
        (2, "friendly_fire")
    ]
    r1 = rows[1]
    assert (r1.num_attackers, r1.is_crossfire, r1.crossfire_delay_ms) == (1, False, None)
    assert r1.crossfire_participants is None
    assert (r1.total_damage_taken, r1.friendly_fire_damage) == (90, 12)
    assert [a["guid"] for a in json.loads(r1.attackers)] == ["K"]
    assert [a["guid"] for a in json.loads(r1.friendly_attackers or "[]")] == ["M"]
    r3 = rows[3]  # no teammate involved: the tracker's own values are kept
    assert (r3.num_attackers, r3.is_crossfire, r3.crossfire_delay_ms) == (2, True, 400)
    assert json.loads(r3.crossfire_participants or "[]") == ["K", "K2"]
    assert r3.friendly_attackers is None


def test_crossfire_recompute_uses_header_window() -> None:
    line = eng_line(
        1,
        "V",
        1000,
        3000,
        "escaped",
        [Hit("M", 900, 900), Hit("K", 1000, 1000), Hit("K2", 1700, 1700)],
    )
    assert run([line], crossfire_window=1000).combat_engagements[0].is_crossfire is True
    assert run([line], crossfire_window=500).combat_engagements[0].is_crossfire is False
    missing = run([line], crossfire_window=None)
    assert missing.combat_engagements[0].crossfire_delay_ms == 700  # default 1000 ms window
    assert any("crossfire_window" in n for n in missing.notes)


def test_world_deaths_team_kills_and_instant_kills() -> None:
    fall_alone = eng_line(1, "V", 1000, 1000, "killed", [])
    fall_under_fire = eng_line(2, "F", 2000, 4000, "killed", [Hit("K", 2000, 2500)])
    team_kill = eng_line(
        3, "M", 5000, 6000, "killed", [Hit("K", 5000, 5000), Hit("V", 5800, 6000, 70, True)], "V"
    )
    instant = eng_line(4, "K", 7000, 7000, "killed", [Hit("V", 7000, 7000, 100, True, 1)], "V")
    derived = run([fall_alone, fall_under_fire, team_kill, instant])
    rows = {r.engagement_id: r for r in derived.combat_engagements}
    assert [(x.engagement_id, x.reason) for x in derived.excluded_engagements] == [
        (1, "no_enemy_attackers")
    ]
    assert rows[2].death_kind == "world" and rows[2].killer_guid is None
    assert rows[3].death_kind == "team_kill" and rows[3].killer_guid == "V"
    assert rows[4].death_kind == "enemy_kill" and rows[4].damage_is_estimated is True
    assert rows[2].damage_is_estimated is False
    assert [t.engagement_id for t in derived.trade_events] == [4]  # only the enemy kill


# --- trades ---------------------------------------------------------------------------------

DEATH = eng_line(1, "V", 9000, 10000, "killed", [Hit("K", 9000, 10000, 100, True)], "K")
LIVES = (
    still_life("V", 0, 10000, 0.0),
    still_life("M", 0, 20000, 300.0),  # 300 u from the victim: a trade opportunity
    still_life("F", 0, 20000, 1000.0),  # 1000 u: neither opportunity nor isolated
    still_life("K", 0, 20000, -500.0),
)


def trade_for(derived: ProximityDerived, eid: int = 1) -> TradeEventRow:
    return next(t for t in derived.trade_events if t.engagement_id == eid)


def test_trade_success_attempt_and_opportunity() -> None:
    avenge = eng_line(2, "K", 10500, 11500, "killed", [Hit("M", 10500, 11500, 100, True)], "M")
    derived = run([DEATH, avenge], LIVES)
    t = trade_for(derived)
    assert (t.victim_guid, t.victim_team, t.killer_guid, t.death_time_ms) == (
        "V",
        "ALLIES",
        "K",
        10000,
    )
    assert [o["guid"] for o in json.loads(t.opportunities)] == ["M"]
    assert json.loads(t.opportunities)[0]["distance"] == 300.0
    assert (t.opportunity_count, t.attempt_count, t.success_count, t.missed_count) == (1, 1, 1, 0)
    assert json.loads(t.successes) == [{"guid": "M", "name": "NM", "kill_time_ms": 11500}]
    assert t.nearest_teammate_dist == 300.0 and t.is_isolation_death is False
    assert t.is_traded is True and t.trade_window_ms == 3000
    k_death = trade_for(derived, 2)  # K's own death: no teammate of his alive -> isolated
    assert k_death.is_isolation_death is True and k_death.nearest_teammate_dist is None


def test_avenger_already_firing_before_the_death_is_also_an_attempt() -> None:
    avenge = eng_line(2, "K", 9500, 11000, "killed", [Hit("M", 9500, 11000, 100, True)], "M")
    t = trade_for(run([DEATH, avenge], LIVES))
    assert (t.attempt_count, t.success_count) == (1, 1)  # upstream: 0 attempts, 1 success


def test_kill_after_the_window_is_an_attempt_but_no_trade() -> None:
    late = eng_line(2, "K", 12000, 13500, "killed", [Hit("M", 12000, 13500, 100, True)], "M")
    t = trade_for(run([DEATH, late], LIVES))
    assert (t.attempt_count, t.success_count, t.is_traded) == (1, 0, False)


def test_revived_victim_does_not_avenge_himself() -> None:
    revived = eng_line(2, "K", 11000, 11200, "killed", [Hit("V", 11000, 11200, 100, True)], "V")
    t = trade_for(run([DEATH, revived], LIVES))
    assert (t.attempt_count, t.success_count) == (0, 0)
    assert t.missed_count == 1  # M was close and did nothing
    assert json.loads(t.missed_candidates)[0]["reason"] == "no_attempt"


def test_isolation_and_distance_bands() -> None:
    far = (still_life("V", 0, 10000, 0.0), still_life("F", 0, 20000, 1500.0))
    t = trade_for(run([DEATH], far))
    assert (t.opportunity_count, t.is_isolation_death, t.nearest_teammate_dist) == (0, True, 1500.0)
    middle = (still_life("V", 0, 10000, 0.0), still_life("F", 0, 20000, 1000.0))
    t = trade_for(run([DEATH], middle))
    assert (t.opportunity_count, t.is_isolation_death) == (0, False)
    # a teammate whose nearest sample is more than 1.5 s away from the death is not counted
    stale = life_line("M", 0, 8000, [(0, 10.0, 0.0, 0.0, 0, 0, "spawn")], "round_end")
    t = trade_for(run([DEATH], (still_life("V", 0, 10000, 0.0), stale)))
    assert t.nearest_teammate_dist is None and t.is_isolation_death is True


def test_trade_parameters_are_tunable() -> None:
    derived = derive(parse([DEATH], LIVES), params=DeriveParams(trade_dist=200.0))
    assert trade_for(derived).opportunity_count == 0


# --- support --------------------------------------------------------------------------------


def test_support_counts_points_near_a_fighting_teammate() -> None:
    fight = eng_line(1, "M", 1000, 3000, "escaped", [Hit("K", 1000, 2000)])
    lives = (still_life("V", 0, 5000, 0.0), still_life("M", 0, 5000, 100.0))
    (row,) = run([fight], lives).support_summaries
    # M is in combat over [1000, 3000 + 1500]: V's points at 1000..4500 are supported (8)
    assert (row.support_samples, row.total_samples) == (8, 22)
    assert row.support_uptime_pct == pytest.approx(36.36)
    (far,) = run(
        [fight], (still_life("V", 0, 5000, 0.0), still_life("M", 0, 5000, 700.0))
    ).support_summaries
    assert far.support_samples == 0


def _brute_force_support(parsed: ProximityFile, derived: ProximityDerived) -> tuple[int, int]:
    """Straight loops over the same definition, as an independent check of the numpy path."""
    intervals: dict[str, list[tuple[int, int]]] = {}
    for r in derived.combat_engagements:
        intervals.setdefault(r.target_guid, []).append((r.start_time_ms, r.end_time_ms + 1500))
        for a in json.loads(r.attackers):
            intervals.setdefault(a["guid"], []).append((a["first_hit_ms"], a["last_hit_ms"] + 1500))
    s = parsed.samples
    lives = [
        (
            life,
            [
                (int(s.time_ms[i]), float(s.x[i]), float(s.y[i]))
                for i in range(life.sample_start, life.sample_stop)
            ],
        )
        for life in parsed.lives
    ]
    support = total = 0
    for life, points in lives:
        for t, x, y in points:
            total += 1
            for mate, mate_points in lives:
                if mate.guid == life.guid or mate.team != life.team:
                    continue
                end = mate.death_time_ms if mate.death_time_ms is not None else math.inf
                if not mate.spawn_time_ms <= t <= end:
                    continue
                if not any(lo <= t <= hi for lo, hi in intervals.get(mate.guid, ())):
                    continue
                best = min(mate_points, key=lambda p: (abs(p[0] - t), p[0]))
                if abs(best[0] - t) <= 1500 and math.hypot(best[1] - x, best[2] - y) <= 600:
                    support += 1
                    break
    return support, total


@pytest.mark.parametrize(
    "spec_kwargs",
    [
        {"seed": 5, "per_team": 3, "minutes": 3.0},
        {"seed": 7, "per_team": 3, "minutes": 2.0, "format_version": 6, "sample_interval_ms": 200},
    ],
    ids=["v4-500ms", "v6-200ms"],
)
def test_support_matches_a_brute_force_count_on_a_simulated_round(
    spec_kwargs: dict[str, int | float],
) -> None:
    rendered = render_proximity_round(demo_spec(**spec_kwargs))  # type: ignore[arg-type]
    parsed = parse_proximity_file(rendered.name, rendered.data)
    derived = derive(parsed)
    (row,) = derived.support_summaries
    assert (row.support_samples, row.total_samples) == _brute_force_support(parsed, derived)
    assert row.support_samples > 0


# --- keys and row plumbing ------------------------------------------------------------------


@pytest.fixture(scope="module")
def simulated() -> ProximityDerived:
    rendered = render_proximity_round(demo_spec(seed=8, per_team=4, minutes=4.0))
    return derive(parse_proximity_file(rendered.name, rendered.data), round_number=2, round_key="k")


def test_natural_keys_are_unique_per_table(simulated: ProximityDerived) -> None:
    tables = {
        "combat_engagement": simulated.combat_engagements,
        "player_track": simulated.player_tracks,
        "proximity_trade_event": simulated.trade_events,
        "proximity_support_summary": simulated.support_summaries,
    }
    for table, rows in tables.items():
        assert rows, table
        assert all(isinstance(r, TABLE_ROW_TYPES[table]) for r in rows)
        keys = [tuple(getattr(r, c) for c in NATURAL_KEYS[table]) for r in rows]
        assert len(set(keys)) == len(keys), table


def test_round_override_and_key_placeholder(simulated: ProximityDerived) -> None:
    rows = (*simulated.combat_engagements, *simulated.player_tracks, *simulated.trade_events)
    assert {(r.round_number, r.round_key) for r in rows} == {(2, "k")}
    assert simulated.support_summaries[0].round_number == 2
    default = derive(parse([DEATH], LIVES))
    assert default.combat_engagements[0].round_number == 1  # header value
    assert default.combat_engagements[0].round_key is None


def test_row_values_follow_table_columns(simulated: ProximityDerived) -> None:
    row = simulated.combat_engagements[0]
    columns = table_columns(CombatEngagementRow)
    assert columns == tuple(f.name for f in fields(CombatEngagementRow))
    assert row_values(row) == tuple(getattr(row, c) for c in columns)
    assert columns[:3] == ("source_file", "engagement_id", "source_line")


@pytest.mark.parametrize("chunk", [1, 7, 500])
def test_team_support_in_small_chunks_equals_one_pass(
    monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """Bounding the (point, teammate) pairs per pass (memory) changes no figure."""
    from slomix_pipeline.domain.proximity import support as domain

    rendered = render_proximity_round(demo_spec())
    parsed = parse_proximity_file(rendered.name, rendered.data)
    whole = derive(parsed)
    assert any(row.support_samples for row in whole.support_summaries)
    monkeypatch.setattr(domain, "_PAIR_CHUNK", chunk)
    assert derive(parsed) == whole
