"""Renderer tests: the tracker's layout and faults, and that parse + derive meet the truth."""

from __future__ import annotations

from datetime import datetime

import pytest

from slomix_pipeline.domain.proximity import ProximityDerived, derive
from slomix_pipeline.formats.proximity import ProximityFile, parse_proximity_file
from slomix_pipeline.sample_data.proximity_render import (
    BROKEN_LINE_KINDS,
    ProxPlayer,
    RenderedProximity,
    demo_spec,
    render_proximity_round,
    sanitize_name,
)

Parsed = tuple[RenderedProximity, ProximityFile, ProximityDerived]


def _run(**kwargs: object) -> Parsed:
    rendered = render_proximity_round(demo_spec(**kwargs))  # type: ignore[arg-type]
    parsed = parse_proximity_file(rendered.name, rendered.data)
    return rendered, parsed, derive(parsed)


@pytest.fixture(
    scope="module",
    params=[
        {"format_version": 4, "sample_interval_ms": 500, "round_number": 2},
        {"format_version": 4, "sample_interval_ms": 200, "round_number": 1},
        {"format_version": 6, "sample_interval_ms": 200, "round_number": 2},
    ],
    ids=["v4-500ms-r2", "v4-200ms-r1", "v6-200ms-r2"],
)
def case(request: pytest.FixtureRequest) -> Parsed:
    return _run(seed=11, per_team=4, minutes=5.0, **request.param)


# --- truth is met ---------------------------------------------------------------------------


def test_engagement_counts_match_truth(case: Parsed) -> None:
    rendered, parsed, derived = case
    truth = rendered.truth
    assert len(parsed.engagements) == truth.engagement_lines
    assert len(derived.combat_engagements) == truth.combat_engagements
    excluded: dict[str, int] = {}
    for x in derived.excluded_engagements:
        excluded[x.reason] = excluded.get(x.reason, 0) + 1
    assert tuple(sorted(excluded.items())) == truth.excluded_engagements
    assert truth.combat_engagements > 50


def test_trade_events_match_truth(case: Parsed) -> None:
    rendered, _, derived = case
    truth = rendered.truth
    assert len(derived.trade_events) == truth.trade_events == truth.enemy_kills
    traded = sorted((t.victim_guid, t.death_time_ms) for t in derived.trade_events if t.is_traded)
    assert tuple(traded) == truth.traded_deaths
    assert 0 < truth.traded < truth.enemy_kills


def test_per_life_sprint_and_durations_match_truth(case: Parsed) -> None:
    rendered, parsed, derived = case
    truth = rendered.truth
    assert len(derived.player_tracks) == len(truth.lives)
    assert len(parsed.samples) == truth.track_points
    rows = {(r.player_guid, r.spawn_time_ms): r for r in derived.player_tracks}
    for life in truth.lives:
        row = rows[(life.guid, life.spawn_time_ms)]
        assert row.sprint_percentage == pytest.approx(life.sprint_percentage)
        assert row.periodic_samples == life.periodic_samples
        assert row.duration_ms == life.duration_ms
        assert (row.death_time_ms, row.death_type) == (life.death_time_ms, life.death_type)
        assert row.first_move_time_ms == life.first_move_time_ms
        assert row.sample_count == life.points
    sprinting = [life.sprint_percentage for life in truth.lives if life.sprint_percentage]
    assert len(sprinting) > len(truth.lives) // 2  # the distribution is not flat


def test_header_round_follows_the_tracker_version(case: Parsed) -> None:
    rendered, parsed, _ = case
    truth = rendered.truth
    expected = truth.true_round_number if truth.format_version == 6 else 1
    assert truth.written_round_number == expected == parsed.header.round_number
    assert f"-round-{expected}_engagements.txt" in rendered.name
    assert parsed.header.position_sample_interval_ms == truth.sample_interval_ms
    assert parsed.header.round_end_unix == truth.round_end_unix


# --- format specifics -----------------------------------------------------------------------


def test_v6_output_extra_header_sections_and_time_base() -> None:
    rendered, parsed, _ = _run(seed=2, per_team=3, minutes=3.0, format_version=6)
    h = parsed.header
    assert h.format_version == 6 and h.tracker_version_full == "6.11"
    assert (h.axis_spawn_interval_ms, h.allies_spawn_interval_ms) == (30000, 20000)
    assert len(h.capabilities) == 24 and h.test_mode is False
    # Every later section is parsed now (none ignored); the 6.11 defaults declare three off.
    assert parsed.ignored_sections == ()
    names = tuple(parsed.sections)
    assert names == rendered.truth.extra_sections
    assert {"REACTION_METRICS", "TEAM_COHESION", "WEAPON_ACCURACY", "SHOT_FIRED"} <= set(names)
    assert not {"SPAWN_SELECT", "SKILL_SNAPSHOT", "COMM_EVENTS"} & set(names)
    assert {n: len(s.rows) for n, s in parsed.sections.items()} == dict(rendered.truth.section_rows)
    assert parsed.broken_lines == ()
    assert min(life.spawn_time_ms for life in parsed.lives) == 0  # time re-anchored at live
    outcomes = {e.outcome for e in parsed.engagements}
    assert outcomes <= {"killed", "escaped", "timeout", "round_end"}
    assert all(a.team != e.target_team for e in parsed.engagements for a in e.attackers)


