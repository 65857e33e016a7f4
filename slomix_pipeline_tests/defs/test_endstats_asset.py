"""``endstats`` and its check through real Dagster materializations, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy import select

from slomix_pipeline.config import load_settings
from slomix_pipeline.defs.endstats.assets import endstats
from slomix_pipeline.defs.endstats.checks import endstats_awards_linked
from slomix_pipeline.defs.resources import (
    LandingZoneResource,
    WarehouseResource,
    gates_resource,
)
from slomix_pipeline.defs.stats.assets import raw_stats_files
from slomix_pipeline.runner import landed_stats_days, range_tags
from slomix_pipeline.sample_data import generate_landing_zone
from slomix_pipeline.sample_data.endstats_render import endstats_truth
from slomix_pipeline.warehouse import schema_endstats
from slomix_pipeline.warehouse.engine import open_warehouse
from slomix_pipeline_tests.tabledump import dump_tables


@pytest.fixture(scope="module")
def zone(tmp_path_factory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("endstats_asset_zone")
    report = generate_landing_zone(path, seed=7, nights=3, extra_renderers=())
    return path, len(endstats_truth(report.corpus))


def test_single_run_backfill_policy_and_deps() -> None:
    deps = {k.to_user_string() for k in endstats.asset_deps[endstats.key]}
    assert deps == {"raw_stats_files"}
    assert endstats.backfill_policy == dg.BackfillPolicy.single_run()


def test_range_run_reports_and_check_passes_per_day(
    zone: tuple[Path, int], warehouse_url: str
) -> None:
    path, files = zone
    days = landed_stats_days(path, load_settings())
    resources = {
        "warehouse": WarehouseResource(database_url=warehouse_url),
        "landing": LandingZoneResource(data_dir=str(path)),
        "gates": gates_resource(),
    }
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            [raw_stats_files, endstats, endstats_awards_linked],
            resources=resources,
            instance=instance,
            tags=range_tags(days[0], days[-1]),
        )
    assert result.success
    # each day's materialization carries that day's rows, not the range's report
    per_day = {m.partition: m.metadata for m in result.asset_materializations_for_node("endstats")}
    assert set(per_day) == {d.isoformat() for d in days}
    assert all(m["day"].text == day for day, m in per_day.items())
    assert sum(m["day_rows/endstats_files"].value for m in per_day.values()) == files
    assert sum(m["day_rows/round_awards"].value for m in per_day.values()) > 300
    assert all("files_linked" not in m for m in per_day.values())
    with open_warehouse(warehouse_url).connect() as conn:
        statuses = conn.execute(select(schema_endstats.endstats_files.c.status)).scalars().all()
    assert statuses.count("linked") == files
    evaluations = {e.partition: e for e in result.get_asset_check_evaluations()}
    # A range run records one verdict per day and none for the range (docs/gates.md).
    assert set(evaluations) == {d.isoformat() for d in days}
    for evaluation in evaluations.values():
        assert evaluation.passed
        figures = evaluation.metadata
        assert figures["coverage/rounds_with_endstats"].value > 0
        assert figures["coverage/derivable_awards_agreeing"].value > 0
        assert "coverage/pct_with_endstats" in figures
    engine = open_warehouse(warehouse_url)
    first = dump_tables(engine, list(schema_endstats.ENDSTATS_TABLES))
    with dg.instance_for_test() as instance:
        again = dg.materialize(
            [endstats],
            resources=resources,
            instance=instance,
            partition_key=days[1].isoformat(),
        )
    assert again.success
    assert dump_tables(engine, list(schema_endstats.ENDSTATS_TABLES)) == first
