"""The Lua truth applied to a linked stats round, and the player time clamp (pure).

For each round the stats header and (when linked) the Lua round end are judged together by
:func:`slomix_pipeline.domain.stopwatch.judge`: winner (a shutdown-path header is distrusted, a
Lua winner 0 with a surrender is an answer), semantic end reason, stopwatch state (from winner vs
defender and the end reason, the clock only as a last resort) and duration by source
reliability (header ms when positive, Lua playtime, the stats clock last; never above the limit
+ pauses). Every value carries the source that won. The round's start and end epochs come from
the Lua end and the chosen duration (the Lua start is synthetic when it capped a warm-up).

A timing comparison (stats clock vs Lua duration) is kept next to it; its status is a verdict or,
without a Lua row, the link reason code, never a bare "NO LUA DATA".
"""

from __future__ import annotations

from dataclasses import dataclass

from slomix_pipeline.domain import stopwatch as sw
from slomix_pipeline.domain.linking.records import RoundLink

SOURCE_LUA = sw.SRC_LUA
SOURCE_STATS = sw.SRC_HEADER
SOURCE_STATS_CLOCK = sw.SRC_HEADER_CLOCK
SOURCE_STATS_DURATION = sw.SRC_HEADER_MS
SOURCE_NONE = sw.SRC_NONE
SOURCE_DERIVED = "lua_end_minus_duration"

WHY_ENGINE_MEASURED = "engine_measured"
WHY_HEADER_MS_UNUSABLE = "header_ms_unusable"
WHY_ABOVE_LIMIT = "header_ms_above_limit"
WHY_NO_MEASUREMENT = "no_measurement"
WHY_NO_USABLE_DURATION = "no_usable_duration"

TIMING_ALIGNED = "aligned"
TIMING_MINOR_DIFF = "minor_diff"
TIMING_DISCREPANCY = "discrepancy"
TIMING_NO_LUA_DURATION = "lua_without_duration"
TIMING_NO_STATS_CLOCK = "no_stats_clock"
MINOR_DIFF_S = 30
DISCREPANCY_S = 60
"""|stats clock - Lua duration| above which the comparison is a minor diff / a discrepancy."""

CLAMP_FACTOR = 1.5
"""A player's time above this multiple of the Lua duration is clamped to the Lua duration."""


@dataclass(frozen=True, slots=True)
class RoundFacts:
    """What the stats file says about a round's timing and outcome.

    ``stats_clock_seconds`` is header field 7 (a stopwatch target: the full limit after a
    surrender or a hold, an estimate in R2); ``stats_duration_seconds`` the header ms // 1000;
    ``duration_ms`` the raw field 8 (not positive on the shutdown path); ``limit_seconds`` header
    field 6 (R2: the time to beat); ``map_limit_seconds`` the map's configured limit (R1's field
    6, also for its R2) when known; ``shutdown`` that the file was written on the shutdown path
    (header ms not positive, which the parser stores as no duration).
    """

    round_id: int
    stats_clock_seconds: int | None
    stats_duration_seconds: int | None
    winner_team: int
    defender_team: int
    is_orphan_r2: bool
    round_number: int = 1
    limit_seconds: int | None = None
    duration_ms: int | None = None
    map_limit_seconds: int | None = None
    shutdown: bool = False

    def header(self) -> sw.HeaderFacts:
        ms = self.duration_ms
        if ms is None and self.stats_duration_seconds is not None:
            ms = self.stats_duration_seconds * 1000
        if self.shutdown:
            ms = 0
        return sw.HeaderFacts(
            self.defender_team, self.winner_team, self.limit_seconds, self.stats_clock_seconds, ms
        )


@dataclass(frozen=True, slots=True)
class LuaFacts:
    """What the linked Lua row says (``lua_round_teams``)."""

    lua_round_id: int
    actual_duration_seconds: int | None
    total_pause_seconds: int | None
    pause_count: int | None
    end_reason: str
    winner_team: int
    defender_team: int
    sources: str
    timelimit_minutes: float | None = None
    round_start_unix: int | None = None
    round_end_unix: int | None = None

    def timing(self) -> sw.LuaTiming:
        return sw.LuaTiming(
            self.winner_team,
            self.defender_team,
            self.end_reason,
            self.actual_duration_seconds or None,
            self.total_pause_seconds,
            self.timelimit_minutes,
        )


@dataclass(frozen=True, slots=True)
class TimingComparison:
    """Stats clock vs Lua duration vs pauses; ``status`` is a verdict or the link reason code."""

    stats_clock_seconds: int | None
    stats_duration_seconds: int | None
    lua_duration_seconds: int | None
    lua_pause_seconds: int | None
    lua_pause_count: int | None
    diff_seconds: int | None
    status: str


@dataclass(frozen=True, slots=True)
class EffectiveRound:
    """The values downstream should use for a round, each with where it came from and why."""

    round_id: int
    duration_seconds: int | None
    duration_source: str
    duration_reason: str
    winner_team: int
    winner_source: str
    defender_team: int
    defender_source: str
    lua_end_reason: str | None
    timing: TimingComparison
    end_reason: str | None = None
    end_reason_source: str = SOURCE_NONE
    stopwatch_state: str | None = None
    time_to_beat_seconds: int | None = None
    r1_attack_time_seconds: int | None = None
    map_limit_seconds: int | None = None
    map_limit_source: str = SOURCE_NONE
    round_start_unix: int | None = None
    round_end_unix: int | None = None
    round_times_source: str = SOURCE_NONE


def _timing_status(diff: int | None) -> str:
    if diff is None:
        return TIMING_NO_STATS_CLOCK
    if abs(diff) > DISCREPANCY_S:
        return TIMING_DISCREPANCY
    if abs(diff) > MINOR_DIFF_S:
        return TIMING_MINOR_DIFF
    return TIMING_ALIGNED


