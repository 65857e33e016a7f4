"""``raw_stats_files`` through real Dagster materializations, on SQLite and PostgreSQL.

Idempotency is checked on full table contents: the same partition twice, and a range versus each
day of it alone, must leave identical tables.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import dagster as dg
import pytest

from slomix_pipeline.config import load_settings
from slomix_pipeline.defs.resources import LandingZoneResource, WarehouseResource, gates_resource
from slomix_pipeline.defs.stats.assets import raw_stats_files
from slomix_pipeline.defs.tables import columns_of
from slomix_pipeline.runner import landed_stats_days, range_tags
from slomix_pipeline.sample_data import generate_landing_zone
from slomix_pipeline.warehouse.engine import open_warehouse
from slomix_pipeline_tests.tabledump import dump_tables


@pytest.fixture(scope="module")
def sample_zone(tmp_path_factory) -> Path:
    zone = tmp_path_factory.mktemp("zone")
    generate_landing_zone(zone, seed=7, nights=3)
    return zone


def _materialize(zone: Path, url: str, *, day: date | None = None, days: list[date] | None = None):
    resources = {
        "warehouse": WarehouseResource(database_url=url),
        "gates": gates_resource(),
        "landing": LandingZoneResource(data_dir=str(zone)),
    }
    with dg.instance_for_test() as instance:
        if day is not None:
            return dg.materialize(
                [raw_stats_files],
                resources=resources,
                instance=instance,
                partition_key=day.isoformat(),
            )
        assert days
        return dg.materialize(
            [raw_stats_files],
            resources=resources,
            instance=instance,
            tags=range_tags(days[0], days[-1]),
        )


def test_range_run_reports_metadata(sample_zone: Path, warehouse_url: str) -> None:
    days = landed_stats_days(sample_zone, load_settings())
    result = _materialize(sample_zone, warehouse_url, days=days)
    assert result.success
    materializations = result.asset_materializations_for_node("raw_stats_files")
    assert len(materializations) == len(days)  # one per partition of the range
    # Each day's materialization describes that day only (issue 10), rejects included.
    metas = {m.partition: m.metadata for m in materializations}
    assert all(meta["day_rows/rounds"].value > 0 for meta in metas.values())
    assert sum(meta["day_files_rejected"].value for meta in metas.values()) >= 1
    rejected = [
        record.data
        for meta in metas.values()
        if "day_rejected_files" in meta
        for record in meta["day_rejected_files"].records
    ]
    assert any(
        r["reason"].startswith("header_only") or "header_only" in r["reason"] for r in rejected
    )
    assert all(set(r) == {"file", "reason"} for r in rejected)
    assert "rounds_preview" not in metas[days[0].isoformat()]  # the range report is in the log
    single = _materialize(sample_zone, warehouse_url, day=days[0])
    (meta,) = [m.metadata for m in single.asset_materializations_for_node("raw_stats_files")]
    assert meta["rounds"].value == meta["day_rows/rounds"].value
    preview = meta["rounds_preview"]
    assert columns_of(preview)[:3] == ["file time", "map", "round"]
    assert len(preview.records) == min(meta["rounds"].value, 41)  # 40 shown, then "… N more"


def test_same_partition_twice_and_range_vs_single_days_are_identical(
    sample_zone: Path, warehouse_url: str
) -> None:
    days = landed_stats_days(sample_zone, load_settings())
    assert len(days) >= 3
    engine = open_warehouse(warehouse_url)
    assert _materialize(sample_zone, warehouse_url, days=days).success
    after_range = dump_tables(engine)
    assert after_range["rounds"], "the sample must produce rounds"
    assert _materialize(sample_zone, warehouse_url, days=days).success
    assert dump_tables(engine) == after_range
    for day in reversed(days):  # any order gives the same tables
        assert _materialize(sample_zone, warehouse_url, day=day).success
    assert dump_tables(engine) == after_range
    assert _materialize(sample_zone, warehouse_url, day=days[1]).success
    assert dump_tables(engine) == after_range
