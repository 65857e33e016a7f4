"""Benchmark: the community datasets recomputed over a history of ``--nights`` sample nights.

Generates the sample nights, loads stats files, endstats, links and sessions (untimed), then
times the dataset group (``build_identity``, ``build_careers``, ``build_leaderboards``) as a
full rebuild and as a landing run of the last night (only its players recomputed), on
PostgreSQL (and SQLite with ``--sqlite`` or ``--no-postgres``).

    .venv/bin/python bench/datasets_load.py [--nights 40] [--sqlite] [--no-postgres]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))


def main(argv: list[str] | None = None) -> int:
    from proximity_load import _postgres_database

    from slomix_pipeline.config import load_settings
    from slomix_pipeline.formats.player_merges import Season
    from slomix_pipeline.ingest.datasets import build_careers, build_identity, build_leaderboards
    from slomix_pipeline.ingest.endstats import ingest_endstats_days
    from slomix_pipeline.ingest.linking import link_days
    from slomix_pipeline.ingest.sessions import build_sessions_days
    from slomix_pipeline.ingest.stats_files import ingest_stats_days
    from slomix_pipeline.runner import landed_stats_days
    from slomix_pipeline.sample_data import generate_landing_zone
    from slomix_pipeline.warehouse.engine import open_warehouse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nights", type=int, default=40)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument(
        "--pg-admin-url",
        default=os.environ.get(
            "SLOMIX_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
        ),
    )
    args, _ = parser.parse_known_args(argv)
    with tempfile.TemporaryDirectory(prefix="slomix-bench-datasets-") as tmp:
        zone = Path(tmp) / "zone"
        generate_landing_zone(zone, seed=11, nights=args.nights, extra_renderers=())
        settings = load_settings({"SLOMIX_DATA_DIR": str(zone)})
        days = landed_stats_days(zone, settings)
        quarters = [
            Season(f"q{i}", days[0] + timedelta(days=30 * i), days[0] + timedelta(days=30 * i + 29))
            for i in range(max(1, (days[-1] - days[0]).days // 30 + 1))
        ]
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
                ingest_endstats_days(engine, zone, days, settings)
                link_days(engine, days, settings)
                build_sessions_days(engine, days, settings)
                timings, nights = [], []
                for _ in range(3):
                    started = time.perf_counter()
                    identity = build_identity(engine, ())
                    careers = build_careers(engine, quarters)  # every player
                    boards = build_leaderboards(engine, 10)
                    timings.append(time.perf_counter() - started)
                for _ in range(3):
                    started = time.perf_counter()
                    build_identity(engine, ())
                    night = build_careers(engine, quarters, days[-1:])  # one night's players
                    build_leaderboards(engine, 10)
                    nights.append(time.perf_counter() - started)
            finally:
                if cleanup is not None:
                    cleanup()
            rows = sum(identity.written.values()) + sum(careers.written.values())
            rows += sum(boards.values())
            graphs = _count(engine, "session_round_graphs") if cleanup is None else "n/a"
            print(
                f"{label:<8}: {len(days)} gaming days, {identity.written['players']} players, "
                f"{rows:,} dataset rows; full rebuild: best {min(timings):.2f} s, "
                f"median {sorted(timings)[1]:.2f} s; one night ({night.touched_players} players): "
                f"best {min(nights):.2f} s (player-round rows: {graphs})"
            )
    return 0


def _count(engine, table: str) -> int:
    from sqlalchemy import text

    with engine.connect() as conn:
        return int(conn.execute(text(f"select count(*) from {table}")).scalar_one())


if __name__ == "__main__":
    sys.exit(main())
