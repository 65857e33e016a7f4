"""One tick of the landing sensor: each folder evaluated on its own, then merged by day.

``landing/inventory.py`` explains why a folder's cursor follows inode change times with an
overlap window. A folder whose evaluation raises (an unreadable file, say) keeps its previous
cursor and is retried on the next tick; the other folders go on.
"""

import time
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypedDict, Unpack

from sqlalchemy.exc import SQLAlchemyError

from slomix_pipeline.config import load_settings
from slomix_pipeline.defs.partitions import gaming_days
from slomix_pipeline.defs.sensors.folders import LandingFolderSpec
from slomix_pipeline.defs.sensors.ledger import (
    read_ingested,
    skip_already_ingested,
    warehouse_url_for,
)
from slomix_pipeline.defs.sensors.settings import max_runs_per_tick
from slomix_pipeline.defs.sensors.zone_cursor import ZoneCursor
from slomix_pipeline.defs.sensors.zone_requests import ZoneRequest, merge_folder_plans
from slomix_pipeline.landing.inventory import (
    DEFAULT_OVERLAP_SECONDS,
    LandingCursor,
    TickPlan,
    day_resolver,
    plan_tick,
    scan_folder,
)
from slomix_pipeline.landing.zone import printable_name


class TickOptions(TypedDict, total=False):
    """What a caller (a test, a benchmark) may fix instead of the defaults: the clock, the
    partition bounds, the runs per tick cap and the warehouse holding the ledger."""

    now_ns: int
    bounds: tuple[date, date]
    max_requests: int
    warehouse_url: str | None


@dataclass(frozen=True, slots=True)
class LandingTick:
    """One tick's plan plus the files that landed again unchanged (nothing to request)."""

    plan: TickPlan
    already_ingested: tuple[str, ...] = ()
    ledger_error: str | None = None


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


def _now_ns(options: TickOptions) -> int:
    given = options.get("now_ns")
    return time.time_ns() if given is None else given


def _partition_bounds() -> tuple[date, date]:
    """First and last (currently open) gaming-day partition."""
    first = gaming_days.get_first_partition_key()
    last = gaming_days.get_last_partition_key()
    if first is None or last is None:  # partition start lies in the future
        return date.max, date.min
    return date.fromisoformat(first), date.fromisoformat(last)


def evaluate_landing_tick(
    spec: LandingFolderSpec,
    data_dir: Path,
    cursor_text: str | None,
    **options: Unpack[TickOptions],
) -> LandingTick:
    """One tick's plan for ``spec`` (the clock is read before the folder is scanned)."""
    settings = load_settings()
    now_ns = _now_ns(options)
    bounds = options.get("bounds")
    warehouse_url = options.get("warehouse_url")
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
        max_requests=max_runs_per_tick(options.get("max_requests")),
        overlap_ns=overlap_ns,
    )
    return LandingTick(plan, tuple(sorted(set(skipped))), ledger_error)


def evaluate_landing_zone(
    specs: Sequence[LandingFolderSpec],
    data_dir: Path,
    cursor_text: str | None,
    **options: Unpack[TickOptions],
) -> ZoneTick:
    """One tick over every folder of ``specs`` (the clock is read once, before any scan)."""
    now_ns = _now_ns(options)
    bounds = options.get("bounds") or _partition_bounds()
    cap = max_runs_per_tick(options.get("max_requests"))
    warehouse_url = options.get("warehouse_url")
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
