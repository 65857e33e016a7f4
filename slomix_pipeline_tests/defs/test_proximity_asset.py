"""``proximity_engagements`` through real Dagster materializations, on SQLite and PostgreSQL.

The sample nights are materialized with the assets the proximity asset reads for round identity
(stats and Lua); idempotency is checked on full table contents: the same range twice, and each
day alone in any order, must leave identical tables.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import dagster as dg
import pytest

from slomix_pipeline.config import load_settings
from slomix_pipeline.defs.lua.assets import gametime_files, lua_round_teams, webhook_drops
from slomix_pipeline.defs.proximity.assets import proximity_engagements
from slomix_pipeline.defs.resources import LandingZoneResource, WarehouseResource, gates_resource
from slomix_pipeline.defs.stats.assets import raw_stats_files
from slomix_pipeline.defs.tables import columns_of
from slomix_pipeline.runner import landed_stats_days, range_tags
from slomix_pipeline.sample_data import generate_landing_zone
from slomix_pipeline.sample_data.proximity_files import ProximityFileTruth, proximity_truth
from slomix_pipeline.warehouse import schema, schema_proximity
from slomix_pipeline.warehouse.engine import open_warehouse
from slomix_pipeline_tests.tabledump import dump_tables

ALL_ASSETS = [
    raw_stats_files,
    webhook_drops,
    gametime_files,
    lua_round_teams,
    proximity_engagements,
]
TABLES = [schema.processed_files, *schema_proximity.PROXIMITY_TABLES]


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, dict[str, ProximityFileTruth]]:
    zone = tmp_path_factory.mktemp("prox_asset_zone")
    report = generate_landing_zone(zone, seed=7, nights=3)
    return zone, proximity_truth(report.corpus)


def _materialize(
    zone: Path,
    url: str,
    assets: list[dg.AssetsDefinition],
    *,
    day: date | None = None,
    days: list[date] | None = None,
) -> dg.ExecuteInProcessResult:
    resources = {
        "warehouse": WarehouseResource(database_url=url),
        "gates": gates_resource(),
        "landing": LandingZoneResource(data_dir=str(zone)),
    }
    with dg.instance_for_test() as instance:
        if day is not None:
            return dg.materialize(
                assets, resources=resources, instance=instance, partition_key=day.isoformat()
            )
        assert days
        return dg.materialize(
            assets, resources=resources, instance=instance, tags=range_tags(days[0], days[-1])
        )


def test_depends_on_the_tables_it_reads_for_round_identity() -> None:
    upstream = proximity_engagements.asset_deps[proximity_engagements.key]
    deps = {key.to_user_string() for key in upstream}
    assert deps == {"raw_stats_files", "lua_round_teams"}
    assert proximity_engagements.backfill_policy == dg.BackfillPolicy.single_run()


def test_range_run_corrects_rounds_and_reports_metadata(
    sample: tuple[Path, dict[str, ProximityFileTruth]], warehouse_url: str
) -> None:
    zone, truth = sample
    days = landed_stats_days(zone, load_settings())
    result = _materialize(zone, warehouse_url, ALL_ASSETS, days=days)
    assert result.success
    materializations = result.asset_materializations_for_node("proximity_engagements")
    assert len(materializations) == len(days)  # one per partition of the range
    rows = [m.metadata["day_rows/proximity_files"].value for m in materializations]
    assert sum(rows) == len(truth) and all(n > 0 for n in rows)  # each day its own figures
    engagements = sum(m.metadata["day_rows/combat_engagement"].value for m in materializations)
    assert engagements == sum(t.combat_engagements for t in truth.values())
    metas = [
        _materialize(zone, warehouse_url, ALL_ASSETS, day=day)
        .asset_materializations_for_node("proximity_engagements")[0]
        .metadata
        for day in days
    ]

    def total(key: str) -> int:
        return sum(m[key].value for m in metas)

    assert total("files") == total("files_loaded") == len(truth)
    assert total("engagements") == sum(t.combat_engagements for t in truth.values())
    assert total("tracks") == sum(t.lives for t in truth.values())
    assert total("trades") == sum(t.trade_events for t in truth.values())
    assert total("broken_lines") == sum(len(t.broken_lines) for t in truth.values())
    corrected = sum(t.expected_round_number != t.header_round_number for t in truth.values())
    assert total("rounds_corrected") == corrected > 0
    assert total("rounds_unresolved") == 0
    assert any("corrected_exact_time" in m["identity_reasons"].value for m in metas)
    assert all(columns_of(m["files_preview"])[0] == "file" for m in metas)
    assert all(m["rejected_files"].value == "none" for m in metas)


def test_same_range_twice_and_single_days_in_any_order_are_identical(
    sample: tuple[Path, dict[str, ProximityFileTruth]], warehouse_url: str
) -> None:
    zone, _ = sample
    days = landed_stats_days(zone, load_settings())
    assert len(days) >= 3
    engine = open_warehouse(warehouse_url)
    assert _materialize(zone, warehouse_url, ALL_ASSETS, days=days).success
    after_range = dump_tables(engine, TABLES)
    assert after_range["combat_engagement"] and after_range["proximity_files"]
    assert _materialize(zone, warehouse_url, [proximity_engagements], days=days).success
    assert dump_tables(engine, TABLES) == after_range
    for day in reversed(days):
        assert _materialize(zone, warehouse_url, [proximity_engagements], day=day).success
    assert dump_tables(engine, TABLES) == after_range
    assert _materialize(zone, warehouse_url, [proximity_engagements], day=days[1]).success
    assert dump_tables(engine, TABLES) == after_range
