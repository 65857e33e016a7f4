"""``ws1c_section_coverage`` through a real Dagster run over the sample nights."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from slomix_pipeline.config import load_settings
from slomix_pipeline.defs.lua.assets import gametime_files, lua_round_teams, webhook_drops
from slomix_pipeline.defs.proximity.assets import proximity_engagements
from slomix_pipeline.defs.proximity.section_checks import ws1c_section_coverage
from slomix_pipeline.defs.resources import (
    LandingZoneResource,
    WarehouseResource,
    gates_resource,
)
from slomix_pipeline.defs.stats.assets import raw_stats_files
from slomix_pipeline.runner import landed_stats_days, range_tags
from slomix_pipeline.sample_data import generate_landing_zone


def test_section_coverage_per_day(tmp_path: Path, sqlite_url: str) -> None:
    generate_landing_zone(tmp_path, seed=7, nights=3)
    days = landed_stats_days(tmp_path, load_settings())
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            [
                raw_stats_files,
                webhook_drops,
                gametime_files,
                lua_round_teams,
                proximity_engagements,
                ws1c_section_coverage,
            ],
            resources={
                "warehouse": WarehouseResource(database_url=sqlite_url),
                "landing": LandingZoneResource(data_dir=str(tmp_path)),
                "gates": gates_resource(),
            },
            instance=instance,
            tags=range_tags(days[0], days[-1]),
        )
    assert result.success
    evaluations = {e.partition: e for e in result.get_asset_check_evaluations()}
    # A range run records one verdict per day and none for the range: add the days up.
    assert set(evaluations) == {d.isoformat() for d in days}
    per_day = [e.metadata for e in evaluations.values()]

    def total(key: str, section: str) -> int:
        return sum(m[key].value.get(section, 0) for m in per_day if key in m)

    assert sum(m["coverage/files"].value for m in per_day) == 48
    assert total("coverage/files_enabled_by_section", "SHOT_FIRED") == 1  # the every-section file
    assert total("coverage/files_enabled_by_section", "TEAM_COHESION") == 3  # v6, v6_full, V5
    assert total("coverage/files_disabled_by_section", "SHOT_FIRED") == 1  # the v6 file
    assert total("coverage/rows_by_section", "TEAM_PUSHES") > 0
    assert total("coverage/out_of_range_rows_by_section", "TEAM_PUSHES") == 3  # planted
    for evaluation in evaluations.values():
        assert evaluation.passed and evaluation.metadata["failure_count"].value == 0
    assert total("coverage/dropped_rows_by_section", "KILL_HEATMAP") == 1  # broken-lines V4 file
