"""The Dagster event floor of a whole-history rebuild: the rebuild graph with zero asset work.

    .venv/bin/python bench/dagster_floor.py      # 253, 1,000, 2,542 days; 253 and 2,542 with play
    .venv/bin/python bench/dagster_floor.py --days 2542 --gates play   # gates on play days only
    .venv/bin/python bench/dagster_floor.py --days 30 --gates all --gates play --events
    .venv/bin/python bench/dagster_floor.py --days 1000 --planned-subset   # one planned per asset
    .venv/bin/python bench/dagster_floor.py --days 1000 --cache-has-table  # see EXPERIMENTS
    .venv/bin/python bench/dagster_floor.py --days 253 --gates all --profile /tmp/prof  # py-spy

Why (issue 13): a seven-year rebuild writes ~71,000 Dagster events, and the question is how much
of the 60 s target Dagster OSS spends on them before any asset does anything. The code location
``bench/dagster_floor_location.py`` has the rebuild's shape (12 daily-partitioned assets with
``BackfillPolicy.single_run()``, 10 per-day gates emitting through the project's ``emit``, 3
once-per-run checks) and bodies that return at once. Each case runs it as one ranged run over N
calendar days from 2019-03-05 through the CLI's range launch (``bench/dagster_floor_run.py``:
``runner.run_range`` with the CLI's instance tuning) in a child process, on a fresh PostgreSQL
Dagster instance configured as ``docs/deploy/dagster.postgres.yaml``, with
``DAGSTER_EVENT_BATCH_SIZE`` as the project's code location sets it.

Gates: ``all`` judges every day; ``play`` only the days of ``bench/history.py``'s history
(11 nights every 28 days, 39 %), as the project's gates skip days without landings.

Printed per case (``bench/history.py``'s measurement): wall, CPU of the run process
(``RUSAGE_CHILDREN``), PostgreSQL CPU (the instance database's backends, from ``/proc``),
events written by kind, instance growth (``pg_database_size``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from itertools import cycle
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(BENCH))

from history import (  # noqa: E402
    DEFAULT_ADMIN,
    NIGHT_GAPS,
    START,
    _create_database,
    _drop_database,
    _last_event_id,
    child_environment,
    postgres_instance_home,
    rebuild,
)

DEFAULT_DAYS = (253, 1000, 2542)
"""One year (the 1,000-round history), seven years of play days only, seven calendar years."""
HISTORY_SPANS = (253, 2542)
"""The calendar spans of ``bench/history.py``'s 1,000- and 10,000-round histories: with the
gates on play days, their runs write those rebuilds' events (by default measured both ways)."""

EXPERIMENTS = {
    "planned-subset": (
        "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS",
        "true",
        "one planned event per asset, not per asset and day (not enabled by the project: "
        "docs/benchmarks.md says why)",
    ),
    "cache-has-table": (
        "FLOOR_CACHE_HAS_TABLE",
        "1",
        "the event log's has_table cached per process (bench/dagster_floor_run.py)",
    ),
}
"""Options that change the run (flag: variable, value, help); none is the project's default."""

EVENT_KINDS = {
    "ASSET_MATERIALIZATION_PLANNED": "planned",
    "ASSET_MATERIALIZATION": "materializations",
    "ASSET_CHECK_EVALUATION": "evaluations",
}


def play_days(first: date, last: date) -> Iterator[date]:
    """The nights of ``bench/history.py``'s history between ``first`` and ``last``."""
    day, gaps = START, cycle(NIGHT_GAPS)
    while day <= last:
        if day >= first:
            yield day
        day += timedelta(days=next(gaps))


def events_by_kind(instance_url: str, after_id: int) -> dict[str, int]:
    """Rows of ``event_logs`` above ``after_id``: planned, materializations, evaluations, other."""
    from sqlalchemy import create_engine, text

    engine = create_engine(instance_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT dagster_event_type, count(*) FROM event_logs WHERE id > :after GROUP BY 1"
            ),
            {"after": after_id},
        ).all()
    engine.dispose()
    counts = dict.fromkeys([*EVENT_KINDS.values(), "other"], 0)
    for kind, count in rows:
        counts[EVENT_KINDS.get(kind or "", "other")] += int(count)
    return counts


