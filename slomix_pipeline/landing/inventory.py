"""Landing-zone change detection for sensors: what landed since the last tick, and for which day.

A sensor tick must find every file that landed since the previous tick, exactly once, even when

* several files land within one clock tick of each other (file-system timestamps are coarse:
  Linux stamps inodes from a clock that advances in jiffies, other systems in whole seconds);
* a file lands *during* the tick, after the folder was listed but with a timestamp older than
  the moment the tick finished;
* a file lands with an old modification time (``cp -p``, ``mv`` from another folder, ``rsync -t``,
  an SFTP client preserving times): a watermark on ``st_mtime`` would skip it forever.

So the cursor is kept on the inode *change* time (``st_ctime``), which the kernel sets to "now" on
every create, rename into the folder, content change and ``utime`` call, and which user space
cannot set. Each tick re-examines a short overlap window below its previous horizon and remembers
the names (with their ctime) it already handled inside that window; that absorbs coarse
timestamps and files landed mid-tick without a second request. (On Windows ``st_ctime`` is the
creation time; the platform targets Linux servers.)

Files are grouped by gaming day, the partition of the asset that reads the folder. The day is
decided exactly as that asset's ingestion decides it, so a request always names the partition
that will actually pick the file up:

* stats files: the file-name time (server wall clock); a name without a time: the landing time;
* proximity files: the proximity ingestion's own rule (``ingest.proximity.file_gaming_day``:
  the header's ``round_end_unix``, else the file-name time, else the landing time); only the
  header block is read;
* webhook drops and gametime files: the round end of the parsed event; a body that is not a
  round end (ignored or rejected) belongs to the day of its landing time. The full parser is used
  on purpose: a partial read could disagree with the ingestion about which body is a valid round
  end, and a body is at most a few hundred KiB (parsing costs well under a millisecond).

This module knows nothing of Dagster; ``defs/sensors/`` turns a :class:`TickPlan` into run
requests.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from slomix_pipeline.config import Settings
from slomix_pipeline.cursor_json import dump_versioned, load_versioned
from slomix_pipeline.domain.gaming_day import gaming_day_of_epoch, gaming_day_of_local
from slomix_pipeline.domain.lua_records import LuaRoundEnd
from slomix_pipeline.domain.lua_values import gaming_day_of
from slomix_pipeline.formats.gametime import MAX_GAMETIME_BYTES, parse_gametime_file
from slomix_pipeline.formats.lua_day_hint import round_end_hint
from slomix_pipeline.formats.stats_file import classify_stats_filename
from slomix_pipeline.formats.webhook import parse_webhook_body
from slomix_pipeline.landing.zone import (
    GAMETIMES_FOLDER,
    PROXIMITY_FOLDER,
    STATS_FOLDER,
    WEBHOOK_FOLDER,
)

CURSOR_VERSION = 1
DEFAULT_OVERLAP_SECONDS = 30
"""How far below its horizon a tick looks again; must exceed the worst timestamp coarseness,
the longest tick and any backwards clock step between two ticks."""


DayOf = Callable[["LandingStamp"], date | None]
"""Gaming day of a landed file, or None when the file vanished before it could be read."""


# ------------------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class LandingStamp:
    """One landing of one file: its name and the stat fields that change when it (re)lands."""

    name: str
    size: int
    mtime_ns: int
    ctime_ns: int


@dataclass(frozen=True, slots=True)
class QueuedDay:
    """Files of a day that landed but have not been requested yet (digest of all of them)."""

    digest: str
    files: int


@dataclass(frozen=True, slots=True)
class LandingCursor:
    """What a sensor remembers between ticks (stored by Dagster as the sensor cursor).

    ``horizon_ns`` is the clock reading taken at the start of the previous tick; ``seen`` maps
    the names of files already handled whose ctime lies inside the overlap window to that ctime;
    ``queued`` holds days with landed files not requested yet (partition not open yet, or more
    days than one tick may request).
    """

    horizon_ns: int = 0
    seen: Mapping[str, int] = field(default_factory=dict)
    queued: Mapping[str, QueuedDay] = field(default_factory=dict)

    def to_json(self) -> str:
        """Compact, deterministic JSON (sorted keys), so equal cursors are equal strings."""
        document = {
            "horizon_ns": self.horizon_ns,
            "seen": dict(sorted(self.seen.items())),
            "queued": {day: [q.digest, q.files] for day, q in sorted(self.queued.items())},
        }
        return dump_versioned(CURSOR_VERSION, document)

    @classmethod
    def from_json(cls, text: str | None) -> LandingCursor:
        """Read a stored cursor; no cursor means "never ticked": every landed file is new.

        An unreadable or unknown-version cursor is an error, never silently reset: resetting
        would either request the whole history again or skip files.
        """
        document = load_versioned(text, CURSOR_VERSION, "landing sensor cursor")
        if document is None:
            return cls()
        return cls(
            horizon_ns=int(document["horizon_ns"]),
            seen={str(k): int(v) for k, v in document.get("seen", {}).items()},
            queued={
                str(day): QueuedDay(str(value[0]), int(value[1]))
                for day, value in document.get("queued", {}).items()
            },
        )


@dataclass(frozen=True, slots=True)
class PartitionRequest:
    """One run to request: a gaming day and the digest of the files that landed for it."""

    day: date
    digest: str
    files: int

    @property
    def partition_key(self) -> str:
        return self.day.isoformat()

    @property
    def run_key(self) -> str:
        """Deterministic: the same files for the same day always give the same key."""
        return f"{self.partition_key}:{self.digest[:24]}"


@dataclass(frozen=True, slots=True)
class TickPlan:
    """The outcome of one tick: requests, the next cursor, and what was left out and why."""

    requests: tuple[PartitionRequest, ...]
    cursor: LandingCursor
    new_files: int
    before_first_day: tuple[tuple[str, date], ...] = ()
    waiting_days: tuple[str, ...] = ()


# ------------------------------------------------------------------------------------- scanning


def scan_folder(folder: Path) -> list[LandingStamp]:
    """Stamp every landed file of ``folder`` (temporaries, dot files and non-files skipped).

    ``scandir`` plus one ``stat`` per entry: about 1-2 µs per file, so a folder of tens of
    thousands of files costs tens of milliseconds per tick.
    """
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return []
    stamps = []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            # Symlinks, directories and special files are stamped too: the ingestion records
            # each as quarantined, so a run must be requested for them like for any landing.
            stat = entry.stat(follow_symlinks=False)
        except FileNotFoundError:  # removed between listing and stat
            continue
        stamps.append(LandingStamp(entry.name, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns))
    stamps.sort(key=lambda s: s.name)
    return stamps


def file_set_digest(stamps: Iterable[LandingStamp]) -> str:
    """SHA-256 over the sorted (name, size, mtime, ctime) of a set of landings."""
    lines = sorted(f"{s.name}\t{s.size}\t{s.mtime_ns}\t{s.ctime_ns}\n" for s in stamps)
    # surrogateescape: a non-UTF-8 file name must not make the tick (and its cursor) fail.
    return hashlib.sha256("".join(lines).encode("utf-8", "surrogateescape")).hexdigest()


def _chain(previous: str, new: str) -> str:
    return hashlib.sha256(f"{previous}:{new}".encode("ascii")).hexdigest()


# ------------------------------------------------------------------------------------- planning


def plan_tick(
    stamps: Iterable[LandingStamp],
    cursor: LandingCursor,
    *,
    now_ns: int,
    day_of: DayOf,
    first_day: date,
    last_day: date,
    max_requests: int,
    overlap_ns: int = DEFAULT_OVERLAP_SECONDS * 1_000_000_000,
) -> TickPlan:
    """Decide one tick: which files are new, their days, and which days to request now.

    ``now_ns`` must be read *before* the folder was scanned. The result depends only on the
    cursor and the folder's contents (never on ``now_ns`` beyond the overlap bookkeeping), so
    evaluating the same tick twice from the same cursor gives the same run keys.

    Days before ``first_day`` (the first partition) can never be materialized and are reported;
    days after ``last_day`` (partition not open yet: server clock ahead) stay queued, as do the
    oldest days beyond ``max_requests``. The newest days are requested first: they are the live
    ones.
    """
    stamps = list(stamps)
    lower = min(cursor.horizon_ns, now_ns) - overlap_ns
    keep_from = now_ns - overlap_ns
    seen_next: dict[str, int] = {}
    by_day: dict[date, list[LandingStamp]] = {}
    new_files = 0
    for stamp in stamps:
        is_new = stamp.ctime_ns > lower and cursor.seen.get(stamp.name) != stamp.ctime_ns
        if is_new:
            day = day_of(stamp)
            if day is None:  # vanished: nothing to request, nothing to remember
                continue
            new_files += 1
            by_day.setdefault(day, []).append(stamp)
        if stamp.ctime_ns > keep_from:
            seen_next[stamp.name] = stamp.ctime_ns

    queued = dict(cursor.queued)
    before_first: list[tuple[str, date]] = []
    for day, files in sorted(by_day.items()):
        if day < first_day:
            before_first.extend((s.name, day) for s in files)
            continue
        digest = file_set_digest(files)
        key = day.isoformat()
        previous = queued.get(key)
        if previous is not None:
            queued[key] = QueuedDay(_chain(previous.digest, digest), previous.files + len(files))
        else:
            queued[key] = QueuedDay(digest, len(files))

    open_days = sorted((key for key in queued if date.fromisoformat(key) <= last_day), reverse=True)
    requests = []
    for key in open_days[: max(max_requests, 0)]:
        item = queued.pop(key)
        requests.append(PartitionRequest(date.fromisoformat(key), item.digest, item.files))
    return TickPlan(
        requests=tuple(requests),
        cursor=LandingCursor(horizon_ns=now_ns, seen=seen_next, queued=queued),
        new_files=new_files,
        before_first_day=tuple(before_first),
        waiting_days=tuple(sorted(queued)),
    )


# ----------------------------------------------------------------------------------- day rules


def _mtime_day_float(stamp: LandingStamp, settings: Settings) -> date:
    """Landing-time day as the stats ingestion computes it (fractional seconds)."""
    local = datetime.fromtimestamp(stamp.mtime_ns / 1e9, settings.server_tz).replace(tzinfo=None)
    return gaming_day_of_local(local, settings.day_start_hour)


def _mtime_day_int(stamp: LandingStamp, settings: Settings) -> date:
    """Landing-time day as the Lua ingestion computes it (whole seconds)."""
    return gaming_day_of_epoch(
        stamp.mtime_ns // 1_000_000_000, settings.server_tz, settings.day_start_hour
    )


def stats_day(stamp: LandingStamp, settings: Settings) -> date:
    """Day of a stats-folder file: its name's time, else its landing time (side-cars included)."""
    name = classify_stats_filename(stamp.name)
    if name is None:
        return _mtime_day_float(stamp, settings)
    return gaming_day_of_local(name.local_time, settings.day_start_hour)


