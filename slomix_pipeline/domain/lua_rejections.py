"""Lua input that is not a round end: a quarantine reason, or a valid message to ignore.

The parsers raise :class:`EventRejected` deep inside and turn it into a :class:`LuaRejection`
at their edge, so every landed file gets an outcome with a stable code and nothing is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class RejectReason(StrEnum):
    """Stable codes for quarantined input; each quarantined event carries one plus a detail."""

    MALFORMED_JSON = "malformed_json"
    WRONG_TYPE = "wrong_type"
    MISSING_FIELD = "missing_field"
    INVALID_VALUE = "invalid_value"
    INVALID_ROUND = "invalid_round"
    INVALID_MAP_NAME = "invalid_map_name"
    OVERSIZED_INPUT = "oversized_input"
    OVERSIZED_ROSTER = "oversized_roster"


@dataclass(frozen=True, slots=True)
class LuaRejection:
    """Input that could not become an event; the landed file stays, so nothing is lost."""

    reason: RejectReason
    detail: str


@dataclass(frozen=True, slots=True)
class IgnoredMessage:
    """A valid webhook body that is not a round end (e.g. an objective live ping)."""

    kind: str
    detail: str


class EventRejected(Exception):
    """Raised inside the parsers to abort with a reason; becomes a ``LuaRejection`` at the edge."""

    def __init__(self, reason: RejectReason, detail: str) -> None:
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.detail = detail

    def as_rejection(self) -> LuaRejection:
        return LuaRejection(self.reason, self.detail)
