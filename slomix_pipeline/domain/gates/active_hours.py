"""The daily window in which stats files must keep arriving (server clock), and its parser.

Apart from the freshness gate because the window is configuration: the check parses it once
from the settings, the gate only asks which window "now" falls in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

_HOURS_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True, slots=True)
class ActiveHours:
    """A daily wall-clock window on the server clock; ``end <= start`` wraps past midnight."""

    start: time
    end: time

    @property
    def all_day(self) -> bool:
        """``00:00-24:00`` (or any ``X-X``): always active, so no window ever restarts."""
        return self.start == self.end

    def window_start(self, local: datetime) -> datetime | None:
        """Start of the window ``local`` is in (naive server-local time), or None if outside."""
        start_today = datetime.combine(local.date(), self.start)
        if self.start < self.end:
            inside = self.start <= local.time() < self.end
            return start_today if inside else None
        if local.time() >= self.start:
            return start_today
        if local.time() < self.end:
            return start_today - timedelta(days=1)
        return None


def parse_active_hours(text: str) -> ActiveHours:
    """Parse ``HH:MM-HH:MM`` (server clock); ``00:00-00:00`` means all day."""
    match = _HOURS_RE.match(text)
    if not match:
        raise ValueError(f"active hours {text!r}: expected HH:MM-HH:MM")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
        raise ValueError(f"active hours {text!r}: not a valid time of day")
    return ActiveHours(time(h1, m1), time(0, 0) if h2 == 24 else time(h2, m2))
