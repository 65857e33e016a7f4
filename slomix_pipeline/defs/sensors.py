"""The landing-zone sensor: newly landed files become one run per affected gaming-day partition.

ONE sensor, ``landing_zone_sensor``, watches every landing folder. Each tick evaluates each
folder on its own (:func:`evaluate_landing_tick`: ``landing/inventory.py`` explains why its
cursor follows inode change times with an overlap window), then merges the folders' requests by
gaming day and asks for ONE run per affected day. That run materializes the assets reading the
folders with new files *and everything fed by them*, with their asset checks:

=====================  ===========================  ==============================================
folder                 reading asset                the run also materializes
=====================  ===========================  ==============================================
``local_stats/``       ``raw_stats_files``          proximity_engagements, linked_rounds,
                                                    session_aggregates, endstats
``local_gametimes/``   ``gametime_files``           lua_round_teams, proximity_engagements,
                                                    linked_rounds, session_aggregates
``webhook_drops/``     ``webhook_drops``            (same as gametime)
``local_proximity/``   ``proximity_engagements``    linked_rounds, session_aggregates
=====================  ===========================  ==============================================

Why one sensor and whole chains: every run is a new process that spends about 2 s importing the
code location. With one sensor per folder plus the automation sensor for the downstream assets,
a round (four files in four folders) cost four landing runs and then another tick of the
automation sensor and another run: measured p50 18.4 s from the stats file landing to its round
in ``session_rounds``. One run per day and tick brings that under 10 s (docs/operations.md).

The downstream closures are a static map (:data:`SPECS`) rather than a graph query at tick
time: the sensor then works the same whether it is evaluated in the code server or called
directly, and ``slomix_pipeline_tests/defs/test_sensors.py`` compares the map with the real
asset graph, so a new downstream asset fails the tests until it is added here.

Run keys are deterministic: ``<day>:<digest over the (folder, file-set digest) pairs>``, each
folder's digest covering the sorted (name, size, mtime, ctime) of its files. A re-evaluated tick
asks for the same keys, which Dagster launches only once. The cursor is one JSON document with
the per-folder cursors (``{"v": 2, "folders": {"local_stats": {...}, ...}}``).

The automation sensor (``defs/automation.py``) still watches the downstream assets; it does not
launch a second run for what a landing run materialized (an input updated by the asset's own
attempt run does not count), and catches updates made elsewhere (a re-run from the UI).

A file landed *again* with exactly what the warehouse already holds for it (same name, same
bytes, same gaming day; for Lua files also the same arrival second, which decides precedence
between deliveries) requests nothing: a copy tool re-sending a folder, an rsync without
``--ignore-existing`` or a restored backup would otherwise re-run every day it touches. The
warehouse's ``processed_files`` ledger is the reference (every ingestion records each file
there); the sensor only reads it, never creates or migrates it, and if it cannot be read the
file simply counts as new.

A folder whose evaluation raises (an unreadable file, say) keeps its previous cursor and is
retried on the next tick; the other folders go on. The tick fails visibly (the error in the
tick's log) unless another folder produced runs, in which case the error is logged.

Settings (environment, read when the code location loads):

* ``SLOMIX_SENSOR_INTERVAL_SECONDS`` (default 5): minimum seconds between ticks (the daemon
  loops over its sensors every 5 s at most).
* ``SLOMIX_SENSOR_MAX_RUNS_PER_TICK`` (default 25): runs one tick may request (newest days
  first); further days stay in the cursor for the next ticks.
* ``SLOMIX_SENSORS_DEFAULT_RUNNING`` (default off): ``1`` makes every slomix sensor start as
  RUNNING; otherwise they start STOPPED (dev, tests) and are switched on in the UI or with
  ``dagster sensor start``.
"""

# No ``from __future__ import annotations``: Dagster inspects the sensor's resource parameter
# annotations at decoration time.
import hashlib
import json
import logging
import time
import traceback
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
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
    QueuedDay,
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
    printable_name,
)
from slomix_pipeline.settings_model import read_env
from slomix_pipeline.warehouse import schema
from slomix_pipeline.warehouse.engine import normalise_url
from slomix_pipeline.warehouse.schema_lua import lua_events

