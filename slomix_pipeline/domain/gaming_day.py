"""Gaming days: the unit of partitioning, and the server-clock arithmetic behind them.

A gaming day starts at ``day_start_hour`` (default 06:00) server-local time, so a night of play
that crosses midnight stays in one partition while afternoon play is untouched. Stats files carry
naive server wall-clock times; Lua events carry UTC epochs. Everything here converts between the
two explicitly in the server's declared time zone, never in the host's.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def gaming_day_of_local(local: datetime, day_start_hour: int) -> date:
    """The gaming day a naive server-local wall-clock time belongs to."""
    return (local - timedelta(hours=day_start_hour)).date()


def gaming_day_of_epoch(epoch: int, tz: ZoneInfo, day_start_hour: int) -> date:
    """The gaming day of a UTC epoch second, read on the server's wall clock."""
    local = datetime.fromtimestamp(epoch, tz).replace(tzinfo=None)
    return gaming_day_of_local(local, day_start_hour)


def local_to_epoch(local: datetime, tz: ZoneInfo) -> int:
    """Convert a naive server wall-clock time to a UTC epoch second.

    In the repeated hour of a DST fall-back the first occurrence (``fold=0``) is taken, and a time
    inside the spring-forward gap is read with the pre-transition offset; both are documented
    ambiguities of a clock that carries no offset; ``is_ambiguous_local`` lets callers flag them.
    """
    return int(local.replace(tzinfo=tz, fold=0).timestamp())


def is_ambiguous_local(local: datetime, tz: ZoneInfo) -> bool:
    """True when the wall-clock time is repeated or skipped by a DST transition."""
    first = local.replace(tzinfo=tz, fold=0)
    second = local.replace(tzinfo=tz, fold=1)
    if first.utcoffset() != second.utcoffset():
        return True
    round_trip = datetime.fromtimestamp(first.timestamp(), tz).replace(tzinfo=None)
    return round_trip != local


def gaming_day_bounds_local(day: date, day_start_hour: int) -> tuple[datetime, datetime]:
    """The naive local ``[start, end)`` wall-clock window of a gaming day."""
    start = datetime.combine(day, time(hour=day_start_hour))
    return start, start + timedelta(days=1)


def gaming_day_bounds_epoch(day: date, tz: ZoneInfo, day_start_hour: int) -> tuple[int, int]:
    """The UTC epoch ``[start, end)`` window of a gaming day (23 or 25 hours long across DST)."""
    start, end = gaming_day_bounds_local(day, day_start_hour)
    return local_to_epoch(start, tz), local_to_epoch(end, tz)


def days_in_range(first: date, last: date) -> list[date]:
    """Every day from ``first`` to ``last`` inclusive."""
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def utc_now_epoch() -> int:
    """Current UTC epoch second (the one place the wall clock is read for grace periods)."""
    return int(datetime.now(UTC).timestamp())


def resolve_local_epochs(
    stamps: Iterable[tuple[str, datetime, int]], tz: ZoneInfo
) -> dict[str, int]:
    """Epochs of naive server wall-clock stamps, the repeated autumn hour resolved by write order.

    ``stamps`` are (key, local time, landing time in ns), e.g. a file's name, the time in its
    name and its landing mtime (the SFTP sync lands files in the server's mtime order and keeps
    the landing time, the receiver lands on arrival). A file cannot land before it was written,
    and a server writes its files in real time. For an ambiguous stamp:

    1. landed before the second reading (``fold=1``) could exist: the first reading;
    2. landed within ``LANDING_GRACE_S`` after the second reading: the second reading (a file of
       the first pass would have landed an hour earlier);
    3. otherwise (a late copy, a backfill) by order: walking files by landing time, the epochs
       never go backwards, so a first reading before the previous file's epoch is the second
       pass. With no usable order the first reading is kept, as :func:`local_to_epoch` does.
    """
    items = sorted(stamps, key=lambda s: (s[2], s[0]))
    out: dict[str, int] = {}
    last: int | None = None
    for key, local, landed_ns in items:
        first = local_to_epoch(local, tz)
        epoch = first
        if is_ambiguous_local(local, tz):
            second = int(local.replace(tzinfo=tz, fold=1).timestamp())
            landed = landed_ns // 1_000_000_000
            if second > first and landed < second:
                epoch = first
            elif second > first and landed - second <= LANDING_GRACE_S:
                epoch = second
            elif second > first and last is not None and first < last <= second + 60:
                epoch = second  # the step back of at most the repeated hour: second pass
        out[key] = epoch
        last = epoch
    return out


LANDING_GRACE_S = 15 * 60
"""A file landing this soon after a stamp's second reading was written in the second pass."""
