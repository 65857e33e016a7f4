"""The code location loads, has the expected assets, and passes ``dg check defs``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg

from slomix_pipeline.definitions import defs

REPO = Path(__file__).resolve().parents[2]


def test_definitions_are_loadable() -> None:
    loaded = defs()
    dg.Definitions.validate_loadable(loaded)
    keys = {spec.key.to_user_string() for spec in loaded.resolve_all_asset_specs()}
    assert "raw_stats_files" in keys


def test_every_asset_is_partitioned_by_gaming_day_with_single_run_backfills() -> None:
    """Every warehouse asset. The Discord posts (group ``publish``) are deliberately
    unpartitioned: a partitioned run would hold its day's next ingestion run while Discord is
    slow (one run per gaming day at a time), see ``defs/publish/assets.py``."""
    from slomix_pipeline.defs.partitions import gaming_days
    from slomix_pipeline.defs.publish.assets import PUBLISH_GROUP

    for assets_def in defs().assets or []:
        assert isinstance(assets_def, dg.AssetsDefinition)
        if set(assets_def.group_names_by_key.values()) == {PUBLISH_GROUP}:
            assert assets_def.partitions_def is None, assets_def.keys
            continue
        assert assets_def.partitions_def == gaming_days, assets_def.key
        assert assets_def.backfill_policy == dg.BackfillPolicy.single_run(), assets_def.key


def test_gaming_day_partitions_use_server_zone_and_day_start() -> None:
    from slomix_pipeline.defs.partitions import gaming_days

    window = gaming_days.time_window_for_partition_key("2026-02-10")
    assert window.start.isoformat() == "2026-02-10T06:00:00+01:00"
    assert window.end.isoformat() == "2026-02-11T06:00:00+01:00"


def test_dg_check_defs_passes(tmp_path: Path) -> None:
    dg_bin = shutil.which("dg", path=str(Path(sys.executable).parent)) or "dg"
    env = {**os.environ, "SLOMIX_DATA_DIR": str(tmp_path), "DAGSTER_HOME": str(tmp_path)}
    result = subprocess.run(
        [dg_bin, "check", "defs"], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
