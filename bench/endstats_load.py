"""Benchmark: endstats side-cars parsed, linked, decoded, resolved and loaded (files/s).

Generates the sample landing zone (stats files and their live-format endstats side-cars) for
``--nights`` nights, loads the stats files (untimed: the side-cars link to their rounds and
resolve names against their rosters), then times ``ingest_endstats_days`` over every day on a
fresh PostgreSQL database (and SQLite with ``--sqlite`` or ``--no-postgres``). Prints files/s and
rows/s; parse-only files/s (in memory, one core) is printed as the floor.

    .venv/bin/python bench/endstats_load.py [--nights 20] [--sqlite] [--no-postgres]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))


def main(argv: list[str] | None = None) -> int:
    from proximity_load import _postgres_database

    from slomix_pipeline.config import load_settings
    from slomix_pipeline.formats.endstats import parse_endstats_file
    from slomix_pipeline.ingest.endstats import ingest_endstats_days
    from slomix_pipeline.ingest.stats_files import ingest_stats_days
    from slomix_pipeline.landing.zone import STATS_FOLDER
    from slomix_pipeline.runner import landed_stats_days
    from slomix_pipeline.sample_data import generate_landing_zone
    from slomix_pipeline.warehouse.engine import open_warehouse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nights", type=int, default=20)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument(
        "--pg-admin-url",
        default=os.environ.get(
            "SLOMIX_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
        ),
    )
    args, _ = parser.parse_known_args(argv)
    with tempfile.TemporaryDirectory(prefix="slomix-bench-endstats-") as tmp:
        zone = Path(tmp) / "zone"
        report = generate_landing_zone(zone, seed=11, nights=args.nights, extra_renderers=())
        settings = load_settings({"SLOMIX_DATA_DIR": str(zone)})
        days = landed_stats_days(zone, settings)
        blobs = [
            (p.name, p.read_bytes())
            for p in sorted((zone / STATS_FOLDER).iterdir())
            if p.name.endswith("-endstats.txt")
        ]
        started = time.perf_counter()
        for name, data in blobs:
            parse_endstats_file(name, data)
        parse_s = time.perf_counter() - started
        print(
            f"endstats corpus: {len(blobs)} side-cars ({sum(len(d) for _, d in blobs) / 1e3:.0f} "
            f"kB) over {len(days)} gaming days; parse only: {len(blobs) / parse_s:,.0f} files/s"
        )
        assert len(blobs) == report.endstats_files
        targets: list[tuple[str, str, Callable[[], None] | None]] = []
        if not args.no_postgres:
            url, drop = _postgres_database(args.pg_admin_url)
            targets.append(("postgres", url, drop))
        if args.sqlite or args.no_postgres:
            targets.append(("sqlite", f"sqlite:///{Path(tmp) / 'bench.sqlite'}", None))
        for label, url, cleanup in targets:
            try:
                engine = open_warehouse(url)
                ingest_stats_days(engine, zone, days, settings)
                started = time.perf_counter()
                result = ingest_endstats_days(engine, zone, days, settings)
                seconds = time.perf_counter() - started
            finally:
                if cleanup is not None:
                    cleanup()
            rows = sum(result.rows_written.values())
            print(
                f"end to end {label:<8}: {result.files / seconds:8,.0f} files/s "
                f"{rows / seconds:>9,.0f} rows/s  ({result.files} files, {result.linked} linked, "
                f"{rows:,} rows in {seconds:.2f} s)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
