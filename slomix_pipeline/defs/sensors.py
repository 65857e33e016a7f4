"""Landing-zone sensors: newly landed files become one run per affected gaming-day partition.

One sensor per landing folder, each targeting the asset that reads that folder:

=====================  ===========================  ==========================
sensor                 folder                       asset
=====================  ===========================  ==========================
local_stats_sensor     ``local_stats/``             ``raw_stats_files``
local_gametimes_sensor ``local_gametimes/``         ``gametime_files``
webhook_drops_sensor   ``webhook_drops/``           ``webhook_drops``
local_proximity_sensor ``local_proximity/``         ``proximity_engagements``
=====================  ===========================  ==========================

(the proximity sensor exists only once ``defs/proximity/assets.py`` does). Each tick scans the
folder, finds the files landed since its cursor (``landing/inventory.py`` explains why the cursor
follows inode change times with an overlap window), groups them by gaming day and requests one
run per day with ``run_key = <day>:<digest of the file set>``: a re-evaluated tick asks for the
same keys, which Dagster launches only once. Downstream assets follow by declarative automation
(``defs/automation.py``).

Settings (environment, read when the code location loads):

* ``SLOMIX_SENSOR_INTERVAL_SECONDS`` (default 5): minimum seconds between ticks. With the
  daemon's 5 s run-queue dequeue and a ~2-3 s run start, a file is in its table about 8 s
  (p50) after it landed.
* ``SLOMIX_SENSOR_MAX_RUNS_PER_TICK`` (default 25): runs one tick may request (newest days
  first); further days stay in the cursor for the next ticks.
* ``SLOMIX_SENSORS_DEFAULT_RUNNING`` (default off): ``1`` makes every slomix sensor start as
  RUNNING; otherwise they start STOPPED (dev, tests) and are switched on in the UI or with
  ``dagster sensor start``.
"""

# No ``from __future__ import annotations``: Dagster inspects the sensor's resource parameter
# annotations at decoration time.
import logging
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dagster as dg

from slomix_pipeline.config import load_settings
from slomix_pipeline.defs.partitions import gaming_days
from slomix_pipeline.defs.resources import LandingZoneResource
from slomix_pipeline.landing.inventory import (
    DEFAULT_OVERLAP_SECONDS,
    LandingCursor,
    TickPlan,
    day_resolver,
    plan_tick,
    scan_folder,
)
from slomix_pipeline.landing.zone import (
    GAMETIMES_FOLDER,
    PROXIMITY_FOLDER,
    STATS_FOLDER,
    WEBHOOK_FOLDER,
)

SENSOR_DEFAULTS: dict[str, str] = {
    "SLOMIX_SENSOR_INTERVAL_SECONDS": "5",
    "SLOMIX_SENSOR_MAX_RUNS_PER_TICK": "25",
    "SLOMIX_SENSORS_DEFAULT_RUNNING": "0",
}
FOLDER_TAG = "slomix/landing_folder"
FILES_TAG = "slomix/landed_files"


def env_int(key: str, low: int, high: int, env: Mapping[str, str] | None = None) -> int:
    """A whole-number setting with its documented default; a bad value names the variable."""
    env = os.environ if env is None else env
    raw = env.get(key) or SENSOR_DEFAULTS[key]
    try:
        value = int(raw)
    except ValueError as exc:
        raise ValueError(f"{key}={raw!r} is not a whole number") from exc
    if not low <= value <= high:
        raise ValueError(f"{key}={value} is outside {low}..{high}")
    return value


def default_sensor_status(env: Mapping[str, str] | None = None) -> dg.DefaultSensorStatus:
    """RUNNING when ``SLOMIX_SENSORS_DEFAULT_RUNNING`` is 1/true/yes/on, else STOPPED."""
    env = os.environ if env is None else env
    raw = env.get("SLOMIX_SENSORS_DEFAULT_RUNNING", "").strip().lower()
    running = raw in {"1", "true", "yes", "on"}
    return dg.DefaultSensorStatus.RUNNING if running else dg.DefaultSensorStatus.STOPPED


@dataclass(frozen=True, slots=True)
class LandingSensorSpec:
    """One landing folder and the asset that reads it."""

    name: str
    folder: str
    asset: str


