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

    ``stamps`` are (key, local time, write-order key), e.g. a file's name, the time in its name
    and its landing mtime (the SFTP sync lands files in the server's mtime order, the receiver
    in arrival order). A server writes its files in real time, so walking them in write order
    the epochs never go backwards: an ambiguous stamp whose first reading (``fold=0``) lies
    before the file written just before it is the second pass through the hour (``fold=1``).
    Unambiguous stamps have one reading; with no usable order (equal write keys sort by name)
    every ambiguous stamp keeps the first reading, as :func:`local_to_epoch` does.
    """
    items = sorted(stamps, key=lambda s: (s[2], s[0]))
    out: dict[str, int] = {}
    last: int | None = None
    for key, local, _order in items:
        first = local_to_epoch(local, tz)
        epoch = first
        if is_ambiguous_local(local, tz):
            second = int(local.replace(tzinfo=tz, fold=1).timestamp())
            # Only a step back of at most the repeated hour means "second pass"; a larger one
            # says the write order is not real time, and the first reading is kept.
            if second > first and last is not None and first < last <= second + 60:
                epoch = second
        out[key] = epoch
        last = epoch
    return out
