"""``bench/dagster_floor.py``: the no-work location keeps the rebuild's shape, and it counts.

The bench's figures mean something only while its location has the same assets, dependencies,
partitioning and checks as the project's rebuild (everything but the publish group), and while
the run writes the per-day events a rebuild writes; a tiny range proves the second.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import dagster as dg

from slomix_pipeline_tests.conftest import PG_ADMIN_URL, require_postgres

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _bench(module: str) -> ModuleType:
    """A bench module, imported when a test runs (the location builds its partitions from the
    settings on import: after the session's settings isolation, not at collection)."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    return importlib.import_module(module)


def _shape(graph: Any, keys: set[dg.AssetKey]) -> dict[str, Any]:
    """Per asset: parents, partitioned, backfill policy, pools; per check: partitioned, blocking."""
    assets = {
        key.to_user_string(): (
            sorted(p.to_user_string() for p in graph.get(key).parent_keys),
            type(graph.get(key).partitions_def).__name__,
            str(graph.get(key).backfill_policy),
            sorted(graph.get(key).pools),
        )
        for key in keys
    }
    checks = {
        f"{check.asset_key.to_user_string()}:{check.name}": (
            graph.get(check).partitions_def is not None,
            graph.get(check).blocking,
        )
        for check in graph.asset_check_keys
        if check.asset_key in keys
    }
    return {"assets": assets, "checks": checks}


def test_the_floor_location_has_the_rebuilds_shape() -> None:
    from slomix_pipeline.definitions import defs
    from slomix_pipeline.defs.automation import PUBLISH_GROUP

    project = defs().resolve_asset_graph()
    rebuilt = {
        key
        for key in project.materializable_asset_keys
        if project.get(key).group_name != PUBLISH_GROUP
    }
    floor = _bench("dagster_floor_location").defs().resolve_asset_graph()
    assert len(rebuilt) == 12
    assert _shape(floor, set(floor.materializable_asset_keys)) == _shape(project, rebuilt)


def test_a_tiny_no_work_range_writes_the_rebuilds_per_day_events() -> None:
    require_postgres()
    figures = _bench("dagster_floor").run_case(5, "play", PG_ADMIN_URL, timeout=300)
    assert figures["ok"]
    assert figures["judged"] == 2  # 2019-03-05 and 03-07: the history's first two nights
    assert figures["planned"] == figures["materializations"] == 12 * 5
    # per gate and judged day one evaluation; the three once-per-run checks one each
    assert figures["evaluations"] == 10 * 2 + 3
    assert figures["growth_mb"] > 0
