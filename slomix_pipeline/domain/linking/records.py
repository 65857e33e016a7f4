"""What linking reads of each source (refs) and what it decides per row (links), plus settings.

The refs carry only what the rules look at, so the ingest layer can build them from any table
and the tests from literals; the link records are what ``round_links`` and ``lua_round_links``
store.
"""

from __future__ import annotations

from dataclasses import dataclass

from slomix_pipeline.domain.linking.reasons import (
    DEFAULT_GRACE_S,
    DEFAULT_TOLERANCE_S,
    DEFAULT_WINDOW_S,
)


def file_time_delta(epoch: int, file_time_unix: int, alt_file_time_unix: int | None) -> int:
    """``epoch`` minus the closest reading of a file time (negative: before the file).

    A file-name time in the repeated hour of a DST fall-back names two instants; either may
    match, so the closer one counts (the link stage and the WS1 integrity gate agree on it).
    """
    times = [file_time_unix]
    if alt_file_time_unix is not None:
        times.append(alt_file_time_unix)
    return min((epoch - t for t in times), key=abs)


@dataclass(frozen=True, slots=True)
class StatsRoundRef:
    """What linking needs of a stats round.

    ``file_time_unix`` is the file-name time read in the server zone. In the repeated hour of a
    DST fall-back that wall-clock time names two instants; ``alt_file_time_unix`` carries the
    second one (an hour later) so either may match.
    """

    round_id: int
    map_key: str
    round_number: int
    file_time_unix: int
    alt_file_time_unix: int | None = None

    def delta(self, epoch: int) -> int:
        """``epoch`` minus the closest reading of the file time (negative: before the file)."""
        return file_time_delta(epoch, self.file_time_unix, self.alt_file_time_unix)

    def distance(self, epoch: int) -> int:
        """Seconds between ``epoch`` and the closest reading of the file time."""
        return abs(self.delta(epoch))


@dataclass(frozen=True, slots=True)
class LuaRoundRef:
    """What linking needs of a merged Lua round end (``lua_round_teams``)."""

    lua_round_id: int
    map_key: str
    round_number: int
    round_start_unix: int
    round_end_unix: int


@dataclass(frozen=True, slots=True)
class ProximityRef:
    """A proximity file with the stats round its own ingestion tied it to (or None)."""

    file_name: str
    round_id: int | None
    round_start_unix: int | None


@dataclass(frozen=True, slots=True)
class RoundLink:
    """The link decision of one stats round."""

    round_id: int
    lua_round_id: int | None
    method: str | None
    delta_seconds: int | None
    reason: str
    lua_candidates: int
    proximity_file: str | None
    proximity_reason: str


@dataclass(frozen=True, slots=True)
class LuaLink:
    """The link decision of one Lua round end."""

    lua_round_id: int
    round_id: int | None
    method: str | None
    delta_seconds: int | None
    reason: str
    round_candidates: int


@dataclass(frozen=True, slots=True)
class LinkResult:
    """Every round's and every Lua row's decision, sorted by id."""

    rounds: tuple[RoundLink, ...]
    lua: tuple[LuaLink, ...]

    def round_link(self, round_id: int) -> RoundLink:
        return next(r for r in self.rounds if r.round_id == round_id)

    def lua_link(self, lua_round_id: int) -> LuaLink:
        return next(r for r in self.lua if r.lua_round_id == lua_round_id)


@dataclass(frozen=True, slots=True)
class LinkSettings:
    """The knobs of :func:`link_rounds` (defaults are the documented ones)."""

    tolerance_s: int = DEFAULT_TOLERANCE_S
    window_s: int = DEFAULT_WINDOW_S
    grace_s: int = DEFAULT_GRACE_S
