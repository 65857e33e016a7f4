"""The run process of ``bench/dagster_floor.py``: one ranged run of the no-work location.

    python bench/dagster_floor_run.py FIRST LAST     # ISO days; DAGSTER_HOME set

The same range launch as ``slomix-pipeline materialize`` (``runner.run_range``: the location's
implicit asset job with the range tags, executed in this process, events streamed), on the
instance of ``$DAGSTER_HOME`` with the CLI's instance tuning (pooled connections, asynchronous
commit, batched planned events: ``instance_pool.pool_instance_connections``). Prints one JSON
line: run id, success, and the checks' folded verdicts count.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import dagster as dg

from slomix_pipeline.instance_pool import pool_instance_connections
from slomix_pipeline.runner import load_code_location, run_range

LOCATION = "dagster_floor_location"


def main(first: str, last: str) -> int:
    with dg.DagsterInstance.get() as instance:
        pooled = pool_instance_connections(instance)
        repository = load_code_location(LOCATION, Path(__file__).resolve().parent)
        keys = repository.get_definition().asset_graph.materializable_asset_keys
        run = run_range(
            repository, instance, keys, date.fromisoformat(first), date.fromisoformat(last)
        )
    print(json.dumps({"run_id": run.run_id, "success": run.success, "pooled": pooled}))
    return 0 if run.success else 2


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:3]))
