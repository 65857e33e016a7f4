"""Benchmark: the cost of tonight's live run with 10 versus ~200 other days in the warehouse.

For each history length: generates the nights (short history nights, then a full night
tonight), materializes history and tonight through the code location's asset job (untimed),
then times a live re-run of tonight (what the landing sensor does per round) while capturing
every warehouse statement; prints wall time, statements, bound parameters, rows returned
(PostgreSQL) and any read without a day bound (``test_day_bounded_reads.py``'s rule).

    .venv/bin/python bench/live_day_cost.py [--histories 10,200] [--postgres]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
os.environ.setdefault("SLOMIX_PARTITION_START", "2026-01-01")


def measure(nights: int, url: str, root: Path) -> dict[str, object]:
    import dagster as dg

    from slomix_pipeline.runner import materialize_range
    from slomix_pipeline.warehouse.engine import open_warehouse
    from slomix_pipeline_tests.warehouse.statement_capture import capture_statements
    from slomix_pipeline_tests.warehouse.test_day_bounded_reads import (
        TONIGHT,
        generate_history,
        unbounded,
    )

    zone = root / f"zone{nights}"
    history = generate_history(zone, nights)
    os.environ["SLOMIX_DATA_DIR"] = str(zone)
    os.environ["SLOMIX_DATABASE_URL"] = url
    with dg.instance_for_test() as instance:
        assert materialize_range([*history, TONIGHT], instance).success
        with capture_statements(open_warehouse(url)) as capture:
            started = time.perf_counter()
            assert materialize_range([TONIGHT], instance).success
            wall = time.perf_counter() - started
    return {
        "history_days": nights,
        "tonight_wall_s": round(wall, 2),
        "statements": len(capture.statements),
        "parameters": sum(s.parameters for s in capture.statements),
        "rows_returned": sum(s.rows or 0 for s in capture.statements),
        "unbounded_not_allowed": len(unbounded(capture)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--histories", default="10,200")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL warehouse")
    args = parser.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="live_day_cost_"))
    for nights in (int(n) for n in args.histories.split(",")):
        if args.postgres:
            from proximity_load import _postgres_database

            url, drop = _postgres_database("postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
            try:
                print(measure(nights, url, root), flush=True)
            finally:
                drop()
        else:
            print(measure(nights, f"sqlite:///{root}/w{nights}.sqlite", root), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
