"""The metrics read off PlayerRoundStats are the ones the warehouse stores and the truth checks."""

from __future__ import annotations

from dataclasses import fields

from slomix_pipeline.domain.player_metrics import (
    PLAYER_FLOAT_METRICS,
    PLAYER_INT_METRICS,
    PLAYER_METRIC_TYPES,
)
from slomix_pipeline.domain.stats_records import PlayerRoundStats
from slomix_pipeline.sample_data.truth_records import EXACT_FIELDS, PlayerTruth
from slomix_pipeline.warehouse.schema import PLAYER_METRICS


def test_metrics_are_the_numeric_fields_of_the_round_record() -> None:
    names = {f.name for f in fields(PlayerRoundStats)}
    assert set(PLAYER_INT_METRICS) <= names and set(PLAYER_FLOAT_METRICS) <= names
    assert "team" not in PLAYER_INT_METRICS  # an attribute of the player, not a counter
    assert {"kills", "bullets_fired", "revives_given"} <= set(PLAYER_INT_METRICS)
    assert {"accuracy", "time_dead_minutes"} <= set(PLAYER_FLOAT_METRICS)
    assert not set(PLAYER_INT_METRICS) & set(PLAYER_FLOAT_METRICS)
    assert PLAYER_METRIC_TYPES["kills"] is int and PLAYER_METRIC_TYPES["dpm"] is float


def test_warehouse_stores_every_metric_in_the_same_order() -> None:
    assert PLAYER_METRICS == PLAYER_INT_METRICS + PLAYER_FLOAT_METRICS


def test_truth_states_every_exact_field() -> None:
    truth_fields = {f.name for f in fields(PlayerTruth)}
    assert set(EXACT_FIELDS) <= truth_fields
    assert set(PLAYER_INT_METRICS) <= set(EXACT_FIELDS)
