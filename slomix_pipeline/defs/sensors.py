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

A file landed *again* with exactly what the warehouse already holds for it (same name, same
bytes, same gaming day; for Lua files also the same arrival second, which decides precedence
between deliveries) requests nothing: a copy tool re-sending a folder, an rsync without
``--ignore-existing`` or a restored backup would otherwise re-run every day it touches. The
warehouse's ``processed_files`` ledger is the reference (every ingestion records each file
there); the sensor only reads it, never creates or migrates it, and if it cannot be read the
file simply counts as new.

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
import hashlib
import logging
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dagster as dg
from sqlalchemy import and_, create_engine, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from slomix_pipeline.config import default_sqlite_url, load_settings
from slomix_pipeline.defs.partitions import gaming_days
from slomix_pipeline.defs.resources import LandingZoneResource
from slomix_pipeline.landing.inventory import (
    DEFAULT_OVERLAP_SECONDS,
    DayOf,
    LandingCursor,
    LandingStamp,
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
from slomix_pipeline.warehouse import schema
from slomix_pipeline.warehouse.engine import normalise_url
from slomix_pipeline.warehouse.schema_lua import lua_events

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


LEDGER_SOURCES: dict[str, str] = {
    STATS_FOLDER: "stats",
    GAMETIMES_FOLDER: "gametime",
    WEBHOOK_FOLDER: "webhook",
    PROXIMITY_FOLDER: "proximity",
}
"""``processed_files.source`` of the files of each landing folder."""
_LUA_FOLDERS = frozenset({GAMETIMES_FOLDER, WEBHOOK_FOLDER})


@dataclass(frozen=True, slots=True)
class IngestedFile:
    """What the warehouse holds for one landed file name (its ``processed_files`` row).

    ``received_at`` is the arrival second stored with a Lua round end (``lua_events``); it is
    ``None`` for other sources and for Lua bodies that were not round ends.
    """

    gaming_day: date
    sha256: str
    received_at: int | None = None


@dataclass(frozen=True, slots=True)
class LandingTick:
    """One tick's plan plus the files that landed again unchanged (nothing to request)."""

    plan: TickPlan
    already_ingested: tuple[str, ...] = ()
    ledger_error: str | None = None


def warehouse_url_for(data_dir: Path, env: Mapping[str, str] | None = None) -> str:
    """The warehouse the ingestion of ``data_dir`` writes to (as ``WarehouseResource`` resolves
    it): ``SLOMIX_DATABASE_URL``, else the SQLite file inside the data dir."""
    env = os.environ if env is None else env
    return env.get("SLOMIX_DATABASE_URL") or default_sqlite_url(data_dir)


def read_ingested(url: str, folder: str, names: Iterable[str]) -> dict[str, IngestedFile]:
    """The ledger rows of ``names`` (files of landing folder ``folder``), read-only.

    A SQLite file or a ledger table that does not exist yet means "nothing ingested" (nothing
    is created); other read errors propagate as ``SQLAlchemyError`` for the caller to report.
    """
    wanted = sorted(set(names))
    parsed = normalise_url(url)
    if not wanted:
        return {}
    if parsed.get_backend_name() == "sqlite":
        database = make_url(url).database
        if not database or database == ":memory:" or not Path(database).is_file():
            return {}
    table = schema.processed_files
    source = LEDGER_SOURCES[folder]
    columns = [table.c.file_name, table.c.gaming_day, table.c.sha256]
    query_from = table
    if folder in _LUA_FOLDERS:
        columns.append(lua_events.c.received_at)
        query_from = table.outerjoin(
            lua_events,
            and_(
                lua_events.c.source == table.c.source,
                lua_events.c.source_file == table.c.file_name,
            ),
        )
    found: dict[str, IngestedFile] = {}
    engine = create_engine(parsed)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table(table.name):  # not migrated yet: no run so far
                return {}
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                query = (
                    select(*columns)
                    .select_from(query_from)
                    .where(table.c.source == source, table.c.file_name.in_(chunk))
                )
                for row in conn.execute(query):
                    received = row[3] if len(row) > 3 else None
                    found[row[0]] = IngestedFile(
                        row[1], row[2], None if received is None else int(received)
                    )
    finally:
        engine.dispose()
    return found


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def skip_already_ingested(
    day_of: DayOf,
    folder: Path,
    ingested: Mapping[str, IngestedFile],
    skipped: list[str],
) -> DayOf:
    """Wrap a day rule so that a file identical to its ledger row counts as "not there".

    Returning ``None`` (the rule's "vanished" answer) keeps the file out of the plan and out of
    the cursor's handled names, so a later different version of it is still seen. Only files
    with a ledger row are hashed.
    """
    lua = folder.name in _LUA_FOLDERS

    def day_unless_ingested(stamp: LandingStamp) -> date | None:
        day = day_of(stamp)
        known = ingested.get(stamp.name)
        if day is None or known is None or known.gaming_day != day:
            return day
        arrival = stamp.mtime_ns // 1_000_000_000
        if lua and known.received_at is not None and known.received_at != arrival:
            return day
        try:
            digest = _sha256_of(folder / stamp.name)
        except FileNotFoundError:
            return None
        if digest != known.sha256:
            return day
        skipped.append(stamp.name)
        return None

    return day_unless_ingested


def evaluate_landing_tick(
    spec: LandingSensorSpec,
    data_dir: Path,
    cursor_text: str | None,
    *,
    now_ns: int | None = None,
    bounds: tuple[date, date] | None = None,
    max_requests: int | None = None,
    warehouse_url: str | None = None,
) -> LandingTick:
    """One tick's plan for ``spec`` (the clock is read before the folder is scanned)."""
    settings = load_settings()
    now_ns = time.time_ns() if now_ns is None else now_ns
    cursor = LandingCursor.from_json(cursor_text)
    overlap_ns = DEFAULT_OVERLAP_SECONDS * 1_000_000_000
    stamps = scan_folder(data_dir / spec.folder)
    first_day, last_day = _partition_bounds() if bounds is None else bounds
    # Candidates for "new" in plan_tick (a superset: everything inside the look-back window).
    lower = min(cursor.horizon_ns, now_ns) - overlap_ns
    recent = [stamp.name for stamp in stamps if stamp.ctime_ns > lower]
    ledger_error = None
    try:
        ingested = read_ingested(warehouse_url or warehouse_url_for(data_dir), spec.folder, recent)
    except SQLAlchemyError as exc:  # unreadable ledger: every file counts as new
        ingested = {}
        ledger_error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    skipped: list[str] = []
    plan = plan_tick(
        stamps,
        cursor,
        now_ns=now_ns,
        day_of=skip_already_ingested(
            day_resolver(spec.folder, data_dir, settings),
            data_dir / spec.folder,
            ingested,
            skipped,
        ),
        first_day=first_day,
        last_day=last_day,
        max_requests=(
            env_int("SLOMIX_SENSOR_MAX_RUNS_PER_TICK", 1, 1000)
            if max_requests is None
            else max_requests
        ),
        overlap_ns=overlap_ns,
    )
    return LandingTick(plan, tuple(sorted(set(skipped))), ledger_error)


def _result(spec: LandingSensorSpec, tick: LandingTick, log: logging.Logger) -> dg.SensorResult:
    plan = tick.plan
    requests = [
        dg.RunRequest(
            run_key=request.run_key,
            partition_key=request.partition_key,
            tags={FOLDER_TAG: spec.folder, FILES_TAG: str(request.files)},
        )
        for request in plan.requests
    ]
    notes: list[str] = []
    if tick.ledger_error:
        log.warning(f"cannot read the processed_files ledger ({tick.ledger_error})")
    if plan.before_first_day:
        names = ", ".join(name for name, _ in plan.before_first_day[:5])
        notes.append(
            f"{len(plan.before_first_day)} file(s) belong to days before the first partition "
            f"(SLOMIX_PARTITION_START) and cannot be loaded: {names}"
        )
        log.warning(notes[-1])
    if plan.waiting_days:
        notes.append(f"days waiting for a later tick: {', '.join(plan.waiting_days[:10])}")
    if tick.already_ingested:
        names = ", ".join(tick.already_ingested[:5])
        notes.append(
            f"{len(tick.already_ingested)} file(s) landed again identical to what the "
            f"warehouse holds (nothing to do): {names}"
        )
    skip = None
    if not requests:
        skip = "; ".join(notes) if notes else f"no new files in {spec.folder}/"
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
        tick = evaluate_landing_tick(spec, landing.path(), context.cursor)
        return _result(spec, tick, context.log)

    return _sensor


landing_sensors: Sequence[dg.SensorDefinition] = tuple(
    build_landing_sensor(spec) for spec in active_specs()
)


@dg.definitions
def sensors() -> dg.Definitions:
    return dg.Definitions(sensors=list(landing_sensors))