def proximity_day(folder: Path, stamp: LandingStamp, settings: Settings) -> date | None:
    """Day of a proximity file, by the proximity ingestion's own rule (header round end, else
    file-name time, else landing time); only the header block of an engagements file is read."""
    # Imported here so that this module (and every sensor) loads even while the proximity
    # ingestion is being reworked; a renamed rule then fails this sensor's ticks loudly.
    from slomix_pipeline.ingest.proximity import ENGAGEMENTS_SUFFIX, file_gaming_day, peek_header

    header = None
    if stamp.name.endswith(ENGAGEMENTS_SUFFIX):
        try:
            header = peek_header(folder / stamp.name, stamp.name)
        except FileNotFoundError:
            return None
    day, _, _ = file_gaming_day(header, stamp.name, stamp.mtime_ns, settings)
    return day


def lua_day(folder_name: str, folder: Path, stamp: LandingStamp, settings: Settings) -> date | None:
    """Day of a webhook drop or gametime file: round end of the event, else the round end its
    name or bytes state, else landing time (the Lua ingestion's rule)."""
    if stamp.size > MAX_GAMETIME_BYTES:  # the ingestion refuses it unread, by landing time
        return _mtime_day_int(stamp, settings)
    try:
        data = (folder / stamp.name).read_bytes()
    except FileNotFoundError:
        return None
    if folder_name == WEBHOOK_FOLDER:
        parsed = parse_webhook_body(data)
    else:
        parsed = parse_gametime_file(stamp.name, data)
    if isinstance(parsed, LuaRoundEnd):
        return gaming_day_of(parsed.round_end_unix, settings.server_tz, settings.day_start_hour)
    said = round_end_hint(stamp.name, data)  # a reject is filed on the night it states
    if said is not None:
        return gaming_day_of(said, settings.server_tz, settings.day_start_hour)
    return _mtime_day_int(stamp, settings)


