"""The run process of ``bench/dagster_floor.py``: one ranged run of the no-work location.

    python bench/dagster_floor_run.py FIRST LAST     # ISO days; DAGSTER_HOME set

The same range launch as ``slomix-pipeline materialize`` (``runner.run_range``: the location's
implicit asset job with the range tags, executed in this process, events streamed), on the
instance of ``$DAGSTER_HOME`` with the CLI's instance tuning (pooled connections, asynchronous
commit, batched planned events: ``instance_pool.pool_instance_connections``). Prints one JSON
line: run id, success, whether the connections were pooled.

``FLOOR_CACHE_HAS_TABLE`` set (``--cache-has-table``, an experiment, not the project's
behaviour): the event log's ``has_table`` answers from a per-process cache. Dagster asks it
before storing every check event (``supports_asset_checks``: a catalog query each time).
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path

import dagster as dg

from slomix_pipeline.instance_pool import pool_instance_connections
from slomix_pipeline.runner import load_code_location, run_range

LOCATION = "dagster_floor_location"


def _cache_has_table(storage: object) -> None:
    original = storage.has_table  # type: ignore[attr-defined]
    known: dict[str, bool] = {}

    def has_table(name: str) -> bool:
        if name not in known:
            known[name] = original(name)
        return known[name]

    storage.has_table = has_table  # type: ignore[attr-defined]


def main(first: str, last: str) -> int:
    with dg.DagsterInstance.get() as instance:
        pooled = pool_instance_connections(instance)
        if os.environ.get("FLOOR_CACHE_HAS_TABLE"):
            _cache_has_table(instance.event_log_storage)
        repository = load_code_location(LOCATION, Path(__file__).resolve().parent)
        keys = repository.get_definition().asset_graph.materializable_asset_keys
        run = run_range(
            repository, instance, keys, date.fromisoformat(first), date.fromisoformat(last)
        )
    print(json.dumps({"run_id": run.run_id, "success": run.success, "pooled": pooled}))
    return 0 if run.success else 2


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:3]))
