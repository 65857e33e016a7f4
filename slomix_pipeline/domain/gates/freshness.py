"""Freshness predicate: during active hours a stats file arrives at least every window.

The only gate that depends on the wall clock: ``now_unix`` is a parameter, so a test (or a
backfill) judges any instant, and only time inside the current active window counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slomix_pipeline.domain.gates.active_hours import ActiveHours
from slomix_pipeline.domain.gates.verdicts import GateFailure, GateResult, gate_result

FRESHNESS_STALE = "stale"
FRESHNESS_NO_FILES = "no_files"


def summarize_freshness(coverage: Mapping[str, Any], failures: Sequence[GateFailure]) -> str:
    if not coverage.get("active", False):
        return "Outside active hours: freshness not required"
    age = coverage.get("newest_age_minutes")
    text = f"Newest stats round {age} min old" if age is not None else "No stats round stored"
    text += f" (window {coverage.get('window_minutes')} min)"
    return ("Stats files stopped arriving: " if failures else "Stats files arriving: ") + text


def freshness_gate(
    now_unix: int,
    newest_file_unix: int | None,
    *,
    newest_label: str | None,
    active_hours: ActiveHours,
    window_s: int,
    tz: ZoneInfo,
) -> GateResult:
    """Freshness: during active hours a stats file arrives at least every ``window_s``.

    Only time inside the current active window counts: at 19:05 with a 19:00 start and a
    60-minute window nothing is late yet, whatever yesterday's last file was.
    """
    local_now = datetime.fromtimestamp(now_unix, tz).replace(tzinfo=None)
    start = active_hours.window_start(local_now)
    coverage: dict[str, Any] = {
        "active": start is not None,
        "window_minutes": window_s // 60,
        "newest_round": newest_label or "none",
        "newest_age_minutes": None
        if newest_file_unix is None
        else (now_unix - newest_file_unix) // 60,
    }
    failures: list[GateFailure] = []
    if start is not None:
        late = _late(now_unix, newest_file_unix, start, active_hours, window_s, tz)
        if late:
            if newest_file_unix is None:
                failures.append(
                    GateFailure("stats files", FRESHNESS_NO_FILES, "no stats round stored at all")
                )
            else:
                failures.append(
                    GateFailure(
                        "stats files",
                        FRESHNESS_STALE,
                        f"newest round {newest_label} is {(now_unix - newest_file_unix) // 60} "
                        f"min old; active {_since_text(start, active_hours)}, "
                        f"window {window_s // 60} min",
                    )
                )
    return gate_result(failures, coverage, summarize_freshness)


def _late(
    now_unix: int,
    newest_file_unix: int | None,
    start: datetime,
    active_hours: ActiveHours,
    window_s: int,
    tz: ZoneInfo,
) -> bool:
    """Whether more than ``window_s`` of active time has passed without a new file.

    A daily window restarts the clock at its start (yesterday's last file says nothing about
    tonight). An all-day window never restarts: midnight is not a fresh start, so a server
    that went quiet at 20:00 is late at 00:30 too.
    """
    if active_hours.all_day:
        return newest_file_unix is None or now_unix - newest_file_unix > window_s
    start_unix = int(start.replace(tzinfo=tz).timestamp())
    since = max(start_unix, newest_file_unix or start_unix)
    return now_unix - since > window_s


def _since_text(start: datetime, active_hours: ActiveHours) -> str:
    return "all day" if active_hours.all_day else f"since {start:%H:%M}"