SENSOR_DEFAULTS: dict[str, str] = {
    "SLOMIX_SENSOR_INTERVAL_SECONDS": "5",
    "SLOMIX_SENSOR_MAX_RUNS_PER_TICK": "25",
    "SLOMIX_SENSORS_DEFAULT_RUNNING": "0",
}
LANDING_SENSOR_NAME = "landing_zone_sensor"
FOLDER_TAG = "slomix/landing_folder"
"""Comma-separated landing folders whose new files a run loads."""
FILES_TAG = "slomix/landed_files"
"""Number of new files (all folders) a run loads."""


def env_int(key: str, low: int, high: int, env: Mapping[str, str] | None = None) -> int:
    """A whole-number sensor setting from the typed model; ``low``/``high`` double-check it."""
    value = getattr(read_env(env), key[len("SLOMIX_") :].lower())
    if not low <= value <= high:
        raise ValueError(f"{key}={value} is outside {low}..{high}")
    return value


def default_sensor_status(env: Mapping[str, str] | None = None) -> dg.DefaultSensorStatus:
    """RUNNING when ``SLOMIX_SENSORS_DEFAULT_RUNNING`` is 1/true/yes/on, else STOPPED."""
    running = read_env(env).sensors_default_running
    return dg.DefaultSensorStatus.RUNNING if running else dg.DefaultSensorStatus.STOPPED


# ------------------------------------------------------------------------------ landing folders


@dataclass(frozen=True, slots=True)
class LandingFolderSpec:
    """One landing folder, the asset that reads it and every asset fed by that asset.

    ``downstream`` is the asset graph's downstream closure of ``asset`` (without ``asset``),
    in an order where every asset follows its inputs; a test compares it with the real graph.
    """

    folder: str
    asset: str
    downstream: tuple[str, ...]

    @property
    def assets(self) -> tuple[str, ...]:
        """What a run for new files of this folder materializes."""
        return (self.asset, *self.downstream)


DATASET_CHAIN = ("players", "careers", "leaderboards", "season_exports")
"""The community datasets (``defs/datasets``): fed by the sessions, so a landing run of a night
updates careers, boards and exports in the same run as its sessions."""
_LUA_CHAIN = (
    "lua_round_teams",
    "proximity_engagements",
    "linked_rounds",
    "session_aggregates",
    *DATASET_CHAIN,
)

SPECS: tuple[LandingFolderSpec, ...] = (
    LandingFolderSpec(
        STATS_FOLDER,
        "raw_stats_files",
        (
            "proximity_engagements",
            "linked_rounds",
            "session_aggregates",
            "endstats",
            *DATASET_CHAIN,
        ),
    ),
    LandingFolderSpec(GAMETIMES_FOLDER, "gametime_files", _LUA_CHAIN),
    LandingFolderSpec(WEBHOOK_FOLDER, "webhook_drops", _LUA_CHAIN),
    LandingFolderSpec(
        PROXIMITY_FOLDER,
        "proximity_engagements",
        ("linked_rounds", "session_aggregates", *DATASET_CHAIN),
    ),
)

ASSET_ORDER: tuple[str, ...] = (
    "raw_stats_files",
    "gametime_files",
    "webhook_drops",
    "lua_round_teams",
    "proximity_engagements",
    "linked_rounds",
    "session_aggregates",
    "endstats",
    *DATASET_CHAIN,
)
"""Every asset a landing run may materialize, each after its inputs (the order of a run's
``asset_selection``; Dagster orders the steps by the graph anyway)."""


