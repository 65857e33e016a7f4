"""What Dagster's ``supports_asset_checks`` costs per stored check event (PostgreSQL instance).

    .venv/bin/python bench/has_table_cost.py            # 2,000 calls, twice

Why: Dagster OSS asks ``event_log_storage.supports_asset_checks`` (a ``has_table`` catalog
query) before storing every check event; a seven-year rebuild stores ~10,000 of them
(docs/benchmarks.md, "The Dagster floor"). This prices that query alone, in this process, on a
fresh PostgreSQL instance pooled as a range run pools it: client CPU (``RUSAGE_SELF``),
PostgreSQL CPU of the instance database's backends, and wall, per call.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from history import DEFAULT_ADMIN, _create_database, _drop_database  # noqa: E402
from history_server import ServerCpuSampler  # noqa: E402

CALLS = 2000


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    name, url = _create_database(DEFAULT_ADMIN, "slomix_floor_ht")
    home = Path(tempfile.mkdtemp(prefix="slomix-has-table-"))
    (home / "dagster.yaml").write_text(
        (BENCH.parent / "docs" / "deploy" / "dagster.postgres.yaml").read_text()
    )
    os.environ.update(DAGSTER_HOME=str(home), DAGSTER_PG_URL=url)
    import dagster as dg

    from slomix_pipeline.instance_pool import pool_instance_connections

    try:
        with dg.DagsterInstance.get() as instance:
            pool_instance_connections(instance)
            storage = instance.event_log_storage
            assert storage.supports_asset_checks  # creates the schema, warms the pool
            for _ in range(2):
                server = ServerCpuSampler(DEFAULT_ADMIN, [name], interval=0.1)
                cpu, wall = _cpu(), time.perf_counter()
                for _ in range(CALLS):
                    assert storage.supports_asset_checks
                cpu, wall = _cpu() - cpu, time.perf_counter() - wall
                pg = server.stop()  # the backends' CPU since they started (cumulative)
                print(
                    f"supports_asset_checks x{CALLS}: client CPU {1000 * cpu / CALLS:.3f} ms, "
                    f"PostgreSQL backends so far {1000 * pg / CALLS:.3f} ms, "
                    f"wall {1000 * wall / CALLS:.3f} ms per call; load {os.getloadavg()[0]:.1f}"
                )
    finally:
        _drop_database(DEFAULT_ADMIN, name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
