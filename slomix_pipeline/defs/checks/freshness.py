"""Stats freshness: during active hours, stats files keep arriving.

An unpartitioned, non-blocking WARN check on ``raw_stats_files``, run on a schedule (a check that
only ran when the asset materialized could never notice that nothing arrives). It compares the
newest stored round's file time (the round end on the server clock, not the time a run happened
to re-process an old day) with the wall clock, counting only time inside the current active
window.

Environment (all optional):

- ``SLOMIX_FRESHNESS_ACTIVE_HOURS``: server-clock window ``HH:MM-HH:MM`` (default
  ``19:00-01:00``; an end before the start wraps past midnight, ``00:00-24:00`` is all day).
- ``SLOMIX_FRESHNESS_WINDOW_MINUTES``: longest accepted silence inside the window (default 60,
  1..1440).
- ``SLOMIX_FRESHNESS_CRON``: when the schedule evaluates the check (default ``*/15 * * * *``,
  server time zone). The schedule starts STOPPED unless ``SLOMIX_SENSORS_DEFAULT_RUNNING=1``.
"""

# No ``from __future__ import annotations`` in modules under defs/ (Dagster reads annotations).
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import dagster as dg

from slomix_pipeline.defs.checks.render import single_result
from slomix_pipeline.defs.resources import GatesResource, WarehouseResource
from slomix_pipeline.defs.sensors.settings import default_sensor_status
from slomix_pipeline.defs.step_order import AFTER_THE_SESSION_PATH
from slomix_pipeline.domain import gaming_day
from slomix_pipeline.domain.gates.active_hours import ActiveHours, parse_active_hours
from slomix_pipeline.domain.gates.freshness import freshness_gate
from slomix_pipeline.settings_model import read_env
from slomix_pipeline.warehouse.gate_reads import read_newest_round

FRESHNESS_DEFAULTS: dict[str, str] = {
    "SLOMIX_FRESHNESS_ACTIVE_HOURS": "19:00-01:00",
    "SLOMIX_FRESHNESS_WINDOW_MINUTES": "60",
    "SLOMIX_FRESHNESS_CRON": "*/15 * * * *",
}


@dataclass(frozen=True, slots=True)
class FreshnessSettings:
    active_hours: ActiveHours
    window_s: int
    cron: str


def freshness_settings(env: Mapping[str, str] | None = None) -> FreshnessSettings:
    """The freshness knobs from the typed model; a bad value names its variable."""
    raw = read_env(env)
    try:
        hours = parse_active_hours(raw.freshness_active_hours)
    except ValueError as exc:
        raise ValueError(f"SLOMIX_FRESHNESS_ACTIVE_HOURS: {exc}") from exc
    return FreshnessSettings(hours, raw.freshness_window_minutes * 60, raw.freshness_cron)


def run_partition_days(tags: Mapping[str, str]) -> tuple[date, date] | None:
    """The gaming days a run targets (first, last), from its partition tags; None if none.

    Freshness is about the live day: a run that materializes only past days (a backfill, a
    re-run of last month) says nothing about whether files are arriving now.
    """
    single = tags.get("dagster/partition")
    if single:
        day = date.fromisoformat(single)
        return day, day
    first = tags.get("dagster/asset_partition_range_start")
    last = tags.get("dagster/asset_partition_range_end")
    if first and last:
        return date.fromisoformat(first), date.fromisoformat(last)
    return None


@dg.asset_check(
    asset="raw_stats_files",
    op_tags=AFTER_THE_SESSION_PATH,
    description=(
        "Freshness: during SLOMIX_FRESHNESS_ACTIVE_HOURS (server clock) the newest stored "
        "stats round is at most SLOMIX_FRESHNESS_WINDOW_MINUTES old (only time inside the "
        "active window counts). Warns, never blocks; evaluated by stats_freshness_schedule."
    ),
)
def stats_freshness(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource, gates: GatesResource
) -> dg.AssetCheckResult:
    cfg = freshness_settings()
    now = gaming_day.utc_now_epoch()
    live = gaming_day.gaming_day_of_epoch(now, gates.tz, gates.day_start_hour)
    run_days = run_partition_days(context.run.tags)
    if run_days is not None and not run_days[0] <= live <= run_days[1]:
        summary = (
            f"Historical run ({run_days[0]}..{run_days[1]}): freshness judges the live day "
            f"({live}) only"
        )
        return dg.AssetCheckResult(
            passed=True,
            severity=dg.AssetCheckSeverity.WARN,
            description=summary,
            metadata={"summary": summary, "live_day": live.isoformat()},
        )
    with warehouse.get_engine().connect() as conn:
        newest = read_newest_round(conn)
    result = freshness_gate(
        now,
        newest[0] if newest else None,
        newest_label=newest[1] if newest else None,
        active_hours=cfg.active_hours,
        window_s=cfg.window_s,
        tz=gates.tz,
    )
    if not result.passed:
        context.log.warning(result.summary)
    return single_result(result, severity=dg.AssetCheckSeverity.WARN)


stats_freshness_job = dg.define_asset_job(
    "stats_freshness_job",
    selection=dg.AssetSelection.checks(stats_freshness),
    description="Evaluates the stats freshness check alone (no materialization).",
)

stats_freshness_schedule = dg.ScheduleDefinition(
    name="stats_freshness_schedule",
    job=stats_freshness_job,
    cron_schedule=freshness_settings().cron,
    execution_timezone=read_env().server_tz,
    default_status=(
        dg.DefaultScheduleStatus.RUNNING
        if default_sensor_status() == dg.DefaultSensorStatus.RUNNING
        else dg.DefaultScheduleStatus.STOPPED
    ),
    description="Runs stats_freshness every SLOMIX_FRESHNESS_CRON tick.",
)
