"""A range run on a PostgreSQL Dagster instance: pooled connections, batched planned events.

``runner.materialize_range`` keeps the instance's PostgreSQL connections open for the run and
stores the per-day "materialization planned" events in multi-row INSERTs
(``slomix_pipeline/instance_pool.py``, issue 13). What Dagster reads back must not change: one
planned event per asset per day of the range, each day's latest planned attempt being this run,
and each asset's row naming this run. Two nights with a day without play between them, so the
empty day's partitions are covered too.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy import text
from sqlalchemy.pool import NullPool

from slomix_pipeline.config import load_settings
from slomix_pipeline.runner import landed_stats_days, materialize_range
from slomix_pipeline.sample_data import generate_landing_zone


def test_range_run_on_a_pooled_postgres_instance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, postgres_url: str
) -> None:
    zone = tmp_path / "zone"
    generate_landing_zone(zone, seed=7, nights=2, rounds_per_night=4, night_gaps=(2,))
    monkeypatch.setenv("SLOMIX_DATA_DIR", str(zone))
    monkeypatch.setenv("SLOMIX_DATABASE_URL", f"sqlite:///{tmp_path / 'warehouse.sqlite'}")
    days = landed_stats_days(zone, load_settings())
    assert len(days) == 2 and (days[1] - days[0]).days == 2
    calendar = [(days[0] + timedelta(days=n)).isoformat() for n in range(3)]
    overrides = {"storage": {"postgres": {"postgres_url": postgres_url}}}
    with dg.instance_for_test(overrides=overrides) as instance:
        run = materialize_range(days, instance)
        assert run.success
        storage = instance.event_log_storage
        assert not isinstance(storage._engine.pool, NullPool)  # type: ignore[attr-defined]
        assert "store_event_batch" in vars(storage)  # the batching of planned events is on
        with storage._connect() as conn:  # type: ignore[attr-defined]
            assert conn.execute(text("SHOW synchronous_commit")).scalar() == "off"

        planned = instance.get_records_for_run(
            run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED, limit=100_000
        ).records
        counts = Counter(
            (r.event_log_entry.dagster_event.asset_key, r.event_log_entry.dagster_event.partition)
            for r in planned
        )
        materialized = {
            r.event_log_entry.dagster_event.asset_key
            for r in instance.get_records_for_run(
                run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION, limit=100_000
            ).records
        }
        assert len(materialized) >= 10
        assert set(counts) == {(key, day) for key in materialized for day in calendar}
        assert set(counts.values()) == {1}
        for key in materialized:
            for day in calendar:
                info = storage.get_latest_planned_materialization_info(key, day)
                assert info is not None and info.run_id == run.run_id
        for record in instance.get_asset_records(sorted(materialized)):
            assert record.asset_entry.last_run_id == run.run_id
