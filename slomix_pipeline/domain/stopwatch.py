"""Who won a stopwatch half, how it ended, how long it lasted (pure, shared by stats and Lua).

The stats header and the Lua round end each know part of the truth; this module says which
source to believe for each fact and records which one won:

* **Shutdown path.** A file written by ``et_ShutdownGame`` (a map change cut the round) carries a
  header ms that is not positive and a winner field of 1 (an empty engine winner written +1). Its
  header winner is not an answer: the winner comes from the Lua when it knows one, else it is 0,
  and the end reason is ``map_change`` (the Lua cannot say so: it reports ``surrender``).
* **Winner.** The Lua when it sends 1 or 2; a Lua 0 with a surrender (the shutdown fallback) is an
  answer too (no winner); else the header (unless it is a shutdown file).
* **End reason.** ``map_change`` (shutdown file) > Lua ``surrender`` > winner vs defender
  (winner is not the defender: ``objective``, even when the Lua's 90 % rule says time expired;
  winner is the defender: ``time_expired``, or ``surrender`` when the measured duration ended
  well before the limit without a Lua to say so) > the clock as a last resort.
* **Stopwatch state.** ``objective`` -> ``TIME_SET``, ``time_expired`` -> ``FULL_HOLD``, a
  surrender or a map change -> none: a surrender is not a hold, whatever the clock shows.
* **Duration.** By documented reliability: the header ms when positive (the engine's own
  ``trap_Milliseconds`` arithmetic, pauses excluded), then the Lua playtime (second resolution,
  capped at the limit when the Lua missed the warm-up), then the header clock (a stopwatch target,
  an estimate in R2). A value above the round's limit + pauses is never accepted.
"""

from __future__ import annotations

from dataclasses import dataclass

from slomix_pipeline.formats.frozen_records import fast_constructor

OBJECTIVE = "objective"
TIME_EXPIRED = "time_expired"
SURRENDER = "surrender"
MAP_CHANGE = "map_change"
END_REASONS: tuple[str, ...] = (OBJECTIVE, TIME_EXPIRED, SURRENDER, MAP_CHANGE)
"""Semantic end reasons stored on a round (None: not known)."""

FULL_HOLD = "FULL_HOLD"
TIME_SET = "TIME_SET"

SRC_HEADER = "stats"
SRC_HEADER_MS = "stats_duration"
SRC_HEADER_SHUTDOWN = "header_shutdown"
SRC_HEADER_CLOCK = "stats_clock"
SRC_LUA = "lua"
SRC_WINNER_VS_DEFENDER = "winner_vs_defender"
SRC_DURATION_VS_LIMIT = "duration_vs_limit"
SRC_CLOCK = "clock"
SRC_NONE = "none"

EARLY_END_S = 30
"""A defender win that ended more than this before the limit was not a hold (a surrender)."""
HOLD_TOLERANCE_S = 30
"""Clock-only last resort: an actual time within this of the limit counts as a hold."""

_LUA_SURRENDER = "SURRENDER"
_LUA_MAP_CHANGE = "MAP_CHANGE"
_SIDES = (1, 2)


@dataclass(frozen=True, slots=True)
class HeaderFacts:
    """What a stats header says: sides, field 6 (limit in force), field 7 (clock), field 8 (ms)."""

    defender_team: int
    winner_team: int
    limit_seconds: int | None
    clock_seconds: int | None
    duration_ms: int | None

    @property
    def is_shutdown(self) -> bool:
        """Written on the ``et_ShutdownGame`` path: the round never reached intermission."""
        return self.duration_ms is not None and self.duration_ms <= 0


@dataclass(frozen=True, slots=True)
class LuaTiming:
    """What a linked Lua round end says (``end_reason`` is the normalised enum)."""

    winner_team: int
    defender_team: int
    end_reason: str
    playtime_seconds: int | None
    pause_seconds: int | None
    timelimit_minutes: float | None


@dataclass(frozen=True, slots=True)
class Verdict:
    """Each fact with the source it came from."""

    winner_team: int
    winner_source: str
    defender_team: int
    defender_source: str
    end_reason: str | None
    end_reason_source: str
    stopwatch_state: str | None
    duration_seconds: int | None
    duration_source: str
    limit_seconds: int | None


_new_verdict = fast_constructor(Verdict)
"""Build a Verdict without the frozen ``__init__`` (one per round judged, thousands a rebuild)."""


