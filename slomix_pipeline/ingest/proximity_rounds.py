"""Round-identity candidates of a proximity run: the stats rounds and Lua round ends a file's
header is matched against, and the link of a resolved round to its stats round.

Its own module because both the file processing (:mod:`.proximity_file`) and the landing-zone
candidates (:mod:`.proximity_candidates`) build on these types: neither imports the other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Engine, select

from slomix_pipeline.domain.closest_round import closest_rounds
from slomix_pipeline.domain.maps import map_key
from slomix_pipeline.domain.round_identity import DEFAULT_TOLERANCE_S, RoundCandidate
from slomix_pipeline.warehouse import schema, schema_lua

STATS_CANDIDATE = "rounds"
LUA_CANDIDATE = "lua_round_teams"
CANDIDATE_MARGIN_DAYS = 1
"""Candidate rounds are read for the run's days and this many days either side."""


@dataclass(frozen=True, slots=True)
class StatsRoundRef:
    """A ``rounds`` row as far as round identity and linking need it."""

    round_id: int
    round_key: str
    map_key: str
    round_number: int
    file_time_unix: int
    gaming_day: date


def stats_candidate(ref: StatsRoundRef) -> RoundCandidate:
    """A stats round as a round-identity candidate: no start, its file time as the *end*.

    The stats file is written a few seconds after the round end, so the difference to the
    tracker's ``round_end_unix`` is that write lag: rarely 0, normally far inside the tolerance.
    """
    return RoundCandidate(ref.map_key, ref.round_number, None, ref.file_time_unix, STATS_CANDIDATE)


def _near_day(day: date, other: date) -> bool:
    return abs((day - other).days) <= CANDIDATE_MARGIN_DAYS


@dataclass(frozen=True, slots=True)
class RoundCandidates:
    """Known rounds by map key, each with its gaming day.

    A file only ever sees the candidates of its own gaming day +- :data:`CANDIDATE_MARGIN_DAYS`,
    whatever range the run covers, so its decision (and the count of candidates considered) is
    the same in a single-day run and in a backfill.
    """

    by_map: Mapping[str, tuple[tuple[date, RoundCandidate], ...]] = field(default_factory=dict)
    stats_by_map: Mapping[str, tuple[StatsRoundRef, ...]] = field(default_factory=dict)

    @classmethod
    def build(
        cls, lua: Iterable[tuple[date, RoundCandidate]], stats: Iterable[StatsRoundRef]
    ) -> RoundCandidates:
        """From (gaming day, candidate) pairs of Lua round ends and from stats rounds."""
        by_map: dict[str, list[tuple[date, RoundCandidate]]] = {}
        stats_by_map: dict[str, list[StatsRoundRef]] = {}
        for day, cand in lua:
            by_map.setdefault(map_key(cand.map_key), []).append((day, cand))
        for ref in stats:
            key = map_key(ref.map_key)
            stats_by_map.setdefault(key, []).append(ref)
            by_map.setdefault(key, []).append((ref.gaming_day, stats_candidate(ref)))
        return cls(
            {k: tuple(v) for k, v in by_map.items()},
            {k: tuple(v) for k, v in stats_by_map.items()},
        )

    def for_map(self, key: str, day: date) -> tuple[RoundCandidate, ...]:
        """Candidates of map ``key`` whose gaming day is within the margin of ``day``."""
        return tuple(c for d, c in self.by_map.get(key, ()) if _near_day(d, day))

    def stats_for_map(self, key: str, day: date) -> tuple[StatsRoundRef, ...]:
        return tuple(r for r in self.stats_by_map.get(key, ()) if _near_day(r.gaming_day, day))

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_map.values())


def _candidate_days(days: Sequence[date]) -> tuple[date, date]:
    margin = timedelta(days=CANDIDATE_MARGIN_DAYS)
    return min(days) - margin, max(days) + margin


def read_round_candidates(engine: Engine, days: Sequence[date]) -> RoundCandidates:
    """Stats rounds and Lua round ends of ``days`` +- :data:`CANDIDATE_MARGIN_DAYS`."""
    if not days:
        return RoundCandidates()
    first, last = _candidate_days(days)
    rounds, teams = schema.rounds, schema_lua.lua_round_teams
    stats_query = select(
        rounds.c.id,
        rounds.c.round_key,
        rounds.c.map_key,
        rounds.c.round_number,
        rounds.c.file_time_unix,
        rounds.c.gaming_day,
    ).where(rounds.c.gaming_day.between(first, last))
    lua_query = select(
        teams.c.gaming_day,
        teams.c.map_key,
        teams.c.round_number,
        teams.c.round_start_unix,
        teams.c.round_end_unix,
    ).where(teams.c.gaming_day.between(first, last))
    with engine.connect() as conn:
        stats = [StatsRoundRef(*row) for row in conn.execute(stats_query)]
        lua = [(row[0], RoundCandidate(*row[1:], LUA_CANDIDATE)) for row in conn.execute(lua_query)]
    return RoundCandidates.build(lua, stats)


def link_stats_round(
    round_end_unix: int | None,
    key: str,
    round_number: int | None,
    stats: Iterable[StatsRoundRef],
    *,
    tolerance_s: int = DEFAULT_TOLERANCE_S,
) -> tuple[StatsRoundRef, int] | None:
    """The stats round of this map and round whose file time is closest to the round end.

    Only within ``tolerance_s`` and only if the closest one is unique (two equally close stats
    rounds are left unlinked rather than guessed). Returns the round and the difference in s.
    """
    if round_end_unix is None or round_end_unix <= 0 or round_number is None:
        return None
    best, best_delta = closest_rounds(stats, key, round_number, round_end_unix)
    if best_delta is None or best_delta > tolerance_s or len(best) != 1:
        return None
    return best[0], best_delta
