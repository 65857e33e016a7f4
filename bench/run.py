"""Benchmarks: one command, printing figures.

    .venv/bin/python bench/run.py                 # ~1,000 rounds, SQLite and PostgreSQL
    .venv/bin/python bench/run.py --rounds 5000   # bigger corpus
    .venv/bin/python bench/run.py --no-postgres   # without a server
    .venv/bin/python bench/run.py --live          # also the live-latency benchmark (daemon)

Measures, on a generated corpus of stats files:
- raw read: reading every file's bytes (the floor any parser sits on);
- parse-only: parse + R2 differential of every file, one core, files already in memory;
- full backfill: one single-run Dagster materialization of ``raw_stats_files`` over every gaming
  day of the corpus, into a fresh SQLite file and a fresh PostgreSQL database (Dagster overhead,
  inventory, parsing, hashing and the transactional write included).
- proximity: parse + derive + load of ~1.5 MB tracker files (``bench/proximity_load.py``);
- live latency (``--live``): a real daemon, rounds landed one by one, time until their session
  aggregates are committed (``bench/live_latency.py``).
Peak RSS is the process's high-water mark (``ru_maxrss``) after each phase.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _corpus(data_dir: Path, rounds: int) -> None:
    from slomix_pipeline.sample_data import generate_landing_zone

    per_night = 40
    nights = max(1, round(rounds / per_night))
    generate_landing_zone(data_dir, seed=11, nights=nights, rounds_per_night=per_night)


def bench_read_and_parse(data_dir: Path) -> dict[str, float]:
    from slomix_pipeline.domain.differential import Round1Index, build_round_stats
    from slomix_pipeline.formats.stats_file import (
        StatsFileKind,
        StatsFileRejected,
        classify_stats_filename,
        parse_stats_file,
    )

    folder = data_dir / "local_stats"
    names = sorted(p.name for p in folder.iterdir() if p.is_file())
    started = time.perf_counter()
    blobs = {name: (folder / name).read_bytes() for name in names}
    read_seconds = time.perf_counter() - started
    classified = {n: classify_stats_filename(n) for n in names}
    stats_names = [n for n, c in classified.items() if c and c.kind == StatsFileKind.STATS]
    r1_index = Round1Index(classified[n] for n in stats_names)
    total_bytes = sum(len(blobs[n]) for n in stats_names)

    started = time.perf_counter()
    parsed = {}
    for name in stats_names:
        try:
            parsed[name] = parse_stats_file(name, blobs[name])
        except StatsFileRejected:
            continue
    rounds = 0
    for result in parsed.values():
        r1 = None
        if result.file.round_number == 2:
            partner = r1_index.find(result.file)
            r1 = parsed.get(partner.name) if partner else None
        build_round_stats(result, r1)
        rounds += 1
    parse_seconds = time.perf_counter() - started
    return {
        "files": len(stats_names),
        "rounds": rounds,
        "mb": total_bytes / 1e6,
        "read_files_per_s": len(names) / read_seconds,
        "parse_files_per_s": len(stats_names) / parse_seconds,
        "parse_mb_per_s": total_bytes / 1e6 / parse_seconds,
    }


def bench_backfill(data_dir: Path, database_url: str) -> dict[str, float]:
    import dagster as dg

    from slomix_pipeline.config import load_settings
    from slomix_pipeline.defs.resources import LandingZoneResource, WarehouseResource
    from slomix_pipeline.defs.stats.assets import raw_stats_files
    from slomix_pipeline.runner import QUIET_LOGS, landed_stats_days, range_tags
    from slomix_pipeline.warehouse.engine import open_warehouse

    settings = load_settings()
    days = landed_stats_days(data_dir, settings)
    open_warehouse(database_url)  # migrations are a one-off, not part of the backfill
    with dg.instance_for_test() as instance:
        started = time.perf_counter()
        result = dg.materialize(
            [raw_stats_files],
            resources={
                "warehouse": WarehouseResource(database_url=database_url),
                "landing": LandingZoneResource(data_dir=str(data_dir)),
            },
            instance=instance,
            tags=range_tags(days[0], days[-1]),
            run_config=QUIET_LOGS,
        )
        seconds = time.perf_counter() - started
    assert result.success
    metadata = result.asset_materializations_for_node("raw_stats_files")[0].metadata
    files = metadata["files_seen"].value
    rounds = metadata["rounds"].value
    return {
        "days": len(days),
        "files": files,
        "rounds": rounds,
        "seconds": seconds,
        "files_per_s": files / seconds,
        "rounds_per_s": rounds / seconds,
    }


def _postgres_database(admin_url: str):  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"slomix_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        from slomix_pipeline.warehouse.engine import dispose_warehouse

        dispose_warehouse(url)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return url, drop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=1000, help="approximate corpus size")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--proximity-files", type=int, default=24)
    parser.add_argument("--live", action="store_true", help="run the live-latency benchmark too")
    parser.add_argument(
        "--pg-admin-url",
        default=os.environ.get(
            "SLOMIX_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
        ),
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="slomix-bench-") as tmp:
        data_dir = Path(tmp) / "zone"
        started = time.perf_counter()
        _corpus(data_dir, args.rounds)
        print(f"corpus: generated in {time.perf_counter() - started:.1f} s at {data_dir}")
        p = bench_read_and_parse(data_dir)
        print(
            f"read      : {p['read_files_per_s']:>10,.0f} files/s (raw bytes only)\n"
            f"parse+diff: {p['parse_files_per_s']:>10,.0f} files/s  {p['parse_mb_per_s']:6.1f} MB/s"
            f"  ({p['files']} stats files, {p['mb']:.1f} MB, one core)  "
            f"peak RSS {_peak_rss_mb():.0f} MB"
        )
        targets = [("sqlite", f"sqlite:///{Path(tmp) / 'bench.sqlite'}", None)]
        if not args.no_postgres:
            url, drop = _postgres_database(args.pg_admin_url)
            targets.append(("postgres", url, drop))
        for label, url, drop in targets:
            try:
                b = bench_backfill(data_dir, url)
            finally:
                if drop:
                    drop()
            print(
                f"backfill {label:<8}: {b['seconds']:6.2f} s wall for {b['days']} days, "
                f"{b['files']} files, {b['rounds']} rounds -> {b['files_per_s']:,.0f} files/s, "
                f"{b['rounds_per_s']:,.0f} rounds/s  peak RSS {_peak_rss_mb():.0f} MB"
            )
    print("\n-- proximity (bench/proximity_load.py)")
    sys.path.insert(0, str(REPO / "bench"))
    import proximity_load

    prox_args = ["--files", str(args.proximity_files), "--sqlite"]
    if args.no_postgres:
        prox_args.append("--no-postgres")
    code = proximity_load.main(prox_args)
    print("\n-- proximity, every section (bench/proximity_load.py --every-section)")
    code = code or proximity_load.main([*prox_args, "--every-section"])
    print("\n-- endstats (bench/endstats_load.py)")
    import endstats_load

    code = code or endstats_load.main(["--no-postgres"] if args.no_postgres else [])
    if args.live:
        print("\n-- live latency (bench/live_latency.py)")
        import live_latency

        code = code or live_latency.main([])
    return code


if __name__ == "__main__":
    sys.exit(main())
