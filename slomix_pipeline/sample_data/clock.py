"""The server's clock: wall-clock time in the server's zone, epoch seconds, and the gaming day.

One place for the conventions every renderer and truth module shares: local times are naive
Europe/Paris wall-clock times, and a gaming day starts at 06:00 (00:50 is the evening before).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

SERVER_TZ = ZoneInfo("Europe/Paris")
GAMING_DAY_START_HOUR = 6


def to_unix(local: datetime) -> int:
    """Naive server wall-clock time -> UTC epoch seconds (the Lua's ``os.time()``)."""
    return int(local.replace(tzinfo=SERVER_TZ).timestamp())


def gaming_day(local: datetime) -> date:
    """The gaming day of a local time: days start at 06:00, so 00:50 is the evening before."""
    return (local - timedelta(hours=GAMING_DAY_START_HOUR)).date()