def test_v4_lets_friendly_fire_in_and_starts_after_warmup() -> None:
    rendered, parsed, derived = _run(seed=4, per_team=3, minutes=3.0, friendly_fire_incidents=3)
    ff = [e for e in parsed.engagements if any(a.team == e.target_team for a in e.attackers)]
    assert ff  # the Feb tracker records teammate damage
    assert all(r.friendly_fire_damage >= 0 for r in derived.combat_engagements)
    assert min(life.spawn_time_ms for life in parsed.lives) >= 20000
    assert rendered.truth.self_kills >= 1 and rendered.truth.world_deaths >= 1


def test_dead_sprint_flag_renders_zeros_and_derives_unknown() -> None:
    rendered, parsed, derived = _run(seed=6, per_team=3, minutes=3.0, sprint_flag_dead=True)
    assert not parsed.samples.sprint.any()
    assert rendered.truth.sprint_flag_written is False
    assert any(life.sprint_samples for life in rendered.truth.lives)  # players did sprint
    assert derived.sprint_signal == "absent"
    assert all(r.sprint_percentage is None for r in derived.player_tracks)


def test_broken_lines_are_injected_where_the_truth_says() -> None:
    kinds = tuple(BROKEN_LINE_KINDS)
    rendered, parsed, derived = _run(seed=9, per_team=3, minutes=3.0, broken_lines=kinds)
    truth = rendered.truth
    assert parsed.broken_lines == truth.broken_lines
    assert sorted(reason for _, reason in truth.broken_lines) == sorted(BROKEN_LINE_KINDS.values())
    # the real rows are intact
    assert len(parsed.engagements) == truth.engagement_lines
    assert len(derived.player_tracks) == len(truth.lives)
    assert len(derived.trade_events) == truth.enemy_kills
    with pytest.raises(ValueError, match="unknown broken-line kind"):
        render_proximity_round(demo_spec(per_team=2, minutes=1.0, broken_lines=("nope",)))


def test_deterministic_by_seed() -> None:
    a = render_proximity_round(demo_spec(seed=21, per_team=2, minutes=2.0))
    b = render_proximity_round(demo_spec(seed=21, per_team=2, minutes=2.0))
    c = render_proximity_round(demo_spec(seed=22, per_team=2, minutes=2.0))
    assert a.data == b.data and a.truth == b.truth
    assert a.data != c.data


def test_file_name_uses_server_local_write_time_and_written_round() -> None:
    spec = demo_spec(per_team=2, minutes=2.0, round_number=2, round_start_unix=1770843600)
    rendered = render_proximity_round(spec)  # end 1770843720 = 2026-02-11 22:02:00 Paris
    assert rendered.name == "2026-02-11-220200-supply-round-1_engagements.txt"
    custom = demo_spec(
        per_team=2,
        minutes=2.0,
        written_round_number=2,
        file_written_local=datetime(2026, 2, 12, 0, 9, 40),
    )
    assert render_proximity_round(custom).name == "2026-02-12-000940-supply-round-2_engagements.txt"


def test_names_are_sanitised_like_the_tracker() -> None:
    assert sanitize_name("^1Ra;mbo|X,Y") == "^1Ra_mbo_X_Y"
    assert sanitize_name("a\r\nb" + "x" * 300) == "ab" + "x" * 254
    players = (
        ProxPlayer("A" * 32, "^1Ra;mbo|X,Y", "AXIS", "MEDIC"),
        ProxPlayer("B" * 32, "^4Bob", "ALLIES", "SOLDIER"),
    )
    spec = demo_spec(per_team=1, minutes=2.0)
    rendered = render_proximity_round(
        type(spec)(**{**{f: getattr(spec, f) for f in spec.__slots__}, "players": players})
    )
    parsed = parse_proximity_file(rendered.name, rendered.data)
    assert parsed.broken_lines == ()
    assert {life.name for life in parsed.lives} == {"^1Ra_mbo_X_Y", "^4Bob"}


def test_objective_focus_only_with_objectives() -> None:
    _, plain, _ = _run(seed=3, per_team=2, minutes=2.0)
    assert plain.objective_focus == ()
    objectives = (("crane_controls", 0.0, 0.0, 24.0), ("depot_gate", 2000.0, 500.0, 24.0))
    _, parsed, _ = _run(seed=3, per_team=2, minutes=2.0, objectives=objectives)
    assert len(parsed.objective_focus) == 4
    assert {f.objective for f in parsed.objective_focus} <= {"crane_controls", "depot_gate"}
    assert all(f.samples > 0 and f.avg_distance > 0 for f in parsed.objective_focus)


def test_realistic_volume_for_a_full_6v6_round() -> None:
    rendered, parsed, derived = _run(seed=1, per_team=6, minutes=10.0, sample_interval_ms=200)
    assert 1_200_000 <= len(rendered.data) <= 2_000_000
    assert 150 <= len(derived.combat_engagements) <= 300  # reference: ~160-220 per round
    assert 80 <= len(derived.player_tracks) <= 140  # ~80-100 lives
    assert 70 <= len(derived.trade_events) <= 160  # ~90-115 trade events
    assert 15_000 <= len(parsed.samples) <= 36_000
    assert len(parsed.kill_heatmap) > 10 and len(parsed.movement_heatmap) > 30