def _duration_reason(facts: RoundFacts, source: str, limit: int | None) -> str:
    if source == SOURCE_STATS_DURATION:
        return WHY_ENGINE_MEASURED
    ms = facts.header().duration_ms
    if source == SOURCE_LUA:
        if ms is not None and ms > 0 and limit and ms // 1000 > limit:
            return WHY_ABOVE_LIMIT
        return WHY_HEADER_MS_UNUSABLE
    if source == SOURCE_STATS_CLOCK:
        return WHY_NO_MEASUREMENT
    return WHY_NO_USABLE_DURATION


def _map_limit(facts: RoundFacts, lua: LuaFacts | None) -> tuple[int | None, str]:
    if facts.map_limit_seconds:
        return facts.map_limit_seconds, SOURCE_STATS
    if facts.round_number == 1 and lua is not None and lua.timelimit_minutes:
        return round(lua.timelimit_minutes * 60), SOURCE_LUA
    return None, SOURCE_NONE


def effective_round(facts: RoundFacts, link: RoundLink, lua: LuaFacts | None) -> EffectiveRound:
    """Judge a round from its header and its linked Lua row (``lua`` None: not linked).

    ``link`` is the round's :class:`~slomix_pipeline.domain.linking.records.RoundLink`; its
    reason code becomes the duration reason and timing status of an unlinked round.
    """
    link_reason = link.reason
    linked = lua is not None and link.lua_round_id is not None
    if not linked:
        lua = None
    verdict = sw.judge(facts.header(), lua.timing() if lua is not None else None)
    clock = facts.stats_clock_seconds
    if lua is None:
        timing = TimingComparison(
            clock, facts.stats_duration_seconds, None, None, None, None, link_reason
        )
        why = link_reason
    else:
        measured = lua.actual_duration_seconds or None
        diff = None if clock is None or measured is None else clock - measured
        status = TIMING_NO_LUA_DURATION if measured is None else _timing_status(diff)
        timing = TimingComparison(
            clock,
            facts.stats_duration_seconds,
            measured,
            lua.total_pause_seconds,
            lua.pause_count,
            diff,
            status,
        )
        why = _duration_reason(facts, verdict.duration_source, verdict.limit_seconds)
    duration = verdict.duration_seconds
    if facts.round_number == 2:
        to_beat = verdict.limit_seconds
    elif clock and verdict.limit_seconds and clock <= verdict.limit_seconds:
        to_beat = clock  # R1's header field 7 is the limit R2 gets (its time, or the limit)
    else:
        to_beat = duration if verdict.end_reason == sw.OBJECTIVE else verdict.limit_seconds
    attack = duration if facts.round_number == 1 and verdict.end_reason == sw.OBJECTIVE else None
    start = end = None
    times_source = SOURCE_NONE
    if lua is not None and lua.round_end_unix:
        end = lua.round_end_unix
        if verdict.duration_source == SOURCE_LUA or lua.round_start_unix is None:
            start, times_source = lua.round_start_unix, SOURCE_LUA
        elif duration is not None:
            start = end - duration - (lua.total_pause_seconds or 0)
            times_source = SOURCE_DERIVED
        else:
            start, times_source = lua.round_start_unix, SOURCE_LUA
    map_limit, map_limit_source = _map_limit(facts, lua)
    return EffectiveRound(
        round_id=facts.round_id,
        duration_seconds=duration,
        duration_source=verdict.duration_source,
        duration_reason=why,
        winner_team=verdict.winner_team,
        winner_source=verdict.winner_source,
        defender_team=verdict.defender_team,
        defender_source=verdict.defender_source,
        lua_end_reason=None if lua is None else lua.end_reason,
        timing=timing,
        end_reason=verdict.end_reason,
        end_reason_source=verdict.end_reason_source,
        stopwatch_state=verdict.stopwatch_state,
        time_to_beat_seconds=to_beat,
        r1_attack_time_seconds=attack,
        map_limit_seconds=map_limit,
        map_limit_source=map_limit_source,
        round_start_unix=start,
        round_end_unix=end,
        round_times_source=times_source,
    )


@dataclass(frozen=True, slots=True)
class PlayerTime:
    """A player's stored time and damage in one round."""

    round_id: int
    player_guid: str
    time_played_seconds: int
    damage_given: int
    dpm: float


@dataclass(frozen=True, slots=True)
class EffectivePlayerTime:
    """A player's time played and DPM after the Lua clamp (``clamped`` says whether it fired)."""

    round_id: int
    player_guid: str
    time_played_seconds_stats: int
    time_played_seconds: int
    dpm_stats: float
    dpm: float
    clamped: bool


def effective_player_time(
    player: PlayerTime, lua_duration_seconds: int | None, is_orphan_r2: bool
) -> EffectivePlayerTime:
    """Clamp an implausible time played to the Lua duration and recompute DPM.

    Upstream clamps when the stored time exceeds 1.5x the Lua duration. It does so for every
    round, which is wrong for an orphan R2: its values are cumulative over both halves (its R1
    file never arrived), so its time legitimately exceeds the R2 duration; orphans are exempt.
    """
    tp = player.time_played_seconds
    if (
        is_orphan_r2
        or not lua_duration_seconds
        or lua_duration_seconds <= 0
        or tp <= CLAMP_FACTOR * lua_duration_seconds
    ):
        return EffectivePlayerTime(
            player.round_id, player.player_guid, tp, tp, player.dpm, player.dpm, False
        )
    dpm = player.damage_given * 60 / lua_duration_seconds
    return EffectivePlayerTime(
        player.round_id, player.player_guid, tp, lua_duration_seconds, player.dpm, dpm, True
    )