def run_case(
    days: int,
    gates: str,
    admin_url: str,
    timeout: float,
    breakdown: bool = False,
    experiments: Mapping[str, str] | None = None,
    profile: Path | None = None,
) -> dict[str, float | int | bool]:
    """One ranged no-work run over ``days`` calendar days on a fresh instance; its figures.

    ``experiments``: more environment for the run process (:data:`EXPERIMENTS`).
    """
    from slomix_pipeline.definitions import EVENT_BATCH_SIZE

    first, last = START, START + timedelta(days=days - 1)
    with tempfile.TemporaryDirectory(prefix="slomix-floor-") as tmp:
        home = postgres_instance_home(Path(tmp))
        judged = list(play_days(first, last)) if gates == "play" else []
        played = Path(tmp) / "play_days.txt"
        played.write_text("".join(f"{d.isoformat()}\n" for d in judged))
        instance_db, instance_url = _create_database(admin_url, "slomix_floor_dg")
        env = child_environment(
            DAGSTER_HOME=str(home),
            DAGSTER_PG_URL=instance_url,
            DAGSTER_EVENT_BATCH_SIZE=EVENT_BATCH_SIZE,  # what slomix_pipeline.definitions sets
            SLOMIX_PARTITION_START=START.isoformat(),  # the first partition: the first night
            PYTHONPATH=os.pathsep.join([str(REPO), str(BENCH)]),
        )
        if gates == "play":
            env["FLOOR_PLAY_DAYS"] = str(played)
        env.update(experiments or {})
        try:
            after = _last_event_id(instance_url)
            command = [str(BENCH / "dagster_floor_run.py"), first.isoformat(), last.isoformat()]
            r = rebuild(
                env,
                instance_url,
                Path(tmp),
                timeout,
                profile / f"floor-{days}-{gates}.txt" if profile else None,
                server=(admin_url, [instance_db]),
                breakdown=breakdown,
                command=command,
            )
            kinds = events_by_kind(instance_url, after)
        finally:
            _drop_database(admin_url, instance_db)
    if r.exit_code != 0:
        print("    " + r.output_tail.replace("\n", "\n    "))
    return {
        "days": days,
        "judged": len(judged) if gates == "play" else days,
        "ok": r.exit_code == 0,
        "wall": r.wall,
        "cpu": r.cpu,
        "pg_cpu": r.server_cpu,
        "rss_mb": r.peak_rss_mb,
        "events": r.events,
        "growth_mb": (r.instance_bytes_after - r.instance_bytes_before) / 1e6,
        **kinds,
    }


def format_row(f: dict[str, float | int | bool]) -> str:
    """One markdown table row (the docs/benchmarks.md table)."""
    per_event = 1000 * float(f["cpu"]) / max(1, int(f["events"]))
    return (
        f"| {f['days']:,} | {f['judged']:,} | {'ok' if f['ok'] else 'FAILED'} "
        f"| {f['wall']:.1f} s | {f['cpu']:.1f} s | {f['pg_cpu']:.1f} s | {f['rss_mb']:.0f} MB "
        f"| {f['events']:,} ({f['planned']:,} / {f['materializations']:,} / "
        f"{f['evaluations']:,} / {f['other']:,}) | {per_event:.2f} ms "
        f"| +{f['growth_mb']:.1f} MB |"
    )


HEADER = (
    "| calendar days | days judged | run | wall | CPU run process | CPU PostgreSQL | peak RSS "
    "| events (planned / materializations / evaluations / other) | run CPU per event "
    "| instance growth |\n|---|---|---|---|---|---|---|---|---|---|"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, action="append", help="default: 253, 1000, 2542")
    parser.add_argument(
        "--gates",
        choices=("all", "play"),
        action="append",
        help="days the gates judge (default: all; and play for the histories' spans)",
    )
    parser.add_argument("--postgres", default=DEFAULT_ADMIN, help="admin URL of the server")
    parser.add_argument("--timeout", type=float, default=1800, help="cap per run, seconds")
    parser.add_argument("--events", action="store_true", help="events by type and asset")
    for flag, (variable, value, what) in EXPERIMENTS.items():
        parser.add_argument(f"--{flag}", action="store_const", const={variable: value}, help=what)
    parser.add_argument("--profile", type=Path, help="write py-spy collapsed stacks here")
    args = parser.parse_args()
    sizes = args.days or list(DEFAULT_DAYS)
    cases = [(n, g) for n in sizes for g in args.gates or ["all"]]
    if not args.gates:
        cases += [(n, "play") for n in sizes if n in HISTORY_SPANS]
    print(f"load average before: {os.getloadavg()}")
    print(HEADER, flush=True)
    ok = True
    for days, gates in cases:
        experiments: dict[str, str] = {}
        for flag in EXPERIMENTS:
            experiments.update(getattr(args, flag.replace("-", "_")) or {})
        figures = run_case(
            days, gates, args.postgres, args.timeout, args.events, experiments, args.profile
        )
        print(format_row(figures) + f"  load {os.getloadavg()[0]:.1f}", flush=True)
        ok = ok and bool(figures["ok"])
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
