"""Benchmark: proximity files parsed, derived and loaded into a fresh PostgreSQL database.

Renders realistic tracker files with the sample-data renderer (6v6, 10-minute halves, 200 ms
samples: about 1.5 MB each; V4, so every R2 says ``round=1``), lands them with a Lua gametime
file per round (so the round identity has candidates and corrects the R2s), then times
``ingest_proximity_days`` end to end on a fresh database: inventory, header peek, read, hash,
parse, round identity, derive, and the transactional COPY load of the four tables plus
``proximity_files`` and ``processed_files``. Database creation, migrations and the Lua load are
not timed. Prints MB/s end to end and rows/s; the target is >= 20 MB/s.

    .venv/bin/python bench/proximity_load.py [--files 24] [--interval 200] [--sqlite]
                                             [--no-postgres] [--every-section]

``--every-section`` renders 6.11 files (V6) with every later section declared on and written
(REACTION_METRICS … OBJECTIVE_RUNS, SHOT_FIRED included): the section tables, capabilities and
per-player figures are loaded too. The same >= 20 MB/s target applies.

Besides wall time it prints the CPU time of the load: this process (every thread) and its worker
processes (the files are prepared in forked workers, see ``ingest.ordered_pool``) plus the
PostgreSQL server process(es) of the bench database (read from ``/proc``). On a shared machine
wall time swings with the other work; CPU time per MB barely does, so compare V4 and
``--every-section`` runs made in the same minutes, and their CPU figures.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

_MAPS = ("supply", "etl_adlernest", "sw_goldrush_te", "radar", "te_escape2", "et_brewdog")
_FIRST_START = 1_770_836_400  # 2026-02-11 20:00 Europe/Paris
TARGET_MB_S = 20.0


def land_zone(
    zone: Path, files: int, interval_ms: int, every_section: bool = False
) -> tuple[int, list[date]]:
    """Render and land ``files`` proximity files plus their gametime files; returns bytes."""
    from slomix_pipeline.config import load_settings
    from slomix_pipeline.domain.gaming_day import gaming_day_of_epoch
    from slomix_pipeline.landing.zone import GAMETIMES_FOLDER, PROXIMITY_FOLDER, write_atomically
    from slomix_pipeline.sample_data.lua_render import LuaRoundSpec, render_gametime
    from slomix_pipeline.sample_data.proximity_render import demo_spec, render_proximity_round

    settings = load_settings({"SLOMIX_DATA_DIR": str(zone)})
    total = 0
    days: set[date] = set()
    start = _FIRST_START
    for n in range(files):
        round_number = 1 + n % 2
        spec = demo_spec(
            seed=n + 1,
            per_team=6,
            minutes=10.0,
            sample_interval_ms=interval_ms,
            round_number=round_number,
            map_name=_MAPS[(n // 2) % len(_MAPS)],
            round_start_unix=start,
            **({"format_version": 6, "disabled_flags": ()} if every_section else {}),
        )
        rendered = render_proximity_round(spec)
        write_atomically(zone / PROXIMITY_FOLDER, rendered.name, rendered.data)
        name, data = render_gametime(
            LuaRoundSpec(
                map_name=spec.map_name,
                round_number=round_number,
                round_start_unix=spec.round_start_unix,
                round_end_unix=spec.round_end_unix,
                actual_duration_seconds=spec.round_end_unix - spec.round_start_unix,
                end_reason="time_expired",
                winner=1,
                defender=1,
                timelimit_minutes=10,
            )
        )
        path = write_atomically(zone / GAMETIMES_FOLDER, name, data)
        landed_ns = (spec.round_end_unix + 30) * 10**9
        os.utime(path, ns=(landed_ns, landed_ns))
        total += len(rendered.data)
        days.add(
            gaming_day_of_epoch(spec.round_end_unix, settings.server_tz, settings.day_start_hour)
        )
        start = spec.round_end_unix + (90 if round_number == 1 else 240)
        if n % 12 == 11:  # the next evening
            start += 24 * 3600 - (start - _FIRST_START) % (24 * 3600)
    return total, sorted(days)


def _postgres_database(admin_url: str) -> tuple[str, Callable[[], None]]:
    """A brand-new database (dropped by the returned callable), like the test fixtures."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from slomix_pipeline.warehouse.engine import dispose_warehouse

    name = f"slomix_bench_prox_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        dispose_warehouse(url)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


def bench_load(zone: Path, days: list[date], url: str) -> dict[str, float]:
    """Time one ``ingest_proximity_days`` over every day (after an untimed Lua load)."""
    from slomix_pipeline.config import load_settings
    from slomix_pipeline.ingest.lua_events import build_lua_round_teams_days, ingest_lua_source_days
    from slomix_pipeline.ingest.proximity import ingest_proximity_days
    from slomix_pipeline.warehouse.engine import open_warehouse

    settings = load_settings({"SLOMIX_DATA_DIR": str(zone)})
    engine = open_warehouse(url)  # migrations are a one-off, not part of the load
    ingest_lua_source_days(engine, zone, days, settings, "gametime")
    build_lua_round_teams_days(engine, days)
    backend_before = _backend_cpu(engine)
    children_before = _children_cpu()
    started, cpu_started = time.perf_counter(), time.process_time()
    report = ingest_proximity_days(engine, zone, days, settings)
    seconds = time.perf_counter() - started
    main_cpu = time.process_time() - cpu_started
    workers_cpu = _children_cpu() - children_before
    backend_after = _backend_cpu(engine)
    backend_cpu = (
        sum(backend_after.values()) - sum(backend_before.values())
        if backend_after is not None and backend_before is not None
        else float("nan")
    )
    assert report.status_counts() == {"loaded": len(report.files)}, report.status_counts()
    assert report.broken_lines == 0, report.broken_lines
    return {
        "seconds": seconds,
        "process_cpu": main_cpu + workers_cpu,
        "main_cpu": main_cpu,
        "workers_cpu": workers_cpu,
        "backend_cpu": backend_cpu,
        "files": len(report.files),
        "mb": report.bytes_read / 1e6,
        "rows": sum(report.rows_written.values()),
        "corrected": report.rounds_corrected,
        "engagements": report.engagements,
        "tracks": report.tracks,
        "samples": sum(f.track_samples for f in report.files),
    }


