"""An operator acknowledgement turns a confirmed loss from a warning into a listed, accepted one.

The sample's lost R1 stats file is a coverage loss: it warns and never holds back the day's
sessions (tested in test_backfill_gates.py). Acknowledged, the coverage gates pass and their
metadata still lists the acknowledged failure with the operator's note.
"""

from __future__ import annotations

import dagster as dg
from dagster._core.event_api import PartitionKeyFilter

from slomix_pipeline.config import load_settings
from slomix_pipeline.defs.tables import table_text
from slomix_pipeline.formats.acknowledgements import render_acknowledgements
from slomix_pipeline.runner import landed_stats_days, materialize_range
from slomix_pipeline.sample_data import generate_landing_zone
from slomix_pipeline.sample_data.acknowledgements import known_losses


def test_acknowledged_losses_turn_warnings_into_listed_losses(tmp_path, monkeypatch) -> None:
    zone = tmp_path / "zone"
    report = generate_landing_zone(zone, seed=7, nights=3)
    monkeypatch.setenv("SLOMIX_DATA_DIR", str(zone))
    monkeypatch.setenv("SLOMIX_DATABASE_URL", f"sqlite:///{tmp_path / 'wh.sqlite'}")
    settings = load_settings()
    losses = known_losses(report.corpus, settings.server_tz)
    assert {a.check for a in losses} == {
        "ws1_lua_coverage",
        "ws0_orphan_r2",
        "ws1c_proximity_links",
    }
    settings.acknowledgements_path.write_bytes(render_acknowledgements(losses))
    days = landed_stats_days(zone, settings)
    with dg.instance_for_test() as instance:
        run = materialize_range(days, instance)
        assert run.success
        verdicts = {g.check: g for g in run.gates}
        assert all(v.passed for v in verdicts.values()), verdicts
        assert "[1 of 1 acknowledged by the operator]" in verdicts["ws1_lua_coverage"].description
        materialized = instance.get_materialized_partitions(dg.AssetKey("session_aggregates"))
        assert materialized == {day.isoformat() for day in days}
        key = dg.AssetCheckKey(dg.AssetKey("linked_rounds"), "ws1_lua_coverage")
        evaluations = [
            instance.event_log_storage.get_latest_asset_check_execution_by_key(
                [key], partition_filter=PartitionKeyFilter(key=day.isoformat())
            )[key].evaluation
            for day in days
        ]
        assert all(e is not None and e.passed for e in evaluations)
        (evaluation,) = [e for e in evaluations if e and "acknowledged" in e.metadata]
        table = table_text(evaluation.metadata["acknowledged"])
        assert losses[0].subject in table and "accepted known loss" in table


def test_malformed_acknowledgements_fail_the_check_loudly(tmp_path, monkeypatch) -> None:
    zone = tmp_path / "zone"
    generate_landing_zone(zone, seed=7, nights=1)
    monkeypatch.setenv("SLOMIX_DATA_DIR", str(zone))
    monkeypatch.setenv("SLOMIX_DATABASE_URL", f"sqlite:///{tmp_path / 'wh.sqlite'}")
    settings = load_settings()
    settings.acknowledgements_path.write_bytes(b"- {check: ws1_lua_links}\n")
    with dg.instance_for_test() as instance:
        run = materialize_range(landed_stats_days(zone, settings), instance)
        assert not run.success
        failures = [
            e
            for e in instance.all_logs(run.run_id)
            if e.dagster_event and e.dagster_event.is_step_failure
        ]
        assert any(
            "lacks subject, reason, note" in str(e.dagster_event.event_specific_data)
            for e in failures
        )