def assets_for(specs: Iterable[LandingFolderSpec]) -> tuple[str, ...]:
    """The union of the specs' assets, in :data:`ASSET_ORDER`."""
    wanted = {name for spec in specs for name in spec.assets}
    unknown = wanted - set(ASSET_ORDER)
    if unknown:
        raise ValueError(f"assets missing from ASSET_ORDER: {sorted(unknown)}")
    return tuple(name for name in ASSET_ORDER if name in wanted)


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
    return read_env(env).database_url or default_sqlite_url(data_dir)


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
    # a SQLite writer may hold the file briefly; wait like the runs do rather than fail the read
    connect_args = {"timeout": 30} if parsed.get_backend_name() == "sqlite" else {}
    engine = create_engine(parsed, connect_args=connect_args)
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
        except OSError:  # unreadable: let the run record it as quarantined
            return day
        if digest != known.sha256:
            return day
        skipped.append(stamp.name)
        return None

    return day_unless_ingested


def evaluate_landing_tick(
    spec: LandingFolderSpec,
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
    # Undecodable names cannot be in the ledger (it stores printable names) nor be bound to SQL.
    recent = [s.name for s in stamps if s.ctime_ns > lower and printable_name(s.name) == s.name]
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


# ------------------------------------------------------------------------- the combined sensor

ZONE_CURSOR_VERSION = 2


@dataclass(frozen=True, slots=True)
class ZoneCursor:
    """The landing sensor's cursor: one :class:`LandingCursor` per folder.

    A folder missing from the document has never ticked (every file in it counts as new,
    except those the warehouse already holds unchanged).
    """

    folders: Mapping[str, LandingCursor] = field(default_factory=dict)

    def get(self, folder: str) -> LandingCursor:
        return self.folders.get(folder) or LandingCursor()

    def to_json(self) -> str:
        """Compact, deterministic JSON (sorted keys), so equal cursors are equal strings."""
        document = {
            "v": ZONE_CURSOR_VERSION,
            "folders": {
                folder: json.loads(cursor.to_json())
                for folder, cursor in sorted(self.folders.items())
            },
        }
        return json.dumps(document, separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> "ZoneCursor":
        """Read a stored cursor; an unreadable or unknown-version one is an error (resetting it
        would either request the whole history again or skip files)."""
        if not text:
            return cls()
        document = json.loads(text)
        if not isinstance(document, dict) or document.get("v") != ZONE_CURSOR_VERSION:
            raise ValueError(
                f"landing_zone_sensor cursor of unknown version (expected "
                f'{{"v": {ZONE_CURSOR_VERSION}, "folders": {{...}}}}): {text[:80]!r}'
            )
        folders = document.get("folders", {})
        if not isinstance(folders, dict):
            raise ValueError(f"landing_zone_sensor cursor: folders is not an object: {text[:80]!r}")
        return cls(
            {
                str(folder): LandingCursor.from_json(json.dumps(value))
                for folder, value in folders.items()
            }
        )


@dataclass(frozen=True, slots=True)
class FolderBatch:
    """The new files of one folder for one day: their count and the digest of the set."""

    folder: str
    files: int
    digest: str


@dataclass(frozen=True, slots=True)
class ZoneRequest:
    """One run to request: a gaming day, the folders' new files and the assets to materialize."""

    day: date
    batches: tuple[FolderBatch, ...]
    assets: tuple[str, ...]

    @property
    def partition_key(self) -> str:
        return self.day.isoformat()

    @property
    def folders(self) -> tuple[str, ...]:
        return tuple(batch.folder for batch in self.batches)

    @property
    def files(self) -> int:
        return sum(batch.files for batch in self.batches)

    @property
    def run_key(self) -> str:
        """Deterministic: the same files in the same folders for the same day give the same
        key, whichever tick (or re-evaluated tick) sees them."""
        lines = "".join(f"{b.folder}\t{b.digest}\n" for b in sorted(self.batches, key=_by_folder))
        digest = hashlib.sha256(lines.encode("utf-8")).hexdigest()
        return f"{self.partition_key}:{digest[:24]}"


def _by_folder(batch: FolderBatch) -> str:
    return batch.folder


@dataclass(frozen=True, slots=True)
class ZoneTick:
    """One tick over every folder: the merged requests, the next cursor, and what was left out.

    ``folder_ticks`` holds each evaluated folder's own outcome (its plan's requests are those
    before merging); ``errors`` maps a folder whose evaluation raised to the error (its cursor
    in ``cursor`` is the previous one); ``waiting_days`` are days queued in any folder.
    """

    requests: tuple[ZoneRequest, ...]
    cursor: ZoneCursor
    folder_ticks: Mapping[str, LandingTick]
    errors: Mapping[str, str] = field(default_factory=dict)
    waiting_days: tuple[str, ...] = ()


def merge_folder_plans(
    specs: Sequence[LandingFolderSpec],
    plans: Mapping[str, TickPlan],
    max_requests: int,
) -> tuple[tuple[ZoneRequest, ...], dict[str, LandingCursor]]:
    """Merge the folders' requests into one request per day, newest ``max_requests`` days.

    Days beyond the cap go back into the queue of each folder that asked for them, with the
    digest they had, so a later tick requests them under the same run key (or chains newer
    files onto them exactly as :func:`plan_tick` does). Returns the requests and the folders'
    next cursors.
    """
    by_folder = {spec.folder: spec for spec in specs}
    by_day: dict[date, list[FolderBatch]] = {}
    for folder, plan in plans.items():
        for request in plan.requests:
            by_day.setdefault(request.day, []).append(
                FolderBatch(folder, request.files, request.digest)
            )
    cursors = {folder: plan.cursor for folder, plan in plans.items()}
    days = sorted(by_day, reverse=True)
    requests = []
    for day in days[: max(max_requests, 0)]:
        batches = tuple(sorted(by_day[day], key=_by_folder))
        assets = assets_for(by_folder[batch.folder] for batch in batches)
        requests.append(ZoneRequest(day, batches, assets))
    for day in days[max(max_requests, 0) :]:
        for batch in by_day[day]:
            previous = cursors[batch.folder]
            queued = dict(previous.queued)
            queued[day.isoformat()] = QueuedDay(batch.digest, batch.files)
            cursors[batch.folder] = LandingCursor(previous.horizon_ns, previous.seen, queued)
    return tuple(requests), cursors


def evaluate_landing_zone(
    specs: Sequence[LandingFolderSpec],
    data_dir: Path,
    cursor_text: str | None,
    *,
    now_ns: int | None = None,
    bounds: tuple[date, date] | None = None,
    max_requests: int | None = None,
    warehouse_url: str | None = None,
) -> ZoneTick:
    """One tick over every folder of ``specs`` (the clock is read once, before any scan)."""
    now_ns = time.time_ns() if now_ns is None else now_ns
    bounds = _partition_bounds() if bounds is None else bounds
    cap = (
        env_int("SLOMIX_SENSOR_MAX_RUNS_PER_TICK", 1, 1000)
        if max_requests is None
        else max_requests
    )
    previous = ZoneCursor.from_json(cursor_text)
    folder_ticks: dict[str, LandingTick] = {}
    errors: dict[str, str] = {}
    for spec in specs:
        try:
            folder_ticks[spec.folder] = evaluate_landing_tick(
                spec,
                data_dir,
                previous.get(spec.folder).to_json(),
                now_ns=now_ns,
                bounds=bounds,
                max_requests=cap,  # the newest `cap` merged days are among each folder's newest
                warehouse_url=warehouse_url,
            )
        except Exception:  # one broken folder must not stop the others; reported by the caller
            errors[spec.folder] = traceback.format_exc(limit=8)
    requests, cursors = merge_folder_plans(
        specs, {folder: tick.plan for folder, tick in folder_ticks.items()}, cap
    )
    for folder in errors:  # retried from where it was on the next tick
        if folder in previous.folders:
            cursors[folder] = previous.folders[folder]
    waiting = sorted({day for cursor in cursors.values() for day in cursor.queued})
    return ZoneTick(requests, ZoneCursor(cursors), folder_ticks, errors, tuple(waiting))


def run_request_for(request: ZoneRequest) -> dg.RunRequest:
    """The Dagster run of one merged request.

    ``asset_check_keys`` stays unset on purpose: a subset by ``asset_selection`` alone runs
    every check of the selected assets (``JobDefinition.get_subset``), blocking gates included,
    and the tests assert that the gates run in the landing run.
    """
    return dg.RunRequest(
        run_key=request.run_key,
        partition_key=request.partition_key,
        asset_selection=[dg.AssetKey(name) for name in request.assets],
        tags={FOLDER_TAG: ",".join(request.folders), FILES_TAG: str(request.files)},
    )


def zone_result(tick: ZoneTick, log: logging.Logger) -> dg.SensorResult:
    """The sensor result of one tick; raises when a folder failed and nothing was requested."""
    requests = [run_request_for(request) for request in tick.requests]
    notes: list[str] = []
    before_first: list[tuple[str, date]] = []
    already: list[str] = []
    for folder, folder_tick in sorted(tick.folder_ticks.items()):
        if folder_tick.ledger_error:
            log.warning(
                f"{folder}/: cannot read the processed_files ledger ({folder_tick.ledger_error})"
            )
        before_first.extend(
            (f"{folder}/{printable_name(name)}", day)
            for name, day in folder_tick.plan.before_first_day
        )
        already.extend(f"{folder}/{name}" for name in folder_tick.already_ingested)
    if before_first:
        names = ", ".join(name for name, _ in before_first[:5])
        notes.append(
            f"{len(before_first)} file(s) belong to days before the first partition "
            f"(SLOMIX_PARTITION_START) and cannot be loaded: {names}"
        )
        log.warning(notes[-1])
    if tick.waiting_days:
        notes.append(f"days waiting for a later tick: {', '.join(tick.waiting_days[:10])}")
    if already:
        notes.append(
            f"{len(already)} file(s) landed again identical to what the warehouse holds "
            f"(nothing to do): {', '.join(already[:5])}"
        )
    for folder, error in sorted(tick.errors.items()):
        log.error(f"{folder}/ could not be evaluated (retried next tick):\n{error}")
    if tick.errors and not requests:
        failed = ", ".join(f"{folder}/" for folder in sorted(tick.errors))
        last_line = next(iter(tick.errors.values())).strip().splitlines()[-1]
        raise RuntimeError(f"landing folder(s) {failed} could not be evaluated: {last_line}")
    skip = None
    if not requests:
        skip = "; ".join(notes) if notes else "no new files in the landing folders"
    return dg.SensorResult(
        run_requests=requests, cursor=tick.cursor.to_json(), skip_reason=skip or None
    )


def build_landing_sensor(
    *specs: LandingFolderSpec, name: str = LANDING_SENSOR_NAME
) -> dg.SensorDefinition:
    """The landing sensor over ``specs`` (default: every landing folder, see the module
    docstring). Its target is the union of the folders' assets with their checks; each run
    request narrows it to the assets of the folders with new files."""
    specs = specs or SPECS

    @dg.sensor(
        name=name,
        target=dg.AssetSelection.assets(*assets_for(specs)),
        minimum_interval_seconds=env_int("SLOMIX_SENSOR_INTERVAL_SECONDS", 1, 3600),
        default_status=default_sensor_status(),
        description=(
            "One run per gaming day with files newly landed in "
            f"{', '.join(spec.folder + '/' for spec in specs)}: the assets reading those "
            "folders plus everything fed by them, with their checks "
            "(run_key = day + digest of the files)."
        ),
    )
    def _sensor(
        context: dg.SensorEvaluationContext, landing: LandingZoneResource
    ) -> dg.SensorResult:
        tick = evaluate_landing_zone(specs, landing.path(), context.cursor)
        return zone_result(tick, context.log)

    return _sensor


landing_zone_sensor = build_landing_sensor()


@dg.definitions
def sensors() -> dg.Definitions:
    return dg.Definitions(sensors=[landing_zone_sensor])
