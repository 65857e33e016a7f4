"""Session aggregates: weighted formulas, display names, ranking, map summaries, parity."""

from __future__ import annotations

import pytest

from slomix_pipeline.domain.aggregates import (
    ACCURACY_EXCLUDED_WEAPONS,
    COUNTER_FIELDS,
    Counters,
    PlayerRound,
    display_name,
    map_summary,
    player_totals,
)


def row(round_id: int, order: int, guid: str, name: str, **values: int) -> PlayerRound:
    return PlayerRound(round_id, order, guid, name, False, 1, Counters(**values))


def test_dpm_is_total_damage_over_total_minutes_not_a_mean_of_rates() -> None:
    rows = [
        row(1, 1, "G", "vid", damage_given=3000, time_played_seconds=600),  # 300 dpm
        row(2, 2, "G", "vid", damage_given=500, time_played_seconds=60),  # 500 dpm
    ]
    (total,) = player_totals(rows)
    assert total.counters.dpm == pytest.approx(3500 * 60 / 660)
    assert total.counters.dpm != pytest.approx(400.0)
    assert total.rounds_played == 2


def test_ratios_and_their_zero_cases() -> None:
    c = Counters(kills=12, deaths=4, shots=200, hits=50)
    assert (c.kdr, c.efficiency, c.accuracy) == (3.0, 75.0, 25.0)
    zero = Counters(kills=5)
    assert (zero.kdr, zero.efficiency, zero.accuracy, zero.dpm) == (5.0, 100.0, 0.0, 0.0)
    assert Counters().efficiency == 0.0
    assert Counters(objectives_stolen=1, dynamites_defused=2).objectives == 3


def test_counters_add_every_field() -> None:
    a = Counters(**{name: i + 1 for i, name in enumerate(COUNTER_FIELDS)})
    assert (a + a).as_dict() == {name: 2 * (i + 1) for i, name in enumerate(COUNTER_FIELDS)}


def test_display_name_is_the_most_used_with_ties_to_the_latest() -> None:
    """Edge E10: upstream takes MAX(name) by collation; here it is usage, then recency."""
    rows = [row(1, 1, "G", "^1vid"), row(2, 2, "G", "vid"), row(3, 3, "G", "^1vid")]
    assert display_name(rows) == "^1vid"
    assert display_name(rows[:2]) == "vid"
    assert display_name([]) == ""


def test_totals_are_keyed_by_guid_and_ranked_by_kills_then_dpm_then_guid() -> None:
    """Edge E11: two GUIDs sharing a name stay two players."""
    rows = [
        row(1, 1, "G1", "Player", kills=5, damage_given=100, time_played_seconds=60),
        row(1, 1, "G2", "Player", kills=5, damage_given=200, time_played_seconds=60),
        row(1, 1, "G3", "Other", kills=9),
        row(1, 1, "G4", "Zero", kills=5, damage_given=200, time_played_seconds=60),
    ]
    ranked = player_totals(rows, {"G1": "A", "G2": "B"})
    assert [p.player_guid for p in ranked] == ["G3", "G2", "G4", "G1"]
    assert [p.team for p in ranked] == [None, "B", None, "A"]


def test_session_totals_equal_the_sum_of_their_rows() -> None:
    """The WS7 parity by construction: kill assists summed once per counted round."""
    rows = [
        row(1, 1, "G", "vid", kills=20, kill_assists=10),
        row(2, 2, "G", "vid", kills=15, kill_assists=12),
    ]
    (total,) = player_totals(rows)
    assert (total.counters.kills, total.counters.kill_assists) == (35, 22)  # edge E13


def test_map_summary_counts_rounds_players_and_top_player() -> None:
    rows = [
        row(1, 1, "G1", "a", kills=3, shots=10, hits=5),
        row(1, 1, "G2", "b", kills=7, shots=30, hits=6),
        row(2, 2, "G1", "a", kills=6),
    ]
    summary = map_summary(rows)
    assert (summary.rounds, summary.players) == (2, 2)
    assert summary.counters.kills == 16
    assert summary.counters.accuracy == pytest.approx(11 * 100 / 40)  # weighted by shots
    assert (summary.top_player_guid, summary.top_player_kills) == ("G1", 9)
    assert map_summary([]).top_player_guid is None


def test_accuracy_exclusions_are_the_thrown_and_placed_weapons() -> None:
    assert "WS_GRENADE" in ACCURACY_EXCLUDED_WEAPONS and "WS_LANDMINE" in ACCURACY_EXCLUDED_WEAPONS
    assert "WS_MP40" not in ACCURACY_EXCLUDED_WEAPONS