SPECS: tuple[LandingSensorSpec, ...] = (
    LandingSensorSpec("local_stats_sensor", STATS_FOLDER, "raw_stats_files"),
    LandingSensorSpec("local_gametimes_sensor", GAMETIMES_FOLDER, "gametime_files"),
    LandingSensorSpec("webhook_drops_sensor", WEBHOOK_FOLDER, "webhook_drops"),
    LandingSensorSpec("local_proximity_sensor", PROXIMITY_FOLDER, "proximity_engagements"),
)

_PROXIMITY_ASSETS_MODULE = Path(__file__).parent / "proximity" / "assets.py"


def active_specs() -> tuple[LandingSensorSpec, ...]:
    """Every spec whose target asset is part of the code location.

    A sensor targeting a missing asset would break loading of the whole location, and the
    proximity asset is still being built: its sensor appears with its module.
    """
    if _PROXIMITY_ASSETS_MODULE.exists():
        return SPECS
    return tuple(spec for spec in SPECS if spec.folder != PROXIMITY_FOLDER)


def _partition_bounds() -> tuple[date, date]:
    """First and last (currently open) gaming-day partition."""
    first = gaming_days.get_first_partition_key()
    last = gaming_days.get_last_partition_key()
    if first is None or last is None:  # partition start lies in the future
        return date.max, date.min
    return date.fromisoformat(first), date.fromisoformat(last)


def evaluate_landing_tick(
    spec: LandingSensorSpec,
    data_dir: Path,
    cursor_text: str | None,
    *,
    now_ns: int | None = None,
    bounds: tuple[date, date] | None = None,
    max_requests: int | None = None,
) -> TickPlan:
    """One tick's plan for ``spec`` (the clock is read before the folder is scanned)."""
    settings = load_settings()
    now_ns = time.time_ns() if now_ns is None else now_ns
    cursor = LandingCursor.from_json(cursor_text)
    stamps = scan_folder(data_dir / spec.folder)
    first_day, last_day = _partition_bounds() if bounds is None else bounds
    return plan_tick(
        stamps,
        cursor,
        now_ns=now_ns,
        day_of=day_resolver(spec.folder, data_dir, settings),
        first_day=first_day,
        last_day=last_day,
        max_requests=(
            env_int("SLOMIX_SENSOR_MAX_RUNS_PER_TICK", 1, 1000)
            if max_requests is None
            else max_requests
        ),
        overlap_ns=DEFAULT_OVERLAP_SECONDS * 1_000_000_000,
    )


def _result(spec: LandingSensorSpec, plan: TickPlan, log: logging.Logger) -> dg.SensorResult:
    requests = [
        dg.RunRequest(
            run_key=request.run_key,
            partition_key=request.partition_key,
            tags={FOLDER_TAG: spec.folder, FILES_TAG: str(request.files)},
        )
        for request in plan.requests
    ]
    notes: list[str] = []
    if plan.before_first_day:
        names = ", ".join(name for name, _ in plan.before_first_day[:5])
        notes.append(
            f"{len(plan.before_first_day)} file(s) belong to days before the first partition "
            f"(SLOMIX_PARTITION_START) and cannot be loaded: {names}"
        )
        log.warning(notes[-1])
    if plan.waiting_days:
        notes.append(f"days waiting for a later tick: {', '.join(plan.waiting_days[:10])}")
    skip = None
    if not requests:
        skip = f"no new files in {spec.folder}/" if not plan.new_files else "; ".join(notes)
    return dg.SensorResult(
        run_requests=requests, cursor=plan.cursor.to_json(), skip_reason=skip or None
    )


def build_landing_sensor(spec: LandingSensorSpec) -> dg.SensorDefinition:
    """The sensor of one landing folder (see the module docstring)."""

    @dg.sensor(
        name=spec.name,
        target=dg.AssetSelection.assets(spec.asset),
        minimum_interval_seconds=env_int("SLOMIX_SENSOR_INTERVAL_SECONDS", 1, 3600),
        default_status=default_sensor_status(),
        description=(
            f"Requests {spec.asset} for every gaming day with files newly landed in "
            f"{spec.folder}/ (one run per day, run_key = day + digest of the files)."
        ),
    )
    def _sensor(
        context: dg.SensorEvaluationContext, landing: LandingZoneResource
    ) -> dg.SensorResult:
        plan = evaluate_landing_tick(spec, landing.path(), context.cursor)
        return _result(spec, plan, context.log)

    return _sensor


landing_sensors: Sequence[dg.SensorDefinition] = tuple(
    build_landing_sensor(spec) for spec in active_specs()
)


@dg.definitions
def sensors() -> dg.Definitions:
    return dg.Definitions(sensors=list(landing_sensors))
