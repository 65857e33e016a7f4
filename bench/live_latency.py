"""Live latency: from a round's last file landing to its round committed in ``session_rounds``.

    .venv/bin/python bench/live_latency.py                 # 10 rounds, PostgreSQL warehouse
    .venv/bin/python bench/live_latency.py --rounds 20     # more rounds
    .venv/bin/python bench/live_latency.py --no-postgres   # SQLite warehouse
    .venv/bin/python bench/live_latency.py --run-launcher default   # Dagster's stock launcher
    .venv/bin/python bench/live_latency.py --postgres-instance      # instance on PostgreSQL too

Starts the real ``dagster-daemon`` on the repository's ``workspace.yaml`` with a temporary
SQLite Dagster instance (the helper of the end-to-end tests), the warehouse on PostgreSQL when
a server is reachable (else SQLite), sensors on at 1 s minimum intervals, the daemon started
through ``slomix_pipeline.daemon`` (sensor loop 0.5 s; ``--sensor-loop 0``: the stock 5 s
loop), the run queue polled every second and runs forked from the warm run worker
(``WarmRunLauncher``; ``--run-launcher default``: Dagster's ``DefaultRunLauncher``), like the
repository's ``dagster.yaml``.

Then, one round after the other, it lands that round's files the way producers do (temporary
name in the folder, rename): Lua webhook drop, gametime file, proximity file and, last, the
stats file (the worst case: everything that links to the round is already there). The clock
starts when the stats file is renamed into ``local_stats/`` and stops when the round's row is
visible in ``session_rounds``. The next round lands once the instance is idle again (no run in
flight, the automation sensor ticked once more), as on a real server where rounds are minutes
apart. Prints every latency with the runs the round caused (and how many of them the automation
sensor launched: ``landing_zone_sensor`` runs carry the whole chain, so that should be none),
then p50 / p95 / max.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DEFAULT_PG_ADMIN = "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
FIRST_DAY = "2026-02-10"


@dataclass(frozen=True, slots=True)
class RoundFiles:
    """The files one round produces, as (landing folder, file name), stats file last."""

    label: str
    stats_name: str | None
    files: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Measured:
    label: str
    seconds: float
    runs: int
    automation_runs: int
    to_run_created: float  # landing -> the first new run exists (sensor tick)
    to_run_started: float  # landing -> that run's process started executing


def plan_rounds(staging: Path, rounds: int, seed: int) -> tuple[list[RoundFiles], object]:
    """Generate one night into ``staging`` and group its files by round (corpus order)."""
    from slomix_pipeline.landing.zone import (
        GAMETIMES_FOLDER,
        PROXIMITY_FOLDER,
        STATS_FOLDER,
        WEBHOOK_FOLDER,
    )
    from slomix_pipeline.sample_data import endstats_file_name, stats_file_name
    from slomix_pipeline.sample_data.generate import generate_landing_zone
    from slomix_pipeline.sample_data.lua_files import plan_lua_deliveries
    from slomix_pipeline.sample_data.proximity_files import plan_proximity_files, render_planned

    report = generate_landing_zone(
        staging, seed=seed, nights=1, rounds_per_night=rounds + 2, include_malformed=False
    )
    corpus = report.corpus
    lua = {}
    for landed in plan_lua_deliveries(corpus).landed().values():
        lua.setdefault(landed.round_index, []).append((landed.folder, landed.name))
    proximity = {
        planned.round_index: (PROXIMITY_FOLDER, render_planned(planned).name)
        for planned in plan_proximity_files(corpus)
    }
    grouped: list[RoundFiles] = []
    for index, r in enumerate(corpus.rounds):
        webhook = sorted(f for f in lua.get(index, []) if f[0] == WEBHOOK_FOLDER)
        gametime = sorted(f for f in lua.get(index, []) if f[0] == GAMETIMES_FOLDER)
        files = [*webhook, *gametime]
        if index in proximity:
            files.append(proximity[index])
        side_car = endstats_file_name(r)
        if side_car is not None and (staging / STATS_FOLDER / side_car).exists():
            files.append((STATS_FOLDER, side_car))
        stats_name = stats_file_name(r)
        if (staging / STATS_FOLDER / stats_name).exists():
            files.append((STATS_FOLDER, stats_name))
        else:  # the planted lost R1: its other files land, nothing to measure
            stats_name = None
        grouped.append(RoundFiles(f"{r.map_name} R{r.round_number}", stats_name, tuple(files)))
    return grouped, corpus


def percentile(values: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), ``q`` in 0..100."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def postgres_unreachable(admin_url: str) -> str | None:
    """None when the server answers, else why not."""
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(admin_url)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        finally:
            engine.dispose()
    except Exception as exc:  # any failure to connect means "no server here"
        return f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"
    return None


@contextlib.contextmanager
def warehouse(workdir: Path, use_postgres: bool, admin_url: str) -> Iterator[tuple[str, str]]:
    """(label, URL) of a fresh warehouse: a new PostgreSQL database if reachable, else SQLite."""
    from slomix_pipeline_tests.integration.daemon import temporary_postgres_database

    reason = postgres_unreachable(admin_url) if use_postgres else "not asked for"
    if reason is None:
        with temporary_postgres_database(admin_url, "slomix_bench_live") as url:
            yield "postgres", url
        return
    if use_postgres:
        print(f"PostgreSQL not reachable ({reason}); the warehouse is SQLite")
    yield "sqlite", f"sqlite:///{workdir / 'live' / 'warehouse.sqlite'}"


@contextlib.contextmanager
def instance_database(args: argparse.Namespace) -> Iterator[str | None]:
    """A fresh PostgreSQL database for the Dagster instance with ``--postgres-instance`` (the
    production set-up: Dagster batches a run's planned events there), else None (SQLite)."""
    if not args.postgres_instance:
        yield None
        return
    from slomix_pipeline_tests.integration.daemon import temporary_postgres_database

    with temporary_postgres_database(args.pg_admin_url, "slomix_bench_instance") as url:
        yield url


def measure(args: argparse.Namespace, workdir: Path) -> list[Measured]:
    from sqlalchemy import create_engine, text

    from slomix_pipeline.config import load_settings
    from slomix_pipeline.formats.acknowledgements import render_acknowledgements
    from slomix_pipeline.sample_data.acknowledgements import known_losses
    from slomix_pipeline_tests.integration.daemon import (
        AUTOMATION_SENSOR,
        DaemonSettings,
        LiveDaemon,
        land_copy,
        wait_until,
    )

    staging = workdir / "staging"
    live = workdir / "live"
    groups, corpus = plan_rounds(staging, args.rounds, args.seed)
    live.mkdir(parents=True)
    losses = known_losses(corpus, load_settings().server_tz)  # type: ignore[arg-type]
    (live / "gate_acknowledgements.yaml").write_bytes(render_acknowledgements(losses))

    results: list[Measured] = []
    with (
        warehouse(workdir, not args.no_postgres, args.pg_admin_url) as (kind, url),
        instance_database(args) as instance_url,
    ):
        settings = DaemonSettings(
            instance_postgres_url=instance_url,
            data_dir=live,
            warehouse_url=url,
            partition_start=FIRST_DAY,
            max_concurrent_runs=args.max_concurrent_runs,
            dequeue_interval_seconds=args.dequeue_interval,
            pool_run_buffer=args.pool_run_buffer,
            sensor_loop_seconds=args.sensor_loop or None,
            run_launcher=args.run_launcher,
            prompt_queue=not args.polled_queue,
        )
        print(
            f"instance: {'postgres' if instance_url else 'sqlite'}  warehouse: {kind}  "
            f"rounds to measure: {args.rounds}  "
            f"(max_concurrent_runs {settings.max_concurrent_runs}, dequeue every "
            f"{settings.dequeue_interval_seconds} s, op_granularity_run_buffer "
            f"{settings.pool_run_buffer}, queue {'prompt' if settings.prompt_queue else 'polled'}, "
            f"daemon sensor loop "
            f"{settings.sensor_loop_seconds or 5} s, run launcher {settings.run_launcher})"
        )
        with LiveDaemon(workdir / "dagster_home", settings) as daemon:
            started = time.perf_counter()
            daemon.wait_ready(timeout=180)
            print(f"daemon ready after {time.perf_counter() - started:.1f} s")
            engine = create_engine(url)
            query = text("SELECT 1 FROM session_rounds WHERE source_file = :name")

            def committed(name: str) -> bool:
                try:
                    with engine.connect() as conn:
                        return conn.execute(query, {"name": name}).first() is not None
                except Exception:  # table not created yet (first run still migrating)
                    return False

            try:
                for group in groups:
                    if len(results) >= args.rounds:
                        break
                    runs_before = {run.run_id for run in daemon.runs()}
                    for folder, name in group.files:
                        land_copy(staging / folder / name, live / folder)
                    landed = time.perf_counter()
                    landed_wall = time.time()
                    if group.stats_name is None:
                        daemon.wait_quiet(timeout=args.timeout, settle_ticks=1)
                        continue
                    stats_name = group.stats_name
                    wait_until(
                        lambda: committed(stats_name),  # noqa: B023 (used inside the loop only)
                        timeout=args.timeout,
                        what=f"{stats_name} in session_rounds",
                        poll=0.1,
                        describe=daemon.log_tail,
                    )
                    seconds = time.perf_counter() - landed
                    runs = daemon.wait_quiet(timeout=args.timeout, settle_ticks=1)
                    new = [run for run in runs if run.run_id not in runs_before]
                    automation = sum(
                        run.tags.get("dagster/sensor_name") == AUTOMATION_SENSOR for run in new
                    )
                    created, started = _first_run_times(daemon.instance, new)
                    results.append(
                        Measured(
                            group.label,
                            seconds,
                            len(new),
                            automation,
                            created - landed_wall,
                            started - landed_wall,
                        )
                    )
                    print(
                        f"  round {len(results):2d}  {group.label:24s} {seconds:6.1f} s"
                        f"  (run created +{created - landed_wall:4.1f} s, started "
                        f"+{started - landed_wall:4.1f} s; {len(new)} runs until idle, "
                        f"{automation} by the automation)",
                        flush=True,
                    )
                print_phases(daemon.instance)
            finally:
                engine.dispose()
    return results


PHASES = (
    ("created", "enqueued", "run row -> queued (planned events written)"),
    ("enqueued", "dequeued", "queued -> dequeued (queue loop)"),
    ("dequeued", "worker up", "dequeued -> run worker's first event (launch)"),
    ("worker up", "RUN_START", "worker's first event -> RUN_START (job loaded)"),
    ("RUN_START", "end", "RUN_START -> run end (steps)"),
)


def print_phases(instance) -> None:  # type: ignore[no-untyped-def]
    """Median of each phase of a run's start, from the instance's own event timestamps."""
    import dagster as dg

    marks_by_type = {
        "PIPELINE_ENQUEUED": "enqueued",
        "PIPELINE_STARTING": "dequeued",
        "PIPELINE_START": "RUN_START",
        "PIPELINE_SUCCESS": "end",
        "PIPELINE_FAILURE": "end",
    }
    spans: dict[str, list[float]] = {label: [] for _, _, label in PHASES}
    for record in instance.get_run_records():
        marks = {"created": record.create_timestamp.timestamp()}
        for entry in instance.all_logs(record.dagster_run.run_id):
            kind = entry.dagster_event.event_type_value if entry.dagster_event else ""
            if kind in marks_by_type:
                marks[marks_by_type[kind]] = entry.timestamp
            elif kind == dg.DagsterEventType.ENGINE_EVENT.value and entry.message.startswith(
                "Started process for run"
            ):
                marks["worker up"] = entry.timestamp
        for start, end, label in PHASES:
            if start in marks and end in marks:
                spans[label].append(marks[end] - marks[start])
    for _, _, label in PHASES:
        if spans[label]:
            print(f"  median {label:48s} {statistics.median(spans[label]):5.2f} s")


def _first_run_times(instance, runs) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Wall-clock creation and start of the earliest of ``runs`` (NaN when there is none)."""
    import dagster as dg

    if not runs:
        return math.nan, math.nan
    records = instance.get_run_records(dg.RunsFilter(run_ids=[run.run_id for run in runs]))
    first = min(records, key=lambda record: record.create_timestamp)
    return first.create_timestamp.timestamp(), first.start_time or math.nan


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=10, help="rounds to measure (>= 1)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=120.0, help="per round, seconds")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite warehouse")
    parser.add_argument(
        "--postgres-instance",
        action="store_true",
        help="Dagster instance on PostgreSQL too (production); default: SQLite instance",
    )
    parser.add_argument("--max-concurrent-runs", type=int, default=4)
    parser.add_argument("--dequeue-interval", type=int, default=1, help="Dagster default: 5")
    parser.add_argument("--pool-run-buffer", type=int, default=3, help="Dagster default: 0")
    parser.add_argument(
        "--sensor-loop",
        type=float,
        default=0.5,
        help="daemon sensor loop, s (slomix_pipeline.daemon); 0: stock dagster-daemon (5 s)",
    )
    parser.add_argument(
        "--run-launcher",
        choices=("warm", "default"),
        default="warm",
        help="warm: WarmRunLauncher (forks from a pre-warmed zygote, as in dagster.yaml); "
        "default: Dagster's DefaultRunLauncher (a spawned process per run)",
    )
    parser.add_argument(
        "--polled-queue",
        action="store_true",
        help="Dagster's QueuedRunCoordinator (dequeues every --dequeue-interval s) instead of "
        "PromptQueuedRunCoordinator (woken when a run is queued)",
    )
    parser.add_argument(
        "--keep", type=Path, help="work in this (new) folder and keep it (instance, daemon log)"
    )
    parser.add_argument(
        "--pg-admin-url", default=os.environ.get("SLOMIX_TEST_PG_URL", DEFAULT_PG_ADMIN)
    )
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    print("load average at start: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    if args.keep is not None:
        args.keep.mkdir(parents=True)
        results = measure(args, args.keep.resolve())
    else:
        with tempfile.TemporaryDirectory(prefix="slomix-live-latency-") as tmp:
            results = measure(args, Path(tmp))
    seconds = [m.seconds for m in results]
    print(
        f"live latency over {len(seconds)} rounds (landing of the stats file -> session_rounds): "
        f"p50 {statistics.median(seconds):.1f} s, p95 {percentile(seconds, 95):.1f} s, "
        f"max {max(seconds):.1f} s  (target p50 <= 5 s, p95 <= 10 s); "
        f"{sum(m.runs for m in results)} runs, "
        f"{sum(m.automation_runs for m in results)} by the automation"
    )
    created = [m.to_run_created for m in results if not math.isnan(m.to_run_created)]
    started = [m.to_run_started for m in results if not math.isnan(m.to_run_started)]
    if created and started:
        print(
            f"median landing -> run created {statistics.median(created):.1f} s (sensor tick), "
            f"-> run started {statistics.median(started):.1f} s (queue + process start), "
            f"-> committed {statistics.median(seconds):.1f} s (steps)"
        )
    print("load average at end: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
