"""The Lua round end reason: one enum, and every spelling the Lua versions send mapped onto it.

Kept apart from the other normalisations because the reason is judged again downstream (the
stopwatch rules, the WS1 enum check), so its codes must have one home.
"""

from __future__ import annotations

import re
from enum import StrEnum


class EndReason(StrEnum):
    """Normalised round end reason.

    ``TIME_EXPIRED`` is kept apart from ``NORMAL`` (upstream folds it in): the Lua reports
    ``time_expired`` whenever play reached 90 % of the limit, which also covers objectives done in
    the last minute, so downstream must be able to tell "the clock said so" from "unknown".
    Missing or unrecognised raw values become ``UNKNOWN`` rather than a silent ``NORMAL``.
    """

    NORMAL = "NORMAL"
    OBJECTIVE = "OBJECTIVE"
    SURRENDER = "SURRENDER"
    TIME_EXPIRED = "TIME_EXPIRED"
    MAP_CHANGE = "MAP_CHANGE"
    MAP_RESTART = "MAP_RESTART"
    SERVER_RESTART = "SERVER_RESTART"
    SHUTDOWN = "SHUTDOWN"
    UNKNOWN = "UNKNOWN"


_END_REASON_ALIASES: dict[str, EndReason] = {
    "normal": EndReason.NORMAL,
    "objective": EndReason.OBJECTIVE,
    "surrender": EndReason.SURRENDER,
    "forfeit": EndReason.SURRENDER,
    "time_expired": EndReason.TIME_EXPIRED,
    "timelimit": EndReason.TIME_EXPIRED,
    "time_limit": EndReason.TIME_EXPIRED,
    "map_change": EndReason.MAP_CHANGE,
    "mapchange": EndReason.MAP_CHANGE,
    "map_restart": EndReason.MAP_RESTART,
    "maprestart": EndReason.MAP_RESTART,
    "server_restart": EndReason.SERVER_RESTART,
    "serverrestart": EndReason.SERVER_RESTART,
    "shutdown": EndReason.SHUTDOWN,
    "unknown": EndReason.UNKNOWN,
    "": EndReason.UNKNOWN,
}


def _token(raw: str) -> str:
    """Any case, spaces, dashes or underscores: the one comparison key of a raw reason."""
    return re.sub(r"[\s\-]+", "_", raw.strip().casefold())


def normalise_end_reason(raw: str | None) -> EndReason:
    """Map a raw end reason (any case, spaces or underscores) to the enum; idempotent."""
    if raw is None:
        return EndReason.UNKNOWN
    return _END_REASON_ALIASES.get(_token(raw), EndReason.UNKNOWN)


def is_known_end_reason(raw: str | None) -> bool:
    """True when ``raw`` is a recognised spelling (so an unrecognised one can be warned about)."""
    if raw is None:
        return False
    return _token(raw) in _END_REASON_ALIASES