def _fallback_day(folder_name: str) -> Callable[[LandingStamp, Settings], date]:
    """The day under which the ingestion of ``folder_name`` files an unreadable file."""
    if folder_name in (WEBHOOK_FOLDER, GAMETIMES_FOLDER):
        return _mtime_day_int
    if folder_name == PROXIMITY_FOLDER:
        from slomix_pipeline.ingest.proximity import file_gaming_day

        def proximity_fallback(stamp: LandingStamp, settings: Settings) -> date:
            return file_gaming_day(None, stamp.name, stamp.mtime_ns, settings)[0]

        return proximity_fallback
    return stats_day


def day_resolver(folder_name: str, data_dir: Path, settings: Settings) -> DayOf:
    """The day rule of one landing folder, bound to its path and the settings.

    Never raises for one file: a file that cannot be read or judged (permissions, a directory,
    a bug) is filed under its landing-time day, which is where the ingestion records it as
    quarantined, so the tick still completes and the cursor still moves past it.
    """
    folder = data_dir / folder_name
    rule: DayOf
    if folder_name == STATS_FOLDER:
        rule = lambda stamp: stats_day(stamp, settings)  # noqa: E731
    elif folder_name == PROXIMITY_FOLDER:
        rule = lambda stamp: proximity_day(folder, stamp, settings)  # noqa: E731
    elif folder_name in (WEBHOOK_FOLDER, GAMETIMES_FOLDER):
        rule = lambda stamp: lua_day(folder_name, folder, stamp, settings)  # noqa: E731
    else:
        raise ValueError(f"no day rule for landing folder {folder_name!r}")
    fallback = _fallback_day(folder_name)

    def safe(stamp: LandingStamp) -> date | None:
        try:
            return rule(stamp)
        except FileNotFoundError:
            return None
        except Exception:
            return fallback(stamp, settings)

    return safe