def round_limit(header: HeaderFacts, lua: LuaTiming | None) -> int | None:
    """The limit in force for this half (R2: the time to beat): header field 6, else the Lua."""
    if header.limit_seconds:
        return header.limit_seconds
    if lua is not None and lua.timelimit_minutes:
        return round(lua.timelimit_minutes * 60)
    return None


def choose_duration(
    header: HeaderFacts, lua: LuaTiming | None, limit: int | None
) -> tuple[int | None, str]:
    """The most reliable duration that fits under ``limit`` + pauses (see module docstring)."""
    pauses = (lua.pause_seconds or 0) if lua is not None else 0
    ceiling = None if not limit else limit + pauses + 1
    candidates: list[tuple[int | None, str]] = [
        (
            header.duration_ms // 1000
            if header.duration_ms is not None and header.duration_ms > 0
            else None,
            SRC_HEADER_MS,
        ),
        (lua.playtime_seconds if lua is not None else None, SRC_LUA),
        (None if header.is_shutdown else header.clock_seconds, SRC_HEADER_CLOCK),
    ]
    for value, source in candidates:
        if value is None or value <= 0:
            continue
        if ceiling is not None and value > ceiling:
            continue
        return value, source
    return None, SRC_NONE


def _winner(header: HeaderFacts, lua: LuaTiming | None) -> tuple[int, str]:
    if lua is not None and lua.winner_team in _SIDES:
        return lua.winner_team, SRC_LUA
    if lua is not None and lua.end_reason in (_LUA_SURRENDER, _LUA_MAP_CHANGE):
        return 0, SRC_LUA  # the shutdown fallback: no winner is an answer
    if header.is_shutdown:
        return 0, SRC_HEADER_SHUTDOWN
    return header.winner_team, SRC_HEADER


def _defender(header: HeaderFacts, lua: LuaTiming | None) -> tuple[int, str]:
    if lua is not None and lua.defender_team in _SIDES:
        return lua.defender_team, SRC_LUA
    return header.defender_team, SRC_HEADER


def _end_reason(
    header: HeaderFacts,
    lua: LuaTiming | None,
    winner: int,
    defender: int,
    duration: tuple[int | None, str],
    limit: int | None,
) -> tuple[str | None, str]:
    if header.is_shutdown or (lua is not None and lua.end_reason == _LUA_MAP_CHANGE):
        return MAP_CHANGE, SRC_HEADER_SHUTDOWN if header.is_shutdown else SRC_LUA
    if lua is not None and lua.end_reason == _LUA_SURRENDER:
        return SURRENDER, SRC_LUA
    if winner in _SIDES and defender in _SIDES:
        if winner != defender:
            return OBJECTIVE, SRC_WINNER_VS_DEFENDER
        seconds, source = duration
        measured = source in (SRC_HEADER_MS, SRC_LUA)
        early = limit is not None and seconds is not None and limit - seconds > EARLY_END_S
        if lua is None and measured and early:
            return SURRENDER, SRC_DURATION_VS_LIMIT
        return TIME_EXPIRED, SRC_WINNER_VS_DEFENDER
    clock = header.clock_seconds
    if limit and clock and clock <= limit:
        reason = TIME_EXPIRED if clock >= limit - HOLD_TOLERANCE_S else OBJECTIVE
        return reason, SRC_CLOCK
    return None, SRC_NONE


def stopwatch_state(end_reason: str | None) -> str | None:
    """``TIME_SET`` after an objective, ``FULL_HOLD`` after a hold, else none."""
    if end_reason == OBJECTIVE:
        return TIME_SET
    if end_reason == TIME_EXPIRED:
        return FULL_HOLD
    return None


def judge(header: HeaderFacts, lua: LuaTiming | None = None) -> Verdict:
    """Every fact of one half from its header and (when linked) its Lua round end."""
    limit = round_limit(header, lua)
    duration = choose_duration(header, lua, limit)
    winner, winner_source = _winner(header, lua)
    defender, defender_source = _defender(header, lua)
    reason, reason_source = _end_reason(header, lua, winner, defender, duration, limit)
    return _new_verdict(  # positional, Verdict's field order: a frozen __init__ costs ~2k/field
        winner,
        winner_source,
        defender,
        defender_source,
        reason,
        reason_source,
        stopwatch_state(reason),
        duration[0],
        duration[1],
        limit,
    )
