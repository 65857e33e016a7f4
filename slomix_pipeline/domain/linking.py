"""Round linking: stats rounds <-> Lua round ends (<-> proximity files), and the Lua truth (pure).

Three sources describe the same stopwatch half: the stats file (named after the moment it was
written, a few seconds after the round end), the Lua round-end event (epoch start and end) and,
optionally, the proximity tracker file (epoch start and end, already tied to a stats round by the
proximity ingestion). Linking decides, for a set of rows, which belong together, and *why* the
others do not, so "NO LUA DATA" is never a shrug.

Rules (see docs/sessions.md):

1. **Exact start first.** A round whose proximity file gives it a start time is linked to the Lua
   row with the same ``(map key, round number, start)`` when exactly one Lua row and exactly one
   round carry that key. Two or more on either side: every one of them stays unlinked
   (``ambiguous``) and is not retried by the tolerance step.
2. **Then end vs file time.** Remaining rows of the same map key and round number whose
   ``|Lua end - file time|`` is within ``tolerance_s`` (30 s) are candidates. A pair is linked only
   when each is the *only* candidate of the other; a tie or any second candidate leaves every row
   involved unlinked (``ambiguous``). Never guessing keeps the result independent of input order.
3. **Reasons.** Every unlinked row gets one code: ``ambiguous`` (a candidate within tolerance is
   contested), ``linked_elsewhere`` (every candidate within tolerance belongs to another row),
   ``late_pending`` (nothing yet, but the row is inside the grace period), ``unlinked_candidate``
   (an unlinked counterpart exists within the search window, but outside the tolerance: a clock or
   identity problem worth a look) or ``never_received`` (no counterpart at all).

The result is a pure function of the rows and of ``now_unix`` (only ``late_pending`` depends on
it), so a late arrival is handled by running the function again, never by patching links.

Applying the Lua truth to a linked round (winner, end reason, stopwatch state, duration by
source reliability, player time clamp) lives in ``domain.lua_truth`` and is re-exported here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from slomix_pipeline.domain.time_index import TimeIndex

LINKED = "linked"
AMBIGUOUS = "ambiguous"
LINKED_ELSEWHERE = "linked_elsewhere"
LATE_PENDING = "late_pending"
UNLINKED_CANDIDATE = "unlinked_candidate"
NEVER_RECEIVED = "never_received"
REASONS: tuple[str, ...] = (
    AMBIGUOUS,
    LINKED_ELSEWHERE,
    LATE_PENDING,
    UNLINKED_CANDIDATE,
    NEVER_RECEIVED,
)
"""Reason codes of an unlinked row (a linked row carries ``linked``)."""

METHOD_EXACT_START = "exact_start"
METHOD_END_TOLERANCE = "end_within_tolerance"

DEFAULT_TOLERANCE_S = 30
"""|Lua end - file time| accepted for a link (upstream's late-link bound, from live data)."""
DEFAULT_WINDOW_S = 45 * 60
"""How far a counterpart is still looked for when classifying an unlinked row."""
DEFAULT_GRACE_S = 15 * 60
"""How long after its end an unlinked row is only ``late_pending`` (deliveries still arrive)."""

PROXIMITY_NOT_LOADED = "not_loaded"


# ----------------------------------------------------------------------------------- records


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
        times = [self.file_time_unix]
        if self.alt_file_time_unix is not None:
            times.append(self.alt_file_time_unix)
        return min((epoch - t for t in times), key=abs)

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


@dataclass(slots=True)
class _State:
    """Mutable bookkeeping while linking (private)."""

    round_to_lua: dict[int, int] = field(default_factory=dict)
    lua_to_round: dict[int, int] = field(default_factory=dict)
    method: dict[int, str] = field(default_factory=dict)  # by round id
    contested_rounds: set[int] = field(default_factory=set)
    contested_lua: set[int] = field(default_factory=set)

    def link(self, round_id: int, lua_id: int, method: str) -> None:
        self.round_to_lua[round_id] = lua_id
        self.lua_to_round[lua_id] = round_id
        self.method[round_id] = method


# ----------------------------------------------------------------------------------- linking


def _proximity_claims(
    rounds: Sequence[StatsRoundRef], proximity: Iterable[ProximityRef] | None
) -> tuple[dict[int, ProximityRef], dict[int, str]]:
    """The single proximity file of each round, and the proximity reason of every round."""
    if proximity is None:
        return {}, {r.round_id: PROXIMITY_NOT_LOADED for r in rounds}
    claims: dict[int, list[ProximityRef]] = defaultdict(list)
    for ref in proximity:
        if ref.round_id is not None:
            claims[ref.round_id].append(ref)
    single: dict[int, ProximityRef] = {}
    reasons: dict[int, str] = {}
    for r in rounds:
        found = claims.get(r.round_id, [])
        if len(found) == 1:
            single[r.round_id] = found[0]
            reasons[r.round_id] = LINKED
        else:
            reasons[r.round_id] = AMBIGUOUS if found else NEVER_RECEIVED
    return single, reasons


def _exact_start_stage(
    rounds: Sequence[StatsRoundRef],
    lua_rows: Sequence[LuaRoundRef],
    starts: dict[int, int],
    state: _State,
) -> None:
    """Stage 1: one-to-one ``(map, round, start)`` matches; anything else is contested."""
    by_key_rounds: dict[tuple[str, int, int], list[int]] = defaultdict(list)
    for r in rounds:
        start = starts.get(r.round_id)
        if start:
            by_key_rounds[(r.map_key, r.round_number, start)].append(r.round_id)
    by_key_lua: dict[tuple[str, int, int], list[int]] = defaultdict(list)
    for lua in lua_rows:
        if lua.round_start_unix > 0:
            by_key_lua[(lua.map_key, lua.round_number, lua.round_start_unix)].append(
                lua.lua_round_id
            )
    for key, round_ids in by_key_rounds.items():
        lua_ids = by_key_lua.get(key, [])
        if not lua_ids:
            continue
        if len(round_ids) == 1 and len(lua_ids) == 1:
            state.link(round_ids[0], lua_ids[0], METHOD_EXACT_START)
        else:
            state.contested_rounds.update(round_ids)
            state.contested_lua.update(lua_ids)


def _near(
    rounds_by_key: Mapping[tuple[str, int], TimeIndex[StatsRoundRef]],
    lua: LuaRoundRef,
    limit_s: int,
) -> list[StatsRoundRef]:
    """The rounds of the Lua's key whose file time is within ``limit_s`` of its end."""
    index = rounds_by_key.get((lua.map_key, lua.round_number))
    return index.within(lua.round_end_unix, limit_s) if index is not None else []


def _tolerance_stage(
    rounds_by_key: Mapping[tuple[str, int], TimeIndex[StatsRoundRef]],
    lua_rows: Sequence[LuaRoundRef],
    tolerance_s: int,
    state: _State,
) -> None:
    """Stage 2: mutual single candidates within the tolerance.

    Rows already linked by stage 1 are claimed and out of the game; rows contested in stage 1
    still count as candidates (so they block their neighbours) but can never be linked.
    """
    lua_candidates: dict[int, list[int]] = {}
    round_candidates: dict[int, list[int]] = defaultdict(list)
    for lua in lua_rows:
        if lua.lua_round_id in state.lua_to_round:
            continue
        near = [
            r.round_id
            for r in _near(rounds_by_key, lua, tolerance_s)
            if r.round_id not in state.round_to_lua
        ]
        lua_candidates[lua.lua_round_id] = near
        for round_id in near:
            round_candidates[round_id].append(lua.lua_round_id)
    for lua_id, near in lua_candidates.items():
        if (
            len(near) == 1
            and len(round_candidates[near[0]]) == 1
            and lua_id not in state.contested_lua
            and near[0] not in state.contested_rounds
        ):
            state.link(near[0], lua_id, METHOD_END_TOLERANCE)


def _reason(
    near_partners: Sequence[int],
    wide_partners: Sequence[int],
    partner_linked: Mapping[int, int],
    partner_has_near: Mapping[int, bool],
    contested: bool,
    pending: bool,
) -> str:
    """The reason code of an unlinked row, from its counterparts near and within the window.

    Only a *stray* counterpart (unlinked, with no candidate of its own within the tolerance)
    makes ``unlinked_candidate``: a row that is contested elsewhere belongs to that place.
    """
    if contested:
        return AMBIGUOUS
    if near_partners:
        if any(p not in partner_linked for p in near_partners):
            return AMBIGUOUS
        return LINKED_ELSEWHERE
    if pending:
        return LATE_PENDING
    if any(p not in partner_linked and not partner_has_near[p] for p in wide_partners):
        return UNLINKED_CANDIDATE
    return NEVER_RECEIVED


def link_rounds(
    rounds: Iterable[StatsRoundRef],
    lua_rows: Iterable[LuaRoundRef],
    proximity: Iterable[ProximityRef] | None = None,
    *,
    now_unix: int,
    settings: LinkSettings | None = None,
) -> LinkResult:
    """Link every round to at most one Lua row and every Lua row to at most one round.

    ``proximity=None`` means the proximity table is not available (every round then carries the
    proximity reason ``not_loaded``); an empty iterable means "available, nothing there".
    ``now_unix`` is only used for the grace period (``late_pending``).
    """
    cfg = settings or LinkSettings()
    round_list = sorted(rounds, key=lambda r: r.round_id)
    lua_list = sorted(lua_rows, key=lambda r: r.lua_round_id)
    prox_single, prox_reasons = _proximity_claims(round_list, proximity)
    starts = {
        round_id: ref.round_start_unix
        for round_id, ref in prox_single.items()
        if ref.round_start_unix and ref.round_start_unix > 0
    }
    state = _State()
    _exact_start_stage(round_list, lua_list, starts, state)
    grouped: dict[tuple[str, int], list[StatsRoundRef]] = defaultdict(list)
    for r in round_list:
        grouped[(r.map_key, r.round_number)].append(r)
    rounds_by_key = {key: TimeIndex(group) for key, group in grouped.items()}
    _tolerance_stage(rounds_by_key, lua_list, cfg.tolerance_s, state)

    rounds_by_id = {r.round_id: r for r in round_list}
    near_rounds: dict[int, list[int]] = {}
    wide_rounds: dict[int, list[int]] = {}
    near_lua: dict[int, list[int]] = {r.round_id: [] for r in round_list}
    wide_lua: dict[int, list[int]] = {r.round_id: [] for r in round_list}
    for lua in lua_list:
        near = [r.round_id for r in _near(rounds_by_key, lua, cfg.tolerance_s)]
        wide = [
            r.round_id
            for r in _near(rounds_by_key, lua, cfg.window_s)
            if r.round_id not in set(near)
        ]
        near_rounds[lua.lua_round_id] = near
        wide_rounds[lua.lua_round_id] = wide
        for round_id in near:
            near_lua[round_id].append(lua.lua_round_id)
        for round_id in wide:
            wide_lua[round_id].append(lua.lua_round_id)
    round_has_near = {round_id: bool(ids) for round_id, ids in near_lua.items()}
    lua_has_near = {lua_id: bool(ids) for lua_id, ids in near_rounds.items()}

    lua_out: list[LuaLink] = []
    for lua in lua_list:
        lua_id = lua.lua_round_id
        near = near_rounds[lua_id]
        linked_round = state.lua_to_round.get(lua_id)
        if linked_round is not None:
            delta = rounds_by_id[linked_round].delta(lua.round_end_unix)
            lua_out.append(
                LuaLink(lua_id, linked_round, state.method[linked_round], delta, LINKED, len(near))
            )
            continue
        reason = _reason(
            near,
            wide_rounds[lua_id],
            state.round_to_lua,
            round_has_near,
            lua_id in state.contested_lua,
            now_unix - lua.round_end_unix < cfg.grace_s,
        )
        lua_out.append(LuaLink(lua_id, None, None, None, reason, len(near)))

    lua_by_id = {lua.lua_round_id: lua for lua in lua_list}
    rounds_out: list[RoundLink] = []
    for r in round_list:
        prox = prox_single.get(r.round_id)
        prox_file = prox.file_name if prox else None
        candidates = len(near_lua[r.round_id])
        lua_id = state.round_to_lua.get(r.round_id)
        if lua_id is not None:
            delta = r.delta(lua_by_id[lua_id].round_end_unix)
            method = state.method[r.round_id]
            rounds_out.append(
                RoundLink(
                    r.round_id,
                    lua_id,
                    method,
                    delta,
                    LINKED,
                    candidates,
                    prox_file,
                    prox_reasons[r.round_id],
                )
            )
            continue
        reason = _reason(
            near_lua[r.round_id],
            wide_lua[r.round_id],
            state.lua_to_round,
            lua_has_near,
            r.round_id in state.contested_rounds,
            now_unix - r.file_time_unix < cfg.grace_s,
        )
        rounds_out.append(
            RoundLink(
                r.round_id,
                None,
                None,
                None,
                reason,
                candidates,
                prox_file,
                prox_reasons[r.round_id],
            )
        )
    return LinkResult(tuple(rounds_out), tuple(lua_out))


# ---------------------------------------------------------------------------- the Lua truth
# Applying the Lua truth to a linked round lives in ``domain.lua_truth``; re-exported here so
# callers keep one import for "linking and what it implies".

from slomix_pipeline.domain.lua_truth import (  # noqa: E402
    CLAMP_FACTOR,
    DISCREPANCY_S,
    MINOR_DIFF_S,
    SOURCE_LUA,
    SOURCE_NONE,
    SOURCE_STATS,
    SOURCE_STATS_CLOCK,
    SOURCE_STATS_DURATION,
    TIMING_ALIGNED,
    TIMING_DISCREPANCY,
    TIMING_MINOR_DIFF,
    TIMING_NO_LUA_DURATION,
    TIMING_NO_STATS_CLOCK,
    WHY_ABOVE_LIMIT,
    WHY_ENGINE_MEASURED,
    WHY_HEADER_MS_UNUSABLE,
    WHY_NO_MEASUREMENT,
    WHY_NO_USABLE_DURATION,
    EffectivePlayerTime,
    EffectiveRound,
    LuaFacts,
    PlayerTime,
    RoundFacts,
    TimingComparison,
    effective_player_time,
    effective_round,
)

__all__ = [
    "AMBIGUOUS",
    "CLAMP_FACTOR",
    "DEFAULT_GRACE_S",
    "DEFAULT_TOLERANCE_S",
    "DEFAULT_WINDOW_S",
    "DISCREPANCY_S",
    "LATE_PENDING",
    "LINKED",
    "LINKED_ELSEWHERE",
    "METHOD_END_TOLERANCE",
    "METHOD_EXACT_START",
    "MINOR_DIFF_S",
    "NEVER_RECEIVED",
    "PROXIMITY_NOT_LOADED",
    "REASONS",
    "SOURCE_LUA",
    "SOURCE_NONE",
    "SOURCE_STATS",
    "SOURCE_STATS_CLOCK",
    "SOURCE_STATS_DURATION",
    "TIMING_ALIGNED",
    "TIMING_DISCREPANCY",
    "TIMING_MINOR_DIFF",
    "TIMING_NO_LUA_DURATION",
    "TIMING_NO_STATS_CLOCK",
    "UNLINKED_CANDIDATE",
    "WHY_ABOVE_LIMIT",
    "WHY_ENGINE_MEASURED",
    "WHY_HEADER_MS_UNUSABLE",
    "WHY_NO_MEASUREMENT",
    "WHY_NO_USABLE_DURATION",
    "EffectivePlayerTime",
    "EffectiveRound",
    "LinkResult",
    "LinkSettings",
    "LuaFacts",
    "LuaLink",
    "LuaRoundRef",
    "PlayerTime",
    "ProximityRef",
    "RoundFacts",
    "RoundLink",
    "StatsRoundRef",
    "TimingComparison",
    "effective_player_time",
    "effective_round",
    "link_rounds",
]