def _children_cpu() -> float:
    """CPU seconds of this process's finished children: the load's worker processes (they are
    reaped when the load ends, so the figure is complete once it returned)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _backend_cpu(engine: Any) -> dict[int, float] | None:
    """CPU seconds (user + system) so far of every server process of the bench database, from
    ``/proc`` (the server runs on this machine); None where that cannot be read. CPU time is
    far less sensitive than wall time to the other work on a shared machine."""
    from sqlalchemy import text

    with engine.connect() as conn:
        pids = conn.execute(
            text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        ).scalars()
        out = {}
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                return None
            out[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return out


def bench_parse_derive(zone: Path) -> float:
    """MB/s of parse + derive alone (files in memory, one core): the floor under the load."""
    from slomix_pipeline.domain.proximity import derive
    from slomix_pipeline.formats.proximity import parse_proximity_file
    from slomix_pipeline.landing.zone import PROXIMITY_FOLDER

    blobs = [(p.name, p.read_bytes()) for p in sorted((zone / PROXIMITY_FOLDER).iterdir())]
    started = time.perf_counter()
    for name, data in blobs:
        derive(parse_proximity_file(name, data))
    return sum(len(d) for _, d in blobs) / 1e6 / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=24, help="proximity files (>= 20)")
    parser.add_argument("--interval", type=int, default=200, help="track sample interval, ms")
    parser.add_argument("--sqlite", action="store_true", help="also load into SQLite")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only (no server)")
    parser.add_argument(
        "--every-section", action="store_true", help="V6 6.11 files with every section"
    )
    parser.add_argument(
        "--pg-admin-url",
        default=os.environ.get(
            "SLOMIX_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
        ),
    )
    # Known options only: ``bench/run.py`` may call this with its own command line.
    args, _ = parser.parse_known_args(argv)
    with tempfile.TemporaryDirectory(prefix="slomix-bench-prox-") as tmp:
        zone = Path(tmp) / "zone"
        started = time.perf_counter()
        total, days = land_zone(zone, args.files, args.interval, args.every_section)
        kind = "V6, every section" if args.every_section else "V4"
        print(
            f"proximity corpus ({kind}): {args.files} files, {total / 1e6:.1f} MB "
            f"({total / args.files / 1e6:.2f} MB/file, {args.interval} ms samples), "
            f"{len(days)} gaming days, rendered in {time.perf_counter() - started:.1f} s"
        )
        print(f"parse+derive only   : {bench_parse_derive(zone):6.1f} MB/s (one core, in memory)")
        targets: list[tuple[str, str, Callable[[], None] | None]] = []
        if not args.no_postgres:
            url, drop = _postgres_database(args.pg_admin_url)
            targets.append(("postgres", url, drop))
        if args.sqlite or args.no_postgres:
            targets.append(("sqlite", f"sqlite:///{Path(tmp) / 'bench.sqlite'}", None))
        status = 0
        for label, target_url, cleanup in targets:
            try:
                b = bench_load(zone, days, target_url)
            finally:
                if cleanup is not None:
                    cleanup()
            mb_s = b["mb"] / b["seconds"]
            verdict = "ok" if mb_s >= TARGET_MB_S else f"BELOW the {TARGET_MB_S:.0f} MB/s target"
            print(
                f"end to end {label:<8}: {mb_s:6.1f} MB/s  {b['rows'] / b['seconds']:>7,.0f} rows/s"
                f"  {b['samples'] / b['seconds']:>9,.0f} track samples/s  ({b['files']:.0f} "
                f"files, {b['mb']:.1f} MB, {b['rows']:,.0f} rows in {b['seconds']:.2f} s; "
                f"{b['corrected']:.0f} R2 rounds corrected)  {verdict}"
            )
            cpu = b["process_cpu"] + (b["backend_cpu"] if label == "postgres" else 0.0)
            backend = f" + server {b['backend_cpu']:.2f} s" if label == "postgres" else ""
            print(
                f"  cpu time          : process {b['process_cpu']:.2f} s (main "
                f"{b['main_cpu']:.2f} + workers {b['workers_cpu']:.2f}){backend} = {cpu:.2f} s, "
                f"{b['mb'] / cpu:.1f} MB per CPU-second (load average now {os.getloadavg()[0]:.1f})"
            )
            if label == "postgres" and mb_s < TARGET_MB_S:
                status = 1
        return status


if __name__ == "__main__":
    sys.exit(main())
